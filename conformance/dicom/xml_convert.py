"""Native DICOM Model XML to DICOM JSON Model, following the mapping of PS3.18 F.3.1 (Table F.3.1-1).

Used to compare XML documents with datasets through the same code as JSON. The conversion is best effort on
invalid input (the validator reports what is wrong); it only needs to be exact for valid documents. Private data
elements written gggg00ee with a privateCreator get their block back: the block of a Private Creator element with
that name when the dataset has one, else the first free block from 0x10 (PS3.5 7.8.1 conflict avoidance).
Two things valid XML can hold have no JSON row in F.3.1: a BulkData uuid (written here as a urn:uuid: URI, which
the JSON validator then rejects) and FL/FD NaN or infinities (JSON numbers are finite).
"""

from __future__ import annotations

import re
from typing import Any

from .xml_parse import element_children, split_name

_INTEGER_VRS = frozenset("SL SS UL US SV UV".split())
_FLOAT_VRS = frozenset({"FL", "FD"})
_COMPONENTS = ("FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix")
_WHITESPACE = re.compile(r"\s+")


def native_to_json(root: Any) -> dict[str, Any]:
    """The JSON Model dataset for a NativeDicomModel (or Item) element."""
    return _dataset(root)


def _children(element: Any, local: str) -> list[Any]:
    return [child for child in element_children(element) if split_name(child.tag)[1] == local]


def _dataset(element: Any) -> dict[str, Any]:
    attributes = _children(element, "DicomAttribute")
    blocks = _creator_blocks(attributes)
    result: dict[str, Any] = {}
    for attribute in attributes:
        tag = (attribute.get("tag") or "").upper()
        creator = attribute.get("privateCreator")
        if creator is not None and len(tag) == 8 and tag[4:6] == "00":
            tag = f"{tag[:4]}{blocks[(tag[:4], creator)]:02X}{tag[6:]}"
        result[tag] = _attribute(attribute)
    for (group, creator), block in blocks.items():
        result.setdefault(f"{group}00{block:02X}", {"vr": "LO", "Value": [creator]})
    return dict(sorted(result.items()))


def _creator_blocks(attributes: list[Any]) -> dict[tuple[str, str], int]:
    blocks: dict[tuple[str, str], int] = {}
    used: dict[str, set[int]] = {}
    for attribute in attributes:  # explicit Private Creator elements keep their block
        tag = (attribute.get("tag") or "").upper()
        if len(tag) == 8 and attribute.get("privateCreator") is None and tag[4:6] == "00" and tag[6:] >= "10":
            values = [value.text or "" for value in _children(attribute, "Value")]
            if values and int(tag[3], 16) % 2:
                blocks.setdefault((tag[:4], values[0]), int(tag[6:], 16))
                used.setdefault(tag[:4], set()).add(int(tag[6:], 16))
    for attribute in attributes:
        tag, creator = (attribute.get("tag") or "").upper(), attribute.get("privateCreator")
        if creator is None or len(tag) != 8 or (tag[:4], creator) in blocks:
            continue
        taken = used.setdefault(tag[:4], set())
        block = next(number for number in range(0x10, 0x100) if number not in taken)
        taken.add(block)
        blocks[(tag[:4], creator)] = block
    return blocks


def _attribute(element: Any) -> dict[str, Any]:
    vr = element.get("vr") or "UN"
    result: dict[str, Any] = {"vr": vr}
    values = _children(element, "Value")
    items = _children(element, "Item")
    names = _children(element, "PersonName")
    bulk = _children(element, "BulkData")
    inline = _children(element, "InlineBinary")
    if values:
        result["Value"] = [_value(vr, value.text) for value in _ordered(values)]
    elif items:
        result["Value"] = [_dataset(item) for item in _ordered(items)]
    elif names:
        result["Value"] = [_person_name(name) for name in _ordered(names)]
    elif bulk:
        uri, uuid = bulk[0].get("uri"), bulk[0].get("uuid")
        result["BulkDataURI"] = uri if uri is not None else f"urn:uuid:{uuid}"
    elif inline:
        result["InlineBinary"] = _WHITESPACE.sub("", inline[0].text or "")
    return result


def _ordered(elements: list[Any]) -> list[Any]:
    """F.3.1: the element numbered n is Value[n-1]; fall back to document order when numbers are unusable."""
    try:
        return sorted(elements, key=lambda element: int(element.get("number")))
    except (TypeError, ValueError):
        return elements


def _value(vr: str, text: str | None) -> Any:
    if not text:
        return None
    try:
        if vr in _INTEGER_VRS:
            return int(text)
        if vr in _FLOAT_VRS:
            return float(text)
    except ValueError:
        return text
    return text


def _person_name(element: Any) -> dict[str, str]:
    result = {}
    for group in ("Alphabetic", "Ideographic", "Phonetic"):
        found = _children(element, group)
        if not found:
            continue
        parts = {split_name(child.tag)[1]: child.text or "" for child in element_children(found[0])}
        text = "^".join(parts.get(component, "") for component in _COMPONENTS).rstrip("^")
        if text:
            result[group] = text
    return result
