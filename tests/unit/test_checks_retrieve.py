"""Retrieved instances against the fixtures: multipart framing and fidelity (PS3.18 10.4.3.3.1, 8.7.3.4).

The oracle is the instance as sent: attributes equal, pixels byte-equal in the stored syntax, decoded-equal
after a lossless transcode, within decoder rounding after a lossy one; never Implicit VR or Big Endian."""

from __future__ import annotations

import copy

import pytest

from conformance.checks.fidelity import NotPart10, Received, compare_instance, read_part10
from conformance.checks.retrieve import allowed_syntaxes
from test_checks_retrieve_support import CORPUS, Data, ctx, instance_parts, multipart, part10, response, run

EVRLE = "1.2.840.10008.1.2.1"
RLE = "1.2.840.10008.1.2.5"


def instances_response(*bodies: bytes, ts: str | None = None) -> object:
    headers, body = instance_parts(*bodies, ts=ts)
    return response(200, headers, body)


# ------------------------------------------------------------------ instances


def test_an_instance_sent_back_unchanged_passes_and_is_noted_byte_identical() -> None:
    context = ctx(instances_response(CORPUS.instance("ct1").data))
    assert run("instances", context, ["ct1"]) == []
    assert any("byte-identical" in note for note in context.exchange.notes)


def test_a_changed_attribute_is_named_with_both_values() -> None:
    ds = copy.deepcopy(CORPUS.instance("ct1").dataset)
    ds.PatientName = "Someone^Else"
    problems = run("instances", ctx(instances_response(part10(ds, EVRLE))), ["ct1"])
    assert len(problems) == 1 and "PatientName" in problems[0] and "Someone^Else" in problems[0]


def test_a_change_recorded_in_original_attributes_sequence_is_allowed() -> None:
    from pydicom import Dataset

    ds = copy.deepcopy(CORPUS.instance("ct1").dataset)
    original = Dataset()
    original.PatientID = ds.PatientID
    record = Dataset()
    record.ModifiedAttributesSequence = [original]
    record.AttributeModificationDateTime = "20240101120000"
    record.ModifyingSystem = "PACS"
    record.ReasonForTheAttributeModification = "COERCE"
    ds.OriginalAttributesSequence = [record]
    ds.PatientID = "COERCED-ID"
    context = ctx(instances_response(part10(ds, EVRLE)))
    assert run("instances", context, ["ct1"]) == []
    assert any("coerced" in note for note in context.exchange.notes)


def test_a_changed_value_deep_in_a_sequence_is_found() -> None:
    ds = copy.deepcopy(CORPUS.instance("sr1").dataset)
    ds.ContentSequence[0].TextValue = "another finding"
    problems = run("instances", ctx(instances_response(part10(ds, EVRLE))), ["sr1"])
    assert problems and "TextValue" in problems[0] and "ContentSequence[0]" in problems[0]


def test_a_lost_private_element_is_reported() -> None:
    ds = copy.deepcopy(CORPUS.instance("priv1").dataset)
    del ds[0x00091002]
    problems = run("instances", ctx(instances_response(part10(ds, EVRLE))), ["priv1"])
    assert any("(0009,1002)" in p and "missing" in p for p in problems)


def test_a_missing_and_an_unasked_instance_are_both_reported() -> None:
    problems = run("instances", ctx(instances_response(CORPUS.instance("ct2").data)), ["ct1"])
    assert any("not asked for" in p for p in problems) and any("missing from the response" in p for p in problems)


def test_a_part_that_is_not_part10_is_reported_not_raised() -> None:
    problems = run("instances", ctx(instances_response(b"garbage" * 30)), ["ct1"])
    assert problems and "not a DICOM Part 10 file" in problems[0]


def test_rle_decoded_to_explicit_le_is_compared_pixel_for_pixel() -> None:
    rle = CORPUS.instance("rle1")
    decoded = copy.deepcopy(rle.dataset)
    decoded.PixelData = rle.native_pixels
    decoded["PixelData"].VR = "OW"
    body = part10(decoded, EVRLE)
    assert run("instances", ctx(instances_response(body)), {"keys": ["rle1"], "transfer_syntax": "default"}) == []
    decoded.PixelData = bytes(len(rle.native_pixels))
    problems = run("instances", ctx(instances_response(part10(decoded, EVRLE))), ["rle1"])
    assert problems and "decoded Pixel Data" in problems[0]


