"""The whole path a user takes: pytest with the plugin, a claims file and a profile option, against the double."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.double import DicomwebDouble, Settings

from .harness import ROOT

SELECT = "worklist,notifications,capabilities,npi,storage-commitment"
CLAIMS = ROOT / "tests" / "double" / "claims.yaml"


def run(url: str, report: Path, *extra: str, claims: Path | None = CLAIMS) -> dict[str, str]:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(ROOT / "testcases"), "--dicomweb-url", url,
           "--dicomweb-report-dir", str(report), "--dicomweb-select", SELECT, "-n", "4", *extra]
    cmd += ["--dicomweb-claims", str(claims)] if claims else []
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-3000:]
    return {c["id"]: c["verdict"] for c in json.loads((report / "results.json").read_text())["cases"]}


def test_without_a_claims_file_the_servers_capabilities_say_what_it_claims(tmp_path: Path) -> None:
    with DicomwebDouble(Settings(ws_path="ws-subscribers")) as double:
        verdicts = run(double.base_url, tmp_path, "--dicomweb-profile", "notification-path=ws-subscribers", claims=None)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["claims"]["source"].startswith("Capabilities of the target (OPTIONS ")
    assert set(doc["claims"]["claimed"]) == {"worklist", "notifications", "npi", "storage-commitment"}
    assert doc["profile"] == {"notification-path": "ws-subscribers", "ups-create": "dataset",
                              "ups-transaction-uid": "transaction-uid"}  # what the run was made under
    assert {v for v in verdicts.values()} == {"pass"}, {k: v for k, v in verdicts.items() if v != "pass"}


def test_a_server_without_capabilities_gets_the_documented_default_and_the_report_says_why(tmp_path: Path) -> None:
    with DicomwebDouble(Settings(faults={"options-404"})) as double:
        verdicts = run(double.base_url, tmp_path, claims=None)
    doc = json.loads((tmp_path / "results.json").read_text())
    assert doc["claims"] == {"source": f"documented default (no claims file; no Capabilities description at OPTIONS "
                                       f"{double.base_url.rstrip('/')})", "claimed": []}
    worklist = [c for c in doc["cases"] if c["transaction"].startswith("worklist")]
    assert worklist and {c["verdict"] for c in worklist} == {"skip"}
    assert "fail" in {verdicts[c["id"]] for c in doc["cases"] if c["transaction"].startswith("capabilities")}  # mandatory


def test_every_case_passes_through_the_plugin_against_the_double(tmp_path: Path) -> None:
    with DicomwebDouble(Settings(ws_path="ws-subscribers")) as double:
        verdicts = run(double.base_url, tmp_path, "--dicomweb-profile", "notification-path=ws-subscribers")
    assert len(verdicts) >= 100
    assert {v for v in verdicts.values()} == {"pass"}, {k: v for k, v in verdicts.items() if v != "pass"}


def test_a_bad_profile_option_stops_the_run_with_a_usage_error(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(ROOT / "testcases"), "--dicomweb-url",
           "http://127.0.0.1:9/x", "--dicomweb-profile", "ups-create=path", "--collect-only"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 4
    assert "not one of dataset, query, query-named" in proc.stderr
