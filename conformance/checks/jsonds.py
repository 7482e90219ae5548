"""Small readers over DICOM JSON datasets (PS3.18 Annex F) used by several checks."""

from __future__ import annotations

from typing import Any

from pydicom.datadict import keyword_for_tag, tag_for_keyword

from ..transport.response import BodyFormatError, Response


def tag_key(name: str) -> str:
    """'PatientID' or '00100020' -> '00100020' (the JSON model's object key)."""
    if len(name) == 8 and all(c in "0123456789abcdefABCDEF" for c in name):
        return name.upper()
    tag = tag_for_keyword(name)
    if tag is None:
        raise ValueError(f"{name!r} is neither a DICOM keyword nor an 8-digit tag")
    return f"{tag:08X}"


def label(key: str) -> str:
    kw = keyword_for_tag(int(key, 16)) if all(c in "0123456789ABCDEF" for c in key) else ""
    return f"({key[:4]},{key[4:]}) {kw}".strip()


def datasets(response: Response) -> list[dict[str, Any]]:
    """The response as a list of DICOM JSON datasets; BodyFormatError if it is not one."""
    doc = response.json()
    if isinstance(doc, dict):
        doc = [doc]
    if not isinstance(doc, list) or not all(isinstance(d, dict) for d in doc):
        raise BodyFormatError("body is not a DICOM JSON array of dataset objects (PS3.18 F.2)")
    return doc


def first_value(ds: dict[str, Any], key: str) -> Any:
    """The first value of an attribute as a comparable scalar (PN -> its Alphabetic group)."""
    element = ds.get(key)
    if not isinstance(element, dict):
        return None
    values = element.get("Value")
    if not isinstance(values, list) or not values:
        return None
    value = values[0]
    if element.get("vr") == "PN" and isinstance(value, dict):
        return value.get("Alphabetic")
    return value


def uid_of(ds: dict[str, Any], key: str) -> str | None:
    value = first_value(ds, key)
    return value if isinstance(value, str) else None


LEVEL_UID = {"study": "0020000D", "series": "0020000E", "instance": "00080018"}
