"""Checks on the Store Instances Response Module (PS3.18 Annex I), in DICOM JSON or XML."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from ..dicom.xml_convert import native_to_json
from ..dicom.xml_parse import parse_xml, split_name
from ..errors import Nonconformance
from ..transport.response import BodyFormatError
from .context import CheckContext
from .fidelity import NotPart10, Received, compare_instance
from .jsonds import datasets, first_value
from .partinfo import part_info
from .registry import Outcome, check
from .retrieve import allowed_syntaxes

REFERENCED_SOP_SEQ = "00081199"
FAILED_SOP_SEQ = "00081198"
OTHER_FAILURES_SEQ = "0008119A"
REF_CLASS = "00081150"
REF_INSTANCE = "00081155"
RETRIEVE_URL = "00081190"
FAILURE_REASON = "00081197"
WARNING_REASON = "00081196"
INSTANCE_ACCEPT = 'multipart/related; type="application/dicom"'
# Table I.2-2 names for failure reasons; a case may list these instead of numbers.
REASON_RANGES = {"A7xx": (0xA700, 0xA7FF), "A9xx": (0xA900, 0xA9FF), "Cxxx": (0xC000, 0xCFFF),
                 "C122": (0xC122, 0xC122), "0110": (0x0110, 0x0110), "0122": (0x0122, 0x0122)}
_REASON = {"type": "array", "minItems": 1, "items": {"oneOf": [{"type": "integer"}, {"enum": sorted(REASON_RANGES)}]},
           "description": "the Failure Reason each failed item may carry: numbers or Table I.2-2 codes"}


def _items(ds: dict[str, Any], key: str) -> list[dict[str, Any]]:
    element = ds.get(key) or {}
    value = element.get("Value") if isinstance(element, dict) else None
    return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []


def is_xml(ctx: CheckContext) -> bool:
    return (ctx.response.media_type or "") == "application/dicom+xml"


def response_module(ctx: CheckContext) -> dict[str, Any]:
    """The one Store Instances Response Module of the body, read from DICOM JSON or XML."""
    if is_xml(ctx):
        parsed = parse_xml(ctx.response.read())
        if parsed.root is None or split_name(parsed.root.tag)[1] != "NativeDicomModel":
            raise BodyFormatError(f"body is not a NativeDicomModel document: {parsed.error or 'wrong root element'}")
        return native_to_json(parsed.root)
    docs = datasets(ctx.response)
    if len(docs) != 1:
        raise BodyFormatError(f"expected one Store Instances Response Module, got {len(docs)} datasets (PS3.18 10.5.3.3)")
    return docs[0]


def _carries_module(ctx: CheckContext) -> bool:
    return bool(ctx.response.size) and (ctx.response.media_type or "") in ("application/dicom+json", "application/dicom+xml")


def reason_allowed(value: Any, allowed: list[int | str]) -> bool:
    if not isinstance(value, int):
        return False
    for rule in allowed:
        low, high = (rule, rule) if isinstance(rule, int) else REASON_RANGES[rule]
        if low <= value <= high:
            return True
    return False


@check("store_response", {"type": "object", "additionalProperties": False, "properties": {
    "stored": {"type": "array", "items": {"type": "string"}, "description": "fixture instances that must be in the Referenced SOP Sequence"},
    "failed": {"type": "array", "items": {"type": "string"}, "description": "fixture instances that must be in the Failed SOP Sequence"},
    "failure_reason": {"oneOf": [{"type": "integer"}, _REASON]},
    "other_failures": {"type": "boolean", "description": "true: an Other Failures Sequence item must be present"},
    "retrieve": {"type": "boolean", "description": "follow each instance RetrieveURL and compare what comes back with what was sent"},
    "module_optional": {"type": "boolean", "description": "a failure response need not carry the module (PS3.18 10.5.3.3); "
                                                           "when it carries one, the module is checked"}}},
    requirement="STORE-RESP-MODULE")
def store_response(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body (DICOM JSON or XML) is a Store Instances Response Module: Retrieve URL present; stored instances referenced with class, instance and Retrieve URL; failed ones listed with class, instance and a Failure Reason; Other Failures items with a reason; nothing else."""
    if spec.get("module_optional") and not _carries_module(ctx):
        ctx.note("failure response without a Store Instances Response Module (allowed, PS3.18 10.5.3.3)")
        return None
    ds = response_module(ctx)
    problems = _xml_sequences(ds) if is_xml(ctx) else []  # JSON item shapes are the model check's business
    problems += _module_shape(ds)
    referenced = {first_value(i, REF_INSTANCE): i for i in _items(ds, REFERENCED_SOP_SEQ)}
    failed = {first_value(i, REF_INSTANCE): i for i in _items(ds, FAILED_SOP_SEQ)}
    reasons = spec.get("failure_reason")
    allowed = [reasons] if isinstance(reasons, int) else reasons
    for key in spec.get("stored", []):
        inst = ctx.data.instance(key).dataset
        item = referenced.get(inst.SOPInstanceUID)
        if item is None:
            problems.append(f"{key} is not in the Referenced SOP Sequence (0008,1199)")
        elif first_value(item, REF_CLASS) != inst.SOPClassUID:
            problems.append(f"{key}: Referenced SOP Class UID {first_value(item, REF_CLASS)!r}, sent {inst.SOPClassUID}")
    for key in spec.get("failed", []):
        inst = ctx.data.instance(key).dataset
        item = failed.get(inst.SOPInstanceUID)
        if item is None:
            problems.append(f"{key} is not in the Failed SOP Sequence (0008,1198)")
            continue
        if first_value(item, REF_CLASS) != inst.SOPClassUID:
            problems.append(f"{key}: failed item's Referenced SOP Class UID {first_value(item, REF_CLASS)!r}, sent {inst.SOPClassUID}")
        if allowed is not None and first_value(item, FAILURE_REASON) is not None \
                and not reason_allowed(first_value(item, FAILURE_REASON), allowed):
            problems.append(f"{key}: Failure Reason {first_value(item, FAILURE_REASON)}, expected {_show_reasons(allowed)} (PS3.18 I.2.2)")
    sent = {ctx.data.instance(k).dataset.SOPInstanceUID for k in (*spec.get("stored", []), *spec.get("failed", []))}
    if "stored" in spec:
        extra = [u for u in referenced if u not in {ctx.data.instance(k).dataset.SOPInstanceUID for k in spec["stored"]}]
        if extra:
            problems.append(f"Referenced SOP Sequence lists {len(extra)} instance(s) that should not be stored: {extra[:3]}")
    if "failed" in spec and not spec["failed"] and failed:
        problems.append(f"Failed SOP Sequence lists {len(failed)} instance(s) though all should be stored")
    if spec.get("other_failures") and not _items(ds, OTHER_FAILURES_SEQ):
        problems.append("no Other Failures Sequence (0008,119A) item for the failure that concerns no instance")
    if spec.get("retrieve"):
        problems += _retrieve_stored(ctx, referenced, spec.get("stored", []))
    ctx.note(f"response module: {len(referenced)} referenced, {len(failed)} failed, "
             f"{len(_items(ds, OTHER_FAILURES_SEQ))} other failure(s); {len(sent)} instance(s) named by the case")
    return problems


