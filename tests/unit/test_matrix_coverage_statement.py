"""Matrix, coverage and the statement draft, read back from report folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.catalog import load_catalog
from conformance.errors import UsageError
from conformance.reporting.coverage import coverage, coverage_markdown
from conformance.reporting.matrix import matrix_html, matrix_markdown, write_matrix
from conformance.reporting.runs import load_run
from conformance.reporting.statement import statement_markdown


def make_run(tmp_path: Path, name: str, verdicts: dict[str, str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    cases = [{"id": cid, "title": f"title of {cid}", "transaction": "studies.search", "requirements": ["SEARCH-STATUS-200"],
              "level": "shall", "verdict": v, "message": "" if v == "pass" else f"{cid} went wrong", "duration_s": 0.1,
              "exchanges": [{"method": "GET", "resource": "/studies", "status": 200, "content_type": "application/dicom+json"}]}
             for cid, v in verdicts.items()]
    doc = {"harness": {"name": "dicomweb-conformance", "version": "0"}, "target": {"url": "http://x", "server": name},
           "edition": "2024e", "started": "2026-01-01T00:00:00+00:00", "cases": cases}
    (folder / "results.json").write_text(json.dumps(doc))
    return folder


def test_matrix_shows_each_implementation_and_flags_disagreement(tmp_path: Path) -> None:
    runs = [load_run(make_run(tmp_path, "A", {"c1": "pass", "c2": "fail"})),
            load_run(make_run(tmp_path, "B", {"c1": "pass", "c2": "pass"}))]
    md = matrix_markdown(runs, load_catalog())
    assert "| `c1` |" in md and "| `c2` ⚠ |" in md
    assert "**1/2 pass**" in md and "**2/2 pass**" in md
    page = matrix_html(runs, load_catalog())
    assert page.count("class=disagree") == 1 and "c2 went wrong" in page
    md_file, html_file = write_matrix(runs, load_catalog(), tmp_path / "out")
    assert md_file.exists() and html_file.exists()


def test_a_folder_without_results_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no results.json"):
        load_run(tmp_path)


def test_coverage_counts_testable_shall_requirements_cited_by_cases(tmp_path: Path) -> None:
    class Case:
        id, requirements = "c1", ("SEARCH-STATUS-200",)

    run = load_run(make_run(tmp_path, "A", {"c1": "pass"}))
    report = coverage(load_catalog(), [Case()], [run])
    row = next(r for r in report["requirements"] if r["id"] == "SEARCH-STATUS-200")
    assert row["cases"] == ["c1"] and row["verdicts"] == {"A": ["pass"]}
    assert report["per_transaction"]["studies.search"]["covered"] == 1
    assert "| **total** |" in coverage_markdown(report)


def test_the_statement_draft_reports_what_was_observed(tmp_path: Path) -> None:
    text = statement_markdown(load_run(make_run(tmp_path, "A", {"c1": "pass", "c2": "fail"})), load_catalog())
    assert "1 of 2 cases conform" in text
    assert "| GET | `/studies` | 200 | application/dicom+json |" in text
    assert "`c2` (fail; §10.6.3.1): c2 went wrong" in text
