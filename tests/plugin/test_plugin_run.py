"""Running cases through pytest against a fake target: verdicts (pass, fail, error) map onto
pytest outcomes (passed, failed, error), fixture data is stored once per run (also under
xdist), and --dicomweb-report-dir writes results.json, junit.xml and summary.md that agree."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from conformance_fixtures import Corpus, build_corpus, new_run_id

CASES = """\
transaction: studies.search
cases:
  - id: fake-passes
    title: The target answers 200 where 200 is expected
    requirements: [SEARCH-RESOURCE-ALL-STUDIES]
    level: shall
    steps:
      - request: {path: /status/200, headers: {Accept: application/dicom+json}}
        expect:
          - status: 200
          - media_type: application/dicom+json

  - id: fake-fails
    title: The target answers 500 where 200 is expected
    requirements: [SEARCH-STATUS-200]
    level: shall
    steps:
      - request: {path: /status/500}
        expect: [status: 200]

  - id: fake-needs-data
    title: A case that needs fixture data stored first
    requirements: [SEARCH-RESOURCE-ALL-STUDIES]
    level: shall
    needs: [ct1]
    steps:
      - request:
          path: /status/200
          query: {PatientID: "${ct1.PatientID}"}
        expect: [status: 200]

  - id: fake-stores
    title: A case that writes (skipped in read-only runs)
    transaction: studies.store
    requirements: [STORE-STATUS-200]
    level: shall
    makes: {a: ct2}
    steps:
      - request: {method: POST, path: /studies, body: {stow: [a]}}
        expect: [status: 200]
"""

ECHO_CASE = """\
transaction: studies.search
cases:
  - id: fake-echoes-credentials
    title: A server that echoes the credentials it received
    requirements: [SEARCH-RESOURCE-ALL-STUDIES]
    level: shall
    needs: [ct1]
    steps:
      - request: {path: /echo}
        expect:
          - header: {name: X-Echo, equals: nothing}
          - body: empty
"""

# What every run of CASES against the fake must record, serial or parallel (durations aside).
FAIL_500 = "[exchange 1] status: status 500 Internal Server Error, expected 200"
RECORDS = {
    "fake-fails": {"verdict": "fail", "message": FAIL_500, "findings": [FAIL_500], "source": "testcases/fake.yaml:13"},
    "fake-needs-data": {"verdict": "pass", "message": "", "findings": [], "source": "testcases/fake.yaml:21"},
    "fake-passes": {"verdict": "pass", "message": "", "findings": [], "source": "testcases/fake.yaml:3"},
    "fake-stores": {"verdict": "pass", "message": "", "findings": [], "source": "testcases/fake.yaml:32"},
}
VERDICTS = {case_id: r["verdict"] for case_id, r in RECORDS.items()}
RUN_ID = new_run_id()


@pytest.fixture(autouse=True)
def corpus_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs share one run id, so its (deterministic) corpus is built once, not per run.
    xdist workers are separate processes and build their own."""
    monkeypatch.setattr("conformance.runner.data.build_corpus", _cached_corpus)


@lru_cache(maxsize=1)
def _cached_corpus(run_id: str) -> Corpus:
    return build_corpus(run_id)


@pytest.fixture()
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    (pytester.path / "testcases").mkdir()
    (pytester.path / "testcases" / "fake.yaml").write_text(CASES, encoding="utf-8")
    return pytester


def run(pytester: pytest.Pytester, url: str, *args: str, report: str = "report") -> pytest.RunResult:
    return pytester.runpytest("--dicomweb-url", url, "--dicomweb-report-dir", str(pytester.path / report),
                              "--dicomweb-run-id", RUN_ID, "-rA", *args)


def results(pytester: pytest.Pytester, report: str = "report") -> dict[str, Any]:
    return json.loads((pytester.path / report / "results.json").read_text(encoding="utf-8"))


def fixture_studies() -> int:
    return len(_cached_corpus(RUN_ID).study_keys())


def verdicts(doc: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["verdict"] for c in doc["cases"]}


def records(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: {k: c[k] for k in ("verdict", "message", "findings", "source")} for c in doc["cases"]}


# ------------------------------------------------------------------ verdicts and pytest outcomes


