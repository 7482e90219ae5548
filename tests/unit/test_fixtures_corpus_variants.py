"""Specification of the corpus's encoding variants, non-image objects and store-only instances.

Lossless encodings decode to exactly their native pixels (the oracle for transcoding servers); the
SEG, PDF and ECG are valid objects whose bulk data the retrieve cases follow; store-only instances
(deflated, big endian, implicit VR, an unknown SOP class) are never seeded.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from pydicom import Dataset, dcmread
from pydicom.uid import UID_dictionary

import conformance_fixtures as cf
from conformance_fixtures import bundled, documents, patterns, segmentation, synthetic, waveform


@pytest.fixture(scope="module")
def corpus() -> cf.Corpus:
    return cf.build_corpus("run-variants")


def test_mr_variants_are_the_same_data_set_in_other_transfer_syntaxes(corpus: cf.Corpus) -> None:
    expected = {"mrj2k": "1.2.840.10008.1.2.4.90", "mrjls": "1.2.840.10008.1.2.4.80",
                "mrdfl": "1.2.840.10008.1.2.1.99", "mrbe": "1.2.840.10008.1.2.2",
                "mrimp": "1.2.840.10008.1.2"}
    mr_pixels = bundled.mr_small_pixels()
    for key, ts in expected.items():
        inst = corpus.instance(key)
        assert inst.transfer_syntax == ts == dcmread(io.BytesIO(inst.data)).file_meta.TransferSyntaxUID
        assert inst.native_pixels == mr_pixels, key
        assert inst.dataset.SOPClassUID == "1.2.840.10008.5.1.4.1.1.4"


def test_lossless_encodings_decode_to_their_native_pixels(corpus: cf.Corpus) -> None:
    pytest.importorskip("openjpeg")
    pytest.importorskip("jpeg_ls")
    for key in ("rle1", "mrj2k", "mrjls", "mrdfl", "mrbe", "mrimp", "ct1", "mf1"):
        inst = corpus.instance(key)
        decoded = dcmread(io.BytesIO(inst.data)).pixel_array
        assert decoded.astype(decoded.dtype.newbyteorder("<")).tobytes() == inst.native_pixels, key


def test_deflated_instance_deflates_everything_after_the_file_meta(corpus: cf.Corpus) -> None:
    import zlib

    inst = corpus.instance("mrdfl")
    body = inst.data[132 + 12 + inst.dataset.file_meta.FileMetaInformationGroupLength:]
    inflated = zlib.decompressobj(-zlib.MAX_WBITS).decompress(body)
    assert b"DICM" not in body[:64] and len(inflated) > len(body)


def test_lossy_instance_has_no_exact_native_pixels(corpus: cf.Corpus) -> None:
    jpg1 = corpus.instance("jpg1")
    assert jpg1.native_pixels is None
    with pytest.raises(cf.FixtureError, match="lossy"):
        cf.native_frame_bytes(jpg1, 1)


def test_native_frame_bytes_of_lossless_compressed_instances_are_decoded_frames(corpus: cf.Corpus) -> None:
    assert cf.native_frame_bytes(corpus.instance("rle1"), 1) == patterns.ct_slice(4).tobytes()
    assert cf.native_frame_bytes(corpus.instance("mf1"), 3) == cf.frame_bytes(corpus.instance("mf1"), 3)
    assert cf.frame_bytes(corpus.instance("mrbe"), 1) == bundled.mr_small_pixels()


def test_store_only_instances_are_never_seeded_but_can_be_looked_up(corpus: cf.Corpus) -> None:
    keys = {i.key for i in corpus.instances}
    for inst in corpus.store_only:
        assert not inst.seeded and inst.key not in keys
        assert corpus.instance(inst.key) is inst
        assert inst not in corpus.in_study(inst.study)
    assert corpus.instance("xsop1").dataset.SOPClassUID == synthetic.UNREGISTERED_SOP_CLASS
    assert synthetic.UNREGISTERED_SOP_CLASS not in UID_dictionary
    assert {r.place.key for r in cf.RECIPES} == keys | {i.key for i in corpus.store_only}


def test_segmentation_is_binary_with_one_frame_per_source_slice(corpus: cf.Corpus) -> None:
    seg = corpus.instance("seg1")
    ds = seg.dataset
    assert ds.SOPClassUID == "1.2.840.10008.5.1.4.1.1.66.4" and ds.SegmentationType == "BINARY"
    assert (ds.BitsAllocated, ds.NumberOfFrames, ds.Rows, ds.Columns) == (1, 2, 64, 64)
    masks = segmentation.disc_masks()
    mask_of = {corpus.instance(k).dataset.SOPInstanceUID: m for k, m in zip(("rle1", "priv1"), masks)}
    for n, group in enumerate(ds.PerFrameFunctionalGroupsSequence, start=1):
        source = group.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
        frame = cf.frame_bytes(seg, n)
        assert len(frame) == 512
        assert frame == np.packbits(mask_of[source].ravel(), bitorder="little").tobytes()
    cited = {item.ReferencedSOPInstanceUID
             for item in ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence}
    assert cited == {corpus.instance(k).dataset.SOPInstanceUID for k in ("rle1", "priv1")}
    assert ds.FrameOfReferenceUID == corpus.instance("rle1").dataset.FrameOfReferenceUID


def test_segmentation_reads_back_in_highdicom(corpus: cf.Corpus) -> None:
    hd = pytest.importorskip("highdicom")
    seg = hd.seg.Segmentation.from_dataset(dcmread(io.BytesIO(corpus.instance("seg1").data)))
    assert seg.number_of_segments == 1
    assert seg.get_segment_description(1).segment_label == segmentation.SEGMENT_LABEL


def test_one_bit_frames_that_start_inside_a_byte_are_repacked_from_their_first_bit() -> None:
    ds = Dataset()
    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.BitsAllocated, ds.NumberOfFrames = 3, 3, 1, 1, 2
    bits = [1, 0, 1, 1, 0, 0, 1, 1, 1,   0, 1, 1, 0, 1, 0, 0, 0, 1]  # two 9-bit frames
    packed = np.packbits(np.array(bits, dtype=np.uint8), bitorder="little").tobytes()
    ds.PixelData = packed
    inst = cf.Instance("one-bit", "s", "s.x", ds, b"", "1.2.840.10008.1.2.1", "test", native_pixels=packed)
    second = np.unpackbits(np.frombuffer(cf.frame_bytes(inst, 2), np.uint8), bitorder="little")
    assert second[:9].tolist() == bits[9:] and not second[9:].any()


def test_big_endian_pixels_are_swapped_to_little_endian() -> None:
    from conformance_fixtures.pixels import to_little_endian

    assert to_little_endian(b"\x01\x02\x03\x04", 16) == b"\x02\x01\x04\x03"
    assert to_little_endian(b"\x01\x02", 8) == b"\x01\x02"


def test_pdf_document_is_a_valid_pdf_whose_xref_points_at_its_objects() -> None:
    pdf = documents.pdf_bytes()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip(b"\n").endswith(b"%%EOF") and len(pdf) % 2 == 1
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[xref_at:].startswith(b"xref")
    offsets = [int(line[:10]) for line in pdf[xref_at:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)


def test_encapsulated_pdf_pads_the_document_and_records_its_length(corpus: cf.Corpus) -> None:
    ds = corpus.instance("pdf1").dataset
    pdf = documents.pdf_bytes()
    assert ds.MIMETypeOfEncapsulatedDocument == "application/pdf"
    assert ds.EncapsulatedDocument == pdf + b"\0"
    assert ds.EncapsulatedDocumentLength == len(pdf)
    assert "PixelData" not in ds


def test_ecg_waveform_holds_three_interleaved_leads(corpus: cf.Corpus) -> None:
    group = corpus.instance("ecg1").dataset.WaveformSequence[0]
    assert (group.NumberOfWaveformChannels, group.NumberOfWaveformSamples) == (3, waveform.SAMPLES)
    samples = np.frombuffer(group.WaveformData, dtype="<i2").reshape(waveform.SAMPLES, 3)
    assert np.array_equal(samples[:, 2], samples[:, 1] - samples[:, 0])
    assert np.array_equal(samples, waveform.ecg_samples())


def test_without_highdicom_the_seg_is_left_out_and_everything_else_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_highdicom(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("highdicom"):
            raise ImportError("No module named 'highdicom'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_highdicom)
    monkeypatch.setenv("DICOMWEB_CONFORMANCE_CACHE", "off")  # a cached SEG template needs no highdicom
    corpus = cf.build_corpus("run-without-highdicom")
    assert "seg1" in corpus.unavailable and "highdicom" in corpus.unavailable["seg1"]
    assert "seg1" not in {i.key for i in corpus.instances} and corpus.instance("ct1")
    with pytest.raises(cf.UnknownFixtureKey, match="unavailable here"):
        corpus.instance("seg1")
