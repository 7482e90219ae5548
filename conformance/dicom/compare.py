"""Semantic comparison of a DICOM JSON (or Native XML) document with the pydicom dataset it should represent.

Differences read "(0010,0010) PatientName: expected 'Doe^John' got 'Doe^Jon'". Equal means equal in meaning, not
in spelling: PS3.5 padding is ignored (F.1), IS/DS compare as decimals whether sent as numbers or strings (F.2.3
note), FL compares at 32-bit precision, PN compares per component group with trailing empty components dropped,
and private elements are matched by (group, Private Creator, element) because F.3.1 lets blocks move.
"""

from __future__ import annotations

import base64
import binascii
import struct
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from pydicom.dataset import Dataset

from .vr import BINARY_VRS, tag_info
from .xml_convert import native_to_json
from .xml_parse import parse_xml, split_name

_ElementKey = int | tuple[int, str, int]
_STRIP_BOTH = frozenset("AE CS DS IS SH LO UC DA TM DT AS".split())


def compare_json_to_dataset(
    doc: dict, ds: Dataset, *, ignore: Iterable[int] = (), bulk_ok: bool = True
) -> list[str]:
    """Readable differences between a JSON Model dataset object and a dataset; [] when they agree."""
    if not isinstance(doc, dict):
        return [f"the document is not a dataset object but {type(doc).__name__}"]
    return _compare(doc, ds, "", frozenset(int(tag) for tag in ignore), bulk_ok)


def compare_xml_to_dataset(
    raw: bytes, ds: Dataset, *, ignore: Iterable[int] = (), bulk_ok: bool = True
) -> list[str]:
    """The same comparison for a NativeDicomModel document, converted with the F.3.1 mapping."""
    parsed = parse_xml(raw)
    if parsed.root is None or split_name(parsed.root.tag)[1] != "NativeDicomModel":
        return [f"the document is not a NativeDicomModel: {parsed.error or 'wrong root element'}"]
    return compare_json_to_dataset(native_to_json(parsed.root), ds, ignore=ignore, bulk_ok=bulk_ok)


def _compare(doc: dict, ds: Dataset, prefix: str, ignore: frozenset[int], bulk_ok: bool) -> list[str]:
    expected = _dataset_elements(ds, ignore)
    got = _document_attributes(doc, ignore)
    differences = []
    for key in sorted(expected.keys() | got.keys(), key=_sort_key):
        label = prefix + _label(key)
        if key not in got:
            differences.append(f"{label}: missing from the document")
        elif key not in expected:
            differences.append(f"{label}: in the document but not in the dataset")
        else:
            differences.extend(_compare_element(label, expected[key], got[key], ignore, bulk_ok))
    return differences


def _sort_key(key: _ElementKey) -> tuple[int, str, int]:
    return (key, "", 0) if isinstance(key, int) else (key[0] << 16, key[1], key[2])


def _label(key: _ElementKey) -> str:
    if isinstance(key, int):
        return tag_info(key).display()
    group, creator, element = key
    return f"({group:04X},xx{element:02X}) [{creator}]"


def _dataset_elements(ds: Dataset, ignore: frozenset[int]) -> dict[_ElementKey, Any]:
    elements: dict[_ElementKey, Any] = {}
    for element in ds:
        tag = int(element.tag)
        group, number = tag >> 16, tag & 0xFFFF
        if number == 0 or tag in ignore:
            continue
        if group % 2 and 0x10 <= number <= 0xFF:
            continue  # Private Creators are compared through the elements they reserve
        if group % 2 and number > 0xFF:
            creator = ds.get((group << 16) | (number >> 8))
            name = str(creator.value) if creator is not None else "?"
            elements[(group, name, number & 0xFF)] = element
        else:
            elements[tag] = element
    return elements


def _document_attributes(doc: dict, ignore: frozenset[int]) -> dict[_ElementKey, dict]:
    attributes: dict[_ElementKey, dict] = {}
    for key, attr in doc.items():
        try:
            tag = int(key, 16)
        except (TypeError, ValueError):
            continue
        group, number = tag >> 16, tag & 0xFFFF
        if number == 0 or tag in ignore or not isinstance(attr, dict):
            continue
        if group % 2 and 0x10 <= number <= 0xFF:
            continue
        if group % 2 and number > 0xFF:
            creator = doc.get(f"{group:04X}00{number >> 8:02X}", {})
            values = creator.get("Value") if isinstance(creator, dict) else None
            name = str(values[0]) if isinstance(values, list) and values else "?"
            attributes[(group, name, number & 0xFF)] = attr
        else:
            attributes[tag] = attr
    return attributes


