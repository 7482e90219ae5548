"""Store payloads in the Metadata and Bulkdata form (PS3.18 §10.5.1.4, §8.6.1.2): what a conforming
user agent sends, so that a server refusing it is judged, not the payload."""

from __future__ import annotations

import io
import json

import pytest

from conformance.dicom.compare import compare_json_to_dataset, compare_xml_to_dataset
from conformance.dicom.xml_model import validate_xml_bytes
from conformance.runner.stow_metadata import NotSendableAsMetadata, json_payload, xml_payload
from conformance.transport.response import Response
from conformance_fixtures import build_corpus

CORPUS = build_corpus("stow-metadata")
BASE = "http://server.test/dicom-web"
NATIVE = [i for i in CORPUS.instances if i.transfer_syntax in ("1.2.840.10008.1.2.1", "1.2.840.10008.1.2")]


def _parts(content_type: str, body: bytes) -> list[tuple[dict[str, str], bytes]]:
    resp = Response(200, "OK", "HTTP/1.1", [("Content-Type", content_type)], io.BytesIO(body), len(body), 0.0)
    return [({k.lower(): v for k, v in p.headers.headers}, p.body) for p in resp.parts()]


def test_json_form_is_one_array_part_then_one_octet_stream_part_per_bulk_value() -> None:
    ct1, sr1 = CORPUS.instance("ct1"), CORPUS.instance("sr1")
    content_type, body = json_payload([ct1, sr1], BASE)
    assert content_type.startswith('multipart/related; type="application/dicom+json"')
    parts = _parts(content_type, body)
    assert [h["content-type"] for h, _ in parts] == ["application/dicom+json", "application/octet-stream"]
    docs = json.loads(parts[0][1])
    assert len(docs) == 2 and not any(tag.startswith("0002") for doc in docs for tag in doc)  # no file meta
    pixel = docs[0]["7FE00010"]
    assert pixel["BulkDataURI"] == parts[1][0]["content-location"]  # §8.6.1.2: the part names its URI
    assert parts[1][1] == bytes(ct1.dataset.PixelData)


@pytest.mark.parametrize("inst", NATIVE, ids=lambda i: i.key)
def test_json_metadata_holds_every_attribute_of_the_instance(inst: object) -> None:
    content_type, body = json_payload([inst], BASE)  # type: ignore[list-item]
    doc = json.loads(_parts(content_type, body)[0][1])[0]
    assert compare_json_to_dataset(doc, inst.dataset) == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("inst", NATIVE, ids=lambda i: i.key)
def test_xml_metadata_is_a_valid_native_dicom_model_holding_every_attribute(inst: object) -> None:
    content_type, body = xml_payload([inst], BASE)  # type: ignore[list-item]
    xml = _parts(content_type, body)[0][1]
    assert [f for f in validate_xml_bytes(xml)] == []
    assert compare_xml_to_dataset(xml, inst.dataset) == []  # type: ignore[attr-defined]


def test_xml_form_is_one_part_per_instance_before_all_bulk_parts() -> None:
    content_type, body = xml_payload([CORPUS.instance("ct1"), CORPUS.instance("ct2")], BASE)
    kinds = [h["content-type"] for h, _ in _parts(content_type, body)]
    assert kinds == ["application/dicom+xml", "application/dicom+xml", "application/octet-stream", "application/octet-stream"]


def test_compressed_pixel_data_is_refused_by_the_builder_with_the_reason() -> None:
    with pytest.raises(NotSendableAsMetadata, match="rle1 is in 1.2.840.10008.1.2.5"):
        json_payload([CORPUS.instance("rle1")], BASE)


@pytest.mark.parametrize("form", ["json", "xml"])
@pytest.mark.parametrize("inst", NATIVE, ids=lambda i: i.key)
def test_an_independent_reading_of_the_payload_rebuilds_the_instance(inst: object, form: str) -> None:
    """The mutation tooling's own reader (tests/tooling/metadata_store.py) agrees with the builder."""
    from pydicom import dcmread

    from conformance.checks.fidelity import Received, compare_instance
    from tests.tooling.messages import Request
    from tests.tooling.metadata_store import as_part10_store

    build = json_payload if form == "json" else xml_payload
    content_type, body = build([inst], BASE)  # type: ignore[list-item]
    stored = as_part10_store(Request("POST", "/dicom-web/studies", "", (("Content-Type", content_type),), body))
    (part,) = _parts(stored.header("content-type") or "", stored.body)
    assert part[0]["content-type"] == "application/dicom"
    verdict = compare_instance(inst, Received(part[1], dcmread(io.BytesIO(part[1]))))  # type: ignore[arg-type]
    assert verdict.problems == []
