"""The DICOM JSON validator beyond the corpus: locations, contexts, payload handling, robustness, the standard's
own examples. Each test name states the rule it pins down."""

from __future__ import annotations

import json
import random

import pytest

from conformance.dicom.findings import ERROR, WARNING, ModelFinding, ModelValidationError, pointer
from conformance.dicom.json_model import validate_json, validate_json_bytes
from conformance.errors import UsageError

UID = "1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"


def rules(findings: list[ModelFinding]) -> list[str]:
    return [finding.rule for finding in findings]


def test_a_finding_names_the_json_pointer_of_the_offending_value() -> None:
    doc = [{}, {"00081199": {"vr": "SQ", "Value": [{}, {"00081155": {"vr": "UI", "Value": ["1.2.3", "1.02"]}}]}}]
    [finding] = validate_json(doc)
    assert finding.location == "/1/00081199/Value/1/00081155/Value/1"
    assert (finding.rule, finding.severity, finding.section) == ("JSON-UI-FORMAT", ERROR, "F.2.3")


def test_pointer_escapes_slash_and_tilde_per_rfc_6901() -> None:
    assert pointer(0, "a/b", "c~d") == "/0/a~1b/c~0d"
    [finding] = validate_json({"a/b": {"vr": "LO"}})
    assert finding.location == "/a~1b"


def test_a_citation_reads_as_ps318_unless_another_part_is_named() -> None:
    finding = ModelFinding("X", ERROR, "", "m", "F.2.5")
    assert finding.citation() == "PS3.18 §F.2.5"
    assert ModelFinding("X", ERROR, "", "m", "PS3.19 A.1.6").citation() == "PS3.19 §A.1.6"


@pytest.mark.parametrize("context", ["search", "metadata"])
def test_search_and_metadata_results_are_one_top_level_array(context: str) -> None:
    assert rules(validate_json({}, context=context)) == ["JSON-TOP-NOT-ARRAY"]
    assert validate_json([], context=context) == []


def test_a_store_response_is_one_object() -> None:
    assert rules(validate_json([{}], context="store-response")) == ["JSON-TOP-NOT-OBJECT"]
    assert validate_json({}, context="store-response") == []


def test_file_meta_in_store_request_metadata_is_an_error_but_only_a_warning_in_retrieve_metadata() -> None:
    doc = [{"00020010": {"vr": "UI", "Value": ["1.2.840.10008.1.2.1"]}}]
    [store] = validate_json(doc, context="store-request")
    [retrieve] = validate_json(doc, context="metadata")
    assert (store.rule, store.severity, store.section) == ("JSON-FILE-META-PRESENT", ERROR, "10.5.1.4")
    assert (retrieve.rule, retrieve.severity) == ("JSON-FILE-META-PRESENT", WARNING)
    assert validate_json(doc) == []  # no context names a rule about it


def test_an_unknown_context_is_a_usage_error_not_a_finding() -> None:
    with pytest.raises(ModelValidationError) as raised:
        validate_json({}, context="qido")
    assert isinstance(raised.value, UsageError)
    with pytest.raises(ModelValidationError):
        validate_json_bytes(b"{}", context="wado")


def test_bytes_bytearray_memoryview_and_str_payloads_are_all_accepted() -> None:
    raw = json.dumps({"0020000D": {"vr": "UI", "Value": [UID]}}).encode()
    for payload in (raw, bytearray(raw), memoryview(raw), raw.decode()):
        assert validate_json_bytes(payload) == []


def test_non_utf8_payload_is_reported_with_the_offending_byte() -> None:
    [finding] = validate_json_bytes('{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Müller"}]}}'.encode("utf-16"))
    assert finding.rule == "JSON-NOT-UTF8" and "byte 0" in finding.message


def test_syntax_error_names_line_and_column() -> None:
    [finding] = validate_json_bytes(b'{\n  "00100020": {"vr": "LO",}\n}')
    assert finding.rule == "JSON-SYNTAX" and finding.message.startswith("line 2 column")


def test_integers_too_long_for_python_are_a_syntax_finding_not_a_crash() -> None:
    raw = b'{"00720082": {"vr": "SV", "Value": [' + b"9" * 5000 + b"]}}"
    assert rules(validate_json_bytes(raw)) == ["JSON-SYNTAX"]


