"""Expectations for CI gating: a run matches exactly, or every difference is reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conformance.catalog import load_catalog
from conformance.errors import UsageError
from conformance.expectations import Expectation, compare, draft_expectations, load_expectations


def exp(case: str, verdict: str) -> Expectation:
    return Expectation(case, verdict, "because of a known bug", "PS3.18 §10.6.3")


def test_a_run_that_matches_its_expectations_has_no_mismatch() -> None:
    verdicts = {"a": "pass", "b": "fail", "c": "skip", "d": "warn"}
    assert compare(verdicts, {"b": exp("b", "fail")}, set(verdicts)) == []


def test_an_unexpected_failure_is_a_mismatch() -> None:
    (m,) = compare({"a": "fail"}, {}, {"a"})
    assert (m.case, m.expected, m.got) == ("a", "pass", "fail")


def test_an_unexpected_pass_is_a_mismatch_so_the_expectation_gets_removed() -> None:
    (m,) = compare({"a": "pass"}, {"a": exp("a", "fail")}, {"a"})
    assert m.got == "pass" and "remove" in m.note


def test_an_error_is_never_conforming_by_default() -> None:
    assert compare({"a": "error"}, {}, {"a"})


def test_a_stale_expectation_naming_no_case_is_a_mismatch() -> None:
    (m,) = compare({"a": "pass"}, {"gone": exp("gone", "fail")}, {"a"})
    assert m.got == "not run" and "stale" in m.note


def test_an_expectation_for_a_deselected_case_is_not_a_mismatch() -> None:
    assert compare({"a": "pass"}, {"b": exp("b", "fail")}, {"a", "b"}) == []


@pytest.mark.parametrize("text, message", [
    ("expectations: [{case: a, verdict: fail}]", "'reason' is a required property"),
    ("expectations: [{case: a, verdict: broken, reason: whatever, evidence: §1.2.3}]", "is not one of"),
    ("expectations:\n - {case: a, verdict: fail, reason: xxxxx, evidence: yyyyy}\n - {case: a, verdict: fail, reason: xxxxx, evidence: yyyyy}",
     "listed twice"),
])
def test_a_malformed_expectations_file_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(text)
    with pytest.raises(UsageError, match=message):
        load_expectations(str(path))


def test_a_drafted_file_lists_every_nonconforming_case_and_loads_back(tmp_path: Path) -> None:
    results = {"run_id": "r", "cases": [
        {"id": "x-ok", "verdict": "pass", "requirements": ["SEARCH-STATUS-200"], "message": ""},
        {"id": "x-bad", "verdict": "fail", "requirements": ["SEARCH-STATUS-204-NO-MATCHES"], "violated": [],
         "message": "status 200 OK, expected 204: 'quoted' text"},
    ]}
    path = tmp_path / "e.yaml"
    path.write_text(draft_expectations(results, load_catalog(), "Server 1.0"))
    loaded = load_expectations(str(path))
    assert list(loaded) == ["x-bad"]
    assert "8.3.4.4.1" in loaded["x-bad"].evidence
    assert yaml.safe_load(path.read_text())["target"] == "Server 1.0"