def test_the_default_syntax_is_explicit_le_unless_the_pixels_are_lossy() -> None:
    assert allowed_syntaxes("default", CORPUS.instance("rle1")) == {EVRLE}
    assert allowed_syntaxes("default", CORPUS.instance("jpg1")) == {EVRLE, "1.2.840.10008.1.2.4.50"}
    assert allowed_syntaxes("*", CORPUS.instance("rle1")) is None
    assert allowed_syntaxes(None, CORPUS.instance("rle1")) is None


def test_a_compressed_instance_returned_when_explicit_le_was_due_is_reported() -> None:
    problems = run("instances", ctx(instances_response(CORPUS.instance("rle1").data)),
                   {"keys": ["rle1"], "transfer_syntax": "default"})
    assert problems == [f"rle1: transfer syntax {RLE}, expected {EVRLE}"]


@pytest.mark.parametrize("forbidden", ["1.2.840.10008.1.2", "1.2.840.10008.1.2.2"])
def test_implicit_vr_and_big_endian_are_never_acceptable(forbidden: str) -> None:
    body = part10(CORPUS.instance("ct1").dataset, forbidden)
    problems = run("instances", ctx(instances_response(body)), ["ct1"])
    assert any("must not use" in p for p in problems)


def test_lossy_pixels_decoded_by_the_server_pass_within_decoder_rounding() -> None:
    jpg = CORPUS.instance("jpg1")
    decoded = copy.deepcopy(jpg.dataset)
    decoded.PixelData = jpg.dataset.pixel_array.tobytes()
    del decoded.file_meta  # part10 sets the transfer syntax again
    from pydicom.dataset import FileMetaDataset

    decoded.file_meta = FileMetaDataset(jpg.dataset.file_meta)
    assert run("instances", ctx(instances_response(part10(decoded, EVRLE))), {"keys": ["jpg1"], "transfer_syntax": "default"}) == []


def test_read_part10_refuses_bytes_without_preamble_and_prefix() -> None:
    with pytest.raises(NotPart10, match="DICM"):
        read_part10(b"\0" * 200)


def test_compare_instance_reports_file_meta_that_disagrees_with_the_dataset() -> None:
    inst = CORPUS.instance("ct1")
    got = read_part10(inst.data)
    got.file_meta.MediaStorageSOPInstanceUID = "1.2.3"
    assert any("Media Storage SOP Instance UID" in p for p in compare_instance(inst, Received(inst.data, got)).problems)


# ------------------------------------------------------------------ dicom_file


def test_dicom_file_accepts_the_single_part_instance_and_names_another() -> None:
    assert run("dicom_file", ctx(response(200, [("Content-Type", "application/dicom")], CORPUS.instance("ct1").data)), "ct1") == []
    problems = run("dicom_file", ctx(response(200, [], CORPUS.instance("ct2").data)), {"instance": "ct1"})
    assert problems and "expected ct1" in problems[0]


# ------------------------------------------------------------------ multipart


def test_multipart_checks_the_type_parameter_and_each_part() -> None:
    headers, body = instance_parts(CORPUS.instance("ct1").data)
    assert run("multipart", ctx(response(200, headers, body)), {"type": "application/dicom", "parts": 1}) == []


