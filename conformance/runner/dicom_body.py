"""Request payloads written as DICOM keywords, turned into the DICOM JSON Model (PS3.18 Annex F).

``body: {dataset: {TransactionUID: "${uid.t}", ProcedureStepState: IN PROGRESS}}`` reads
better than hand-written tags and VRs; the VR comes from the data dictionary, values
are filled (``${...}``) and typed as F.2.3 wants (numbers for US/IS/DS..., PN objects).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydicom import Dataset
from pydicom.datadict import dictionary_VR, tag_for_keyword

from ..errors import CaseFileError

SOP_INSTANCE_UID = "00080018"
NUMERIC_VRS = frozenset({"US", "UL", "SS", "SL", "FL", "FD", "IS", "DS", "SV", "UV"})


class DatasetBodyError(CaseFileError):
    """A keyword or value in a dataset body that cannot be encoded."""


def _tag_and_vr(name: str, where: str) -> tuple[str, str]:
    if len(name) == 8 and all(c in "0123456789abcdefABCDEF" for c in name):
        tag = int(name, 16)
    else:
        found = tag_for_keyword(name)
        if found is None:
            raise DatasetBodyError(where, None, f"dataset body: {name!r} is not a DICOM keyword")
        tag = found
    try:
        vr = dictionary_VR(tag).split(" or ")[0]
    except KeyError:
        raise DatasetBodyError(where, None, f"dataset body: {name!r} has no VR in the data dictionary") from None
    return f"{tag:08X}", vr


def _typed(value: Any, vr: str, fill: Callable[[str], str], where: str) -> Any:
    if isinstance(value, str):
        value = fill(value)
    if vr == "PN":
        return {"Alphabetic": str(value)}
    if vr in NUMERIC_VRS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise DatasetBodyError(where, None, f"dataset body: {value!r} is not a number (VR {vr})") from None
        return int(number) if number.is_integer() and vr not in ("FL", "FD") else number
    return str(value)


def keyword_json(mapping: dict[str, Any], fill: Callable[[str], str], where: str) -> dict[str, Any]:
    """{keyword: value} -> a DICOM JSON dataset; a list of mappings is a sequence, another list several values."""
    out: dict[str, Any] = {}
    for name, value in mapping.items():
        tag, vr = _tag_and_vr(str(name), where)
        element: dict[str, Any] = {"vr": vr}
        if vr == "SQ":
            items = value if isinstance(value, list) else []
            if any(not isinstance(i, dict) for i in items):
                raise DatasetBodyError(where, None, f"dataset body: sequence {name} needs a list of mappings")
            if items:
                element["Value"] = [keyword_json(i, fill, where) for i in items]
        else:
            values = value if isinstance(value, list) else [value]
            values = [v for v in values if v is not None and v != ""]
            if values:
                element["Value"] = [_typed(v, vr, fill, where) for v in values]
        out[tag] = element
    return {tag: out[tag] for tag in sorted(out)}  # F.2.2: attributes in ascending tag order


def dataset_json(ds: Dataset) -> dict[str, Any]:
    """A built dataset (a workitem) as DICOM JSON, without its SOP Instance UID: where that UID
    goes is the create form's business (§11.4.1.1)."""
    doc = _without_empty_values(ds.to_json_dict())
    doc.pop(SOP_INSTANCE_UID, None)
    return doc


def _without_empty_values(doc: dict[str, Any]) -> dict[str, Any]:
    """F.2.5: an empty attribute has no Value member (pydicom writes "Value": [] for empty sequences)."""
    out = {}
    for tag, element in doc.items():
        element = dict(element)
        values = element.get("Value")
        if values == []:
            del element["Value"]
        elif isinstance(values, list) and element.get("vr") == "SQ":
            element["Value"] = [_without_empty_values(item) for item in values]
        out[tag] = element
    return out


def with_instance_uid(doc: Any, uid: str) -> Any:
    """The payload with the Workitem UID as SOP Instance UID (the Worklist-target form of §11.4.1.1)."""
    if isinstance(doc, dict):
        return {**doc, SOP_INSTANCE_UID: {"vr": "UI", "Value": [uid]}}
    if isinstance(doc, list) and len(doc) == 1 and isinstance(doc[0], dict):
        return [with_instance_uid(doc[0], uid)]
    return doc
