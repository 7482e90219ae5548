"""Following BulkDataURIs (PS3.18 10.4.1.1.5, 10.4.3.3.5, F.2.6): each resolves, on the target's origin,
to the stored Value Field of its element; parts carry the URI as Content-Location."""

from __future__ import annotations

import json
from typing import Any

from pydicom.dataelem import DataElement

from conformance.checks.bulkdata import bulk_references, same_value, stored_element, value_field
from test_checks_retrieve_support import BASE, CORPUS, ctx, multipart, response, run

OCTET = "application/octet-stream"
ECG = CORPUS.instance("ecg1")
WAVE_URI = BASE + "/bulk/ecg1/wave"
PIXEL_URI = BASE + "/bulk/mf1/pixels"


def ecg_metadata(uri: str = WAVE_URI, vr: str = "OW") -> list[dict[str, Any]]:
    return [{"00080018": {"vr": "UI", "Value": [ECG.dataset.SOPInstanceUID]},
             "54000100": {"vr": "SQ", "Value": [{"54001010": {"vr": vr, "BulkDataURI": uri}}]}}]


def metadata_ctx(doc: list[dict[str, Any]], site: dict[str, Any]) -> Any:
    body = json.dumps(doc).encode()
    return ctx(response(200, [("Content-Type", "application/dicom+json")], body), url=BASE + "/studies/1/metadata", site=site)


def octet_part(data: bytes, location: str | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = {"Content-Type": OCTET}
    if location:
        headers["Content-Location"] = location
    h, body = multipart([(headers, data)], OCTET)
    return 200, h, body


def test_value_field_is_the_little_endian_value_without_tag_or_length() -> None:
    assert value_field(DataElement(0x00280010, "US", 64)) == b"\x40\x00"
    assert value_field(DataElement(0x7FE00010, "OB", b"\x01\x02")) == b"\x01\x02"
    assert value_field(DataElement(0x00181050, "DS", "0.5")) == b"0.5 "


def test_same_value_forgives_only_the_pad_byte() -> None:
    assert same_value(b"0.5", b"0.5 ") and same_value(b"abc", b"abc\0")
    assert not same_value(b"ab", b"abc\0") and not same_value(b"abd", b"abc")


def test_bulk_references_reach_into_sequence_items() -> None:
    refs = list(bulk_references(ecg_metadata()[0]))
    assert refs == [(((0x54000100, 0), (0x54001010, 0)), "OW", WAVE_URI)]
    element = stored_element(ECG.dataset, refs[0][0])
    assert element is not None and element.keyword == "WaveformData"


def test_a_resolving_uri_with_the_stored_value_passes() -> None:
    wave = ECG.dataset.WaveformSequence[0].WaveformData
    context = metadata_ctx(ecg_metadata(), {WAVE_URI: octet_part(wave, WAVE_URI)})
    assert run("bulkdata_uris", context, {"content_location": True}) == []
    assert context.followed == [WAVE_URI]


def test_a_uri_that_returns_other_bytes_is_reported() -> None:
    problems = run("bulkdata_uris", metadata_ctx(ecg_metadata(), {WAVE_URI: octet_part(b"\0" * 10)}), {})
    assert len(problems) == 1 and "not the stored" in problems[0]


def test_a_uri_that_does_not_resolve_is_reported_with_its_status() -> None:
    problems = run("bulkdata_uris", metadata_ctx(ecg_metadata(), {}), {})
    assert len(problems) == 1 and "answered 404" in problems[0]


def test_a_part_without_the_uri_as_content_location_is_reported_when_asked() -> None:
    wave = ECG.dataset.WaveformSequence[0].WaveformData
    context = metadata_ctx(ecg_metadata(), {WAVE_URI: octet_part(wave)})
    assert run("bulkdata_uris", context, {}) == []
    assert "Content-Location" in run("bulkdata_uris", metadata_ctx(ecg_metadata(), {WAVE_URI: octet_part(wave)}), {"content_location": True})[0]


def test_relative_uris_are_resolved_against_the_metadata_url() -> None:
    wave = ECG.dataset.WaveformSequence[0].WaveformData
    target = BASE + "/studies/1/bulk/w"
    context = metadata_ctx(ecg_metadata(uri="bulk/w"), {target: octet_part(wave)})
    assert run("bulkdata_uris", context, {}) == [] and context.followed == [target]


def test_a_uri_on_a_vr_that_may_not_be_bulk_is_reported() -> None:
    wave = ECG.dataset.WaveformSequence[0].WaveformData
    problems = run("bulkdata_uris", metadata_ctx(ecg_metadata(vr="CS"), {WAVE_URI: octet_part(wave)}), {})
    assert any("VR CS" in p for p in problems)


def test_a_declined_optional_media_type_is_noted_not_failed() -> None:
    context = metadata_ctx(ecg_metadata(), {WAVE_URI: (406, [], b"")})
    assert run("bulkdata_uris", context, {"accept": OCTET, "declined": [406]}) == []
    assert any("not offered" in n for n in context.exchange.notes)


def test_pixel_data_uri_may_answer_uncompressed_in_one_part() -> None:
    mf = CORPUS.instance("mf1")
    doc = [{"00080018": {"vr": "UI", "Value": [mf.dataset.SOPInstanceUID]}, "7FE00010": {"vr": "OB", "BulkDataURI": PIXEL_URI}}]
    assert run("bulkdata_uris", metadata_ctx(doc, {PIXEL_URI: octet_part(mf.native_pixels or b"")}), {}) == []


def test_a_minimum_number_of_uris_can_be_required() -> None:
    problems = run("bulkdata_uris", metadata_ctx([{"00080018": {"vr": "UI", "Value": [ECG.dataset.SOPInstanceUID]}}], {}), {"min": 1})
    assert problems == ["0 BulkDataURI(s) in the metadata, expected at least 1"]


def test_bulkdata_parts_are_bulk_values_of_the_instances_with_locations() -> None:
    wave = ECG.dataset.WaveformSequence[0].WaveformData
    status, headers, body = octet_part(wave, "loc")
    assert run("bulkdata_parts", ctx(response(status, headers, body)), {"instances": ["ecg1"]}) == []
    status, headers, body = octet_part(b"nothing stored looks like this")
    problems = run("bulkdata_parts", ctx(response(status, headers, body)), {"instances": ["ecg1"]})
    assert len(problems) == 2 and "no bulk value" in problems[0] and "Content-Location" in problems[1]


def test_metadata_without_any_bulkdata_uri_leaves_nothing_to_judge_it_is_not_a_pass() -> None:
    import pytest

    from conformance.checks.registry import NotApplicable

    inline = [{"00080018": {"vr": "UI", "Value": [ECG.dataset.SOPInstanceUID]}}]
    with pytest.raises(NotApplicable, match="no BulkDataURI to follow"):
        run("bulkdata_uris", metadata_ctx(inline, {}), {})


def test_metadata_of_none_of_the_asked_instances_is_a_failure_not_nothing_to_judge() -> None:
    other = [{"00080018": {"vr": "UI", "Value": ["1.2.3.4"]}}]
    assert run("bulkdata_uris", metadata_ctx(other, {}), {}) == [
        "the metadata describes none of the stored instances this case asked about"]
