"""Checks on rendered and thumbnail responses: decodable images, sizes, pixel facts, comparisons."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..errors import Nonconformance
from ..transport.query import build_query
from .context import CheckContext
from .registry import Outcome, check

FORMATS = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "JPEG2000": "jp2"}
UNIFORM_TOLERANCE = 3  # a flat JPEG may decode a level or two off


def decode_image(body: bytes) -> tuple[Any, str | None]:
    """(PIL image, None) or (None, why the bytes are not an image)."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(body))
        img.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        return None, f"body ({len(body)} bytes, starts {body[:8]!r}) is not a decodable image: {exc}"
    return img, None


def jpeg_process(body: bytes) -> int | None:
    """The first start-of-frame marker (0xC0 baseline, 0xC1 extended, 0xC2 progressive...) of a JPEG."""
    at = 2
    while at + 4 <= len(body):
        if body[at] != 0xFF:
            return None
        marker = body[at + 1]
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            return marker
        at += 2 + int.from_bytes(body[at + 2:at + 4], "big")
    return None


def gray(img: Any) -> np.ndarray:
    return np.asarray(img.convert("L"), dtype=np.int32)


@check("image", {"type": "object", "required": ["format"], "additionalProperties": False, "properties": {
    "format": {"enum": ["jpeg", "png", "gif", "jp2"]},
    "width": {"type": "integer"}, "height": {"type": "integer"},
    "max_width": {"type": "integer", "description": "the image fits in this width (thumbnails, viewports)"},
    "max_height": {"type": "integer"},
    "uniform": {"type": "integer", "minimum": 0, "maximum": 255,
                "description": "every pixel (as 8-bit gray) is this level, within a JPEG tolerance"},
    "not_uniform": {"type": "boolean", "description": "the pixels are not all one level"},
    "icc_profile": {"enum": ["present", "absent"]},
    "frames": {"type": "integer", "minimum": 1},
    "jpeg_baseline": {"type": "boolean", "description": "a JPEG coded with the baseline process (SOF0), PS3.18 8.7.4"}}},
    requirement="RENDER-CONTENT-TYPE")
