"""--dicomweb-read-only: the run sends nothing that can change the target, and says which cases it skipped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from conformance.targets.orthanc import OrthancTarget
from tests.tooling.casefiles import all_cases
from tests.tooling.harness import HarnessRun, run_harness
from tests.tooling.proxy import MutatingProxy, ProxyLog

pytestmark = pytest.mark.safety
CHANGING_METHODS = {"POST", "PUT", "DELETE", "PATCH"}


@dataclass(frozen=True)
class AuditedRun:
    run: HarnessRun
    log: ProxyLog


@pytest.fixture(scope="module")
def read_only_run(safety_orthanc: OrthancTarget, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuditedRun]:
    with MutatingProxy(safety_orthanc.base_url) as proxy:
        run = run_harness(proxy.url_for(safety_orthanc.base_url), tmp_path_factory.mktemp("read-only") / "report",
                          uri_url=proxy.url_for(safety_orthanc.wado_uri), extra=["--dicomweb-read-only"])
        yield AuditedRun(run, proxy.log)


def test_a_read_only_run_sends_no_request_that_can_change_the_target(read_only_run: AuditedRun) -> None:
    methods = read_only_run.log.methods()
    assert sum(methods.values()) > 0, "the run sent nothing at all"
    assert not CHANGING_METHODS & set(methods), f"methods seen at the proxy: {dict(methods)}"


def test_a_read_only_run_skips_every_case_that_writes_with_that_reason(read_only_run: AuditedRun) -> None:
    verdicts = {c["id"]: c for c in read_only_run.run.cases}
    writers = [c.id for c in all_cases() if c.writes and c.id in verdicts]
    assert writers
    wrong = {c: (verdicts[c]["verdict"], verdicts[c]["message"]) for c in writers
             if verdicts[c]["verdict"] != "skip" or "read-only" not in verdicts[c]["message"]}
    assert not wrong, wrong


def test_a_read_only_run_skips_every_case_that_needs_stored_data_with_that_reason(read_only_run: AuditedRun) -> None:
    verdicts = {c["id"]: c for c in read_only_run.run.cases}
    readers = [c.id for c in all_cases() if c.needs_data and not c.writes and c.id in verdicts]
    assert readers
    wrong = {c: (verdicts[c]["verdict"], verdicts[c]["message"][:100]) for c in readers
             if verdicts[c]["verdict"] != "skip" or "read-only" not in verdicts[c]["message"]}
    assert not wrong, f"{len(wrong)} of {len(readers)} cases, e.g. {dict(list(wrong.items())[:5])}"