def _compare_element(label: str, element: Any, attr: dict, ignore: frozenset[int], bulk_ok: bool) -> list[str]:
    expected_vr, got_vr = element.VR, attr.get("vr")
    differences = []
    if got_vr != expected_vr and "UN" not in (expected_vr, got_vr) and got_vr not in expected_vr.split(" or "):
        differences.append(f"{label}: VR expected {expected_vr} got {got_vr}")
    if "BulkDataURI" in attr:
        return differences if bulk_ok else [*differences, f"{label}: value replaced by a BulkDataURI"]
    if expected_vr == "SQ":
        return differences + _compare_sequence(label, element.value or [], attr.get("Value"), ignore, bulk_ok)
    vr = got_vr if isinstance(got_vr, str) and got_vr != "UN" else expected_vr
    if "InlineBinary" in attr or vr in BINARY_VRS:
        expected, got = _bytes(element.value), _inline(attr.get("InlineBinary"))
        if not _same_bytes(expected, got):
            differences.append(f"{label}: expected {_show_bytes(expected)} got {_show_bytes(got)}")
        return differences
    expected_values = [_normalise(vr, value) for value in _element_values(element)]
    got_values = [_normalise(vr, value) for value in _json_values(attr)]
    if expected_values != got_values:
        differences.append(f"{label}: expected {_show(expected_values)} got {_show(got_values)}")
    return differences


def _compare_sequence(label: str, items: Any, values: Any, ignore: frozenset[int], bulk_ok: bool) -> list[str]:
    got = values if isinstance(values, list) else []
    differences = []
    if len(items) != len(got):
        differences.append(f"{label}: expected {len(items)} item(s) got {len(got)}")
    for index, (item, got_item) in enumerate(zip(items, got)):
        if not isinstance(got_item, dict):
            differences.append(f"{label}[{index}]: item is not an object")
            continue
        differences.extend(_compare(got_item, item, f"{label}[{index}].", ignore, bulk_ok))
    return differences


def _element_values(element: Any) -> list[Any]:
    value = element.value
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return list(value)
    return [value]


def _json_values(attr: dict) -> list[Any]:
    values = attr.get("Value")
    return list(values) if isinstance(values, list) else []


def _normalise(vr: str, value: Any) -> Any:
    """A comparable form of one value, whichever side it came from."""
    if value is None or value == "":
        return None
    if vr == "PN":
        return _person_name(value)
    if vr == "AT":
        return f"{int(value):08X}" if not isinstance(value, str) else value.upper()
    if vr in ("IS", "DS"):
        return _decimal(value)
    if vr == "FL" and isinstance(value, (int, float)):
        return struct.unpack("<f", struct.pack("<f", value))[0]
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    if vr == "UI":
        return text.rstrip("\x00 ")
    return text.strip(" ") if vr in _STRIP_BOTH else text.rstrip(" ")


def _decimal(value: Any) -> Any:
    """IS/DS as an exact decimal: JSON floats by their shortest spelling, pydicom's DSfloat/IS by their text."""
    try:
        if type(value) is float:
            return Decimal(repr(value)).normalize()
        if type(value) is int:
            return Decimal(value).normalize()
        return Decimal(str(value).strip()).normalize()
    except (InvalidOperation, ValueError):
        return str(value)


def _person_name(value: Any) -> str:
    if isinstance(value, dict):
        groups = [str(value.get(name, "")) for name in ("Alphabetic", "Ideographic", "Phonetic")]
    else:
        groups = str(value).split("=")
    cleaned = [group.rstrip(" ").rstrip("^") for group in groups]
    return "=".join(cleaned).rstrip("=")


def _bytes(value: Any) -> bytes | None:
    return bytes(value) if isinstance(value, (bytes, bytearray)) else None


def _inline(data: Any) -> bytes | None:
    if not isinstance(data, str):
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None


def _same_bytes(expected: bytes | None, got: bytes | None) -> bool:
    if expected is None or got is None:
        return expected == got or (not expected and not got)
    # F.1: JSON values need not be padded to even length; the dataset's may be.
    return expected == got or (abs(len(expected) - len(got)) <= 1 and expected.rstrip(b"\x00 ") == got.rstrip(b"\x00 "))


def _show_bytes(data: bytes | None) -> str:
    if data is None:
        return "no value"
    return f"{len(data)} bytes {data[:8].hex()}{'...' if len(data) > 8 else ''}"


def _show(values: list[Any]) -> str:
    shown = [str(value) if isinstance(value, Decimal) else value for value in values]
    if not shown:
        return "no value"
    return repr(shown[0]) if len(shown) == 1 else repr(shown)