def test_validator_never_raises_on_arbitrary_bytes() -> None:
    generator = random.Random(20240)
    seeds = [b"{}", b"[", b'{"00100010": {"vr": "PN", "Value": [{"Alphabetic": 1}]}}', b"\xff\xfe", b"null"]
    for _ in range(300):
        seed = bytearray(generator.choice(seeds))
        for _ in range(generator.randint(0, 4)):
            seed.insert(generator.randint(0, len(seed)), generator.randrange(256))
        assert isinstance(validate_json_bytes(bytes(seed)), list)


@pytest.mark.parametrize(
    "doc",
    [
        {"00100020": {"vr": ["LO"], "Value": ["1"]}},
        {"00100020": {"vr": "LO", "Value": [["1"]]}},
        {"00100020": {"vr": "LO", "Value": [{"a": 1}]}},
        {"00100010": {"vr": "PN", "Value": [{"Alphabetic": {"x": 1}}]}},
        {"00101002": {"vr": "SQ", "Value": [{"00100020": []}]}},
        {"00100020": {"vr": "LO", "Value": 7}},
        {7: {"vr": "LO"}},
    ],
)
def test_odd_shapes_are_findings_not_exceptions(doc: dict) -> None:
    assert validate_json(doc) and validate_json_bytes(json.dumps(doc).encode())


def test_deeply_nested_sequences_stop_with_one_finding() -> None:
    doc: dict = {}
    for _ in range(150):
        doc = {"0040A730": {"vr": "SQ", "Value": [doc]}}
    assert rules(validate_json(doc)) == ["JSON-TOO-DEEP"]


def test_every_value_is_checked_even_when_an_equal_value_was_valid_elsewhere() -> None:
    # The validator remembers valid values per VR; the same text must still fail under another VR.
    doc = {"00080050": {"vr": "SH", "Value": ["abcdefghijklmnopq"]}, "00081030": {"vr": "LO", "Value": ["abcdefghijklmnopq"]}}
    assert rules(validate_json(doc)) == ["JSON-VALUE-TOO-LONG"]
    assert validate_json(doc)[0].location == "/00080050/Value/0"


def test_json_booleans_are_never_numbers() -> None:
    doc = {"00280010": {"vr": "US", "Value": [1]}, "00280011": {"vr": "US", "Value": [True]}}
    assert rules(validate_json(doc)) == ["JSON-NUMBER-VR-NOT-NUMBER"]


def test_ds_length_counts_the_shortest_decimal_spelling_of_a_number() -> None:
    ok = {"00181063": {"vr": "DS", "Value": [1e-300, 12345678901234.6, -1.5e20, 10**15]}}
    assert validate_json(ok) == []
    too_long = {"00181063": {"vr": "DS", "Value": [-0.12345678901234566, 12345678901234567]}}
    assert rules(validate_json(too_long)) == ["JSON-VALUE-TOO-LONG", "JSON-VALUE-TOO-LONG"]


def test_un_is_accepted_for_any_tag_because_ps35_allows_unknown_vrs() -> None:
    assert validate_json({"00100020": {"vr": "UN", "InlineBinary": "MTIzNDU="}}) == []


def test_the_f4_example_as_printed_is_not_json_and_its_second_result_misuses_dt() -> None:
    # PS3.18 F.4 prints comments and a URL broken over two lines; once repaired, result 2's Study Date is DT.
    second = {
        "00080020": {"vr": "DT", "Value": ["20130309"]},
        "00081190": {"vr": "UR", "Value": ["http://wado.nema.org/studies/" + UID]},
    }
    assert rules(validate_json_bytes(b'[ { // Result 1\n"00080020": {"vr": "DA"} } ]')) == ["JSON-SYNTAX"]
    assert rules(validate_json([second], context="search")) == ["JSON-VR-DICTIONARY-MISMATCH"]


def test_the_ups_event_report_example_of_section_6_has_a_wrong_vr() -> None:
    # AMB-16: the event-report example gives Input Readiness State (0040,4041) VR US with the value "READY".
    report = {"00404041": {"vr": "US", "Value": ["READY"]}}
    assert rules(validate_json(report)) == ["JSON-VR-DICTIONARY-MISMATCH", "JSON-NUMBER-VR-NOT-NUMBER"]
