"""Semantic comparison of DICOM JSON / Native XML documents with the pydicom datasets they should represent."""

from __future__ import annotations

import copy

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset

from conformance.dicom.compare import compare_json_to_dataset, compare_xml_to_dataset

NS = "http://dicom.nema.org/PS3.19/models/NativeDICOM"


@pytest.fixture(scope="module")
def ct() -> Dataset:
    return pydicom.dcmread(get_testdata_file("CT_small.dcm"))


def small() -> Dataset:
    dataset = Dataset()
    dataset.PatientName = "Doe^John"
    dataset.PatientID = "12345"
    dataset.PixelSpacing = ["0.5", "0.5"]
    dataset.InstanceNumber = "7"
    dataset.Rows = 512
    return dataset


def test_a_dataset_equals_its_own_pydicom_json(ct: Dataset) -> None:
    assert compare_json_to_dataset(ct.to_json_dict(), ct) == []


def test_a_changed_value_reads_as_expected_versus_got() -> None:
    doc = small().to_json_dict()
    doc["00100010"]["Value"] = [{"Alphabetic": "Doe^Jon"}]
    assert compare_json_to_dataset(doc, small()) == ["(0010,0010) PatientName: expected 'Doe^John' got 'Doe^Jon'"]


def test_missing_and_unexpected_attributes_are_named() -> None:
    doc = small().to_json_dict()
    del doc["00100020"]
    doc["00080060"] = {"vr": "CS", "Value": ["CT"]}
    assert compare_json_to_dataset(doc, small()) == [
        "(0008,0060) Modality: in the document but not in the dataset",
        "(0010,0020) PatientID: missing from the document",
    ]


def test_numbers_and_strings_for_is_and_ds_compare_as_decimals() -> None:
    doc = small().to_json_dict()
    doc["00280030"]["Value"] = ["0.50", "5E-1"]
    doc["00200013"]["Value"] = ["+7"]
    assert compare_json_to_dataset(doc, small()) == []
    doc["00280030"]["Value"] = [0.5, 0.25]
    assert compare_json_to_dataset(doc, small()) == ["(0028,0030) PixelSpacing: expected ['0.5', '0.5'] got ['0.5', '0.25']"]


def test_padding_and_trailing_empty_name_components_do_not_count() -> None:
    doc = small().to_json_dict()
    doc["00100020"]["Value"] = ["12345 "]
    doc["00100010"]["Value"] = [{"Alphabetic": "Doe^John^^^"}]
    assert compare_json_to_dataset(doc, small()) == []


def test_a_vr_change_is_reported_unless_one_side_is_un() -> None:
    doc = small().to_json_dict()
    doc["00280010"]["vr"] = "SS"
    assert compare_json_to_dataset(doc, small()) == ["(0028,0010) Rows: VR expected US got SS"]


def test_bulkdata_uris_stand_in_for_values_only_when_allowed(ct: Dataset) -> None:
    doc = ct.to_json_dict(bulk_data_element_handler=lambda e: "https://pacs.example/bulk", bulk_data_threshold=16)
    assert compare_json_to_dataset(doc, ct) == []
    strict = compare_json_to_dataset(doc, ct, bulk_ok=False)
    assert "(7FE0,0010) PixelData: value replaced by a BulkDataURI" in strict


def test_inline_binary_compares_bytes_and_tolerates_the_padding_byte_json_may_drop() -> None:
    dataset = Dataset()
    dataset.add_new(0x00282000, "OB", b"\x01\x02\x03\x00")
    assert compare_json_to_dataset({"00282000": {"vr": "OB", "InlineBinary": "AQID"}}, dataset) == []
    [difference] = compare_json_to_dataset({"00282000": {"vr": "OB", "InlineBinary": "AQIE"}}, dataset)
    assert difference.startswith("(0028,2000) ICCProfile: expected 4 bytes 01020300 got 3 bytes 010204")


def test_sequences_compare_item_by_item_with_the_path_in_the_label() -> None:
    dataset = Dataset()
    item = Dataset()
    item.ReferencedSOPInstanceUID = "1.2.3"
    dataset.ReferencedImageSequence = [item, Dataset()]
    doc = copy.deepcopy(dataset.to_json_dict())
    doc["00081140"]["Value"][0]["00081155"]["Value"] = ["1.2.4"]
    assert compare_json_to_dataset(doc, dataset) == [
        "(0008,1140) ReferencedImageSequence[0].(0008,1155) ReferencedSOPInstanceUID: expected '1.2.3' got '1.2.4'"
    ]
    doc["00081140"]["Value"].pop()
    assert "(0008,1140) ReferencedImageSequence: expected 2 item(s) got 1" in compare_json_to_dataset(doc, dataset)


def test_private_elements_match_by_creator_whatever_block_the_document_uses() -> None:
    dataset = Dataset()
    dataset.add_new(0x00090010, "LO", "Vendor A")
    dataset.add_new(0x00091001, "SH", "a")
    moved = {"00090011": {"vr": "LO", "Value": ["Vendor A"]}, "00091101": {"vr": "SH", "Value": ["a"]}}
    assert compare_json_to_dataset(moved, dataset) == []
    moved["00091101"]["Value"] = ["b"]
    assert compare_json_to_dataset(moved, dataset) == ["(0009,xx01) [Vendor A]: expected 'a' got 'b'"]


def test_ignored_tags_are_left_out_on_both_sides() -> None:
    doc = small().to_json_dict()
    del doc["00100020"]
    assert compare_json_to_dataset(doc, small(), ignore=[0x00100020]) == []


def test_fl_compares_at_single_precision() -> None:
    dataset = Dataset()
    dataset.add_new(0x00720076, "FL", [0.1])
    assert compare_json_to_dataset({"00720076": {"vr": "FL", "Value": [0.1]}}, dataset) == []


def test_a_native_xml_document_compares_through_the_f31_mapping() -> None:
    xml = (
        f'<NativeDicomModel xmlns="{NS}" xml:space="preserve">'
        '<DicomAttribute tag="00100010" vr="PN" keyword="PatientName"><PersonName number="1"><Alphabetic>'
        "<FamilyName>Doe</FamilyName><GivenName>John</GivenName></Alphabetic></PersonName></DicomAttribute>"
        '<DicomAttribute tag="00100020" vr="LO" keyword="PatientID"><Value number="1">12345</Value></DicomAttribute>'
        '<DicomAttribute tag="00200013" vr="IS" keyword="InstanceNumber"><Value number="1">7</Value></DicomAttribute>'
        '<DicomAttribute tag="00280010" vr="US" keyword="Rows"><Value number="1">512</Value></DicomAttribute>'
        '<DicomAttribute tag="00280030" vr="DS" keyword="PixelSpacing"><Value number="1">0.5</Value>'
        '<Value number="2">0.6</Value></DicomAttribute></NativeDicomModel>'
    ).encode()
    assert compare_xml_to_dataset(xml, small()) == ["(0028,0030) PixelSpacing: expected ['0.5', '0.5'] got ['0.5', '0.6']"]


def test_documents_that_are_not_datasets_give_one_readable_difference() -> None:
    assert compare_json_to_dataset([{}], small()) == ["the document is not a dataset object but list"]  # type: ignore[arg-type]
    [difference] = compare_xml_to_dataset(b"<oops", small())
    assert difference.startswith("the document is not a NativeDicomModel")
