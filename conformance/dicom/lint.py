"""Interoperability lint for DICOM JSON: what Annex F allows but clients are known to trip over.

Every finding is a warning. Sources: the F.2.3 note on IS/DS/SV/UV (strings keep precision, numbers lose it),
F.2.4's note on delimiter glyphs, and field reports collected in shared/reference/peers.md section 3 (IS/DS as
strings breaking fo-dicom and OHIF, numbers beyond 2^53 in dcm4che#892, relative BulkDataURIs in dicomweb-client
and OHIF, BulkDataURIs that ignore Forwarded headers). The lint assumes nothing about validity: it skips what it
cannot read, and the validator reports that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .findings import ModelFinding
from .rules import RULES
from .vr import tag_info

_SAFE_INTEGER = 2**53 - 1
_INTEGER_VRS = frozenset("IS SL SS UL US SV UV".split())
_NUMERIC_STRING_VRS = ("IS", "DS", "SV", "UV")
_PADDED_BOTH_ENDS = frozenset("AE AS CS DA DS DT IS LO SH TM UC SV UV".split())
_PADDED_AT_END = frozenset("LT ST UT UR".split())
_DELIMITER_GLYPH_VRS = frozenset("SH LO UC".split())
_LARGE_INLINE_BASE64 = (1 << 20) * 4 // 3  # 1 MiB of bytes, as base64 characters
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


@dataclass
class _Document:
    """What the lint collects across one document, for the rules that compare its parts."""

    findings: list[ModelFinding] = field(default_factory=list)
    first_encoding: dict[str, tuple[str, str]] = field(default_factory=dict)  # VR -> (encoding, location)
    mixed_reported: set[str] = field(default_factory=set)
    first_origin: str | None = None
    origin_reported: bool = False
    binary_encoding: dict[str, str] = field(default_factory=dict)  # tag key -> "InlineBinary" | "BulkDataURI"
    binary_reported: set[str] = field(default_factory=set)

    def add(self, rule: str, location: str, message: str) -> None:
        self.findings.append(RULES[rule].finding(location, message))


def lint_json(doc: object) -> list[ModelFinding]:
    """Warnings for a parsed DICOM JSON document (a dataset object or an array of them)."""
    state = _Document()
    for dataset, path in _top_level(doc):
        _lint_dataset(dataset, path, state)
    return state.findings


def _top_level(doc: object) -> Iterator[tuple[dict, str]]:
    if isinstance(doc, dict):
        yield doc, ""
    elif isinstance(doc, list):
        for index, item in enumerate(doc):
            if isinstance(item, dict):
                yield item, f"/{index}"


def _lint_dataset(dataset: dict, path: str, state: _Document) -> None:
    for key, attr in dataset.items():
        if not isinstance(attr, dict) or not isinstance(attr.get("vr"), str):
            continue
        location = f"{path}/{key}"
        vr = attr["vr"]
        if vr == "UN" and isinstance(key, str) and len(key) == 8:
            _unknown_vr(key, location, state)
        if "BulkDataURI" in attr:
            _bulkdata(key, attr["BulkDataURI"], location + "/BulkDataURI", state)
        if "InlineBinary" in attr:
            _inline_binary(key, attr["InlineBinary"], location + "/InlineBinary", state)
        values = attr.get("Value")
        if not isinstance(values, list):
            continue
        if vr == "SQ":
            for index, item in enumerate(values):
                if isinstance(item, dict):
                    _lint_dataset(item, f"{location}/Value/{index}", state)
        elif vr == "PN":
            _person_names(values, location, state)
        else:
            if key == "00080005":
                _character_set(values, location, state)
            for index, value in enumerate(values):
                _value(vr, value, f"{location}/Value/{index}", state)


def _unknown_vr(key: str, location: str, state: _Document) -> None:
    try:
        info = tag_info(int(key, 16))
    except ValueError:
        return
    if info.dictionary_vrs:
        expected = " or ".join(sorted(info.dictionary_vrs))
        state.add("LINT-UN-FOR-KNOWN-TAG", location, f"{info.display()} is {expected} in PS3.6 but sent as UN")


def _value(vr: str, value: object, location: str, state: _Document) -> None:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, (int, float)):
        _number(vr, value, location, state)
    elif isinstance(value, str):
        if vr in _NUMERIC_STRING_VRS:
            _encoding(vr, "string", location, state)
            if vr == "IS":
                state.add("LINT-IS-AS-STRING", location, f"IS value {value!r} as a string; many clients expect a number")
        _padding(vr, value, location, state)
        if vr in _DELIMITER_GLYPH_VRS and "\u00a5" in value:
            state.add("LINT-DELIMITER-GLYPH", location, f"{vr} value {value[:40]!r} contains a YEN SIGN")


def _number(vr: str, value: int | float, location: str, state: _Document) -> None:
    if vr in _NUMERIC_STRING_VRS:
        _encoding(vr, "number", location, state)
    if isinstance(value, int) and abs(value) > _SAFE_INTEGER:
        rule = "LINT-DS-AS-NUMBER-PRECISION" if vr == "DS" else "LINT-NUMBER-PRECISION"
        state.add(rule, location, f"{vr} value {value} is beyond ±(2^53-1); send it as a string")
    elif isinstance(value, float):
        if vr in _INTEGER_VRS and value.is_integer():
            state.add("LINT-INTEGER-AS-FLOAT", location, f"{vr} value written as {value!r}; integers have no fraction")
        elif vr == "DS" and _significant_digits(value) >= 16:
            message = f"DS value {value!r} has {_significant_digits(value)} significant digits; a double keeps 15"
            state.add("LINT-DS-AS-NUMBER-PRECISION", location, message)


def _significant_digits(value: float) -> int:
    return len(Decimal(repr(value)).normalize().as_tuple().digits)


def _encoding(vr: str, encoding: str, location: str, state: _Document) -> None:
    first = state.first_encoding.setdefault(vr, (encoding, location))
    if first[0] != encoding and vr not in state.mixed_reported:
        state.mixed_reported.add(vr)
        message = f"{vr} as a {encoding} here but as a {first[0]} at {first[1] or '/'}"
        state.add("LINT-NUMERIC-ENCODING-MIXED", location, message)


def _padding(vr: str, value: str, location: str, state: _Document) -> None:
    padded = value.endswith((" ", "\x00"))
    if vr in _PADDED_BOTH_ENDS:
        padded = padded or value.startswith(" ")
    elif vr not in _PADDED_AT_END:
        return
    if padded:
        state.add("LINT-STRING-PADDING", location, f"{vr} value {value[:40]!r} keeps PS3.5 padding")


def _person_names(values: list, location: str, state: _Document) -> None:
    for index, value in enumerate(values):
        where = f"{location}/Value/{index}"
        if isinstance(value, dict) and not value and len(values) > 1:
            state.add("LINT-PN-EMPTY-OBJECT", where, "empty name as {}; F.2.5 writes empty values as null")
        if not isinstance(value, dict):
            continue
        for group, text in value.items():
            if isinstance(text, str):
                if text.endswith(" "):
                    state.add("LINT-STRING-PADDING", f"{where}/{group}", f"PN group {text[:40]!r} keeps padding")
                if "\u00a5" in text:
                    state.add("LINT-DELIMITER-GLYPH", f"{where}/{group}", f"PN group {text[:40]!r} has a YEN SIGN")


def _character_set(values: list, location: str, state: _Document) -> None:
    others = [value for value in values if value not in (None, "ISO_IR 192")]
    if others:
        message = f"Specific Character Set {values!r} in a JSON document, whose text is UTF-8 (ISO_IR 192)"
        state.add("LINT-CHARSET-NOT-UTF8", location, message)


def _bulkdata(key: str, uri: object, location: str, state: _Document) -> None:
    if not isinstance(uri, str):
        return
    _binary_encoding(key, "BulkDataURI", location, state)
    if not _SCHEME.match(uri):
        state.add("LINT-BULKDATA-RELATIVE-URI", location, f"relative BulkDataURI {uri[:80]!r}")
        return
    parts = urlsplit(uri)
    origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    if state.first_origin is None:
        state.first_origin = origin
    elif origin != state.first_origin and not state.origin_reported:
        state.origin_reported = True
        state.add("LINT-BULKDATA-MIXED-ORIGINS", location, f"origin {origin} differs from {state.first_origin}")


def _inline_binary(key: str, data: object, location: str, state: _Document) -> None:
    if not isinstance(data, str):
        return
    _binary_encoding(key, "InlineBinary", location, state)
    if len(data) > _LARGE_INLINE_BASE64:
        state.add("LINT-LARGE-INLINEBINARY", location, f"{len(data) * 3 // 4} bytes inline; a BulkDataURI is expected")


def _binary_encoding(key: str, encoding: str, location: str, state: _Document) -> None:
    first = state.binary_encoding.setdefault(key, encoding)
    if first != encoding and key not in state.binary_reported:
        state.binary_reported.add(key)
        state.add("LINT-BINARY-MIXED-ENCODING", location, f"{key} as {encoding} here, as {first} elsewhere")
