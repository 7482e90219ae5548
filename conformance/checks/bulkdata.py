"""Checks that follow bulk data: every BulkDataURI in metadata resolves to the stored value.

The oracle for an element is its Value Field as stored, little endian (PS3.18 8.7.3.3.1, F.2.7),
compared with or without the pad byte that made it even. Pixel Data may come back either
uncompressed or as the stored compressed frames (PS3.18 8.7.3.3), each labelled for what it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from pydicom import Dataset
from pydicom.dataelem import DataElement
from pydicom.filebase import DicomBytesIO
from pydicom.filewriter import write_data_element
from pydicom.uid import UID

from conformance_fixtures import Instance, frame_bytes, native_frame_bytes
from conformance_fixtures.pixels import number_of_frames

from ..dicom.xml_convert import native_to_json
from ..dicom.xml_parse import parse_xml
from ..errors import Nonconformance
from .context import CheckContext
from .frames import pixel_parts
from .jsonds import datasets, first_value
from .partinfo import part_info
from .registry import NotApplicable, Outcome, check

MAX_FOLLOWED = 60
MAX_SHOWN = 10
PIXEL_DATA = 0x7FE00010
SOP_INSTANCE_UID = "00080018"
LONG_HEADER_VRS = frozenset("OB OD OF OL OV OW SQ SV UC UN UR UT UV".split())
# PS3.18 10.4.3.3.2: the VRs whose values a server may replace with a BulkDataURI.
BULK_VRS = frozenset("DS FL FD IS LT OB OD OF OL OV OW SL SS ST SV UC UL UN US UT UV".split())
DEFAULT_ACCEPT = 'multipart/related; type="application/octet-stream"'

Path = tuple[tuple[int, int], ...]  # (tag, item index) steps; the last step's index is unused


def value_field(element: DataElement) -> bytes:
    """The element's Value Field in Explicit VR Little Endian, as a bulk data part carries it."""
    fp = DicomBytesIO()
    fp.is_little_endian, fp.is_implicit_VR = True, False
    write_data_element(fp, element)
    raw = fp.getvalue()
    return raw[12:] if element.VR in LONG_HEADER_VRS else raw[8:]


def same_value(got: bytes, stored: bytes) -> bool:
    return got == stored or (len(stored) == len(got) + 1 and stored[-1:] in (b"\0", b" ") and stored[:-1] == got)


def metadata_documents(ctx: CheckContext) -> list[dict[str, Any]]:
    """The response's metadata as DICOM JSON datasets, from a JSON array or XML parts."""
    media = ctx.response.media_type or ""
    if media == "multipart/related":
        docs = []
        for part in ctx.response.parts():
            parsed = parse_xml(part.body)
            if parsed.root is not None:
                docs.append(native_to_json(parsed.root))
        return docs
    return datasets(ctx.response)


def bulk_references(doc: dict[str, Any], path: Path = ()) -> Iterator[tuple[Path, str, str]]:
    """(path, VR, BulkDataURI) of every attribute replaced by a bulk data reference, nested ones too."""
    for key, attr in doc.items():
        if not isinstance(attr, dict) or len(key) != 8:
            continue
        try:
            tag = int(key, 16)
        except ValueError:
            continue
        if isinstance(attr.get("BulkDataURI"), str):
            yield (*path, (tag, 0)), str(attr.get("vr")), attr["BulkDataURI"]
        elif attr.get("vr") == "SQ" and isinstance(attr.get("Value"), list):
            for index, item in enumerate(attr["Value"]):
                if isinstance(item, dict):
                    yield from bulk_references(item, (*path, (tag, index)))


def stored_element(ds: Dataset, path: Path) -> DataElement | None:
    node: Any = ds
    for depth, (tag, index) in enumerate(path):
        element = node.get(tag) if isinstance(node, Dataset) else None
        if element is None:
            return None
        if depth == len(path) - 1:
            return element
        items = element.value if element.VR == "SQ" else []
        if index >= len(items):
            return None
        node = items[index]
    return None


def _instances_by_uid(ctx: CheckContext) -> dict[str, Instance]:
    corpus = ctx.data.corpus
    found = {i.dataset.SOPInstanceUID: i for i in (*corpus.instances, *corpus.store_only)}
    found.update({i.dataset.SOPInstanceUID: i for i in ctx.data.local.values()})
    return found


@check("bulkdata_uris", {"type": "object", "additionalProperties": False, "properties": {
    "accept": {"type": "string", "description": f"Accept sent with each follow-up (default {DEFAULT_ACCEPT})"},
    "min": {"type": "integer", "minimum": 0, "description": "at least this many BulkDataURIs must appear"},
    "content_location": {"type": "boolean", "description": "each part's Content-Location must be the BulkDataURI (10.4.3.3.5)"},
    "declined": {"type": "array", "items": {"type": "integer"},
                 "description": "statuses that mean the asked (optional) media type is not offered: noted, not failed"}}},
    requirement="RETRIEVE-BULKDATA-URI")
