"""Attribute matching as C-FIND defines it (PS3.4 C.2.2.2), adopted by QIDO-RS (PS3.18 §8.3.4.1.1).

``classify`` decides which kind of matching a key value asks for and rejects values the
standard does not allow; ``match_values`` applies it to one stored attribute.

* C.2.2.2.1 Single Value Matching: exact and case-sensitive, except PN (see personname.py).
  Padding spaces are not part of a value (PS3.5 Table 6.2-1) and are ignored on both sides.
* C.2.2.2.2 List of UID Matching: in QIDO the UIDs are comma-separated (§8.3.4.1); any UID may
  match. A backslash, the DIMSE delimiter, is rejected: QIDO's syntax has no place for it.
* C.2.2.2.3 Universal Matching: an empty value matches every entity, including entities that
  lack the attribute. C.2.2.2.4: "*" alone is equivalent.
* C.2.2.2.4 Wild Card Matching: only for AE, CS, LO, LT, PN, SH, ST, UC, UR, UT; "*" or "?" in
  a key of any other VR makes the query invalid.
* C.2.2.2.5 Range Matching: DA, TM, DT; "a-b", "-b", "a-", inclusive. See temporal.py.
* C.2.2.2.7 Empty Value Matching: the key '""' with emptyvaluematching=true (§8.3.4.5) matches
  zero-length values.
* C.2.2.2.8 Multiple Value Matching: with multiplevaluematching=true (§8.3.4.6), a key with
  several values (backslash-separated) for AE, AS, AT, CS, LO, PN, SH, UC attributes of VM > 1
  matches only when every key value matches some stored value (logical AND). Without it,
  Note 4 says the meaning of several key values is undefined, so the oracle refuses.
* A multi-valued stored attribute matches when any of its values matches (C.2.2.3; the
  C.2.2.2.8 Note 1 example: ModalitiesInStudy CT\\PT matches a key CT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

from .errors import OracleUnsupported, QueryError
from .outcome import MATCH, NO_MATCH, Latitude, Outcome, Verdict, all_of, any_of, either
from .personname import match_person_name, wildcard_regex
from .temporal import Span, parse_da, parse_dt, parse_tm, range_verdict, split_range

__all__ = [
    "KeyKind",
    "MatchOptions",
    "classify",
    "match_values",
    "matches",
    "strip_padding",
    "parse_temporal",
    "WILDCARD_VRS",
]

WILDCARD_VRS = frozenset({"AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UR", "UT"})
MULTI_VALUE_VRS = frozenset({"AE", "AS", "AT", "CS", "LO", "PN", "SH", "UC"})
TEMPORAL_VRS = frozenset({"DA", "TM", "DT"})
NUMBER_STRING_VRS = frozenset({"IS", "DS"})
BINARY_NUMBER_VRS = frozenset({"US", "SS", "UL", "SL", "UV", "SV"})  # FL/FD: see classify
_BOTH_ENDS = frozenset({"AE", "CS", "DS", "IS", "LO", "SH"})
EMPTY_VALUE_KEY = '""'
_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


class KeyKind(Enum):
    UNIVERSAL = "universal"
    SINGLE = "single value"
    UID_LIST = "list of UID"
    WILDCARD = "wild card"
    RANGE = "range"
    EMPTY_VALUE = "empty value"
    MULTIPLE_VALUE = "multiple value"


@dataclass(frozen=True)
class MatchOptions:
    """The search parameters that change matching (PS3.18 §8.3.4.2, §8.3.4.5, §8.3.4.6)."""

    fuzzy: bool = False
    empty_value_matching: bool = False
    multiple_value_matching: bool = False


def strip_padding(text: str, vr: str) -> str:
    """Drop the spaces PS3.5 Table 6.2-1 declares insignificant for the VR (NUL for UI)."""
    if vr == "UI":
        return text.rstrip("\0 ")
    if vr in _BOTH_ENDS:
        return text.strip(" ")
    return text.rstrip(" ")


def parse_temporal(text: str, vr: str) -> Span | None:
    return {"DA": parse_da, "TM": parse_tm, "DT": parse_dt}[vr](text)


def classify(
    key: str, vr: str, options: MatchOptions = MatchOptions(), *, multi_valued: bool = True
) -> KeyKind:
    """The kind of matching ``key`` requests for an attribute of ``vr``; raises on bad keys.

    ``multi_valued`` says whether PS3.6 allows the attribute several values (C.2.2.2.8).
    """
    if key == "":
        return KeyKind.UNIVERSAL
    text = strip_padding(key, vr)
    if text == "":
        raise OracleUnsupported(f"the value {key!r} is only padding; universal or not is unclear")
    if key == EMPTY_VALUE_KEY and options.empty_value_matching:
        return KeyKind.EMPTY_VALUE
    if key == EMPTY_VALUE_KEY and vr not in WILDCARD_VRS and vr != "AS":
        raise QueryError(
            f'{key} asks for Empty Value Matching, which needs emptyvaluematching=true '
            f"(PS3.18 §8.3.4.5); as a literal it is not a valid {vr} value"
        )
    if vr == "UI":
        return _classify_uids(text)
    if "\\" in text:
        return _classify_multiple(text, vr, options, multi_valued)
    has_wildcard = "*" in text or "?" in text
    if has_wildcard and vr not in WILDCARD_VRS:
        raise QueryError(f"wild cards are not allowed for VR {vr} (PS3.4 C.2.2.2.4): {key!r}")
    if vr in TEMPORAL_VRS:
        return _classify_temporal(text, vr)
    if vr in WILDCARD_VRS or vr == "AS":
        if text == "*":
            return KeyKind.UNIVERSAL  # C.2.2.2.4: "*" is equivalent to Universal Matching
        return KeyKind.WILDCARD if has_wildcard else KeyKind.SINGLE
    if vr in ("FL", "FD"):
        raise OracleUnsupported(f"equality of {vr} values depends on the server's float precision")
    if vr in NUMBER_STRING_VRS or vr in BINARY_NUMBER_VRS:
        if not (_DECIMAL if vr == "DS" else _INTEGER).match(text):
            raise QueryError(f"{key!r} is not a valid {vr} value")
        return KeyKind.SINGLE
    raise OracleUnsupported(f"the oracle does not match attributes of VR {vr}")


def _classify_uids(text: str) -> KeyKind:
    if "\\" in text:
        raise QueryError(
            "QIDO-RS separates a list of UIDs with commas, not backslashes "
            f"(PS3.18 §8.3.4.1): {text!r}"
        )
    uids = text.split(",")
    for uid in uids:
        if len(uid) > 64 or not _UID.match(uid):
            raise QueryError(f"{uid!r} is not a valid UID (PS3.5 §9.1)")
    return KeyKind.UID_LIST if len(uids) > 1 else KeyKind.SINGLE


def _classify_multiple(text: str, vr: str, options: MatchOptions, multi_valued: bool) -> KeyKind:
    if not options.multiple_value_matching:
        raise OracleUnsupported(
            "a key with several values has undefined meaning without multiplevaluematching=true "
            "(PS3.4 C.2.2.2.8 Note 4)"
        )
    if vr not in MULTI_VALUE_VRS or not multi_valued:
        raise OracleUnsupported(
            f"Multiple Value Matching applies only to AE, AS, AT, CS, LO, PN, SH, UC attributes "
            f"with VM > 1 (PS3.4 C.2.2.2.8), not to this {vr} attribute"
        )
    if "*" in text or "?" in text:
        raise QueryError(
            f"Multiple Value Matching keys shall not include wild cards (PS3.4 C.2.2.2.8): {text!r}"
        )
    if any(not part for part in text.split("\\")):
        raise QueryError(f"empty value in a multiple value key: {text!r}")
    return KeyKind.MULTIPLE_VALUE


def _classify_temporal(text: str, vr: str) -> KeyKind:
    if "-" in text:  # C.2.2.2.1 Note: a "-" in DA/TM/DT keys means Range Matching
        if split_range(text, vr) is None:
            raise QueryError(f"{text!r} is not a valid {vr} range (PS3.4 C.2.2.2.5)")
        return KeyKind.RANGE
    if parse_temporal(text, vr) is None:
        raise QueryError(f"{text!r} is not a valid {vr} value (PS3.5 Table 6.2-1)")
    return KeyKind.SINGLE


def match_values(
    values: tuple[str, ...] | None,
    key: str,
    vr: str,
    options: MatchOptions = MatchOptions(),
    *,
    multi_valued: bool = True,
) -> Outcome:
    """Outcome of one key against one stored attribute (None = absent, () = zero length)."""
    kind = classify(key, vr, options, multi_valued=multi_valued)
    if kind is KeyKind.UNIVERSAL:
        return MATCH
    stored = () if values is None else tuple(v for v in (strip_padding(x, vr) for x in values) if v)
    if kind is KeyKind.EMPTY_VALUE:
        if stored:
            return NO_MATCH
        return either(Latitude.ABSENT_AS_EMPTY) if values is None else MATCH
    text = strip_padding(key, vr)
    if not stored:
        if kind is KeyKind.WILDCARD and wildcard_regex(text).fullmatch(""):
            return either(Latitude.ABSENT_AS_EMPTY) if values is None else MATCH
        return NO_MATCH
    if kind is KeyKind.UID_LIST:
        wanted = set(text.split(","))
        return MATCH if wanted.intersection(stored) else NO_MATCH
    if kind is KeyKind.RANGE:
        return any_of(_range(value, text, vr) for value in stored)
    if kind is KeyKind.MULTIPLE_VALUE:
        return all_of(
            any_of(_single(value, part, vr, KeyKind.SINGLE, options) for value in stored)
            for part in text.split("\\")
        )
    return any_of(_single(value, text, vr, kind, options) for value in stored)


def matches(
    values: tuple[str, ...] | None, key: str, vr: str, options: MatchOptions = MatchOptions()
) -> bool:
    """Boolean form of match_values; raises OracleUnsupported where the server may choose."""
    outcome = match_values(values, key, vr, options)
    if outcome.verdict is Verdict.EITHER:
        raise OracleUnsupported("; ".join(sorted(outcome.latitude)))
    return outcome.verdict is Verdict.MATCH


def _single(value: str, key: str, vr: str, kind: KeyKind, options: MatchOptions) -> Outcome:
    wildcard = kind is KeyKind.WILDCARD
    if vr == "PN":
        return match_person_name(value, key, wildcard=wildcard, fuzzy=options.fuzzy)
    if wildcard:
        return MATCH if wildcard_regex(key).fullmatch(value) else NO_MATCH
    if vr in TEMPORAL_VRS:
        return _single_temporal(value, key, vr)
    if vr in NUMBER_STRING_VRS:
        return _two_readings(value == key, _same_number(value, key), Latitude.NUMBER_SINGLE)
    if vr in BINARY_NUMBER_VRS:
        same = _same_number(value, key)
        if same is None:
            raise OracleUnsupported(f"stored {vr} value {value!r} is not a number")
        return MATCH if same else NO_MATCH
    return MATCH if value == key else NO_MATCH


def _same_number(value: str, key: str) -> bool | None:
    try:
        return Decimal(value) == Decimal(key)
    except InvalidOperation:
        return None


def _two_readings(literal: bool, by_meaning: bool | None, reason: str) -> Outcome:
    """Single value matching that may be literal or by meaning: decided only if both agree."""
    if by_meaning is None:
        raise OracleUnsupported(
            "a stored value cannot be read by meaning; literal matching differs"
        )
    if literal == by_meaning:
        return MATCH if literal else NO_MATCH
    return either(reason)


def _single_temporal(value: str, key: str, vr: str) -> Outcome:
    stored, wanted = parse_temporal(value, vr), parse_temporal(key, vr)
    by_meaning: bool | None = None
    if stored is not None and wanted is not None:
        if stored.has_offset != wanted.has_offset and value != key:
            raise OracleUnsupported(
                f"comparing {value!r} and {key!r} by meaning needs the server's local time zone"
            )
        # PS3.4 C.2.2.2.1 Note: by meaning, "2230" equals "223000" (omitted parts are zero).
        by_meaning = stored.earliest == wanted.earliest
    return _two_readings(value == key, by_meaning, Latitude.DATETIME_SINGLE)


def _range(value: str, key: str, vr: str) -> Outcome:
    bounds = split_range(key, vr)
    assert bounds is not None  # classify() has validated the key
    low, high = (None if b is None else parse_temporal(b, vr) for b in bounds)
    stored = parse_temporal(value, vr)
    if stored is None:
        raise OracleUnsupported(
            f"stored {vr} value {value!r} is invalid; its range match is unknown"
        )
    for bound in (low, high):
        if bound is not None and bound.has_offset != stored.has_offset:
            raise OracleUnsupported(
                f"range {key!r} and stored {value!r} differ in carrying a UTC offset; the server's "
                "local time zone decides (PS3.4 C.2.2.2.5.3)"
            )
    return _verdict_or_refuse(range_verdict(stored, low, high), value, key)


def _verdict_or_refuse(verdict: bool | None, value: str, key: str) -> Outcome:
    if verdict is None:
        raise OracleUnsupported(
            f"whether {value!r} is in range {key!r} depends on how partial times are widened, "
            "which PS3.4 C.2.2.2.5 does not specify"
        )
    return MATCH if verdict else NO_MATCH
