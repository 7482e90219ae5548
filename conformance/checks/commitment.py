"""Checks on Storage Commitment (PS3.18 §13) answers and the Response Module of Annex J.2."""

from __future__ import annotations

from typing import Any

from .context import CheckContext
from .jsonds import datasets, first_value
from .registry import Outcome, check

REF_SOP_SEQ, FAILED_SOP_SEQ, REF_STUDY_SEQ, FAILED_STUDY_SEQ = "00081199", "00081198", "00081110", "0008119B"
REF_SERIES_SEQ, BY_CLASS_SEQ, REF_INSTANCE_SEQ = "00081115", "00081112", "0008114A"
REF_CLASS, REF_INSTANCE, FAILURE_REASON, TRANSACTION_UID = "00081150", "00081155", "00081197", "00081195"


def _items(ds: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = (ds.get(key) or {}).get("Value") if isinstance(ds.get(key), dict) else None
    return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []


def _flat(ds: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    return {str(first_value(i, REF_INSTANCE)): {"class": first_value(i, REF_CLASS), "reason": first_value(i, FAILURE_REASON)}
            for i in _items(ds, key)}


def _tree(ds: dict[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """Study -> series -> by SOP class -> instances, flattened to instance UID -> class and reason."""
    out = {}
    for study in _items(ds, key):
        for series in _items(study, REF_SERIES_SEQ):
            for by_class in _items(series, BY_CLASS_SEQ):
                for inst in _items(by_class, REF_INSTANCE_SEQ):
                    out[str(first_value(inst, REF_INSTANCE))] = {"class": first_value(by_class, REF_CLASS),
                                                                 "reason": first_value(inst, FAILURE_REASON)}
    return out


def _resolve(ctx: CheckContext, ref: str) -> tuple[str, str | None]:
    """A fixture instance key -> (SOP Instance UID, SOP Class UID); anything else is a (templated) UID."""
    try:
        ds = ctx.data.instance(ref).dataset
        return str(ds.SOPInstanceUID), str(ds.SOPClassUID)
    except KeyError:  # not a fixture key (UnknownFixtureKey is a KeyError)
        return ctx.render(ref), None


@check("commitment_result", {"type": "object", "required": ["form"], "additionalProperties": False, "properties": {
    "form": {"enum": ["flat", "tree"], "description": "the form of the request: Referenced SOP Sequence, or Referenced Study Sequence"},
    "committed": {"type": "array", "items": {"type": "string"}, "description": "fixture keys or UIDs that must be committed"},
    "failed": {"type": "array", "items": {"type": "string"}, "description": "fixture keys or UIDs that must be listed as failed"}}},
    requirement="COMMIT-RESPONSE-MODULE")
def commitment_result(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is one Storage Commitment Response Module (Annex J.2) in the request's form: each committed instance referenced with its SOP Class, each failed one listed with a Failure Reason, nothing twice, no Transaction UID (§13.4.1.1)."""
    docs = datasets(ctx.response)
    if len(docs) != 1:
        return f"{len(docs)} datasets in the body, expected one Storage Commitment Response Module"
    ds = docs[0]
    flat = spec["form"] == "flat"
    ok = _flat(ds, REF_SOP_SEQ) if flat else _tree(ds, REF_STUDY_SEQ)
    bad = _flat(ds, FAILED_SOP_SEQ) if flat else _tree(ds, FAILED_STUDY_SEQ)
    other = (REF_STUDY_SEQ, FAILED_STUDY_SEQ) if flat else (REF_SOP_SEQ, FAILED_SOP_SEQ)
    problems = [f"({k[:4]},{k[4:]}) is present, but the request used the {spec['form']} form" for k in other if k in ds]
    if TRANSACTION_UID in ds:
        problems.append("the response carries Transaction UID (0008,1195); DICOMweb pairs it by the resource path (§13.4.1.1)")
    for ref in spec.get("committed", []):
        uid, sop_class = _resolve(ctx, ref)
        if uid not in ok:
            problems.append(f"{ref} ({uid}) is not referenced as committed" + (" (it is listed as failed)" if uid in bad else ""))
        elif sop_class and ok[uid]["class"] != sop_class:
            problems.append(f"{ref}: Referenced SOP Class UID {ok[uid]['class']!r}, expected {sop_class}")
    for ref in spec.get("failed", []):
        uid, _ = _resolve(ctx, ref)
        if uid not in bad:
            problems.append(f"{ref} ({uid}) is not listed as failed" + (" (it is listed as committed)" if uid in ok else ""))
        elif bad[uid]["reason"] is None:
            problems.append(f"{ref}: the failed item has no Failure Reason (0008,1197)")
    both = set(ok) & set(bad)
    if both:
        problems.append(f"{len(both)} instance(s) listed both as committed and as failed")
    return problems


@check("accepted_without_payload", {"const": True}, requirement="COMMIT-REQUEST-202-NO-PAYLOAD")
def accepted_without_payload(ctx: CheckContext, _: bool) -> Outcome:
    """A 202 (Accepted) answer carries no payload (PS3.18 §13.4.3.3, Tables 13.4.3-1 and 13.5.3-1); other statuses are not judged here."""
    if ctx.response.status == 202 and ctx.response.size:
        return f"202 with a {ctx.response.size}-byte payload; a 202 has none"
    return None


@check("retry_after", {"const": True}, requirement="COMMIT-RETRY-AFTER")
def retry_after(ctx: CheckContext, _: bool) -> Outcome:
    """When Retry-After is present its value is a number of seconds, as Table 13.4.3-2 defines it (uint)."""
    value = ctx.response.header("retry-after")
    if value is not None and not value.strip().isdigit():
        return f"Retry-After is {value!r}, not a number of seconds"
    return None