def _show_reasons(allowed: list[int | str]) -> str:
    return " or ".join(f"{r} (0x{r:04X})" if isinstance(r, int) else r for r in allowed)


def _xml_sequences(ds: dict[str, Any]) -> list[str]:
    """An SQ attribute holding a Value element loses its items in conversion: say so plainly."""
    problems = []
    for key in (REFERENCED_SOP_SEQ, FAILED_SOP_SEQ, OTHER_FAILURES_SEQ):
        values = (ds.get(key) or {}).get("Value") if isinstance(ds.get(key), dict) else None
        if isinstance(values, list) and any(not isinstance(v, dict) for v in values):
            problems.append(f"sequence ({key[:4]},{key[4:]}) holds a Value element; an SQ attribute holds "
                            "only Item elements (PS3.19 A.1)")
    return problems


def _module_shape(ds: dict[str, Any]) -> list[str]:
    """Annex I Table I.1-1 presence rules that hold whatever the outcome."""
    problems = []
    if not _items(ds, REFERENCED_SOP_SEQ) and not _items(ds, FAILED_SOP_SEQ) and not _items(ds, OTHER_FAILURES_SEQ):
        problems.append("the module references no stored, failed or other-failed item")
    if _items(ds, REFERENCED_SOP_SEQ) and RETRIEVE_URL not in ds:
        problems.append("no top-level Retrieve URL (0008,1190), which is Type 2 (PS3.18 Table I.1-1)")
    for index, item in enumerate(_items(ds, REFERENCED_SOP_SEQ)):
        for tag, name in ((REF_CLASS, "Referenced SOP Class UID"), (REF_INSTANCE, "Referenced SOP Instance UID")):
            if not first_value(item, tag):
                problems.append(f"Referenced SOP Sequence item {index + 1} lacks {name} ({tag[:4]},{tag[4:]})")
        if RETRIEVE_URL not in item:
            problems.append(f"Referenced SOP Sequence item {index + 1} lacks Retrieve URL (0008,1190), Type 2")
        if WARNING_REASON in item and not isinstance(first_value(item, WARNING_REASON), int):
            problems.append(f"Referenced SOP Sequence item {index + 1}: Warning Reason is not a US number (PS3.18 I.3)")
    for index, item in enumerate(_items(ds, FAILED_SOP_SEQ)):
        for tag, name in ((REF_CLASS, "Referenced SOP Class UID"), (REF_INSTANCE, "Referenced SOP Instance UID")):
            if not first_value(item, tag):
                problems.append(f"Failed SOP Sequence item {index + 1} lacks {name} ({tag[:4]},{tag[4:]}), Type 1")
        if not isinstance(first_value(item, FAILURE_REASON), int):
            problems.append(f"Failed SOP Sequence item {index + 1} lacks a Failure Reason (0008,1197) number, Type 1")
    for index, item in enumerate(_items(ds, OTHER_FAILURES_SEQ)):
        if not isinstance(first_value(item, FAILURE_REASON), int):
            problems.append(f"Other Failures Sequence item {index + 1} lacks a Failure Reason (0008,1197), Type 1")
    return problems