def image(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is a decodable image of this format, with these dimensions and pixel facts if given."""
    body = ctx.response.read(64 << 20)
    img, error = decode_image(body)
    if error:
        return error
    fmt = FORMATS.get(img.format or "", img.format)
    problems = []
    if spec.get("jpeg_baseline") and fmt == "jpeg":
        process = jpeg_process(body)
        if process is None:
            problems.append("no JPEG start-of-frame marker found")
        elif process != 0xC0:
            problems.append(f"JPEG start-of-frame marker is 0xFF{process:02X}, not baseline SOF0 0xFFC0 (PS3.18 8.7.4)")
    if fmt != spec["format"]:
        problems.append(f"image is {fmt}, expected {spec['format']}")
    for key, got in (("width", img.width), ("height", img.height)):
        if key in spec and got != spec[key]:
            problems.append(f"image is {got} px {'wide' if key == 'width' else 'high'}, expected {spec[key]}")
        if f"max_{key}" in spec and got > spec[f"max_{key}"]:
            problems.append(f"image {key} {got} px exceeds {spec[f'max_{key}']}")
    pixels = gray(img)
    if "uniform" in spec:
        worst = int(np.abs(pixels - spec["uniform"]).max())
        if worst > UNIFORM_TOLERANCE:
            problems.append(f"pixels range {int(pixels.min())}..{int(pixels.max())}, expected all {spec['uniform']}")
    if spec.get("not_uniform") and int(pixels.max()) - int(pixels.min()) <= UNIFORM_TOLERANCE:
        problems.append(f"every pixel is {int(pixels.min())}: nothing was drawn")
    if "icc_profile" in spec:
        has = bool(img.info.get("icc_profile"))
        if has != (spec["icc_profile"] == "present"):
            problems.append(f"the image {'carries' if has else 'lacks'} an ICC profile, expected it {spec['icc_profile']}")
    if "frames" in spec and getattr(img, "n_frames", 1) != spec["frames"]:
        problems.append(f"image has {getattr(img, 'n_frames', 1)} frame(s), expected {spec['frames']}")
    return problems


def _fetch(ctx: CheckContext, path: str, query: dict[str, str], accept: str) -> Any:
    """GET another resource of the target (same origin); the response, or a message string."""
    if ctx.follow is None:
        return "this runner cannot send follow-up requests"
    pairs = [(k, tuple(ctx.render(str(x)) for x in v) if isinstance(v, list) else ctx.render(str(v))) for k, v in query.items()]
    url = ctx.base_url.rstrip("/") + ctx.render(path) + ("?" + build_query(pairs) if pairs else "")
    try:
        return ctx.follow(url, (("Accept", accept),)).response
    except Nonconformance as exc:
        return f"follow-up {url}: {'; '.join(f.message for f in exc.findings)}"


@check("image_compare", {"type": "object", "required": ["path", "relation"], "additionalProperties": False, "properties": {
    "path": {"type": "string", "description": "the other rendering, relative to the base URL"},
    "query": {"type": "object", "additionalProperties": {"oneOf": [
        {"type": ["string", "number"]}, {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1}]},
        "description": "a list is sent comma-separated, as the request query of a case"},
    "accept": {"type": "string"},
    "relation": {"enum": ["same", "differs", "mirrored-horizontally", "mirrored-vertically"],
                 "description": "how this image relates to the other one (both read as 8-bit gray)"}}},
    requirement=None)
def image_compare(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """This rendering, compared with another one fetched from the target, is the same, differs, or is its mirror image."""
    mine, error = decode_image(ctx.response.read(64 << 20))
    if error:
        return error
    other = _fetch(ctx, spec["path"], spec.get("query", {}), spec.get("accept", ctx.exchange.request.header("accept") or "*/*"))
    if isinstance(other, str):
        return other
    if other.status != 200:
        return f"the rendering to compare with answered {other.status}"
    theirs, error = decode_image(other.read(64 << 20))
    if error:
        return f"the rendering to compare with: {error}"
    a, b = gray(mine), gray(theirs)
    relation = spec["relation"]
    if relation == "differs":
        return None if a.shape != b.shape or not np.array_equal(a, b) else "the two renderings are identical"
    if a.shape != b.shape:
        return f"renderings are {a.shape[1]}x{a.shape[0]} and {b.shape[1]}x{b.shape[0]}"
    target = {"same": b, "mirrored-horizontally": b[:, ::-1], "mirrored-vertically": b[::-1, :]}[relation]
    worst = int(np.abs(a - target).max())
    return None if worst <= UNIFORM_TOLERANCE else f"renderings are not {relation} (largest difference {worst} levels)"


@check("same_support", {"type": "object", "required": ["paths"], "additionalProperties": False, "properties": {
    "paths": {"type": "array", "items": {"type": "string"}, "minItems": 1,
              "description": "the other resources, relative to the base URL"},
    "accept": {"type": "string"}}},
    requirement="THUMB-ALL-OR-NONE")
def same_support(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """This resource and the listed ones are all offered (2xx or 3xx) or none is: a server supporting one must support all."""
    accept = spec.get("accept", ctx.exchange.request.header("accept") or "*/*")
    answers = {ctx.resource: ctx.response.status}
    for path in spec["paths"]:
        got = _fetch(ctx, path, {}, accept)
        if isinstance(got, str):
            return got
        answers[ctx.render(path)] = got.status
    offered = {p: s for p, s in answers.items() if 200 <= s < 400}
    if offered and len(offered) != len(answers):
        missing = ", ".join(f"{p} -> {s}" for p, s in answers.items() if p not in offered)
        return f"{len(offered)} of {len(answers)} offered; not offered: {missing}"
    ctx.note(f"{'all' if offered else 'none'} of {len(answers)} offered: {answers}")
    return None
