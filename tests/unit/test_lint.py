"""The interoperability lint: warnings for what Annex F allows but clients trip over (corpus: tests/data/models/lint)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pydicom
from pydicom.data import get_testdata_file

from conformance.dicom.json_model import validate_json
from conformance.dicom.lint import lint_json

VALID = Path(__file__).resolve().parents[1] / "data" / "models" / "json" / "valid"


def rules(doc: object) -> list[str]:
    return [finding.rule for finding in lint_json(doc)]


def test_inline_binary_over_a_mebibyte_is_flagged_where_a_bulkdata_uri_belongs() -> None:
    big = base64.b64encode(bytes(1 << 20 | 2)).decode()
    doc = [{"7FE00010": {"vr": "OW", "InlineBinary": big}}]
    assert validate_json(doc) == []
    [finding] = lint_json(doc)
    assert (finding.rule, finding.location, finding.section) == ("LINT-LARGE-INLINEBINARY", "/0/7FE00010/InlineBinary", "10.4.3.3.2")


def test_mixed_numeric_encodings_are_reported_once_per_vr_with_both_places() -> None:
    doc = [{"00181063": {"vr": "DS", "Value": [1.5]}}, {"00181063": {"vr": "DS", "Value": ["1.5"]}},
           {"00181063": {"vr": "DS", "Value": ["2.5"]}}]
    [finding] = lint_json(doc)
    assert finding.rule == "LINT-NUMERIC-ENCODING-MIXED"
    assert finding.location == "/1/00181063/Value/0" and "/0/00181063/Value/0" in finding.message


def test_numbers_within_2_53_and_strings_beyond_it_are_fine() -> None:
    doc = {"0008040C": {"vr": "UV", "Value": [2**53 - 1]}, "00720082": {"vr": "SV", "Value": ["-9223372036854775808"]}}
    assert rules(doc) == []


def test_one_origin_for_all_bulk_data_is_fine_and_a_second_one_is_reported_once() -> None:
    uri = "https://pacs.example/studies/1/series/2/instances/{}/bulk"
    same = [{"7FE00010": {"vr": "OW", "BulkDataURI": uri.format(n)}} for n in range(3)]
    assert rules(same) == []
    other = "http://internal:8042/dicom-web/b/{}"
    mixed = same + [{"7FE00010": {"vr": "OW", "BulkDataURI": other.format(n)}} for n in range(2)]
    assert rules(mixed) == ["LINT-BULKDATA-MIXED-ORIGINS"]


def test_padding_rules_follow_the_vr_leading_spaces_are_significant_in_text() -> None:
    assert rules({"00080081": {"vr": "ST", "Value": ["  indented address"]}}) == []
    assert rules({"00080081": {"vr": "ST", "Value": ["address "]}}) == ["LINT-STRING-PADDING"]
    assert rules({"00080061": {"vr": "CS", "Value": [" CT"]}}) == ["LINT-STRING-PADDING"]


def test_iso_ir_192_is_the_one_character_set_that_matches_json() -> None:
    assert rules({"00080005": {"vr": "CS", "Value": ["ISO_IR 192"]}}) == []
    assert rules({"00080005": {"vr": "CS", "Value": [None, "ISO 2022 IR 87"]}}) == ["LINT-CHARSET-NOT-UTF8"]


def test_sequences_are_linted_recursively_with_pointers_into_items() -> None:
    doc = {"00081199": {"vr": "SQ", "Value": [{}, {"00201206": {"vr": "IS", "Value": ["4"]}}]}}
    [finding] = lint_json(doc)
    assert finding.location == "/00081199/Value/1/00201206/Value/0"


def test_the_lint_reads_invalid_documents_without_crashing() -> None:
    for doc in (None, 3, "x", [1, None], {"x": 1}, {"00100010": {"vr": "PN", "Value": [1, "x", None]}},
                {"00081199": {"vr": "SQ", "Value": 4}}, {"7FE00010": {"vr": "OW", "BulkDataURI": 7}},
                {"zz": {"vr": "UN", "InlineBinary": 9}}):
        assert isinstance(lint_json(doc), list)


def test_the_valid_corpus_lints_clean_except_where_it_shows_a_legal_choice() -> None:
    legal_choices = {
        "numbers-and-strings-for-is-ds.json": {"LINT-NUMERIC-ENCODING-MIXED"},
        "zero-length-attributes.json": set(),
    }
    for path in sorted(VALID.glob("*.json")):
        found = set(rules(json.loads(path.read_bytes())))
        assert found == legal_choices.get(path.name, set()), path.name


def test_pydicom_metadata_of_a_real_ct_only_keeps_the_files_character_set() -> None:
    # CT_small.dcm declares ISO_IR 100; pydicom copies (0008,0005) into JSON, whose text is UTF-8 regardless.
    dataset = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    doc = dataset.to_json_dict(bulk_data_element_handler=lambda e: f"https://pacs.example/bulk/{e.tag:08X}")
    assert rules([doc]) == ["LINT-CHARSET-NOT-UTF8"]
