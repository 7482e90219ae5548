"""Store request payloads in the Metadata and Bulkdata form (PS3.18 §10.5.1.4, §8.6.1.2, Figure 8.6-1).

An instance is sent as its data set without File Meta Information, binary values over a
threshold replaced by BulkDataURIs, followed by one part per bulk value whose Content-Location
is that URI (metadata parts precede the bulk parts they reference, §8.6.1.2). The JSON form is
one application/dicom+json part holding an array of every instance; the XML form is one
application/dicom+xml part per instance (PS3.19 Native DICOM Model). Uncompressed bulk data is
application/octet-stream; an Encapsulated Document uses its own MIME Type (0042,0012).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from pydicom import Dataset
from pydicom.dataelem import DataElement
from pydicom.valuerep import PersonName

from conformance_fixtures import Instance

from ..multipart import build_related

BULK_THRESHOLD = 1024  # bytes: larger binary values travel as bulk data parts
BINARY_VRS = frozenset({"OB", "OD", "OF", "OL", "OV", "OW", "UN"})
ENCAPSULATED_DOCUMENT = 0x00420011
NATIVE_SYNTAXES = frozenset({"1.2.840.10008.1.2", "1.2.840.10008.1.2.1"})


class NotSendableAsMetadata(ValueError):
    """An instance this builder cannot split into metadata and bulk data (compressed pixels)."""


@dataclass(frozen=True)
class BulkPart:
    uri: str
    media_type: str
    data: bytes


class _Bulk:
    """Hands out a BulkDataURI for each large binary value and keeps the value for its part."""

    def __init__(self, instance_url: str, media_of_document: str) -> None:
        self.instance_url, self.media_of_document = instance_url, media_of_document
        self.parts: list[BulkPart] = []

    def wants(self, element: DataElement) -> bool:
        value = element.value
        return element.VR in BINARY_VRS and isinstance(value, (bytes, bytearray)) and len(value) > BULK_THRESHOLD

    def uri_for(self, element: DataElement) -> str:
        uri = f"{self.instance_url}/bulk/{len(self.parts) + 1}"
        media = self.media_of_document if int(element.tag) == ENCAPSULATED_DOCUMENT else "application/octet-stream"
        self.parts.append(BulkPart(uri, media, bytes(element.value)))
        return uri


def _bulk_for(inst: Instance, base_url: str) -> _Bulk:
    if inst.transfer_syntax not in NATIVE_SYNTAXES:
        raise NotSendableAsMetadata(f"{inst.key} is in {inst.transfer_syntax}: compressed pixel data would need one "
                                    "part per frame in its own media type, which this builder does not write")
    ds = inst.dataset
    url = f"{base_url.rstrip('/')}/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}/instances/{ds.SOPInstanceUID}"
    return _Bulk(url, str(ds.get("MIMETypeOfEncapsulatedDocument", "") or "application/octet-stream"))


def json_payload(instances: Sequence[Instance], base_url: str, boundary: str | None = None) -> tuple[str, bytes]:
    """(Content-Type, body): one DICOM JSON array part for all instances, then their bulk parts."""
    docs, bulk_parts = [], []
    for inst in instances:
        bulk = _bulk_for(inst, base_url)
        docs.append(_json_dataset(inst.dataset, bulk))
        bulk_parts += bulk.parts
    parts = [({"Content-Type": "application/dicom+json"}, json.dumps(docs).encode("utf-8"))]
    return build_related(parts + _bulk_parts(bulk_parts), boundary=boundary, type_="application/dicom+json")


def xml_payload(instances: Sequence[Instance], base_url: str, boundary: str | None = None) -> tuple[str, bytes]:
    """(Content-Type, body): one Native DICOM Model part per instance, then every bulk part."""
    parts, bulk_parts = [], []
    for inst in instances:
        bulk = _bulk_for(inst, base_url)
        parts.append(({"Content-Type": "application/dicom+xml"}, native_xml(inst.dataset, bulk)))
        bulk_parts += bulk.parts
    return build_related(parts + _bulk_parts(bulk_parts), boundary=boundary, type_="application/dicom+xml")


def _bulk_parts(parts: list[BulkPart]) -> list[tuple[dict[str, str], bytes]]:
    return [({"Content-Type": p.media_type, "Content-Location": p.uri}, p.data) for p in parts]


def _json_dataset(ds: Dataset, bulk: _Bulk) -> dict[str, object]:
    def handler(element: DataElement) -> str:
        return bulk.uri_for(element)

    # pydicom hands every binary value over the threshold to the handler, in nested items too.
    doc = ds.to_json_dict(bulk_data_threshold=BULK_THRESHOLD, bulk_data_element_handler=handler)
    return {tag: element for tag, element in doc.items() if not tag.startswith("0002")}


# ------------------------------------------------------------------------------ PS3.19 Native DICOM Model


def native_xml(ds: Dataset, bulk: _Bulk) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM" xml:space="preserve">']
    _xml_items(ds, bulk, lines, "  ")
    lines.append("</NativeDicomModel>")
    return "\n".join(lines).encode("utf-8")


def _xml_items(ds: Dataset, bulk: _Bulk, out: list[str], indent: str) -> None:
    for element in ds:
        tag = int(element.tag)
        if tag >> 16 == 0x0002:
            continue  # §10.5.1.4: no File Meta Information in store metadata
        keyword = f" keyword={quoteattr(element.keyword)}" if element.keyword else ""
        creator = _private_creator(ds, element)
        if creator:  # PS3.19 A.1.5: a private element is written gggg00ee with its creator named
            tag = (tag & 0xFFFF0000) | (tag & 0xFF)
        attrs = f'tag="{tag:08X}" vr="{element.VR}"{keyword}{creator}'
        inner = _xml_value(element, bulk, indent + "  ")
        if not inner:
            out.append(f"{indent}<DicomAttribute {attrs}/>")
            continue
        out.append(f"{indent}<DicomAttribute {attrs}>")
        out += inner
        out.append(f"{indent}</DicomAttribute>")


def _private_creator(ds: Dataset, element: DataElement) -> str:
    tag = element.tag
    if not tag.is_private or tag.is_private_creator:
        return ""
    creator = ds.get((tag.group << 16) | (tag.element >> 8))
    return f" privateCreator={quoteattr(str(creator.value))}" if creator is not None else ""


def _xml_value(element: DataElement, bulk: _Bulk, indent: str) -> list[str]:
    if element.VR == "SQ":
        out = []
        for number, item in enumerate(element.value or [], start=1):
            out.append(f'{indent}<Item number="{number}">')
            _xml_items(item, bulk, out, indent + "  ")
            out.append(f"{indent}</Item>")
        return out
    if element.VR in BINARY_VRS:
        if element.value is None or len(element.value) == 0:
            return []
        if bulk.wants(element):
            return [f"{indent}<BulkData uri={quoteattr(bulk.uri_for(element))}/>"]
        return [f"{indent}<InlineBinary>{base64.b64encode(bytes(element.value)).decode('ascii')}</InlineBinary>"]
    values = _values(element)
    if element.VR == "PN":
        return [line for n, v in enumerate(values, start=1) if v for line in _person_name(n, v, indent)]
    if element.VR == "AT":
        return [f'{indent}<Value number="{n}">{int(v):08X}</Value>' for n, v in enumerate(values, start=1)]
    # An empty value among several keeps its number (an empty Value element); a lone one has none.
    return [f'{indent}<Value number="{n}">{escape(_text(v))}</Value>' if v is not None and _text(v) != ""
            else f'{indent}<Value number="{n}"/>' for n, v in enumerate(values, start=1)]


def _values(element: DataElement) -> list[object]:
    value = element.value
    if value is None or value == "":
        return []
    return list(value) if element.VM > 1 else [value]


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


_PN_COMPONENTS: tuple[tuple[str, Callable[[PersonName], str]], ...] = (
    ("FamilyName", lambda p: p.family_name), ("GivenName", lambda p: p.given_name),
    ("MiddleName", lambda p: p.middle_name), ("NamePrefix", lambda p: p.name_prefix),
    ("NameSuffix", lambda p: p.name_suffix))


def _person_name(number: int, value: object, indent: str) -> list[str]:
    name = value if isinstance(value, PersonName) else PersonName(str(value))
    out = [f'{indent}<PersonName number="{number}">']
    for group, text in (("Alphabetic", name.alphabetic), ("Ideographic", name.ideographic),
                        ("Phonetic", name.phonetic)):
        if not text:
            continue
        parts = PersonName(text)  # one group on its own: its components
        out.append(f"{indent}  <{group}>")
        out += [f"{indent}    <{tag}>{escape(get(parts))}</{tag}>" for tag, get in _PN_COMPONENTS if get(parts)]
        out.append(f"{indent}  </{group}>")
    out.append(f"{indent}</PersonName>")
    return out
