"""The whole suite against real servers: the run completes, every artifact is written and
well-formed, the artifacts agree with each other, and a second run gives the same verdicts."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "conformance.cli"]


def run_suite(target: Any, report_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    uri = getattr(target, "wado_uri", None) or f"{target.base_url}/wado"
    cmd = [*CLI, "run", "--target", target.base_url, "--uri-url", uri, "--report-dir", str(report_dir), "-q", *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def verdicts(report_dir: Path) -> dict[str, str]:
    doc = json.loads((report_dir / "results.json").read_text())
    return {c["id"]: c["verdict"] for c in doc["cases"]}


def check_artifacts(report_dir: Path, proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = json.loads((report_dir / "results.json").read_text())
    assert results["harness"]["name"] == "dicomweb-conformance"
    assert results["edition"] == "2024e"
    assert results["cases"], "no cases ran"
    counts = Counter(c["verdict"] for c in results["cases"])
    assert set(counts) <= {"pass", "fail", "warn", "info", "skip", "error"}
    for case in results["cases"]:
        assert case["requirements"] and case["level"] in ("shall", "should", "may")
        if case["verdict"] != "pass":
            assert case["message"] and "\n" not in case["message"], case

    junit = ET.parse(report_dir / "junit.xml").getroot()
    cases = junit.findall(".//testcase")
    assert len(cases) == len(results["cases"])
    assert len(junit.findall(".//failure")) == counts["fail"]
    assert len(junit.findall(".//error")) == counts["error"]
    assert len(junit.findall(".//skipped")) == counts["skip"]

    summary = (report_dir / "summary.md").read_text()
    total_row = next(line for line in summary.splitlines() if line.startswith("| **total**"))
    cells = [c.strip() for c in total_row.strip("|").split("|")]
    assert cells[1:] == [str(len(results["cases"]))] + [str(counts[v]) for v in ("pass", "fail", "warn", "info", "skip", "error")]

    allure = list((report_dir / "allure-results").glob("*-result.json"))
    assert len(allure) == len(results["cases"])
    html = (report_dir / "report.html").read_text()
    assert "googletagmanager" not in html and "gtag(" not in html
    assert (report_dir / "created-uids.json").exists()
    return results


@pytest.mark.parametrize("server", ["orthanc", "tinypacs"])
def test_whole_suite_runs_and_is_repeatable(server: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    target = request.getfixturevalue(server)
    first = run_suite(target, tmp_path / "first")
    assert first.returncode in (0, 1), first.stdout[-3000:] + first.stderr[-3000:]
    results = check_artifacts(tmp_path / "first", first)
    errors = [c for c in results["cases"] if c["verdict"] == "error"]
    assert not errors, f"harness or target errors against {server}: {errors[:3]}"
    second = run_suite(target, tmp_path / "second", "--no-html")
    assert verdicts(tmp_path / "first") == verdicts(tmp_path / "second")


def test_parallel_run_gives_the_same_verdicts(orthanc: Any, tmp_path: Path) -> None:
    serial = run_suite(orthanc, tmp_path / "serial", "--no-html")
    parallel = run_suite(orthanc, tmp_path / "parallel", "--no-html", "-n", "2")
    assert serial.returncode == parallel.returncode
    assert verdicts(tmp_path / "serial") == verdicts(tmp_path / "parallel")


EXPECTATIONS = {"orthanc": ROOT / "expectations" / "orthanc-1.10-dicomweb-1.7.yaml",
                "tinypacs": ROOT / "expectations" / "tiny-pacs-dicomweb-0.1.yaml"}


@pytest.mark.parametrize("server", ["orthanc", "tinypacs"])
def test_committed_expectations_match_exactly(server: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """CI gating as a server project would use it: every verdict equals its committed expectation."""
    target = request.getfixturevalue(server)
    proc = run_suite(target, tmp_path / "run", "--no-html", "--expect", str(EXPECTATIONS[server]))
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "every verdict matches" in proc.stdout


def test_a_wrong_expectation_fails_the_run_with_a_clear_message(orthanc: Any, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(EXPECTATIONS["orthanc"].read_text() + "  - {case: retrieve-instance-default-media, verdict: fail, "
                     "reason: deliberately wrong, evidence: PS3.18 §10.4}\n")
    proc = run_suite(orthanc, tmp_path / "run", "--no-html", "--expect", str(wrong))
    assert proc.returncode == 1
    assert "retrieve-instance-default-media: expected fail, got pass" in proc.stderr
