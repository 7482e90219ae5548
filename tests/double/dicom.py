"""DICOM JSON and XML as the double reads and writes them (PS3.18 Annex F, PS3.19 A.1), and multipart bodies.

Written apart from the harness's own readers on purpose: the double must not share a bug
with the thing it tests.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from xml.sax.saxutils import escape

from pydicom.datadict import dictionary_VR, keyword_for_tag, tag_for_keyword

Json = dict[str, Any]
UID_RE = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
AET_RE = re.compile(r"^[^\\\x00-\x1f]{1,16}$")


def is_uid(text: str) -> bool:
    return len(text) <= 64 and bool(UID_RE.match(text))


def one_dataset(body: bytes) -> Json | None:
    """A dataset payload: a JSON object, or an array holding exactly one (§11.1.3 writes payloads as arrays)."""
    import json

    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(doc, list) and len(doc) == 1:
        doc = doc[0]
    if not isinstance(doc, dict) or not all(isinstance(v, dict) and "vr" in v for v in doc.values()):
        return None
    return doc


def tag_of(name: str) -> str | None:
    """A keyword or an 8-digit tag -> the 8-digit tag, or None."""
    if re.fullmatch(r"[0-9A-Fa-f]{8}", name):
        return name.upper()
    tag = tag_for_keyword(name)
    return f"{tag:08X}" if tag is not None else None


def first(ds: Json, tag: str) -> Any:
    element = ds.get(tag)
    if not isinstance(element, dict) or not element.get("Value"):
        return None
    value = element["Value"][0]
    return value.get("Alphabetic") if isinstance(value, dict) and element.get("vr") == "PN" else value


def element(tag: str, value: Any) -> Json:
    vr = dictionary_VR(int(tag, 16)).split(" or ")[0]
    return {"vr": vr, "Value": [value]} if value is not None else {"vr": vr}


def sorted_ds(ds: Json) -> Json:
    """F.2.2: attributes ordered by tag, in sequence items too."""
    out = {}
    for tag in sorted(ds):
        element = ds[tag]
        if isinstance(element, dict) and element.get("vr") == "SQ" and isinstance(element.get("Value"), list):
            element = {**element, "Value": [sorted_ds(i) if isinstance(i, dict) else i for i in element["Value"]]}
        out[tag] = element
    return out


def new_uid() -> str:
    return f"2.25.{uuid.uuid4().int}"


# ----- Native DICOM Model (PS3.19 A.1) -----

def to_xml(ds: Json) -> bytes:
    body = "".join(_xml_attribute(tag, el) for tag, el in sorted(ds.items()))
    doc = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM" xml:space="preserve">'
           f'{body}</NativeDicomModel>')
    return doc.encode("utf-8")


def _xml_attribute(tag: str, el: Json) -> str:
    vr = el.get("vr", "UN")
    keyword = keyword_for_tag(int(tag, 16)) if not tag.startswith("0000") else ""
    head = f'<DicomAttribute tag="{tag}" vr="{vr}"' + (f' keyword="{keyword}"' if keyword else "") + ">"
    inner = ""
    for n, value in enumerate(el.get("Value", []), 1):
        if vr == "SQ":
            items = "".join(_xml_attribute(t, e) for t, e in sorted(value.items()))
            inner += f'<Item number="{n}">{items}</Item>'
        elif vr == "PN":  # PS3.19 A.1: one element per name component
            names = ("FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix")
            parts = str(value.get("Alphabetic", "")).split("^")
            comps = "".join(f"<{c}>{escape(p)}</{c}>" for c, p in zip(names, parts) if p)
            inner += f'<PersonName number="{n}"><Alphabetic>{comps}</Alphabetic></PersonName>'
        else:
            inner += f'<Value number="{n}">{escape(str(value))}</Value>'
    return head + inner + "</DicomAttribute>"


# ----- multipart/related (RFC 2387) -----

def multipart(parts: list[tuple[str, bytes]], type_: str) -> tuple[str, bytes]:
    boundary = f"double-{uuid.uuid4().hex}"
    out = b""
    for ctype, data in parts:
        out += f"--{boundary}\r\nContent-Type: {ctype}\r\n\r\n".encode("ascii") + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode("ascii")
    return f'multipart/related; type="{type_}"; boundary={boundary}', out


def split_multipart(body: bytes, boundary: str) -> list[tuple[dict[str, str], bytes]] | None:
    """The parts of a multipart body, or None when the framing is broken."""
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        return None
    parts = []
    for chunk in chunks[1:-1]:
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            return None
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.strip():
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, data[:-2] if data.endswith(b"\r\n") else data))
    return parts
