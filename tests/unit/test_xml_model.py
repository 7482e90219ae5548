"""The Native DICOM Model validator beyond the corpus, and the F.3.1 conversion to the JSON Model."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conformance.dicom import xml_model, xml_parse
from conformance.dicom.json_model import validate_json
from conformance.dicom.xml_convert import native_to_json
from conformance.dicom.xml_model import validate_xml_bytes

NS = xml_parse.NATIVE_NS
VALID = Path(__file__).resolve().parents[1] / "data" / "models" / "xml" / "valid"


def native(*attributes: str) -> bytes:
    body = "".join(attributes)
    return f'<NativeDicomModel xmlns="{NS}" xml:space="preserve">{body}</NativeDicomModel>'.encode()


def multipart(*documents: bytes, boundary: str = "b0undary") -> bytes:
    parts = b"".join(
        f"--{boundary}\r\nContent-Type: application/dicom+xml\r\n\r\n".encode() + document + b"\r\n"
        for document in documents
    )
    return parts + f"--{boundary}--\r\n".encode()


def test_multipart_findings_name_the_part_they_come_from() -> None:
    good = native('<DicomAttribute tag="00100020" vr="LO" keyword="PatientID"><Value number="1">1</Value></DicomAttribute>')
    bad = native('<DicomAttribute tag="00100020" vr="LO" keyword="PatientID"><Value number="2">1</Value></DicomAttribute>')
    [finding] = validate_xml_bytes(multipart(good, bad))
    assert finding.rule == "XML-NUMBER-SEQUENCE"
    assert finding.location == "/part[2]/NativeDicomModel/DicomAttribute[@tag='00100020']"


def test_a_syntax_error_in_one_part_does_not_hide_the_others() -> None:
    bad_value = native('<DicomAttribute tag="00080020" vr="DA" keyword="StudyDate"><Value number="1">2013</Value></DicomAttribute>')
    findings = validate_xml_bytes(multipart(b"<NativeDicomModel", bad_value))
    assert [(f.rule, f.location.split("/")[1]) for f in findings] == [("XML-SYNTAX", "part[1]"), ("XML-DA-FORMAT", "part[2]")]


@pytest.mark.skipif(not xml_parse.schema_available(), reason="lxml is not installed")
def test_the_relax_ng_backstop_reports_what_a_missing_walker_rule_would_let_through(monkeypatch: pytest.MonkeyPatch) -> None:
    document = native('<DicomAttribute tag="00080060" vr="CS" keyword="Modality"><Value>CT</Value></DicomAttribute>')
    assert [f.rule for f in validate_xml_bytes(document)] == ["XML-NUMBER-INVALID"]
    monkeypatch.setattr(xml_model._XmlWalker, "_numbers", lambda self, elements, kind, location: None)
    [finding] = validate_xml_bytes(document)
    assert finding.rule == "XML-SCHEMA" and "RELAX NG" in finding.message


def test_external_entities_are_never_resolved() -> None:
    secret = Path("/etc/hostname")
    document = (
        b'<?xml version="1.0"?><!DOCTYPE NativeDicomModel [<!ENTITY leak SYSTEM "file:///etc/hostname">]>'
        + native('<DicomAttribute tag="00100020" vr="LO" keyword="PatientID"><Value number="1">&leak;</Value></DicomAttribute>')
    )
    findings = validate_xml_bytes(document)
    leaked = secret.read_text().strip() if secret.exists() else "\x00never"
    assert all(leaked not in finding.message for finding in findings)


def test_validator_never_raises_on_arbitrary_bytes() -> None:
    generator = random.Random(19)
    seeds = [native(), b"--x\r\n\r\n<a/>\r\n--x--", b"<NativeDicomModel><DicomAttribute/></NativeDicomModel>", b"\x00"]
    for _ in range(300):
        seed = bytearray(generator.choice(seeds))
        for _ in range(generator.randint(0, 4)):
            seed.insert(generator.randint(0, len(seed)), generator.randrange(256))
        assert isinstance(validate_xml_bytes(bytes(seed)), list)


def test_keywords_missing_for_known_tags_are_one_warning_per_document_not_one_per_attribute() -> None:
    attributes = "".join(f'<DicomAttribute tag="0010002{digit}" vr="LO"/>' for digit in "01")
    [finding] = validate_xml_bytes(native(attributes))
    assert (finding.rule, finding.severity) == ("XML-KEYWORD-MISSING", "warning")
    assert finding.message.startswith("2 attribute(s)")


def test_example_b23_breaks_the_native_model_in_the_ways_the_inventory_warns_about() -> None:
    # A reduced copy of the Store response of PS3.18 B.23: capitalised Tag/VR/Keyword, </value> closing <Value>,
    # and Retrieve URL with its pre-2019 VR UT. As printed it is not XML; with the closing tags repaired it still
    # breaks the schema (attribute names) and PS3.6 (the VR).
    printed = (
        '<?xml version="1.0" encoding="UTF-8"?><NativeDicomModel>'
        '<DicomAttribute Tag="00081190" VR="UT" Keyword="RetrieveURL">'
        '<Value number="1">https://www.hospital-stmarco/radiology/studies/1.2.3</value>'
        "</DicomAttribute></NativeDicomModel>"
    )
    assert [f.rule for f in validate_xml_bytes(printed.encode())] == ["XML-SYNTAX"]
    repaired = printed.replace("</value>", "</Value>")
    assert {f.rule for f in validate_xml_bytes(repaired.encode())} == {
        "XML-NAMESPACE-MISSING", "XML-SPACE-PRESERVE", "XML-UNEXPECTED-ATTRIBUTE", "XML-TAG-MISSING", "XML-VR-MISSING",
    }
    lowercase = repaired.replace("Tag=", "tag=").replace("VR=", "vr=").replace("Keyword=", "keyword=")
    assert {f.rule for f in validate_xml_bytes(lowercase.encode())} == {
        "XML-NAMESPACE-MISSING", "XML-SPACE-PRESERVE", "XML-VR-DICTIONARY-MISMATCH",
    }


def test_an_unknown_context_is_a_usage_error() -> None:
    with pytest.raises(ValueError):
        validate_xml_bytes(native(), context="xml")


# --- F.3.1 mapping (Table F.3.1-1) -------------------------------------------------------------------------


def convert(document: bytes) -> dict:
    return native_to_json(xml_parse.parse_xml(document).root)


def test_values_map_by_number_and_empty_values_become_null() -> None:
    values = '<Value number="2">PET</Value><Value number="1">CT</Value><Value number="3"/>'
    doc = convert(native(f'<DicomAttribute tag="00080061" vr="CS">{values}</DicomAttribute>'))
    assert doc == {"00080061": {"vr": "CS", "Value": ["CT", "PET", None]}}


def test_person_name_components_join_with_carets_per_group() -> None:
    name = (
        '<PersonName number="1"><Alphabetic><FamilyName>Yamada</FamilyName><GivenName>Tarou</GivenName></Alphabetic>'
        "<Ideographic><FamilyName>山田</FamilyName><NamePrefix>様</NamePrefix></Ideographic></PersonName>"
    )
    doc = convert(native(f'<DicomAttribute tag="00100010" vr="PN">{name}</DicomAttribute>'))
    assert doc["00100010"]["Value"] == [{"Alphabetic": "Yamada^Tarou", "Ideographic": "山田^^^様"}]


def test_empty_items_become_empty_objects_and_bulk_data_becomes_uris() -> None:
    doc = convert(native(
        '<DicomAttribute tag="00101002" vr="SQ"><Item number="1"/></DicomAttribute>'
        '<DicomAttribute tag="7FE00010" vr="OW"><BulkData uri="https://pacs.example/b"/></DicomAttribute>'
        '<DicomAttribute tag="00283006" vr="OW"><InlineBinary> AAAQ\n ACAA </InlineBinary></DicomAttribute>'
    ))
    assert doc["00101002"] == {"vr": "SQ", "Value": [{}]}
    assert doc["7FE00010"] == {"vr": "OW", "BulkDataURI": "https://pacs.example/b"}
    assert doc["00283006"] == {"vr": "OW", "InlineBinary": "AAAQACAA"}


def test_private_elements_get_back_a_block_and_a_creator_element() -> None:
    doc = convert(native(
        '<DicomAttribute tag="00090010" vr="LO"><Value number="1">Vendor A</Value></DicomAttribute>'
        '<DicomAttribute tag="00090002" vr="SH" privateCreator="Vendor A"><Value number="1">a</Value></DicomAttribute>'
        '<DicomAttribute tag="00090002" vr="SH" privateCreator="Vendor B"><Value number="1">b</Value></DicomAttribute>'
    ))
    assert doc == {
        "00090010": {"vr": "LO", "Value": ["Vendor A"]},
        "00090011": {"vr": "LO", "Value": ["Vendor B"]},
        "00091002": {"vr": "SH", "Value": ["a"]},
        "00091102": {"vr": "SH", "Value": ["b"]},
    }


# What valid XML can say and the JSON Model cannot (F.3.1 has no row for it): an FD NaN (JSON numbers are finite)
# and a BulkData uuid (only the uri attribute maps, to BulkDataURI).
MAPPING_GAPS = {"JSON-NUMBER-NOT-FINITE", "JSON-BULKDATA-URI-INVALID"}


@pytest.mark.parametrize("path", sorted(VALID.glob("*.xml")), ids=lambda p: p.name)
def test_every_valid_xml_document_converts_to_a_valid_json_document(path: Path) -> None:
    raw = path.read_bytes()
    bodies = xml_parse.split_multipart(raw)[0] if xml_parse.looks_multipart(raw) else [raw]
    for body in bodies:
        doc = convert(body)
        assert [f for f in validate_json(doc) if f.rule not in MAPPING_GAPS] == []