def _retrieve_stored(ctx: CheckContext, referenced: dict[Any, dict[str, Any]], keys: list[str]) -> list[str]:
    """Each stored instance's Retrieve URL resolves to the instance as it was sent (10.4, 10.5.2)."""
    if ctx.follow is None:
        return ["this runner cannot send follow-up requests"]
    problems = []
    for key in keys:
        inst = ctx.data.instance(key)
        item = referenced.get(inst.dataset.SOPInstanceUID)
        url = first_value(item, RETRIEVE_URL) if item else None
        if not isinstance(url, str) or not url:
            continue  # reported above, or Type 2 left empty
        try:
            resp = ctx.follow(urljoin(ctx.exchange.request.url, url), (("Accept", INSTANCE_ACCEPT),)).response
        except Nonconformance as exc:
            problems.append(f"{key}: Retrieve URL {url}: {'; '.join(f.message for f in exc.findings)}")
            continue
        if resp is None or resp.status != 200:
            problems.append(f"{key}: Retrieve URL {url} answered {resp.status if resp else 'nothing'}, expected 200")
            continue
        try:
            bodies = [part_info(p).body for p in resp.parts()]
        except BodyFormatError as exc:
            problems.append(f"{key}: Retrieve URL {url}: {exc}")
            continue
        if len(bodies) != 1:
            problems.append(f"{key}: Retrieve URL {url} gave {len(bodies)} parts, expected the one instance")
            continue
        try:
            verdict = compare_instance(inst, Received(bodies[0]), allowed_syntaxes("default", inst))
        except NotPart10 as exc:
            problems.append(f"{key}: Retrieve URL {url}: {exc}")
            continue
        problems += [f"{key} as retrieved: {p}" for p in verdict.problems]
        for note in verdict.notes:
            ctx.note(f"{key} as retrieved: {note}")
    return problems
