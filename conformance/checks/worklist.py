"""Checks on Worklist (UPS-RS, PS3.18 §11) responses: workitems, searches, the 299 warnings.

Workitems come as DICOM JSON (§11.1.3: a JSON array of workitems; a lone object is read
too, so the check judges the workitem rather than the wrapper). Search checks judge only
the workitems of the running case: a shared worklist holds others the case cannot know.
"""

from __future__ import annotations

from typing import Any

from .context import CheckContext
from .jsonds import datasets, first_value, label, tag_key
from .registry import Outcome, check
from .search_warning import warnings_299

SOP_INSTANCE_UID, TRANSACTION_UID, STATE = "00080018", "00081195", "00741000"


def _squeeze(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


@check("warning_text", {"type": "object", "required": ["one_of"], "additionalProperties": False, "properties": {
    "one_of": {"type": "array", "items": {"type": "string"}, "minItems": 1,
               "description": "sentences of the standard; the 299 warning must carry one of them (case and spacing ignored)"},
    "optional": {"type": "boolean", "description": "true: no Warning is fine, but a 299 Warning present must carry one of them"}}})
def warning_text(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The response carries 'Warning: 299 <service>: <text>' with one of the sentences the standard prescribes for this outcome (PS3.18 §11.4.3.2-§11.10.3.2)."""
    found = warnings_299(ctx)
    sentences = [ctx.render(s) for s in spec["one_of"]]
    if not found:
        if spec.get("optional"):
            return None
        shown = "; ".join(repr(v) for v in ctx.response.header_all("warning")) or "no Warning header"
        return f"no Warning 299 saying {' or '.join(repr(s) for s in sentences)} ({shown})"
    if any(_squeeze(s) in _squeeze(w.text) for w in found for s in sentences):
        return None
    return f"Warning 299 says {found[0].text!r}, expected {' or '.join(repr(s) for s in sentences)}"


@check("payload_headers", {"const": True})
def payload_headers(ctx: CheckContext, _: bool) -> Outcome:
    """Content-Length or Transfer-Encoding is present (Content-Length even for an empty payload, unless a transfer coding applies), and a payload comes with Content-Type (PS3.18 §8.4.2, §8.4.3); 204 and 304 are exempt, as RFC 7230 §3.3.2 forbids them a Content-Length."""
    response = ctx.response
    if response.status in (204, 304) or response.status < 200:
        ctx.note(f"{response.status}: no payload headers are judged (RFC 7230 §3.3.2 against PS3.18 §8.4.3)")
        return None
    problems = []
    length, coding = response.header("content-length"), response.header("transfer-encoding")
    if length is None and coding is None:
        problems.append("neither Content-Length nor Transfer-Encoding")
    if length is not None and coding is not None:
        problems.append("both Content-Length and Transfer-Encoding (Content-Length shall not be present with a transfer coding)")
    if response.size and response.header("content-type") is None:
        problems.append(f"a {response.size}-byte payload without Content-Type")
    return problems


def _one_workitem(ctx: CheckContext) -> tuple[dict[str, Any] | None, str | None]:
    items = datasets(ctx.response)
    if len(items) != 1:
        return None, f"{len(items)} datasets in the body, expected exactly one workitem"
    return items[0], None


@check("workitem", {"type": "object", "required": ["uid"], "additionalProperties": False, "properties": {
    "uid": {"type": "string", "description": "the Workitem UID (SOP Instance UID) the body must be"},
    "state": {"enum": ["SCHEDULED", "IN PROGRESS", "COMPLETED", "CANCELED"]},
    "values": {"type": "object", "additionalProperties": {"type": ["string", "number"]},
               "description": "keyword or tag -> first value (PN: Alphabetic); ${...} allowed"}}},
    requirement="UPS-RETRIEVE-WORKITEM")
def workitem(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is exactly one workitem with this Workitem UID, in this Procedure Step State, holding these values."""
    ds, problem = _one_workitem(ctx)
    if ds is None:
        return problem
    problems = []
    uid = ctx.render(spec["uid"])
    if first_value(ds, SOP_INSTANCE_UID) != uid:
        problems.append(f"SOP Instance UID (0008,0018) is {first_value(ds, SOP_INSTANCE_UID)!r}, expected the workitem {uid}")
    if "state" in spec and first_value(ds, STATE) != spec["state"]:
        problems.append(f"Procedure Step State (0074,1000) is {first_value(ds, STATE)!r}, expected {spec['state']!r}")
    for name, want in spec.get("values", {}).items():
        key = tag_key(name)
        want = ctx.render(want) if isinstance(want, str) else want
        got = first_value(ds, key)
        if str(got) != str(want):
            problems.append(f"{label(key)} is {got!r}, expected {want!r}")
    return problems


@check("no_transaction_uid", {"const": True}, requirement="UPS-RETRIEVE-NO-TRANSACTION-UID")
def no_transaction_uid(ctx: CheckContext, _: bool) -> Outcome:
    """No dataset in the body carries Transaction UID (0008,1195): it is the owner's lock and is never returned (PS3.18 §11.5.2, §11.5.3.3)."""
    leaked = [i for i, ds in enumerate(datasets(ctx.response)) if TRANSACTION_UID in ds]
    if leaked:
        return f"dataset(s) {leaked[:5]} carry Transaction UID (0008,1195)"
    return None


@check("result_uids", {"type": "object", "additionalProperties": False, "properties": {
    "include": {"type": "array", "items": {"type": "string"}, "description": "SOP Instance UIDs the results must hold"},
    "exclude": {"type": "array", "items": {"type": "string"}, "description": "SOP Instance UIDs the results must not hold"},
    "at_most": {"type": "integer", "minimum": 0, "description": "the whole result holds at most this many datasets"}}})
def result_uids(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Search results (DICOM JSON) hold these SOP Instance UIDs (workitems, non-patient instances) once each, and not those; results the case did not name are not judged."""
    items = datasets(ctx.response) if ctx.response.size else []
    uids = [first_value(ds, SOP_INSTANCE_UID) for ds in items]
    problems = []
    for raw in spec.get("include", []):
        uid = ctx.render(raw)
        if uids.count(uid) != 1:
            problems.append(f"{uid} is in the results {uids.count(uid)} time(s), expected once")
    for raw in spec.get("exclude", []):
        uid = ctx.render(raw)
        if uid in uids:
            problems.append(f"{uid} is in the results but does not match the query")
    if "at_most" in spec and len(items) > spec["at_most"]:
        problems.append(f"{len(items)} results, expected at most {spec['at_most']}")
    ctx.note(f"{len(items)} result(s)")
    return problems


@check("xml_results", {"type": "object", "additionalProperties": False, "properties": {
    "count": {"type": "integer", "minimum": 0, "description": "exact number of parts"}}})
def xml_results(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is multipart/related; type="application/dicom+xml", one valid Native DICOM Model document per part (PS3.19 A.1), as the Worklist and NPI services require (Tables 11.1.3-1, 12.1.3-1)."""
    from .search_media import search_xml

    return search_xml(ctx, spec)
