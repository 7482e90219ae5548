"""validate_files, the function behind `dicomweb-conformance validate FILE...`: detection, output, exit status."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conformance.dicom.files import detect_format, validate_files
from conformance.dicom.findings import ModelValidationError

MODELS = Path(__file__).resolve().parents[1] / "data" / "models"
VALID_JSON = MODELS / "json" / "valid" / "single-dataset.json"
VALID_XML = MODELS / "xml" / "valid" / "all-content-kinds.xml"
INVALID_JSON = MODELS / "json" / "invalid" / "JSON-PN-NOT-OBJECT--bare-string.json"
INVALID_XML = MODELS / "xml" / "invalid" / "XML-TAG-INVALID--lowercase.xml"
LINT_ONLY = MODELS / "lint" / "LINT-IS-AS-STRING--series-count.json"


def run(*paths: Path | str, strict: bool = False) -> tuple[int, list[str]]:
    out = io.StringIO()
    status = validate_files([str(path) for path in paths], strict=strict, out=out)
    return status, out.getvalue().splitlines()


def test_valid_json_and_xml_files_exit_zero() -> None:
    status, lines = run(VALID_JSON, VALID_XML)
    assert status == 0
    assert lines == [f"{VALID_JSON}: valid (0 errors, 0 warnings)", f"{VALID_XML}: valid (0 errors, 0 warnings)"]


def test_each_finding_prints_path_location_severity_rule_message_and_section() -> None:
    status, lines = run(INVALID_JSON)
    assert status == 1
    assert lines[0] == (
        f"{INVALID_JSON}: /00100010/Value/0: error JSON-PN-NOT-OBJECT: "
        "expected a PN object, got the string 'Doe^John' (PS3.18 §F.2.2)"
    )
    assert lines[-1] == f"{INVALID_JSON}: invalid (1 errors, 0 warnings)"


def test_xml_findings_cite_ps319() -> None:
    status, lines = run(INVALID_XML)
    assert status == 1 and lines[0].endswith("(PS3.19 §A.1.6)") and " XML-TAG-INVALID: " in lines[0]


def test_lint_warnings_fail_only_in_strict_mode() -> None:
    assert run(LINT_ONLY)[0] == 0
    status, lines = run(LINT_ONLY, strict=True)
    assert status == 1 and "warning LINT-IS-AS-STRING" in lines[0]


def test_an_unreadable_file_exits_two_with_a_one_line_reason(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    status, lines = run(VALID_JSON, missing, INVALID_JSON)
    assert status == 2
    assert f"{missing}: cannot read: No such file or directory" in lines
    status, lines = run(tmp_path)
    assert status == 2 and lines == [f"{tmp_path}: cannot read: Is a directory"]


def test_content_not_the_file_name_decides_json_or_xml(tmp_path: Path) -> None:
    disguised = tmp_path / "response.json"
    disguised.write_bytes(VALID_XML.read_bytes())
    assert run(disguised)[0] == 0
    assert detect_format(b"\xef\xbb\xbf  <x/>") == "xml"
    assert detect_format(b"--boundary\r\n") == "xml"
    assert detect_format(b"garbage") == "json"


def test_garbage_is_a_finding_never_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\xff\xfe binary")
    status, lines = run(garbage)
    assert status == 1 and "JSON-NOT-UTF8" in lines[0]


def test_contexts_are_checked_before_any_file_is_read() -> None:
    with pytest.raises(ModelValidationError):
        validate_files([str(VALID_JSON)], strict=False, out=io.StringIO(), context="qido")


def test_a_context_tightens_the_rules_for_every_file() -> None:
    out = io.StringIO()
    assert validate_files([str(VALID_JSON)], strict=False, out=out, context="search") == 1
    assert "JSON-TOP-NOT-ARRAY" in out.getvalue()