def bulkdata_uris(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Every BulkDataURI in this metadata response resolves with GET (same origin) to the stored value of its element, nested elements and Pixel Data included."""
    by_uid = _instances_by_uid(ctx)
    accept = spec.get("accept", DEFAULT_ACCEPT)
    problems: list[str] = []
    followed = known = 0
    for doc in metadata_documents(ctx):
        inst = by_uid.get(str(first_value(doc, SOP_INSTANCE_UID)))
        if inst is None:
            continue  # metadata_of says whether the right instances came back
        known += 1
        for path, vr, uri in bulk_references(doc):
            if followed >= MAX_FOLLOWED:
                ctx.note(f"stopped after following {MAX_FOLLOWED} BulkDataURIs")
                return problems[:MAX_SHOWN]
            followed += 1
            if vr not in BULK_VRS:
                problems.append(f"{inst.key}: a BulkDataURI replaces a value of VR {vr}, which PS3.18 10.4.3.3.2 does not allow")
            problems += _follow_one(ctx, inst, path, uri, accept, spec)
    if followed < spec.get("min", 0):
        problems.append(f"{followed} BulkDataURI(s) in the metadata, expected at least {spec['min']}")
    if not known:
        problems.append("the metadata describes none of the stored instances this case asked about")
    elif not followed and not problems:
        raise NotApplicable("the metadata carries every value inline, no BulkDataURI to follow (permitted: PS3.18 10.4.3.3.2)")
    ctx.note(f"followed {followed} BulkDataURI(s)")
    return problems[:MAX_SHOWN]


def _follow_one(ctx: CheckContext, inst: Instance, path: Path, uri: str, accept: str, spec: dict[str, Any]) -> list[str]:
    where = f"{inst.key} " + ".".join(f"({t >> 16:04X},{t & 0xFFFF:04X})" for t, _ in path)
    element = stored_element(inst.dataset, path)
    if element is None:
        return [f"{where}: BulkDataURI for an element that was not stored"]
    if ctx.follow is None:
        return ["this runner cannot send follow-up requests"]
    url = urljoin(ctx.exchange.request.url, uri)
    try:
        resp = ctx.follow(url, (("Accept", accept),)).response
    except Nonconformance as exc:
        return [f"{where}: {uri}: {'; '.join(f.message for f in exc.findings)}"]
    if resp is not None and resp.status in spec.get("declined", []):
        ctx.note(f"{where}: {uri} answered {resp.status}: {accept} not offered")
        return []
    if resp is None or resp.status != 200:
        return [f"{where}: GET {uri} answered {resp.status if resp else 'nothing'}, expected 200 (PS3.18 10.4.1.1.5)"]
    if (resp.media_type or "") != "multipart/related":
        body = resp.read()
        return [] if _single_ok(inst, path, element, body) else [f"{where}: {len(body)}-byte body is not the stored value"]
    parts = [part_info(p) for p in resp.parts()]
    problems = []
    if spec.get("content_location", False):
        problems += [f"{where}: part {p.number} Content-Location {p.location!r} is not the BulkDataURI {uri!r}"
                     for p in parts if not p.location or urljoin(url, p.location) != url]
    if len(path) == 1 and path[0][0] == PIXEL_DATA:
        taken, found = pixel_parts(inst, parts, None) if parts else (0, ["no parts"])
        return problems + [f"{where}: {m}" for m in found] + \
            ([f"{where}: {len(parts) - taken} extra part(s)"] if len(parts) > taken else [])
    if len(parts) != 1:
        return problems + [f"{where}: {len(parts)} parts, expected the one value"]
    if not same_value(parts[0].body, value_field(element)):
        problems.append(f"{where}: {len(parts[0].body)}-byte part is not the stored {len(value_field(element))}-byte value")
    return problems


def _single_ok(inst: Instance, path: Path, element: DataElement, body: bytes) -> bool:
    if len(path) == 1 and path[0][0] == PIXEL_DATA:
        candidates = [inst.native_pixels or b""]
        if number_of_frames(inst) == 1:
            candidates.append(frame_bytes(inst, 1))
        return any(same_value(body, c) for c in candidates if c)
    return same_value(body, value_field(element))


def bulk_candidates(inst: Instance) -> list[bytes]:
    """Every value the instance's bulk data resource may hold: elements of bulk VRs, and the pixels."""
    values: list[bytes] = []

    def walk(ds: Dataset) -> None:
        for element in ds:
            if element.VR == "SQ":
                for item in element.value or []:
                    walk(item)
            elif element.VR in BULK_VRS and int(element.tag) != PIXEL_DATA and element.value not in (None, b"", ""):
                values.append(value_field(element))

    walk(inst.dataset)
    if PIXEL_DATA in inst.dataset:
        if inst.native_pixels is not None:
            values.append(inst.native_pixels)
            values += [native_frame_bytes(inst, n) for n in range(1, number_of_frames(inst) + 1)]
        if UID(inst.transfer_syntax).is_encapsulated:
            values += [frame_bytes(inst, n) for n in range(1, number_of_frames(inst) + 1)]
    return values


@check("bulkdata_parts", {"type": "object", "required": ["instances"], "additionalProperties": False, "properties": {
    "instances": {"type": "array", "items": {"type": "string"}, "minItems": 1}}},
    requirement="RETRIEVE-BULKDATA-ALL")
def bulkdata_parts(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Each part of this bulk data response is a bulk value of one of these instances (element value or pixel data) and carries Content-Location (PS3.18 10.4.3.3.5)."""
    insts = [ctx.data.instance(k) for k in spec["instances"]]
    candidates = [(inst, value) for inst in insts for value in bulk_candidates(inst)]
    problems = []
    parts = [part_info(p) for p in ctx.response.parts()]
    for info in parts:
        if not any(same_value(info.body, value) for _, value in candidates):
            problems.append(f"part {info.number} ({len(info.body)} bytes) is no bulk value of {', '.join(spec['instances'])}")
        if not info.location:
            problems.append(f"part {info.number} has no Content-Location (PS3.18 10.4.3.3.5)")
    if not parts:
        problems.append("no bulk data parts")
    return problems[:MAX_SHOWN]
