"""Checks on retrieved instances: multipart framing and each instance equal to what was stored."""

from __future__ import annotations

from typing import Any

from conformance_fixtures import Instance

from .context import CheckContext
from .fidelity import EXPLICIT_LE, NotPart10, Received, compare_instance
from .partinfo import part_info
from .registry import Outcome, check

MAX_SHOWN = 10
_TS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
       "description": "allowed transfer syntaxes: UIDs, '*' (any) or 'default' (Explicit VR Little Endian, "
                      "or the stored lossy syntax: PS3.18 8.7.3.4)"}


@check("multipart", {"type": "object", "additionalProperties": False, "properties": {
    "type": {"type": "string", "description": "the multipart/related type parameter and each part's media type"},
    "parts": {"type": "integer", "minimum": 0},
    "transfer_syntax": {"type": "string", "description": "the transfer-syntax parameter each part must carry"},
    "content_location": {"type": "boolean", "description": "every part must carry Content-Location (PS3.18 8.6.1.2)"}}},
    requirement="MEDIA-MULTIPART-TYPE-BOUNDARY")
def multipart(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is a well-framed multipart/related message (RFC 2387) with a type parameter; with `type`, that parameter is exactly this bare media type (PS3.18 8.7.3.5.1) and so is each part's; application/dicom parts carry a transfer-syntax parameter only if it is their file meta's."""
    resp = ctx.response
    ct = resp.content_type
    if ct is None or ct.media_type != "multipart/related":
        return f"Content-Type is {resp.header('content-type')!r}, expected multipart/related"
    problems = []
    root_type = ct.params.get("type")
    want = spec.get("type")
    if root_type is None:
        problems.append("multipart/related has no type parameter (RFC 2387 3.1, PS3.18 8.7.3.5.1)")
    elif want and ";" in root_type:  # judged where a case states the type it expects
        problems.append(f"type parameter {root_type!r} carries parameters; it must be a bare media type and "
                        "transfer-syntax a parameter of its own (PS3.18 8.7.3.5.1, RFC 2387 3.1)")
    bare = (root_type or "").split(";")[0].strip().lower()
    if want and root_type is not None and bare != want.lower():
        problems.append(f"multipart/related type parameter is {root_type!r}, expected {want!r}")
    count = 0
    for part in resp.parts():
        count += 1
        info = part_info(part)
        if info.problem:
            problems.append(info.problem)
            continue
        if (info.media_type or "").startswith("multipart/"):
            problems.append(f"part {info.number} is {info.media_type}; parts carry single-part media types (PS3.18 8.6.1.2)")
        if want and info.media_type != want.lower():
            problems.append(f"part {info.number} is {info.media_type}, expected {want}")
        ts = spec.get("transfer_syntax")
        if ts and info.params.get("transfer-syntax") != ctx.render(ts):
            problems.append(f"part {info.number} transfer-syntax={info.params.get('transfer-syntax')!r}, expected {ts!r}")
        if spec.get("content_location") and not info.location:
            problems.append(f"part {info.number} has no Content-Location though it holds a resource (PS3.18 8.6.1.2)")
        if info.media_type == "application/dicom" and "transfer-syntax" in info.params:
            problems += _declared_matches_file(info.number, info.params["transfer-syntax"], info.body)
    if "parts" in spec and count != spec["parts"]:
        problems.append(f"{count} part(s), expected {spec['parts']}")
    return problems[:MAX_SHOWN]


def _declared_matches_file(number: int, declared: str, body: bytes) -> list[str]:
    try:
        actual = Received(body).transfer_syntax
    except NotPart10:
        return []  # the instances check says so
    if declared != actual:
        return [f"part {number} says transfer-syntax={declared} but is encoded in {actual} (PS3.18 8.7.9)"]
    return []


def allowed_syntaxes(spec: Any, inst: Instance) -> frozenset[str] | None:
    """The transfer syntaxes a case allows for `inst` (None: any)."""
    values = [spec] if isinstance(spec, str) else list(spec or [])
    if not values or "*" in values:
        return None
    allowed = set()
    for value in values:
        if value == "default":
            allowed.add(EXPLICIT_LE)
            if inst.native_pixels is None and "PixelData" in inst.dataset:
                allowed.add(inst.transfer_syntax)  # only lossy pixels: the server may keep them (8.7.3.4)
        else:
            allowed.add(value)
    return frozenset(allowed)


@check("instances", {"oneOf": [
    {"type": "array", "items": {"type": "string"}, "minItems": 1},
    {"type": "object", "required": ["keys"], "additionalProperties": False, "properties": {
        "keys": {"type": "array", "items": {"type": "string"}, "minItems": 1}, "transfer_syntax": _TS}}]},
    requirement="RETRIEVE-INSTANCE-FIDELITY")
def instances(ctx: CheckContext, spec: list[str] | dict[str, Any]) -> Outcome:
    """The multipart body holds exactly these fixture instances, each a Part 10 file equal to what was stored: every attribute equal (sequences and private elements included), pixels byte-equal in the stored transfer syntax and decoded-equal after a lossless transcode; with transfer_syntax, each part is in an allowed syntax."""
    keys = spec if isinstance(spec, list) else spec["keys"]
    ts_spec = None if isinstance(spec, list) else spec.get("transfer_syntax")
    wanted = {ctx.data.instance(k).dataset.SOPInstanceUID: ctx.data.instance(k) for k in keys}
    seen: set[str] = set()
    problems = []
    for part in ctx.response.parts():
        info = part_info(part)
        try:
            received = Received(info.body)
            uid, inst = received.identify(wanted)
        except NotPart10 as exc:
            problems.append(f"part {info.number} is not a DICOM Part 10 file: {exc}")
            continue
        if inst is None:
            problems.append(f"part {info.number} is SOP Instance {uid}, which was not asked for")
            continue
        if uid in seen:
            problems.append(f"part {info.number}: instance {inst.key} sent twice")
        seen.add(uid)
        verdict = compare_instance(inst, received, allowed_syntaxes(ts_spec, inst))
        problems += [f"{inst.key}: {p}" for p in verdict.problems]
        for note in verdict.notes:
            ctx.note(f"{inst.key}: {note}")
    for uid, inst in wanted.items():
        if uid not in seen:
            problems.append(f"instance {inst.key} ({uid}) missing from the response")
    return problems[:MAX_SHOWN]


@check("dicom_file", {"oneOf": [
    {"type": "string", "description": "the fixture instance the body must be"},
    {"type": "object", "required": ["instance"], "additionalProperties": False, "properties": {
        "instance": {"type": "string"}, "transfer_syntax": _TS}}]},
    requirement="RETRIEVE-INSTANCE-FIDELITY")
def dicom_file(ctx: CheckContext, spec: str | dict[str, Any]) -> Outcome:
    """The (single-part) body is a DICOM Part 10 file equal to the stored fixture instance, as the instances check compares."""
    key = spec if isinstance(spec, str) else spec["instance"]
    inst = ctx.data.instance(key)
    body = ctx.response.read()
    try:
        received = Received(body)
        uid, _ = received.identify({inst.dataset.SOPInstanceUID: inst})
    except NotPart10 as exc:
        return f"body ({len(body)} bytes, starts {body[:8]!r}) is not a DICOM Part 10 file: {exc}"
    if uid != inst.dataset.SOPInstanceUID:
        return f"body is SOP Instance {uid or None}, expected {inst.key} ({inst.dataset.SOPInstanceUID})"
    ts_spec = None if isinstance(spec, str) else spec.get("transfer_syntax")
    verdict = compare_instance(inst, received, allowed_syntaxes(ts_spec, inst))
    for note in verdict.notes:
        ctx.note(f"{inst.key}: {note}")
    return verdict.problems


@check("payload_framing", {"const": True}, requirement="GEN-PAYLOAD-FRAMING")
def payload_framing(ctx: CheckContext, _: bool) -> Outcome:
    """A response with a payload carries Content-Length or Transfer-Encoding, not both; one without carries neither (PS3.18 8.6, 8.4.3)."""
    length = ctx.response.header_all("content-length")
    coding = ctx.response.header_all("transfer-encoding")
    if length and coding:
        return f"both Content-Length ({length[0]}) and Transfer-Encoding ({coding[0]}) are present"
    if ctx.response.size and not (length or coding):
        return "the payload has neither Content-Length nor Transfer-Encoding"
    if not ctx.response.size and coding:
        return "an empty response carries Transfer-Encoding"
    return None