def test_a_type_parameter_carrying_a_transfer_syntax_is_reported_where_the_type_is_stated() -> None:
    headers, body = multipart([({"Content-Type": "application/octet-stream"}, b"1234")], 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1')
    assert any("bare media type" in p for p in run("multipart", ctx(response(200, headers, body)), {"type": "application/octet-stream"}))
    assert run("multipart", ctx(response(200, headers, body)), {"parts": 1}) == []


def test_a_part_label_that_contradicts_its_file_meta_is_reported() -> None:
    headers, body = instance_parts(CORPUS.instance("rle1").data, ts=EVRLE)
    problems = run("multipart", ctx(response(200, headers, body)), {})
    assert problems == [f"part 1 says transfer-syntax={EVRLE} but is encoded in {RLE} (PS3.18 8.7.9)"]


def test_missing_part_content_location_is_reported_only_when_asked() -> None:
    headers, body = instance_parts(CORPUS.instance("ct1").data)
    assert run("multipart", ctx(response(200, headers, body)), {}) == []
    assert "Content-Location" in run("multipart", ctx(response(200, headers, body)), {"content_location": True})[0]


def test_a_non_multipart_body_is_reported() -> None:
    assert "expected multipart/related" in run("multipart", ctx(response(200, [("Content-Type", "application/dicom")], b"x")), {})[0]


def test_payload_framing_wants_exactly_one_of_length_and_transfer_encoding() -> None:
    assert run("payload_framing", ctx(response(200, [("Content-Length", "3")], b"abc")), True) == []
    both = response(200, [("Content-Length", "3"), ("Transfer-Encoding", "chunked")], b"abc")
    assert "both" in run("payload_framing", ctx(both), True)[0]
    assert "neither" in run("payload_framing", ctx(response(200, [], b"abc")), True)[0]


def test_data_stub_serves_case_local_copies_first() -> None:
    data = Data({"a": CORPUS.instance("ct2")})
    assert data.instance("a") is CORPUS.instance("ct2") and data.instance("ct1") is CORPUS.instance("ct1")


# ------------------------------------------------------------------ one parse per response, data set read only when needed


def test_a_verbatim_instance_is_judged_from_its_file_meta_without_reading_its_data_set() -> None:
    inst = CORPUS.instance("ct1")
    received = Received(inst.data)
    assert received.identify({inst.dataset.SOPInstanceUID: inst}) == (inst.dataset.SOPInstanceUID, inst)
    assert compare_instance(inst, received).problems == []
    assert received._dataset is None  # the data set bytes equal the stored ones: nothing in them to look at


def test_file_meta_naming_another_instance_is_not_trusted_the_data_set_decides() -> None:
    ct1, ct2 = CORPUS.instance("ct1"), CORPUS.instance("ct2")
    lying = _with_file_meta_uid(ct1.data, ct2.dataset.SOPInstanceUID)
    candidates = {ct1.dataset.SOPInstanceUID: ct1, ct2.dataset.SOPInstanceUID: ct2}
    assert Received(lying).identify(candidates) == (ct1.dataset.SOPInstanceUID, ct1)
    assert any("Media Storage SOP Instance UID" in p for p in run("instances", ctx(instances_response(lying)), ["ct1"]))


def test_every_check_on_a_multipart_response_sees_the_same_parts_from_one_parse() -> None:
    bodies = [b"first", b"second" * 1000]
    headers, body = multipart([({"Content-Type": "application/dicom"}, b) for b in bodies], "application/dicom")
    resp = response(200, headers, body)
    first = [(p.index, p.body) for p in resp.parts()]
    assert resp._part_index is not None  # framing parsed once, part bodies located in the spool
    assert [(p.index, p.body) for p in resp.parts()] == first == [(0, bodies[0]), (1, bodies[1])]


def test_a_framing_error_ends_every_pass_after_the_same_parts() -> None:
    from conformance.transport.response import BodyFormatError

    headers, body = multipart([({"Content-Type": "application/dicom"}, b"whole")], "application/dicom")
    resp = response(200, headers, body[: body.rindex(b"--") - 10])  # the close delimiter cut off
    for _ in range(2):
        seen = []
        with pytest.raises(BodyFormatError, match="multipart framing"):
            for part in resp.parts():
                seen.append(part.body)
        assert seen == []  # the one part never ended: no delimiter after it


def _with_file_meta_uid(part10_bytes: bytes, uid: str) -> bytes:
    """The same Part 10 file with Media Storage SOP Instance UID rewritten (pydicom would correct it)."""
    import io

    from pydicom.filewriter import write_file_meta_info

    meta = read_part10(part10_bytes).file_meta
    meta.MediaStorageSOPInstanceUID = uid
    out = io.BytesIO()
    out.write(b"\0" * 128 + b"DICM")
    write_file_meta_info(out, meta, enforce_standard=True)
    group_end = 144 + int.from_bytes(part10_bytes[140:144], "little")
    return out.getvalue() + part10_bytes[group_end:]


def test_an_instance_kept_only_as_a_fingerprint_is_still_recognised_verbatim_and_a_changed_one_is_not() -> None:
    import dataclasses

    from conformance.checks.fidelity import dataset_fingerprint

    inst = CORPUS.instance("ct1")
    slim = dataclasses.replace(inst, data=b"", dataset_fingerprint=dataset_fingerprint(inst.data))
    assert Received(inst.data).is_verbatim(slim)
    changed = bytearray(inst.data)
    changed[-1] ^= 0x01  # one pixel bit
    assert not Received(bytes(changed)).is_verbatim(slim)
    assert any("Pixel Data differs" in p for p in compare_instance(slim, Received(bytes(changed))).problems)
