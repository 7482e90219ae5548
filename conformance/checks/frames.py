"""Checks on frame and pixel data parts: each part is the frame asked for, in whatever form it came.

A part is accepted as frame n when its bytes are frame n as stored (encapsulated fragments, or the
native frame) or frame n decoded (the uncompressed little-endian bytes of PS3.18 8.7.3.3.1), and
its Content-Type says which of the two it is (PS3.18 8.7.9). A part in another compressed syntax is
decoded when this installation can, and compared with the decoded frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydicom.uid import UID

from conformance_fixtures import Instance, frame_bytes, native_frame_bytes
from conformance_fixtures.pixels import frame_size_bits, number_of_frames

from .context import CheckContext
from .partinfo import COMPRESSED_MEDIA, EXPLICIT_LE, PartInfo, part_info
from .pixelcodec import decode_frame, lossy_close
from .registry import Outcome, check

MAX_SHOWN = 10


@dataclass(frozen=True)
class Match:
    form: str            # "stored", "decoded" or "transcoded" (another compressed syntax, decoded here)
    transfer_syntax: str  # what the bytes are encoded in


def match_frame(inst: Instance, n: int, info: PartInfo) -> Match | None:
    """Which representation of frame n the part's bytes are, if any."""
    body = info.body
    stored = frame_bytes(inst, n)
    if _same_stream(body, stored):
        return Match("stored", inst.transfer_syntax if UID(inst.transfer_syntax).is_encapsulated else EXPLICIT_LE)
    if inst.native_pixels is None:
        return _lossy_decoded(inst, stored, info)
    decoded = native_frame_bytes(inst, n)
    if body == decoded:
        return Match("decoded", EXPLICIT_LE)
    declared = info.transfer_syntax
    if declared and declared != inst.transfer_syntax and UID(declared).is_encapsulated:
        if decode_frame(inst.dataset, body, declared) == decoded:  # the server transcoded losslessly
            return Match("transcoded", declared)
    return None


def _lossy_decoded(inst: Instance, stored: bytes, info: PartInfo) -> Match | None:
    """A frame stored lossy and sent decoded: the same picture within decoder rounding."""
    if info.transfer_syntax != EXPLICIT_LE or len(info.body) * 8 != frame_size_bits(inst):
        return None
    reference = decode_frame(inst.dataset, stored, inst.transfer_syntax)
    bits = int(inst.dataset.get("BitsAllocated", 8))
    return Match("decoded", EXPLICIT_LE) if reference and lossy_close(reference, info.body, bits) else None


def _same_stream(body: bytes, stored: bytes) -> bool:
    # A compressed stream may come without the pad byte that made its fragment even (PS3.5 A.4).
    return body == stored or (stored.endswith(b"\0") and body == stored[:-1])


def label_problem(info: PartInfo, found: Match, inst: Instance) -> str | None:
    """Does the part's Content-Type describe the representation it carries? (PS3.18 8.7.9)"""
    declared = info.params.get("transfer-syntax")
    if found.form == "transcoded":
        return None  # decoded as the label said, so the label is right
    if found.form == "decoded":
        if info.media_type != "application/octet-stream":
            return f"part {info.number} holds uncompressed pixels but is labelled {info.media_type}"
        if declared and declared != EXPLICIT_LE:
            return f"part {info.number} holds uncompressed pixels but says transfer-syntax={declared}"
        return None
    if not UID(inst.transfer_syntax).is_encapsulated:
        return None if info.media_type == "application/octet-stream" else \
            f"part {info.number} holds uncompressed pixels but is labelled {info.media_type}"
    if info.media_type == "application/octet-stream" and declared != inst.transfer_syntax:
        return (f"part {info.number} holds the {inst.transfer_syntax} stream but is labelled application/octet-stream"
                f"{'; transfer-syntax=' + declared if declared else ' without a transfer-syntax'} (PS3.18 8.7.3.3.2, 8.7.9)")
    if declared and declared != inst.transfer_syntax:
        return f"part {info.number} holds the {inst.transfer_syntax} stream but says transfer-syntax={declared}"
    return None


def check_frame_part(inst: Instance, n: int, info: PartInfo, allowed: frozenset[str] | None) -> list[str]:
    if info.problem:
        return [info.problem]
    found = match_frame(inst, n, info)
    if found is None:
        stored = frame_bytes(inst, n)
        decoded = f", decoded {len(native_frame_bytes(inst, n))} bytes" if inst.native_pixels is not None else ""
        media = f"{info.media_type}; transfer-syntax={info.params.get('transfer-syntax', '-')}"
        return [f"part {info.number} ({media}, {len(info.body)} bytes) is not frame {n} of {inst.key} "
                f"(stored {len(stored)} bytes in {inst.transfer_syntax}{decoded})"]
    problems = []
    label = label_problem(info, found, inst)
    if label:
        problems.append(label)
    if allowed is not None and found.transfer_syntax not in allowed:
        problems.append(f"part {info.number} is frame {n} in {found.transfer_syntax}, expected {' or '.join(sorted(allowed))}")
    return problems


