"""From a SearchQuery to the list of checks each candidate entity must pass.

Decisions taken here, with their sources:

* Which keys a resource accepts: PS3.18 §10.6.1.2.1 (Patient IE everywhere; Study IE only on
  /studies, /series, /instances; ...). Any other IE-level key makes the oracle refuse: the
  standard does not define how a server reacts (relational queries beyond these are optional,
  PS3.4 C.4.1.2.2.1).
* Which entity owns a key: its IE level (tables.py). Patient attributes live on the study in
  the Study Root model (PS3.4 C.6.2). A higher-level key on a lower-level resource, e.g. a
  study key on /series, is matched against the entity's study (Hierarchical Search Method,
  PS3.4 C.4.1.3.1.1).
* Which keys the server must honour: PS3.18 Table 10.6.1-5 for the IE levels that Table
  10.6.1-4 requires of the resource, plus ``supported_optional_keys``. A server may ignore any
  other key (PS3.4 C.2.2.1.3), so failing it only yields "may match".
* Specific Character Set is never matched (PS3.4 C.2.2.2). Other Additional Query/Retrieve
  Attributes (C.3.4), Timezone Offset From UTC (§8.3.4.1.1) and attributes the tables cannot
  place are accepted only with universal (empty) values.
* Private data elements and their Private Creators (§10.6.1.2.1 allows them on every resource)
  are never required matching keys, so a server may ignore them (PS3.4 C.2.2.1.3): they can only
  narrow "may match". They belong to the instance that holds them, so the oracle judges them on
  instance resources only; their VR is the stored one (a Private Creator is always LO).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydicom.dataset import Dataset

from .datetime_pairs import match_date_time_pair, range_form, time_partner
from .elements import Values, describe, element_values, is_multi_valued, sequence_items, vr_of
from .errors import OracleUnsupported
from .matching import KeyKind, MatchOptions, classify, match_values
from .outcome import Outcome
from .query import AttributePath, SearchQuery
from .sequences import ItemKeys, match_sequence
from .tables import (
    ADDITIONAL_QR,
    ALLOWED_KEY_LEVELS,
    COMPUTED,
    NEVER_MATCHED,
    REQUIRED_IE_LEVELS,
    REQUIRED_MATCHING,
    Level,
    ie_level_of,
)

__all__ = ["Check", "DateTimeMode", "plan_checks"]

DateTimeMode = Literal["combined", "separate"]


@dataclass(frozen=True)
class Check:
    """One matching condition: evaluated per stored instance, or on computed values."""

    label: str
    owner: Level
    required: bool
    tag: int
    value: str = ""
    item_keys: ItemKeys = ()
    time_tag: int | None = None
    time_value: str = ""
    options: MatchOptions = MatchOptions()
    private: bool = False  # a private element or Private Creator: its VR comes from the stored data

    @property
    def computed(self) -> bool:
        return self.tag in COMPUTED

    def on_dataset(self, dataset: Dataset) -> Outcome:
        if self.time_tag is not None:
            return match_date_time_pair(
                dataset, self.tag, self.time_tag, self.value, self.time_value
            )
        if self.item_keys:
            return match_sequence(sequence_items(dataset, self.tag), self.item_keys, self.options)
        if self.private:
            return self._on_private(dataset)
        return self.on_values(element_values(dataset, self.tag))

    def on_values(self, values: Values) -> Outcome:
        vr = vr_of(self.tag)
        assert vr is not None
        multi = is_multi_valued(self.tag)
        return match_values(values, self.value, vr, self.options, multi_valued=multi)

    def _on_private(self, dataset: Dataset) -> Outcome:
        element = dataset.get(self.tag)
        vr = "LO" if _is_private_creator(self.tag) or element is None else str(element.VR)
        return match_values(element_values(dataset, self.tag), self.value, vr, self.options)


def plan_checks(
    query: SearchQuery,
    *,
    date_time: DateTimeMode = "combined",
    supported_optional_keys: Iterable[AttributePath] = (),
) -> list[Check]:
    resource = query.resource
    honoured: set[AttributePath] = set(supported_optional_keys)
    for level in REQUIRED_IE_LEVELS[resource]:
        honoured |= REQUIRED_MATCHING[level]
    options = query.options
    plain: dict[int, str] = {}
    sequences: dict[int, list[tuple[tuple[int, ...], str]]] = {}
    private: list[Check] = []
    for attribute, value in query.keys:
        head = attribute if isinstance(attribute, int) else attribute[0]
        if head in NEVER_MATCHED:
            continue
        _check_allowed(head, attribute, value, query)
        if isinstance(attribute, tuple):
            sequences.setdefault(head, []).append((attribute[1:], value))
        elif head & 0x10000:
            if value != "":
                private.append(Check(f"{describe(head)}={value}", query.level, False, head, value,
                                     options=options, private=True))
        elif vr_of(head) != "SQ" and not _is_universal(head, value, options):
            plain[head] = value
    checks: list[Check] = []
    if date_time == "combined":
        checks.extend(_pairs(plain, honoured, options))
    for head, value in plain.items():
        checks.append(
            Check(
                f"{describe(head)}={value}", _owner(head), head in honoured, head, value,
                options=options,
            )
        )
    for head, item_keys in sequences.items():
        required = all((head, *path) in honoured for path, _ in item_keys)
        label = "&".join(_path_label(head, path, value) for path, value in item_keys)
        checks.append(
            Check(label, _owner(head), required, head, item_keys=tuple(item_keys), options=options)
        )
    return checks + private


def _path_label(head: int, path: tuple[int, ...], value: str) -> str:
    return ".".join(describe(t) for t in (head, *path)) + f"={value}"


def _pairs(
    plain: dict[int, str], honoured: set[AttributePath], options: MatchOptions
) -> list[Check]:
    """Pull DA/TM keys of the same range form out of ``plain`` as combined checks."""
    checks: list[Check] = []
    for date_tag in list(plain):
        time_tag = time_partner(date_tag)
        if time_tag is None or time_tag not in plain:
            continue
        date_key, time_key = plain[date_tag], plain[time_tag]
        if classify(date_key, "DA", options) is not KeyKind.RANGE:
            continue
        if classify(time_key, "TM", options) is not KeyKind.RANGE:
            continue
        if range_form(date_key.strip()) != range_form(time_key.strip()):
            continue
        if _owner(date_tag) != _owner(time_tag):
            continue
        del plain[date_tag], plain[time_tag]
        checks.append(
            Check(
                f"{describe(date_tag)}={date_key} & {describe(time_tag)}={time_key} (combined)",
                _owner(date_tag),
                date_tag in honoured and time_tag in honoured,
                date_tag,
                date_key,
                time_tag=time_tag,
                time_value=time_key,
                options=options,
            )
        )
    return checks


def _is_universal(head: int, value: str, options: MatchOptions) -> bool:
    vr = vr_of(head)
    if vr is None:
        return value == ""
    return classify(value, vr, options, multi_valued=is_multi_valued(head)) is KeyKind.UNIVERSAL


def _is_private_creator(tag: int) -> bool:
    return bool(tag & 0x10000) and 0x10 <= tag & 0xFFFF <= 0xFF


def _owner(head: int) -> Level:
    level = ie_level_of(head)
    assert level is not None
    return "study" if level == "patient" else level


def _check_allowed(head: int, attribute: AttributePath, value: str, query: SearchQuery) -> None:
    universal = value == "" or (
        isinstance(attribute, int) and _is_universal(head, value, query.options)
    )
    if head & 0x10000:
        if universal or (query.level == "instance" and isinstance(attribute, int)):
            return
        raise OracleUnsupported(
            f"matching on private {describe(head)} above the instance level depends on which "
            "instance the server indexed"
        )
    if head in ADDITIONAL_QR:
        if universal:
            return
        raise OracleUnsupported(
            f"{describe(head)} is an Additional Query/Retrieve Attribute (PS3.4 C.3.4) or a "
            "time-zone adjustment (PS3.18 §8.3.4.1.1); the oracle does not model it"
        )
    level = ie_level_of(head)
    if level is None:
        if universal:
            return
        raise OracleUnsupported(f"the oracle does not know the IE level of {describe(head)}")
    if level not in ALLOWED_KEY_LEVELS[query.resource]:
        raise OracleUnsupported(
            f"{describe(head)} is a {level}-level attribute, which PS3.18 §10.6.1.2.1 does not "
            f"allow on the {query.resource} resource; the server's reaction is undefined"
        )
    if head in COMPUTED and level == "patient":
        raise OracleUnsupported(
            f"{describe(head)} is computed over a patient, which the oracle does not model"
        )
