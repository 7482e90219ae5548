"""Checks on the Store Instances Response Module (PS3.18 Annex I) in a DICOM JSON body."""

from __future__ import annotations

from typing import Any

from .context import CheckContext
from .jsonds import datasets, first_value
from .registry import Outcome, check

REFERENCED_SOP_SEQ = "00081199"
FAILED_SOP_SEQ = "00081198"
REF_CLASS = "00081150"
REF_INSTANCE = "00081155"
RETRIEVE_URL = "00081190"
FAILURE_REASON = "00081197"


def _items(ds: dict[str, Any], key: str) -> list[dict[str, Any]]:
    element = ds.get(key) or {}
    value = element.get("Value") if isinstance(element, dict) else None
    return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []


@check("store_response", {"type": "object", "additionalProperties": False, "properties": {
    "stored": {"type": "array", "items": {"type": "string"}, "description": "fixture instances that must be in the Referenced SOP Sequence"},
    "failed": {"type": "array", "items": {"type": "string"}, "description": "fixture instances that must be in the Failed SOP Sequence"},
    "failure_reason": {"type": "integer", "description": "the Failure Reason every failed item must carry"}}},
    requirement="STORE-RESP-MODULE")
def store_response(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is a Store Instances Response: stored instances referenced (class, instance, RetrieveURL), failed ones listed with a Failure Reason, nothing else."""
    docs = datasets(ctx.response)
    if len(docs) != 1:
        return f"expected one response dataset, got {len(docs)}"
    ds = docs[0]
    problems = []
    referenced = {first_value(i, REF_INSTANCE): i for i in _items(ds, REFERENCED_SOP_SEQ)}
    failed = {first_value(i, REF_INSTANCE): i for i in _items(ds, FAILED_SOP_SEQ)}
    for key in spec.get("stored", []):
        inst = ctx.data.instance(key).dataset
        item = referenced.get(inst.SOPInstanceUID)
        if item is None:
            problems.append(f"{key} is not in the Referenced SOP Sequence (0008,1199)")
            continue
        if first_value(item, REF_CLASS) != inst.SOPClassUID:
            problems.append(f"{key}: Referenced SOP Class UID {first_value(item, REF_CLASS)!r}, sent {inst.SOPClassUID}")
        if not first_value(item, RETRIEVE_URL):
            problems.append(f"{key}: Referenced SOP Sequence item lacks RetrieveURL (0008,1190)")
    for key in spec.get("failed", []):
        inst = ctx.data.instance(key).dataset
        item = failed.get(inst.SOPInstanceUID)
        if item is None:
            problems.append(f"{key} is not in the Failed SOP Sequence (0008,1198)")
        elif first_value(item, FAILURE_REASON) is None:
            problems.append(f"{key}: Failed SOP Sequence item lacks Failure Reason (0008,1197)")
        elif "failure_reason" in spec and first_value(item, FAILURE_REASON) != spec["failure_reason"]:
            problems.append(f"{key}: Failure Reason {first_value(item, FAILURE_REASON)}, expected {spec['failure_reason']}")
    if "failed" in spec and not spec["failed"] and failed:
        problems.append(f"Failed SOP Sequence lists {len(failed)} instance(s) though all should be stored")
    if "stored" in spec and not spec["stored"] and referenced:
        problems.append(f"Referenced SOP Sequence lists {len(referenced)} instance(s) though none should be stored")
    return problems
