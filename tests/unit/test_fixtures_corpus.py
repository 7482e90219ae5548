"""Specification of the fixture corpus: deterministic per run id, fresh UIDs per run, valid."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from pydicom import DataElement, Dataset, config, dcmread
from pydicom.uid import UID, UID_dictionary

import conformance_fixtures as cf
from conformance_fixtures import catalog, encoding, patterns, synthetic
from conformance_fixtures.uids import IMPLEMENTATION_CLASS_UID

RUN_A = "run-a"
RUN_B = "run-b"
EXPECTED_KEYS = ("ct1", "ct2", "ct3", "sr1", "mr1", "mf1", "cs1", "rle1", "priv1", "jpg1",
                 "mrj2k", "mrjls", "seg1", "pdf1", "ecg1",
                 "knee1", "knee2", "knee3", "latin1", "utf8")
STORE_ONLY_KEYS = ("mrdfl", "mrbe", "mrimp", "xsop1")
UID_PATTERN = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$")


@pytest.fixture(scope="module")
def corpus() -> cf.Corpus:
    return cf.build_corpus(RUN_A)


@pytest.fixture(scope="module")
def other_corpus() -> cf.Corpus:
    return cf.build_corpus(RUN_B)


def corpus_digest(corpus: cf.Corpus) -> str:
    digest = hashlib.sha256()
    for inst in (*corpus.instances, *corpus.store_only):
        digest.update(inst.key.encode() + b"\0" + inst.data)
    return digest.hexdigest()


def walk(ds: Dataset) -> Iterator[DataElement]:
    """Every element of `ds`, descending into sequence items."""
    for elem in ds:
        if elem.VR == "SQ":
            for item in elem.value:
                yield from walk(item)
        else:
            yield elem


def uid_values(inst: cf.Instance) -> set[str]:
    """All UI values in the dataset and its file meta."""
    found: set[str] = set()
    for elem in [*walk(inst.dataset.file_meta), *walk(inst.dataset)]:
        if elem.VR == "UI" and elem.value:
            values = elem.value if elem.VM > 1 else [elem.value]
            found.update(str(v) for v in values)
    return found


def is_well_known(uid: str) -> bool:
    """Standard UIDs (SOP classes, transfer syntaxes) and our fixed implementation UID."""
    return uid in UID_dictionary or uid in (IMPLEMENTATION_CLASS_UID, synthetic.UNREGISTERED_SOP_CLASS)


def every_instance(corpus: cf.Corpus) -> tuple[cf.Instance, ...]:
    return (*corpus.instances, *corpus.store_only)


# --- determinism and run scoping -------------------------------------------------------------


def test_same_run_id_builds_byte_identical_instances(corpus: cf.Corpus) -> None:
    again = cf.build_corpus(RUN_A)
    assert [i.data for i in every_instance(again)] == [i.data for i in every_instance(corpus)]
    assert corpus_digest(again) == corpus_digest(corpus)
    assert again.uids() == corpus.uids()


def test_build_is_identical_in_a_fresh_process_and_fast(corpus: cf.Corpus) -> None:
    # A new interpreter with another hash seed rules out set/dict-order or cache effects.
    script = (
        "import hashlib, time, conformance_fixtures as cf\n"
        "t = time.perf_counter(); c = cf.build_corpus(%r); t = time.perf_counter() - t\n"
        "d = hashlib.sha256()\n"
        "for i in (*c.instances, *c.store_only): d.update(i.key.encode() + b'\\0' + i.data)\n"
        "print(d.hexdigest(), t)\n" % RUN_A
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    digest, cold_seconds = out[0], float(out[1])
    print(f"\ncold build (first in process, reads templates, encodes): {cold_seconds:.3f} s")
    assert digest == corpus_digest(corpus)
    assert cold_seconds < 2.0


def test_warm_build_time_is_well_under_two_seconds(corpus: cf.Corpus) -> None:
    start = time.perf_counter()
    cf.build_corpus(cf.new_run_id())
    elapsed = time.perf_counter() - start
    print(f"\nwarm build of {len(corpus.instances)} instances: {elapsed:.3f} s")
    assert elapsed < 2.0


def test_different_run_ids_share_no_uid(corpus: cf.Corpus, other_corpus: cf.Corpus) -> None:
    assert corpus.uids().isdisjoint(other_corpus.uids())
    for mine, theirs in zip(every_instance(corpus), every_instance(other_corpus)):
        shared = {u for u in uid_values(mine) & uid_values(theirs) if not is_well_known(u)}
        assert not shared, f"{mine.key} shares {shared}"


def test_different_run_ids_use_different_patient_ids_and_accession_numbers(
    corpus: cf.Corpus, other_corpus: cf.Corpus
) -> None:
    for attr in ("PatientID", "AccessionNumber"):
        mine = {i.dataset[attr].value for i in corpus.instances}
        theirs = {i.dataset[attr].value for i in other_corpus.instances}
        assert mine.isdisjoint(theirs), attr


def test_names_dates_and_modalities_do_not_depend_on_the_run(
    corpus: cf.Corpus, other_corpus: cf.Corpus
) -> None:
    fixed = ("PatientName", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime", "StudyID",
             "StudyDescription", "ReferringPhysicianName", "Modality", "SeriesNumber",
             "SeriesDescription", "InstanceNumber", "SOPClassUID")
    for mine, theirs in zip(corpus.instances, other_corpus.instances):
        for attr in fixed:
            assert mine.dataset[attr].value == theirs.dataset[attr].value, (mine.key, attr)


def test_new_run_id_is_fresh_hex() -> None:
    ids = {cf.new_run_id() for _ in range(20)}
    assert len(ids) == 20
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_unusable_run_id_is_rejected_with_a_fixture_error(bad: object) -> None:
    with pytest.raises(cf.InvalidRunId, match="run id"):
        cf.build_corpus(bad)  # type: ignore[arg-type]


# --- UIDs ------------------------------------------------------------------------------------


def test_every_run_uid_is_a_valid_uid(corpus: cf.Corpus) -> None:
    assert corpus.uids()
    for uid in corpus.uids():
        assert len(uid) <= 64 and UID_PATTERN.match(uid), uid
        assert uid.startswith("2.25.")


def test_uids_lists_exactly_the_run_created_uids_found_in_the_instances(corpus: cf.Corpus) -> None:
    found = set().union(*(uid_values(i) for i in every_instance(corpus)))
    created = {u for u in found if not is_well_known(u)}
    assert created == corpus.uids()


def test_uids_follow_the_documented_uuid5_formula(corpus: cf.Corpus) -> None:
    ct1 = corpus.instance("ct1").dataset
    assert ct1.SOPInstanceUID == cf.run_uid(RUN_A, "ct1", "SOPInstanceUID")
    assert ct1.StudyInstanceUID == cf.run_uid(RUN_A, "s1", "StudyInstanceUID")
    assert ct1.SeriesInstanceUID == cf.run_uid(RUN_A, "s1.ct", "SeriesInstanceUID")
    assert ct1.FrameOfReferenceUID == cf.run_uid(RUN_A, "s1.ct", "FrameOfReferenceUID")


def test_file_meta_agrees_with_the_dataset(corpus: cf.Corpus) -> None:
    for inst in every_instance(corpus):
        meta, ds = inst.dataset.file_meta, inst.dataset
        assert meta.MediaStorageSOPClassUID == ds.SOPClassUID
        assert meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert meta.TransferSyntaxUID == inst.transfer_syntax
        assert UID(inst.transfer_syntax).is_transfer_syntax


# --- readable, valid DICOM -------------------------------------------------------------------


def test_every_instance_reads_back_as_exactly_its_dataset(corpus: cf.Corpus) -> None:
    for inst in every_instance(corpus):
        assert inst.data[:128] == b"\0" * 128 and inst.data[128:132] == b"DICM", inst.key
        read = dcmread(io.BytesIO(inst.data))
        assert read == inst.dataset, inst.key
        assert read.file_meta == inst.dataset.file_meta, inst.key


def test_every_value_is_valid_for_its_vr(
    corpus: cf.Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With RAISE, pydicom checks length and character repertoire of each value as it decodes it.
    monkeypatch.setattr(config.settings, "reading_validation_mode", config.RAISE)
    for inst in every_instance(corpus):
        read = dcmread(io.BytesIO(inst.data))
        assert sum(1 for _ in walk(read.file_meta)) + sum(1 for _ in walk(read)) > 20


def test_mandatory_module_attributes_are_present(corpus: cf.Corpus) -> None:
    """Type 1 present and non-empty, Type 2 present, for unconditional top-level attributes."""
    pytest.importorskip("highdicom")
    import importlib.resources

    tables = importlib.resources.files("highdicom") / "_standard"
    sop_iod = json.loads((tables / "sop_class_iod_map.json").read_text())
    iod_modules = json.loads((tables / "iod_module_map.json").read_text())
    attributes = json.loads((tables / "module_attribute_map.json").read_text())
    for inst in corpus.instances:  # store-only xsop1 claims a class no table knows
        ds = inst.dataset
        for module in iod_modules[sop_iod[ds.SOPClassUID]]:
            # SR content attributes depend on each item's ValueType; the table flattens them.
            if module["usage"] != "M" or module["key"] == "sr-document-content":
                continue
            for attr in attributes[module["key"]]:
                if attr["path"] or attr["type"] not in ("1", "2"):
                    continue
                assert attr["keyword"] in ds, (inst.key, module["key"], attr["keyword"])
                if attr["type"] == "1":
                    assert not ds[attr["keyword"]].is_empty, (inst.key, attr["keyword"])


def test_dciodvfy_reports_no_errors(corpus: cf.Corpus, tmp_path: Path) -> None:
    tool = shutil.which("dciodvfy")
    if tool is None:
        pytest.skip("dciodvfy (dicom3tools) is not installed")
    for inst in every_instance(corpus):
        if inst.transfer_syntax == "1.2.840.10008.1.2.1.99":
            continue  # dciodvfy cannot read deflated files
        path = tmp_path / f"{inst.key}.dcm"
        path.write_bytes(inst.data)
        result = subprocess.run([tool, str(path)], capture_output=True, text=True)
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
        assert not errors, (inst.key, errors)


def test_instances_are_small(corpus: cf.Corpus) -> None:
    sizes = {i.key: len(i.data) for i in every_instance(corpus)}
    print(f"\nsizes: {sizes}, total {sum(sizes.values())} bytes")
    assert max(sizes.values()) < 100_000
    assert sum(sizes.values()) < 1_000_000


# --- structure -------------------------------------------------------------------------------


def test_corpus_has_the_documented_keys_studies_and_series(corpus: cf.Corpus) -> None:
    assert tuple(i.key for i in corpus.instances) == EXPECTED_KEYS
    assert tuple(i.key for i in corpus.store_only) == STORE_ONLY_KEYS
    assert corpus.study_keys() == ("s1", "s2", "s3", "s4", "s5", "s6", "s7")
    assert [i.key for i in corpus.in_study("s1")] == ["ct1", "ct2", "ct3", "sr1"]
    assert [i.key for i in corpus.in_series("s1.ct")] == ["ct1", "ct2", "ct3"]
    assert [i.key for i in corpus.in_study("s2")] == ["mr1", "mf1"]
    assert [i.key for i in corpus.in_study("s3")] == ["cs1"]
    assert [i.key for i in corpus.in_series("s4.ct")] == ["rle1", "priv1"]
    assert [i.key for i in corpus.in_series("s4.sc")] == ["jpg1"]
    assert [i.key for i in corpus.in_series("s4.mr")] == ["mrj2k", "mrjls"]
    assert [i.key for i in corpus.in_study("s4")][-3:] == ["seg1", "pdf1", "ecg1"]
    assert [i.dataset.InstanceNumber for i in corpus.in_series("s1.ct")] == [1, 2, 3]
    assert all(i.description for i in corpus.instances)


def test_handles_match_the_hierarchy_uids(corpus: cf.Corpus) -> None:
    study_uids = {
        s: {i.dataset.StudyInstanceUID for i in corpus.in_study(s)} for s in corpus.study_keys()
    }
    assert all(len(u) == 1 for u in study_uids.values())
    assert len(set().union(*study_uids.values())) == len(corpus.study_keys())
    series_uids = {i.series: i.dataset.SeriesInstanceUID for i in corpus.instances}
    assert len(set(series_uids.values())) == len(series_uids)


def test_instances_of_a_study_agree_on_patient_and_study_attributes(corpus: cf.Corpus) -> None:
    shared = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID",
              "StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName", "StudyID",
              "StudyDescription")
    for study in corpus.study_keys():
        members = corpus.in_study(study)
        for attr in shared:
            assert len({str(i.dataset[attr].value) for i in members}) == 1, (study, attr)


def test_patient_p1_has_two_studies_with_distinct_study_attributes(corpus: cf.Corpus) -> None:
    s1, s2 = corpus.in_study("s1")[0].dataset, corpus.in_study("s2")[0].dataset
    assert s1.PatientID == s2.PatientID
    assert str(s1.PatientName) == "Doe^John^Quincy^Dr.^Jr."
    for attr in ("StudyDate", "StudyTime", "ReferringPhysicianName", "StudyDescription",
                 "AccessionNumber", "StudyID"):
        assert s1[attr].value != s2[attr].value, attr
    assert len({i.dataset.PatientID for i in corpus.instances}) == len(catalog.PATIENTS)


def test_search_attributes_are_present_on_every_instance(corpus: cf.Corpus) -> None:
    searched = ("StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName",
                "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID",
                "StudyID",
                "StudyDescription", "Modality", "SeriesInstanceUID", "SeriesNumber",
                "SeriesDescription", "PerformedProcedureStepStartDate", "SOPClassUID",
                "SOPInstanceUID", "InstanceNumber", "InstitutionName", "SeriesDate", "SeriesTime",
                "ContentDate", "ContentTime")
    for inst in corpus.instances:
        missing = [a for a in searched if a not in inst.dataset or inst.dataset[a].is_empty]
        assert not missing, (inst.key, missing)
        assert "ModalitiesInStudy" not in inst.dataset  # servers compute it
        if inst.key not in ("sr1", "pdf1", "ecg1"):
            assert {"Rows", "Columns", "BitsAllocated"} <= set(inst.dataset.dir())
    assert corpus.instance("mf1").dataset.NumberOfFrames == 10
    assert corpus.instance("jpg1").dataset.NumberOfFrames == 3


def test_unknown_key_error_lists_the_valid_keys(corpus: cf.Corpus) -> None:
    with pytest.raises(KeyError) as caught:
        corpus.instance("nope")
    assert isinstance(caught.value, cf.FixtureError)
    message = str(caught.value)
    assert "nope" in message and "ct1" in message and "jpg1" in message
    with pytest.raises(cf.UnknownFixtureKey, match="s1"):
        corpus.in_study("s9")
    with pytest.raises(cf.UnknownFixtureKey, match="s1.ct"):
        corpus.in_series("s9.xx")


# --- individual fixtures ---------------------------------------------------------------------


def test_sr_cites_ct1_in_evidence_and_content(corpus: cf.Corpus) -> None:
    sr, ct1 = corpus.instance("sr1").dataset, corpus.instance("ct1").dataset
    evidence = sr.CurrentRequestedProcedureEvidenceSequence[0]
    assert evidence.StudyInstanceUID == ct1.StudyInstanceUID
    assert evidence.ReferencedSeriesSequence[0].SeriesInstanceUID == ct1.SeriesInstanceUID
    cited = evidence.ReferencedSeriesSequence[0].ReferencedSOPSequence[0]
    assert cited.ReferencedSOPInstanceUID == ct1.SOPInstanceUID
    image = sr.ContentSequence[0].ContentSequence[0]
    assert image.ValueType == "IMAGE"
    assert image.ReferencedSOPSequence[0].ReferencedSOPInstanceUID == ct1.SOPInstanceUID


def test_real_mr_keeps_its_pixels_under_new_identity(corpus: cf.Corpus) -> None:
    from pydicom.data import get_testdata_file

    original = dcmread(get_testdata_file("MR_small.dcm", download=False))
    mr = corpus.instance("mr1").dataset
    assert mr.PixelData == original.PixelData
    assert mr.SOPInstanceUID != original.SOPInstanceUID
    assert 0xFFFCFFFC not in mr and "InstanceCreatorUID" not in mr


def test_charset_instance_keeps_the_iso_2022_ir_87_name_bytes(corpus: cf.Corpus) -> None:
    cs1 = dcmread(io.BytesIO(corpus.instance("cs1").data))
    assert list(cs1.SpecificCharacterSet) == ["", "ISO 2022 IR 87"]
    assert str(cs1.PatientName) == catalog.patient("P2").name
    assert cs1.PatientName.original_string == (
        b"Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B"
    )
    assert cs1.PatientName.ideographic == "山田^太郎"


def test_private_block_is_written_with_its_creator(corpus: cf.Corpus) -> None:
    read = dcmread(io.BytesIO(corpus.instance("priv1").data))
    block = read.private_block(synthetic.PRIVATE_GROUP, synthetic.PRIVATE_CREATOR)
    assert read[0x00090010].value == "DWC TEST"
    assert (block[0x01].VR, block[0x01].value) == ("LO", synthetic.PRIVATE_TEXT)
    assert (block[0x02].VR, block[0x02].value) == ("US", synthetic.PRIVATE_NUMBER)


def test_lower_case_patient_owns_the_compressed_study(corpus: cf.Corpus) -> None:
    assert {str(i.dataset.PatientName) for i in corpus.in_study("s4")} == {"smith^anne"}
    assert corpus.instance("rle1").transfer_syntax == "1.2.840.10008.1.2.5"
    assert corpus.instance("jpg1").transfer_syntax == "1.2.840.10008.1.2.4.50"


# --- frame_bytes ------------------------------------------------------------------------------


def test_frame_bytes_of_a_single_frame_native_instance_is_its_pixel_data(corpus: cf.Corpus) -> None:
    ct1 = corpus.instance("ct1")
    assert cf.frame_bytes(ct1, 1) == ct1.dataset.PixelData == patterns.ct_slice(1).tobytes()


def test_frame_bytes_of_native_multiframe_returns_each_frame(corpus: cf.Corpus) -> None:
    mf1 = corpus.instance("mf1")
    for n in range(1, 11):
        frame = cf.frame_bytes(mf1, n)
        assert len(frame) == 64 * 64 and set(frame) == {20 * n}


def test_frame_bytes_of_jpeg_returns_each_compressed_frame(corpus: cf.Corpus) -> None:
    jpg1 = corpus.instance("jpg1")
    decoded = jpg1.dataset.pixel_array
    for n in range(1, 4):
        frame = cf.frame_bytes(jpg1, n)
        assert frame.startswith(b"\xff\xd8")  # JPEG SOI
        assert frame.rstrip(b"\0").endswith(b"\xff\xd9")  # EOI, before any even-length pad
        assert frame.rstrip(b"\0") == encoding.jpeg_baseline_frames()[n - 1].rstrip(b"\0")
        assert abs(float(decoded[n - 1].mean()) - (60 * n + 15.5)) < 2


def test_frame_bytes_of_rle_is_the_rle_segment_stream(corpus: cf.Corpus) -> None:
    rle1 = corpus.instance("rle1")
    frame = cf.frame_bytes(rle1, 1)
    assert int.from_bytes(frame[:4], "little") == 2  # RLE header: two byte-segments for 16 bits
    assert np.array_equal(rle1.dataset.pixel_array, patterns.ct_slice(4))


@pytest.mark.parametrize("bad", [0, 11, -1, "1", True])
def test_frame_bytes_rejects_frame_numbers_out_of_range(corpus: cf.Corpus, bad: object) -> None:
    with pytest.raises(cf.FrameOutOfRange, match="mf1"):
        cf.frame_bytes(corpus.instance("mf1"), bad)  # type: ignore[arg-type]


def test_frame_bytes_of_an_instance_without_pixels_is_a_fixture_error(corpus: cf.Corpus) -> None:
    with pytest.raises(cf.FixtureError, match="no Pixel Data"):
        cf.frame_bytes(corpus.instance("sr1"), 1)