def allowed_frame_syntaxes(spec: Any, inst: Instance) -> frozenset[str] | None:
    values = [spec] if isinstance(spec, str) else list(spec or [])
    if not values or "*" in values:
        return None
    allowed = set()
    for value in values:
        if value == "default":  # PS3.18 8.7.3.3: Explicit VR LE unless only lossy pixels exist
            allowed.add(EXPLICIT_LE)
            if inst.native_pixels is None:
                allowed.add(inst.transfer_syntax)
        else:
            allowed.add(value)
    return frozenset(allowed)


_TS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}],
       "description": "allowed encodings of each frame: UIDs, '*' or 'default' (decoded, PS3.18 8.7.3.3)"}


@check("frames", {"type": "object", "required": ["instance", "frames"], "additionalProperties": False, "properties": {
    "instance": {"type": "string"}, "frames": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1},
    "transfer_syntax": _TS}},
    requirement="RETRIEVE-FRAMES-ORDER")
def frames(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The multipart body holds the requested frames of the instance, one part each, in the order asked; each part is the stored frame or the frame decoded, as its Content-Type says."""
    inst = ctx.data.instance(spec["instance"])
    allowed = allowed_frame_syntaxes(spec.get("transfer_syntax"), inst)
    parts = [part_info(p) for p in ctx.response.parts()]
    problems = []
    if len(parts) != len(spec["frames"]):
        problems.append(f"{len(parts)} part(s), expected {len(spec['frames'])} frame(s)")
    for info, n in zip(parts, spec["frames"]):
        problems += check_frame_part(inst, n, info, allowed)
    return problems[:MAX_SHOWN]


@check("pixel_data", {"type": "object", "required": ["instances"], "additionalProperties": False, "properties": {
    "instances": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "transfer_syntax": _TS}},
    requirement="RETRIEVE-MEDIA-BULKDATA-OCTET-STREAM")
def pixel_data(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The multipart body holds the pixel data of these instances, in order: one uncompressed part per instance, or one compressed part per frame (PS3.18 8.7.3.3)."""
    parts = [part_info(p) for p in ctx.response.parts()]
    problems: list[str] = []
    at = 0
    for key in spec["instances"]:
        inst = ctx.data.instance(key)
        allowed = allowed_frame_syntaxes(spec.get("transfer_syntax"), inst)
        if at >= len(parts):
            problems.append(f"no part left for the pixel data of {key}")
            break
        taken, found = pixel_parts(inst, parts[at:], allowed)
        problems += found
        at += max(taken, 1)
    if at < len(parts):
        problems.append(f"{len(parts) - at} part(s) more than the pixel data asked for")
    return problems[:MAX_SHOWN]


def pixel_parts(inst: Instance, parts: list[PartInfo], allowed: frozenset[str] | None) -> tuple[int, list[str]]:
    """How many parts the instance's pixel data took, and what was wrong with them."""
    total = number_of_frames(inst)
    first = parts[0]
    whole = inst.native_pixels
    if whole is not None and first.body == whole:  # one uncompressed representation (8.7.3.3)
        problems = []
        if first.media_type != "application/octet-stream" or first.params.get("transfer-syntax", EXPLICIT_LE) != EXPLICIT_LE:
            problems.append(f"part {first.number} holds the uncompressed pixels of {inst.key} but is labelled "
                            f"{first.media_type}; transfer-syntax={first.params.get('transfer-syntax', '-')}")
        if allowed is not None and EXPLICIT_LE not in allowed:
            problems.append(f"{inst.key}: pixels uncompressed, expected {' or '.join(sorted(allowed))}")
        return 1, problems
    if first.media_type in COMPRESSED_MEDIA or UID(inst.transfer_syntax).is_encapsulated:
        problems = []
        for n, info in enumerate(parts[:total], start=1):  # one compressed part per frame
            problems += check_frame_part(inst, n, info, allowed)
        if len(parts) < total:
            problems.append(f"{inst.key}: {len(parts)} frame part(s), expected {total}")
        return total, problems
    return 1, [f"part {first.number} ({first.media_type}, {len(first.body)} bytes) is not the pixel data of {inst.key}"]
