"""Against the real servers here, which offer none of these services, the cases end cleanly.

Unclaimed (the default), the pytest run skips them as "not claimed", except Retrieve Capabilities,
which every RESTful service shall implement (§8.9): its cases run, and fail justly or end as
"not offered" when OPTIONS is not answered. Run as if
claimed, every case ends as a failure or a "not offered" skip with its reason: never an error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .harness import ROOT, open_session, service_cases, verdict

SELECT = "worklist,notifications,capabilities,npi,storage-commitment"


@pytest.mark.parametrize("server", ["orthanc", "tinypacs"])
def test_unclaimed_services_skip_and_only_capabilities_cases_run(server: str, request: pytest.FixtureRequest,
                                                                 tmp_path: Path) -> None:
    target: Any = request.getfixturevalue(server)
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(ROOT / "testcases"), "--dicomweb-url",
           target.base_url, "--dicomweb-report-dir", str(tmp_path), "--dicomweb-select", SELECT]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-2000:]
    cases = json.loads((tmp_path / "results.json").read_text())["cases"]
    verdicts = {c["id"]: c["verdict"] for c in cases}
    assert verdicts["capabilities-options-base-uri"] == "fail"
    for case in cases:
        if case["transaction"] == "capabilities":  # mandatory: runs, fails or is not offered, never an error
            assert case["verdict"] in ("fail", "skip"), case
            # ... unless it is about another, unclaimed service (e.g. "declares the worklist")
            assert case["verdict"] == "fail" or case["message"].startswith(("not offered", "not claimed")), case
        else:
            assert case["verdict"] == "skip" and case["message"].startswith("not claimed"), case


@pytest.mark.parametrize("server", ["orthanc", "tinypacs"])
def test_claimed_anyway_every_case_fails_or_is_not_offered_never_an_error(server: str, request: pytest.FixtureRequest,
                                                                         tmp_path: Path) -> None:
    target: Any = request.getfixturevalue(server)
    session = open_session(target.base_url, tmp_path)
    try:
        results = {case.id: verdict(case, session) for case in service_cases()}
    finally:
        session.client.close()
    errors = {cid: v.message for cid, v in results.items() if v.outcome == "error"}
    assert not errors
    skips = {cid: v.message for cid, v in results.items() if v.outcome == "skip"}
    assert all(m.startswith("not offered:") and "answered 404" in m for m in skips.values()), skips
    assert results["capabilities-options-base-uri"].outcome == "fail"
    assert results["ups-create-201-location"].outcome == "fail"
