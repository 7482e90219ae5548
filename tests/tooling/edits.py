"""Small, exact edits of response bodies: DICOM JSON, multipart/related, Part 10 files, images.

Each edit does one thing to a known-good body; a mutation is one such edit applied to one
kind of exchange.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pydicom
from PIL import Image

JsonDataset = dict[str, Any]

# -- DICOM JSON ---------------------------------------------------------------------------


def datasets_of(doc: Any) -> list[JsonDataset]:
    if isinstance(doc, dict):
        return [doc]
    return [d for d in doc if isinstance(d, dict)] if isinstance(doc, list) else []


def each_dataset(doc: Any, edit: Callable[[JsonDataset], None]) -> Any:
    for ds in datasets_of(doc):
        edit(ds)
    return doc


def drop_tag(tag: str) -> Callable[[JsonDataset], None]:
    return lambda ds: ds.pop(tag, None)


def set_vr(tag: str, vr: str) -> Callable[[JsonDataset], None]:
    def edit(ds: JsonDataset) -> None:
        if isinstance(ds.get(tag), dict):
            ds[tag]["vr"] = vr
    return edit


def map_values(tag: str, fn: Callable[[Any], Any]) -> Callable[[JsonDataset], None]:
    def edit(ds: JsonDataset) -> None:
        element = ds.get(tag)
        if isinstance(element, dict) and isinstance(element.get("Value"), list):
            element["Value"] = [fn(v) for v in element["Value"]]
    return edit


def pn_as_string(tag: str) -> Callable[[JsonDataset], None]:
    """A PN value written as a bare string instead of the {"Alphabetic": ...} object (F.2.2)."""
    return map_values(tag, lambda v: v.get("Alphabetic", "") if isinstance(v, dict) else v)


def reverse_tag_order(ds: JsonDataset) -> None:
    items = sorted(ds.items(), reverse=True)
    ds.clear()
    ds.update(items)


def sort_tags(doc: Any) -> Any:
    """Every object of the document with its keys in ascending order (nested items too)."""
    if isinstance(doc, dict):
        return {k: sort_tags(doc[k]) for k in sorted(doc)}
    if isinstance(doc, list):
        return [sort_tags(v) for v in doc]
    return doc


def sequence_items(ds: JsonDataset, tag: str) -> list[JsonDataset]:
    value = (ds.get(tag) or {}).get("Value")
    return [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []


# -- multipart/related --------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    headers: bytes  # the raw header block, without the blank line
    body: bytes

    def with_body(self, body: bytes) -> "Part":
        return Part(self.headers, body)

    def with_content_type(self, value: str) -> "Part":
        lines = [h for h in self.headers.split(b"\r\n") if h and not h.lower().startswith(b"content-type:")]
        return Part(b"\r\n".join([b"Content-Type: " + value.encode()] + lines), self.body)

    def without_header(self, name: str) -> "Part":
        lines = [h for h in self.headers.split(b"\r\n") if h and not h.lower().startswith(name.lower().encode() + b":")]
        return Part(b"\r\n".join(lines), self.body)


def boundary_of(content_type: str) -> str:
    match = re.search(r'boundary=("([^"]*)"|[^;\s]+)', content_type, re.IGNORECASE)
    if not match:
        raise ValueError(f"no boundary in {content_type!r}")
    return match.group(2) if match.group(2) is not None else match.group(1)


def split_parts(body: bytes, boundary: str) -> list[Part]:
    delimiter = b"\r\n--" + boundary.encode()
    segments = (b"\r\n" + body).split(delimiter)
    parts = []
    for segment in segments[1:]:
        if segment.startswith(b"--"):
            break  # the close delimiter
        segment = segment.split(b"\r\n", 1)[1] if b"\r\n" in segment else b""  # transport padding
        head, _, content = segment.partition(b"\r\n\r\n")
        parts.append(Part(head, content))
    return parts


def join_parts(parts: list[Part], boundary: str) -> bytes:
    b = boundary.encode()
    out = b"".join(b"--" + b + b"\r\n" + p.headers + b"\r\n\r\n" + p.body + b"\r\n" for p in parts)
    return out + b"--" + b + b"--\r\n"


def set_type_param(content_type: str, new_type: str) -> str:
    """Replace the type parameter of a multipart/related Content-Type (quoted)."""
    replaced, n = re.subn(r'type=("[^"]*"|[^;\s]+)', f'type="{new_type}"', content_type, count=1, flags=re.IGNORECASE)
    return replaced if n else f'{content_type}; type="{new_type}"'


# -- Part 10 files ------------------------------------------------------------------------


def edit_part10(data: bytes, edit: Callable[[pydicom.Dataset], None]) -> bytes:
    ds = pydicom.dcmread(io.BytesIO(data), force=True)
    edit(ds)
    out = io.BytesIO()
    pydicom.dcmwrite(out, ds, enforce_file_format=True)
    return out.getvalue()


def flip_last_byte(data: bytes) -> bytes:
    """Pixel data ends a Part 10 file of the fixtures: its last byte changes value."""
    return data[:-1] + bytes([data[-1] ^ 0xFF]) if data else data


def truncate_half(data: bytes) -> bytes:
    return data[: len(data) // 2]


# -- images -------------------------------------------------------------------------------


def reencode_image(data: bytes, fmt: str, size: tuple[int, int] | None = None) -> bytes:
    img = Image.open(io.BytesIO(data))
    img.load()
    if size is not None:
        img = img.resize(size)
    if fmt == "JPEG" and img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    out = io.BytesIO()
    img.save(out, format=fmt)
    return out.getvalue()


def image_size(data: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(data))
    return img.width, img.height
