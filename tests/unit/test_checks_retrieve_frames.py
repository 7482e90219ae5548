"""Frame and pixel data parts (PS3.18 10.4.1.1.6, 8.7.3.3): each part is the stored frame or the frame
decoded, labelled for what it is, one part per frame in the order asked."""

from __future__ import annotations

import numpy as np

import conformance_fixtures as cf
from conformance.checks.partinfo import MEDIA_DEFAULT_TS
from test_checks_retrieve_support import CORPUS, ctx, multipart, response, run

EVRLE = "1.2.840.10008.1.2.1"
OCTET = "application/octet-stream"


def frames_response(parts: list[tuple[str, bytes]]) -> object:
    headers, body = multipart([({"Content-Type": ct}, data) for ct, data in parts], OCTET)
    return response(200, headers, body)


def frame(key: str, n: int) -> bytes:
    return cf.frame_bytes(CORPUS.instance(key), n)


def decoded(key: str, n: int) -> bytes:
    return cf.native_frame_bytes(CORPUS.instance(key), n)


def test_native_frames_in_the_order_asked_pass() -> None:
    resp = frames_response([(OCTET, frame("mf1", 2)), (OCTET, frame("mf1", 5))])
    assert run("frames", ctx(resp), {"instance": "mf1", "frames": [2, 5]}) == []


def test_frames_in_the_wrong_order_are_named() -> None:
    resp = frames_response([(OCTET, frame("mf1", 5)), (OCTET, frame("mf1", 2))])
    problems = run("frames", ctx(resp), {"instance": "mf1", "frames": [2, 5]})
    assert len(problems) == 2 and "is not frame 2" in problems[0]


def test_a_missing_frame_part_is_counted() -> None:
    problems = run("frames", ctx(frames_response([(OCTET, frame("mf1", 1))])), {"instance": "mf1", "frames": [1, 2]})
    assert problems == ["1 part(s), expected 2 frame(s)"]


def test_an_rle_frame_decoded_passes_the_default_syntax() -> None:
    resp = frames_response([(OCTET, decoded("rle1", 1))])
    assert run("frames", ctx(resp), {"instance": "rle1", "frames": [1], "transfer_syntax": "default"}) == []


def test_an_rle_frame_sent_compressed_when_decoded_was_due_is_reported() -> None:
    resp = frames_response([(f"{OCTET}; transfer-syntax=1.2.840.10008.1.2.5", frame("rle1", 1))])
    problems = run("frames", ctx(resp), {"instance": "rle1", "frames": [1], "transfer_syntax": "default"})
    assert problems == ["part 1 is frame 1 in 1.2.840.10008.1.2.5, expected 1.2.840.10008.1.2.1"]


def test_a_compressed_stream_labelled_plain_octet_stream_is_mislabelled() -> None:
    problems = run("frames", ctx(frames_response([(OCTET, frame("rle1", 1))])), {"instance": "rle1", "frames": [1]})
    assert len(problems) == 1 and "labelled application/octet-stream" in problems[0]


def test_a_compressed_stream_in_its_own_media_type_passes_with_or_without_the_pad_byte() -> None:
    stream = frame("jpg1", 2)
    for body in (stream, stream.rstrip(b"\0")):
        resp = frames_response([("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50", body)])
        assert run("frames", ctx(resp), {"instance": "jpg1", "frames": [2], "transfer_syntax": "1.2.840.10008.1.2.4.50"}) == []


def test_a_lossy_frame_decoded_by_the_server_passes_within_rounding() -> None:
    jpg = CORPUS.instance("jpg1")
    pixels = jpg.dataset.pixel_array[1].astype(np.uint8).tobytes()
    resp = frames_response([(OCTET, pixels)])
    assert run("frames", ctx(resp), {"instance": "jpg1", "frames": [2], "transfer_syntax": "default"}) == []
    resp = frames_response([(OCTET, bytes(len(pixels)))])
    assert run("frames", ctx(resp), {"instance": "jpg1", "frames": [2]})


def test_a_frame_transcoded_to_another_lossless_syntax_is_decoded_and_compared() -> None:
    from pydicom.pixels import get_encoder
    from pydicom.uid import RLELossless

    mf = CORPUS.instance("mf1")
    ds = mf.dataset
    encoded = get_encoder(RLELossless).encode(
        np.frombuffer(decoded("mf1", 3), np.uint8).reshape(64, 64), rows=64, columns=64, samples_per_pixel=1,
        bits_allocated=8, bits_stored=8, pixel_representation=0, photometric_interpretation=ds.PhotometricInterpretation,
        number_of_frames=1, encoding_plugin="pydicom")
    resp = frames_response([("image/dicom-rle", encoded)])
    assert run("frames", ctx(resp), {"instance": "mf1", "frames": [3]}) == []
    assert run("frames", ctx(resp), {"instance": "mf1", "frames": [3], "transfer_syntax": EVRLE})


def test_one_bit_frames_are_packed_from_their_first_bit() -> None:
    resp = frames_response([(OCTET, frame("seg1", 1)), (OCTET, frame("seg1", 2))])
    assert run("frames", ctx(resp), {"instance": "seg1", "frames": [1, 2]}) == []
    unpacked = np.unpackbits(np.frombuffer(frame("seg1", 1) + frame("seg1", 2), np.uint8), bitorder="little")
    shifted = np.packbits(np.concatenate([[0], unpacked])[:8192], bitorder="little").tobytes()
    resp = frames_response([(OCTET, shifted[:512])])
    assert run("frames", ctx(resp), {"instance": "seg1", "frames": [1]})


def test_a_part_without_content_type_is_reported() -> None:
    headers, body = multipart([({"Content-Location": "x"}, frame("mf1", 1))], OCTET)
    problems = run("frames", ctx(response(200, headers, body)), {"instance": "mf1", "frames": [1]})
    assert problems and "no Content-Type" in problems[0]


def test_every_compressed_bulk_media_type_has_its_table_default() -> None:
    assert MEDIA_DEFAULT_TS["image/jls"] == "1.2.840.10008.1.2.4.80"
    assert MEDIA_DEFAULT_TS["image/jp2"] == "1.2.840.10008.1.2.4.90"
    assert MEDIA_DEFAULT_TS[OCTET] == EVRLE


# ------------------------------------------------------------------ pixel_data


def test_pixel_data_of_a_multiframe_native_image_is_one_uncompressed_part() -> None:
    resp = frames_response([(OCTET, CORPUS.instance("mf1").native_pixels or b"")])
    assert run("pixel_data", ctx(resp), {"instances": ["mf1"], "transfer_syntax": "default"}) == []


def test_pixel_data_of_a_compressed_multiframe_may_be_one_part_per_stored_frame() -> None:
    parts = [("image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50", frame("jpg1", n)) for n in (1, 2, 3)]
    assert run("pixel_data", ctx(frames_response(parts)), {"instances": ["jpg1"]}) == []


def test_pixel_data_of_several_instances_is_read_in_order() -> None:
    parts = [(OCTET, CORPUS.instance(k).native_pixels or b"") for k in ("ct1", "ct2")]
    assert run("pixel_data", ctx(frames_response(parts)), {"instances": ["ct1", "ct2"]}) == []
    assert run("pixel_data", ctx(frames_response(parts)), {"instances": ["ct2", "ct1"]})


def test_pixel_data_with_a_part_too_many_is_reported() -> None:
    parts = [(OCTET, CORPUS.instance("ct1").native_pixels or b"")] * 2
    problems = run("pixel_data", ctx(frames_response(parts)), {"instances": ["ct1"]})
    assert problems == ["1 part(s) more than the pixel data asked for"]
