"""Reports: results.json, junit.xml and summary.md are written from the same case records and
always agree. results.json follows conformance/reporting/results.schema.json (format of issue 2)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from conformance import EDITION, __version__
from conformance.catalog import load_catalog
from conformance.reporting.record import VERDICTS, CaseRecord
from conformance.reporting.writer import RunInfo, junit_document, results_document, write_artifacts

STARTED = 1_790_000_000.0  # a fixed instant, so the ISO form is known


def record(id: str, verdict: str, *, tx: str = "studies.search", message: str = "", findings: list[str] | None = None,
           level: str = "shall", server: str = "") -> CaseRecord:
    return CaseRecord(id=id, title=f"title of {id}", transaction=tx, requirements=["SEARCH-RESOURCE-ALL-STUDIES"],
                      level=level, verdict=verdict, message=message, duration_s=0.25, source=f"testcases/x.yaml:{len(id)}",
                      findings=findings or [], server=server)


RECORDS = [
    record("s-pass", "pass", server="TinyPACS/1.0"),
    record("s-fail", "fail", message="status: status 500 Internal, expected 200",
           findings=["status: status 500 Internal, expected 200", "media_type: no Content-Type header"]),
    record("s-skip", "skip", message="not claimed: thumbnails"),
    record("r-error", "error", tx="studies.retrieve", message="cannot connect to 127.0.0.1:9: refused"),
    record("r-pass", "pass", tx="studies.retrieve"),
    record("r-warn", "warn", tx="studies.retrieve", level="should", message="frames: odd", findings=["frames: odd"]),
    record("u-info", "info", tx="uri.retrieve", level="may", message="header: missing", findings=["header: missing"]),
]


@pytest.fixture(scope="module")
def results_schema() -> dict:
    return json.loads(files("conformance.reporting").joinpath("results.schema.json").read_text(encoding="utf-8"))


@pytest.fixture()
def run_info(tmp_path: Path) -> RunInfo:
    return RunInfo(url="http://127.0.0.1:8042/dicom-web", started=STARTED, duration_s=12.3456, run_id="run-1",
                   state_dir=tmp_path / "state")


@pytest.fixture()
def report_dir(tmp_path: Path, run_info: RunInfo) -> Path:
    out = tmp_path / "report"
    write_artifacts(out, run_info, RECORDS, load_catalog())
    return out


def validator(schema: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


# ------------------------------------------------------------------ results.json


def test_results_schema_is_a_valid_schema_shipped_in_the_package(results_schema: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(results_schema)


def test_results_schema_knows_exactly_the_harness_verdicts(results_schema: dict) -> None:
    assert results_schema["$defs"]["verdict"]["enum"] == list(VERDICTS)


def test_results_json_validates_against_its_schema(report_dir: Path, results_schema: dict) -> None:
    validator(results_schema).validate(json.loads((report_dir / "results.json").read_text(encoding="utf-8")))


def test_results_json_of_an_empty_run_validates(tmp_path: Path, run_info: RunInfo, results_schema: dict) -> None:
    write_artifacts(tmp_path / "empty", run_info, [], load_catalog())
    doc = json.loads((tmp_path / "empty" / "results.json").read_text(encoding="utf-8"))
    validator(results_schema).validate(doc)
    assert (doc["cases"], doc["counts"]) == ([], {})


def test_results_json_has_the_issue_2_fields(report_dir: Path) -> None:
    doc = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    assert doc["harness"] == {"name": "dicomweb-conformance", "version": __version__}
    assert doc["target"] == {"url": "http://127.0.0.1:8042/dicom-web", "server": "TinyPACS/1.0"}
    assert doc["edition"] == EDITION
    assert doc["started"] == "2026-09-21T14:13:20+00:00"
    assert doc["duration_s"] == 12.346
    first = doc["cases"][0]
    assert {k: first[k] for k in ("id", "title", "transaction", "requirements", "level", "verdict", "message", "duration_s")} == {
        "id": "r-error", "title": "title of r-error", "transaction": "studies.retrieve",
        "requirements": ["SEARCH-RESOURCE-ALL-STUDIES"], "level": "shall", "verdict": "error",
        "message": "cannot connect to 127.0.0.1:9: refused", "duration_s": 0.25}


def test_results_json_lists_cases_sorted_by_id(report_dir: Path) -> None:
    doc = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in doc["cases"]] == sorted(r.id for r in RECORDS)


def test_results_json_keeps_non_ascii_readable(tmp_path: Path, run_info: RunInfo) -> None:
    write_artifacts(tmp_path, run_info, [record("c", "fail", message="PatientName 山田^太郎")], load_catalog())
    assert "山田^太郎" in (tmp_path / "results.json").read_text(encoding="utf-8")


# ------------------------------------------------------------------ junit.xml


def junit_cases(report_dir: Path) -> dict[str, ET.Element]:
    root = ET.parse(report_dir / "junit.xml").getroot()
    return {tc.get("name"): tc for tc in root.iter("testcase")}  # type: ignore[misc]


def test_junit_marks_fail_as_failure_error_as_error_skip_as_skipped(report_dir: Path) -> None:
    cases = junit_cases(report_dir)
    outcome = {name: [child.tag for child in tc if child.tag in ("failure", "error", "skipped")] for name, tc in cases.items()}
    assert outcome == {"s-pass": [], "s-fail": ["failure"], "s-skip": ["skipped"], "r-error": ["error"],
                       "r-pass": [], "r-warn": [], "u-info": []}


def test_junit_failure_carries_the_message_and_every_finding(report_dir: Path) -> None:
    failure = junit_cases(report_dir)["s-fail"].find("failure")
    assert failure is not None
    assert failure.get("message") == "status: status 500 Internal, expected 200"
    assert failure.text == "status: status 500 Internal, expected 200\nmedia_type: no Content-Type header"


def test_junit_groups_cases_in_one_suite_per_transaction_with_counts(report_dir: Path) -> None:
    root = ET.parse(report_dir / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert sorted(suites) == ["studies.retrieve", "studies.search", "uri.retrieve"]
    search = suites["studies.search"]
    assert (search.get("tests"), search.get("failures"), search.get("errors"), search.get("skipped")) == ("3", "1", "0", "1")
    assert suites["studies.retrieve"].get("errors") == "1"
    tc = junit_cases(report_dir)["s-pass"]
    assert (tc.get("classname"), tc.get("file")) == ("studies.search", "testcases/x.yaml:6")


def test_junit_is_well_formed_even_when_messages_carry_markup_and_control_characters(tmp_path: Path, run_info: RunInfo) -> None:
    # A server's own text (an ISO 2022 value with ESC, a NUL in a reason) can end up in a finding.
    nasty = 'Value "<a&b>" \x1b$B;3ED\x1b(B \x00 \ufffe end'
    junit_document(run_info, [record("c", "fail", message=nasty, findings=[nasty])]).write(
        tmp_path / "junit.xml", encoding="utf-8", xml_declaration=True)
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(".//failure")
    assert failure is not None
    assert failure.get("message", "").startswith('Value "<a&b>" ')
    assert failure.get("message", "").endswith(" end")


# ------------------------------------------------------------------ summary.md


def summary_counts(text: str) -> dict[str, int]:
    line = next(l for l in text.splitlines() if l.startswith("- cases: "))
    return {verdict: int(n) for n, verdict in re.findall(r"(\d+) (\w+)", line.split("—", 1)[1])}


def test_summary_states_counts_per_verdict_and_per_transaction(report_dir: Path) -> None:
    text = (report_dir / "summary.md").read_text(encoding="utf-8")
    assert text.startswith("# DICOMweb conformance summary\n")
    assert "- cases: 7 — " in text
    assert summary_counts(text) == {"pass": 2, "fail": 1, "warn": 1, "info": 1, "skip": 1, "error": 1}
    row = next(l for l in text.splitlines() if "(`studies.search`)" in l)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert dict(zip(["cases", *VERDICTS], map(int, cells[1:]))) == {
        "cases": 3, "pass": 1, "fail": 1, "warn": 0, "info": 0, "skip": 1, "error": 0}


def test_summary_lists_failures_and_errors_with_their_section_and_reason(report_dir: Path) -> None:
    text = (report_dir / "summary.md").read_text(encoding="utf-8")
    section = load_catalog().requirements["SEARCH-RESOURCE-ALL-STUDIES"].section
    assert f"- `s-fail` [shall; SEARCH-RESOURCE-ALL-STUDIES (§{section})]: status: status 500 Internal, expected 200" in text
    assert "- `r-error` [shall; SEARCH-RESOURCE-ALL-STUDIES" in text
    assert "`s-pass`" not in text


# ------------------------------------------------------------------ the three agree


def test_results_junit_and_summary_agree_on_counts(report_dir: Path) -> None:
    doc = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    expected = Counter(r.verdict for r in RECORDS)
    assert doc["counts"] == dict(expected)
    assert Counter(c["verdict"] for c in doc["cases"]) == expected

    root = ET.parse(report_dir / "junit.xml").getroot()
    suites = list(root.iter("testsuite"))
    assert sum(int(s.get("tests", 0)) for s in suites) == len(RECORDS)
    assert sum(int(s.get("failures", 0)) for s in suites) == expected["fail"]
    assert sum(int(s.get("errors", 0)) for s in suites) == expected["error"]
    assert sum(int(s.get("skipped", 0)) for s in suites) == expected["skip"]
    verdict_property = {tc.get("name"): tc.find("properties/property[@name='verdict']").get("value")  # type: ignore[union-attr]
                        for tc in root.iter("testcase")}
    assert verdict_property == {c["id"]: c["verdict"] for c in doc["cases"]}

    summary = summary_counts((report_dir / "summary.md").read_text(encoding="utf-8"))
    assert {v: n for v, n in summary.items() if n} == dict(expected)


def test_results_document_is_what_results_json_holds(report_dir: Path, run_info: RunInfo) -> None:
    on_disk = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(results_document(run_info, RECORDS)))


# ------------------------------------------------------------------ run state next to the report


def test_created_uids_and_seeding_log_are_written_when_the_run_stored_data(tmp_path: Path, run_info: RunInfo) -> None:
    run_info.state_dir.mkdir()
    (run_info.state_dir / "seed-run-1.json").write_text(json.dumps(
        {"run_id": "run-1", "outcomes": {"ct1": {"stored": True, "reason": ""}}, "created_uids": ["2.25.1", "2.25.2"]}))
    (run_info.state_dir / "seeding.log").write_text("# exchange 1: seed s1\n")
    write_artifacts(tmp_path / "out", run_info, RECORDS, load_catalog())
    created = json.loads((tmp_path / "out" / "created-uids.json").read_text())
    assert created == {"run_id": "run-1", "uids": ["2.25.1", "2.25.2"], "fixture_uids": ["2.25.1", "2.25.2"],
                       "case_uids": [], "stored": {"ct1": {"stored": True, "reason": ""}}}
    assert (tmp_path / "out" / "seeding.log").read_text() == "# exchange 1: seed s1\n"


def test_created_uids_include_what_cases_created(tmp_path: Path, run_info: RunInfo) -> None:
    run_info.state_dir.mkdir()
    (run_info.state_dir / "seed-run-1.json").write_text(json.dumps(
        {"run_id": "run-1", "outcomes": {}, "created_uids": ["2.25.1"]}))
    (run_info.state_dir / "created-run-1.txt").write_text("2.25.7 2.25.8\n2.25.8\n")
    write_artifacts(tmp_path / "out", run_info, RECORDS, load_catalog())
    created = json.loads((tmp_path / "out" / "created-uids.json").read_text())
    assert created["uids"] == ["2.25.1", "2.25.7", "2.25.8"] and created["case_uids"] == ["2.25.7", "2.25.8"]


def test_no_run_state_files_without_stored_data(report_dir: Path) -> None:
    assert sorted(p.name for p in report_dir.iterdir()) == ["junit.xml", "results.json", "summary.md"]


def test_case_records_survive_the_json_round_trip_used_by_xdist() -> None:
    for r in RECORDS:
        assert CaseRecord.from_json(json.loads(json.dumps(r.to_json()))) == r


def test_the_edition_profile_a_run_was_made_under_is_in_results_and_summary(tmp_path: Path, run_info: RunInfo,
                                                                             results_schema: dict) -> None:
    from dataclasses import replace

    info = replace(run_info, profile={"ups-create": "query", "notification-path": "content-location"})
    out = tmp_path / "report"
    write_artifacts(out, info, RECORDS, load_catalog())
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["profile"] == {"notification-path": "content-location", "ups-create": "query"}
    assert list(validator(results_schema).iter_errors(doc)) == []
    assert "- profile: notification-path=content-location, ups-create=query" in (out / "summary.md").read_text(encoding="utf-8")
