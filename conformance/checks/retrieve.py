"""Checks on retrieved content: multipart framing, instances and frames equal to what was stored."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError

from conformance_fixtures.pixels import frame_bytes

from .context import CheckContext
from .registry import Outcome, check

MAX_SHOWN = 10


@check("multipart", {"type": "object", "additionalProperties": False, "properties": {
    "type": {"type": "string", "description": "the multipart/related type parameter and each part's media type"},
    "parts": {"type": "integer", "minimum": 0},
    "transfer_syntax": {"type": "string", "description": "the transfer-syntax parameter each part must carry"}}},
    requirement="MEDIA-MULTIPART-TYPE-BOUNDARY")
def multipart(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is a well-framed multipart/related message (RFC 2387) whose type parameter and parts' Content-Type match."""
    resp = ctx.response
    ct = resp.content_type
    if ct is None or ct.media_type != "multipart/related":
        return f"Content-Type is {resp.header('content-type')!r}, expected multipart/related"
    problems = []
    want = spec.get("type")
    if want and ct.params.get("type", "").lower() != want.lower():
        problems.append(f"multipart/related type parameter is {ct.params.get('type')!r}, expected {want!r}")
    count = 0
    for part in resp.parts():
        count += 1
        pct = part.headers.content_type
        if pct is None:
            problems.append(f"part {part.index + 1} has no (valid) Content-Type")
            continue
        if want and pct.media_type != want.lower():
            problems.append(f"part {part.index + 1} is {pct.media_type}, expected {want}")
        ts = spec.get("transfer_syntax")
        if ts and pct.params.get("transfer-syntax") != ctx.render(ts):
            problems.append(f"part {part.index + 1} transfer-syntax={pct.params.get('transfer-syntax')!r}, expected {ts!r}")
    if "parts" in spec and count != spec["parts"]:
        problems.append(f"{count} part(s), expected {spec['parts']}")
    return problems[:MAX_SHOWN]


def _read_part10(body: bytes) -> pydicom.Dataset:
    return pydicom.dcmread(io.BytesIO(body), force=False)


@check("instances", {"type": "array", "items": {"type": "string"}, "minItems": 1}, requirement="RETRIEVE-INSTANCE-FIDELITY")
def instances(ctx: CheckContext, keys: list[str]) -> Outcome:
    """The multipart body holds exactly these fixture instances, each a Part 10 file equal to what was stored: byte-identical data set when the transfer syntax is unchanged, attribute-equal otherwise."""
    wanted = {ctx.data.instance(k).dataset.SOPInstanceUID: ctx.data.instance(k) for k in keys}
    seen: set[str] = set()
    problems = []
    for part in ctx.response.parts():
        try:
            got = _read_part10(part.body)
        except (InvalidDicomError, Exception) as exc:  # pydicom raises many kinds on garbage
            problems.append(f"part {part.index + 1} is not a DICOM Part 10 file: {exc}")
            continue
        uid = str(got.get("SOPInstanceUID", ""))
        inst = wanted.get(uid)
        if inst is None:
            problems.append(f"part {part.index + 1} is SOP Instance {uid}, which was not asked for")
            continue
        if uid in seen:
            problems.append(f"part {part.index + 1}: instance {inst.key} sent twice")
        seen.add(uid)
        problems += [f"{inst.key}: {d}" for d in _differences(inst, got)]
    for uid, inst in wanted.items():
        if uid not in seen:
            problems.append(f"instance {inst.key} ({uid}) missing from the response")
    return problems[:MAX_SHOWN]


@check("dicom_file", {"type": "string", "description": "the fixture instance the body must be"},
       requirement="RETRIEVE-INSTANCE-FIDELITY")
def dicom_file(ctx: CheckContext, key: str) -> Outcome:
    """The (single-part) body is a DICOM Part 10 file equal to the stored fixture instance."""
    inst = ctx.data.instance(key)
    body = ctx.response.read()
    try:
        got = _read_part10(body)
    except Exception as exc:  # pydicom raises many kinds on garbage
        return f"body ({len(body)} bytes, starts {body[:8]!r}) is not a DICOM Part 10 file: {exc}"
    if str(got.get("SOPInstanceUID", "")) != inst.dataset.SOPInstanceUID:
        return f"body is SOP Instance {got.get('SOPInstanceUID')}, expected {inst.key} ({inst.dataset.SOPInstanceUID})"
    return _differences(inst, got)


def _differences(inst: Any, got: pydicom.Dataset) -> list[str]:
    sent: pydicom.Dataset = inst.dataset
    got_ts = str(got.file_meta.get("TransferSyntaxUID", "")) if got.file_meta else ""
    diffs = []
    for elem in sent:
        if elem.tag == 0x7FE00010 and got_ts != inst.transfer_syntax:
            continue  # transcoded pixel data is compared by frames checks, not bytes
        other = got.get(elem.tag)
        if other is None:
            diffs.append(f"{elem.tag} {elem.keyword} missing")
        elif other.value != elem.value and elem.VR != "SQ":
            diffs.append(f"{elem.tag} {elem.keyword}: {str(other.value)[:60]!r}, stored {str(elem.value)[:60]!r}")
        if len(diffs) >= 5:
            break
    return diffs


@check("frames", {"type": "object", "required": ["instance", "frames"], "additionalProperties": False, "properties": {
    "instance": {"type": "string"}, "frames": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1}}},
    requirement="RETRIEVE-FRAMES-ORDER")
def frames(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The multipart body holds the requested frames of the instance, in the order asked, each equal to the stored frame."""
    inst = ctx.data.instance(spec["instance"])
    parts = list(_part_digests(ctx))
    problems = []
    if len(parts) != len(spec["frames"]):
        problems.append(f"{len(parts)} part(s), expected {len(spec['frames'])} frame(s)")
    for (index, digest, size, mtype), n in zip(parts, spec["frames"]):
        want = frame_bytes(inst, n)
        if digest != hashlib.sha256(want).hexdigest():
            problems.append(f"part {index + 1} ({mtype}, {size} bytes) is not frame {n} of {inst.key} ({len(want)} bytes)")
    return problems


def _part_digests(ctx: CheckContext) -> Any:
    for part in ctx.response.parts():
        pct = part.headers.content_type
        yield part.index, hashlib.sha256(part.body).hexdigest(), len(part.body), pct.media_type if pct else "?"


@check("image", {"type": "object", "required": ["format"], "additionalProperties": False, "properties": {
    "format": {"enum": ["jpeg", "png", "gif", "jp2"]}, "width": {"type": "integer"}, "height": {"type": "integer"}}},
    requirement="RENDER-CONTENT-TYPE")
def image(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is a decodable image of this format (and these dimensions, if given)."""
    from PIL import Image, UnidentifiedImageError

    body = ctx.response.read(64 << 20)
    try:
        img = Image.open(io.BytesIO(body))
        img.load()
    except (UnidentifiedImageError, OSError) as exc:
        return f"body ({len(body)} bytes, starts {body[:8]!r}) is not a decodable image: {exc}"
    fmt = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "JPEG2000": "jp2"}.get(img.format or "", img.format)
    problems = []
    if fmt != spec["format"]:
        problems.append(f"image is {fmt}, expected {spec['format']}")
    if "width" in spec and img.width != spec["width"]:
        problems.append(f"image is {img.width} px wide, expected {spec['width']}")
    if "height" in spec and img.height != spec["height"]:
        problems.append(f"image is {img.height} px high, expected {spec['height']}")
    return problems