def test_pass_and_fail_verdicts_are_pytest_passed_and_failed(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    result = run(suite, fake_target.url)
    result.assert_outcomes(passed=3, failed=1)
    assert records(results(suite)) == RECORDS
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_failure_reads_as_findings_at_the_case_file_line_not_a_traceback(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    result = run(suite, fake_target.url, "-k", "fake-fails")
    out = result.stdout.str()
    assert "testcases/fake.yaml:13: fake-fails (shall; SEARCH-STATUS-200)" in out
    assert "server does not conform:" in out
    assert "[exchange 1] status: status 500 Internal Server Error, expected 200" in out
    assert "Traceback" not in out and "harness bug" not in out
    fail = next(c for c in results(suite)["cases"] if c["id"] == "fake-fails")
    assert fail["message"] == "[exchange 1] status: status 500 Internal Server Error, expected 200"


def test_an_unreachable_target_is_an_error_not_a_failure(suite: pytest.Pytester, closed_port_url: str) -> None:
    result = run(suite, closed_port_url)
    result.assert_outcomes(errors=4)
    doc = results(suite)
    assert set(verdicts(doc).values()) == {"error"}
    assert doc["counts"] == {"error": 4}
    assert all("cannot connect to 127.0.0.1" in c["message"] for c in doc["cases"])
    assert "Traceback" not in result.stdout.str()


def test_no_target_url_is_an_error_that_says_what_to_pass(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--dicomweb-report-dir", str(suite.path / "report"), "-k", "fake-passes")
    result.assert_outcomes(errors=1)
    assert "--dicomweb-url" in results(suite)["cases"][0]["message"]


def test_read_only_runs_skip_cases_that_write(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    result = run(suite, fake_target.url, "--dicomweb-read-only", "-k", "fake-stores or fake-passes")
    result.assert_outcomes(passed=1, skipped=1)
    assert verdicts(results(suite)) == {"fake-passes": "pass", "fake-stores": "skip"}
    assert [r for r in fake_target.requests if r.method != "GET"] == []


def test_a_should_case_that_does_not_conform_is_a_warning_and_does_not_fail_the_run(pytester: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    (pytester.path / "testcases").mkdir()
    (pytester.path / "testcases" / "should.yaml").write_text(CASES.replace("level: shall\n    steps:\n      - request: {path: /status/500}",
                                                                           "level: should\n    steps:\n      - request: {path: /status/500}")
                                                             .replace("[SEARCH-STATUS-200]", "[SEARCH-MATCH-PN-CARET]"), encoding="utf-8")
    result = run(pytester, fake_target.url, "-k", "fake-fails")
    assert result.ret == pytest.ExitCode.OK
    assert verdicts(results(pytester)) == {"fake-fails": "warn"}


# ------------------------------------------------------------------ fixture data


def test_fixture_data_is_stored_once_per_run_with_stow_rs(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    run(suite, fake_target.url).assert_outcomes(passed=3, failed=1)
    stores = fake_target.stores()
    # One STOW-RS per fixture study, then one for the case's fresh copy.
    assert len(stores) == fixture_studies() + 1
    for seen in stores:
        ctype = seen.headers["Content-Type"]
        assert ctype.startswith("multipart/related;") and 'type="application/dicom"' in ctype
        assert seen.body_size > 0


def test_xdist_gives_the_same_records_and_still_stores_once(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    # Workers start fresh interpreters; sparing them the hypothesis plugin halves this test's time.
    result = run(suite, fake_target.url, "-n", "2", "-p", "no:hypothesispytest")
    result.assert_outcomes(passed=3, failed=1)
    assert "2 workers" in result.stdout.str()
    assert records(results(suite)) == RECORDS  # exactly what the serial run records
    assert len(fake_target.stores()) == fixture_studies() + 1


# ------------------------------------------------------------------ report artifacts


def test_report_dir_gets_artifacts_that_agree(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    run(suite, fake_target.url)
    report = suite.path / "report"
    for name in ("results.json", "junit.xml", "summary.md", "created-uids.json", "seeding.log"):
        assert (report / name).is_file(), name

    doc = results(suite)
    schema = json.loads(files("conformance.reporting").joinpath("results.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["target"] == {"url": fake_target.url, "server": "FakePACS/1.0"}
    assert doc["counts"] == {"pass": 3, "fail": 1}

    root = ET.parse(report / "junit.xml").getroot()
    assert [tc.get("name") for tc in root.iter("testcase") if tc.find("failure") is not None] == ["fake-fails"]
    assert sum(int(s.get("tests", 0)) for s in root.iter("testsuite")) == 4

    summary = (report / "summary.md").read_text(encoding="utf-8")
    assert "- cases: 4 — 3 pass, 1 fail" in summary
    assert "`fake-fails`" in summary

    created = json.loads((report / "created-uids.json").read_text(encoding="utf-8"))
    assert created["run_id"] == doc["run_id"] and created["uids"]


def test_collect_only_writes_no_report(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    run(suite, fake_target.url, "--collect-only")
    assert not (suite.path / "report" / "results.json").exists()
    assert fake_target.requests == []


# ------------------------------------------------------------------ secrets


@pytest.mark.parametrize("auth, secret", [("bearer:tok-SECRET-42", "tok-SECRET-42"),
                                          ("basic:bob:pw-SECRET-42", "pw-SECRET-42")])
def test_credentials_reach_the_target_but_never_the_output(pytester: pytest.Pytester, fake_target, auth: str, secret: str) -> None:  # type: ignore[no-untyped-def]
    (pytester.path / "testcases").mkdir()
    (pytester.path / "testcases" / "echo.yaml").write_text(ECHO_CASE, encoding="utf-8")
    allure_dir = pytester.path / "allure-results"
    result = run(pytester, fake_target.url, "--dicomweb-auth", auth, "--alluredir", str(allure_dir))
    result.assert_outcomes(failed=1)
    sent = {r.headers.get("Authorization", "") for r in fake_target.requests}
    assert len(sent) == 1 and sent.pop().startswith(("Bearer ", "Basic "))
    echoed = next(r.headers["Authorization"] for r in fake_target.requests).split(" ", 1)[1]

    report = pytester.path / "report"
    outputs = {"terminal": result.stdout.str() + result.stderr.str()}
    outputs.update({p.name: p.read_text(encoding="utf-8") for p in report.iterdir() if p.is_file()})
    outputs.update({f"allure {p.name}": p.read_text(encoding="utf-8") for p in allure_dir.iterdir()})
    assert "seeding.log" in outputs and "results.json" in outputs
    assert any("attachment" in name for name in outputs), "the transcripts were attached"
    for name, text in outputs.items():
        assert secret not in text, name
        assert echoed not in text, name  # the form on the wire (base64 for Basic)


def test_a_run_stopped_by_a_case_file_error_writes_no_results(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    # An empty results.json would read as "nothing failed"; the collection error is the result.
    (suite.path / "testcases" / "bad.yaml").write_text("cases: [}\n", encoding="utf-8")
    result = run(suite, fake_target.url)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*case file error: testcases/bad.yaml:1: *"])
    assert not (suite.path / "report" / "results.json").exists()
