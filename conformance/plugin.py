"""The pytest plugin (entry point ``pytest11: dicomweb``): options, collection, the
session fixture, and the report hooks. It wires the layers; it decides nothing itself."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .cases.parse import CaseParser
from .cases.profile import PROFILE_HELP, VARIANTS, Profile, parse_variant
from .catalog import TRANSACTIONS, Catalog, load_catalog
from .collect import CASE_KEY, CaseFile, CaseItem, is_case_file, transaction_mark
from .claims import Claims, load_claims
from .errors import CaseFileError, HarnessError, UsageError
from .expectations import Expectation, load_expectations
from .reporting.record import CaseRecord, record_for
from .reporting.writer import RunInfo, write_artifacts
from .select import Selection

STATE_KEY = pytest.StashKey["PluginState"]()
RECORD_PROPERTY = "dicomweb.record"


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("dicomweb", "DICOMweb conformance")
    g.addoption("--dicomweb-url", help="base URL of the DICOMweb service under test")
    g.addoption("--dicomweb-uri-url", help="URI service (WADO-URI) endpoint, e.g. http://host/wado")
    g.addoption("--dicomweb-auth", help="basic:USER:PASSWORD, bearer:TOKEN or header:NAME:VALUE (secrets may be env:VAR)")
    g.addoption("--dicomweb-timeout", type=float, default=30.0, help="seconds allowed for each request (default 30)")
    g.addoption("--dicomweb-read-only", action="store_true", help="never send a request that can change the target")
    g.addoption("--dicomweb-report-dir", help="write results.json, junit.xml and summary.md here")
    g.addoption("--dicomweb-select", action="append", default=[], help="run only cases matching: transaction, id glob or requirement id")
    g.addoption("--dicomweb-cases", action="append", default=[], help="another directory of case files")
    g.addoption("--dicomweb-catalog", action="append", default=[], help="another requirement catalog file (draft requirements)")
    g.addoption("--dicomweb-run-id", help="reuse a run id (its UIDs) instead of a fresh one")
    g.addoption("--dicomweb-claims", help="YAML file of the optional features the server claims")
    g.addoption("--dicomweb-expect", help="YAML file of expected verdicts (known deviations) for CI gating")
    g.addoption("--dicomweb-tentative", action="store_true", help="include cases of draft supplements / change proposals")
    g.addoption("--dicomweb-insecure", action="store_true", help="do not verify TLS certificates")
    g.addoption("--dicomweb-ca", help="CA bundle for TLS verification")
    g.addoption("--dicomweb-profile", action="append", default=[], type=parse_variant, metavar="KEY=VALUE", help=PROFILE_HELP)


@dataclass
class PluginState:
    catalog: Catalog
    parser: CaseParser
    run_id: str
    state_dir: Path
    extra_roots: list[Path]
    claims: Claims
    expectations: dict[str, Expectation] | None = None
    case_ids: dict[str, str] = field(default_factory=dict)
    records: list[CaseRecord] = field(default_factory=list)
    started: float = field(default_factory=time.time)


def state_of(config: pytest.Config) -> PluginState:
    return config.stash[STATE_KEY]


def _fixture_keys() -> frozenset[str]:
    from conformance_fixtures import RECIPES

    return frozenset(r.place.key for r in RECIPES)


def pytest_configure(config: pytest.Config) -> None:
    for level in ("shall", "should", "may"):
        config.addinivalue_line("markers", f"{level}: case for a '{level}' requirement")
    for tx in TRANSACTIONS:
        config.addinivalue_line("markers", f"{transaction_mark(tx)}: case of the {tx} transaction")
    worker = getattr(config, "workerinput", None)
    try:
        catalog = load_catalog(tuple(config.getoption("dicomweb_catalog")))
        claims = _claims(config, worker)
        expect_file = config.getoption("dicomweb_expect")
        expectations = load_expectations(expect_file) if expect_file else None
    except UsageError as exc:
        raise pytest.UsageError(str(exc)) from None
    if worker is not None:
        run_id, state_dir = worker["dicomweb_run_id"], Path(worker["dicomweb_state_dir"])
    else:
        from conformance_fixtures import new_run_id

        run_id = config.getoption("dicomweb_run_id") or new_run_id()
        report_dir = config.getoption("dicomweb_report_dir")
        if report_dir:
            state_dir = Path(report_dir) / ".state"
        else:
            state_dir = Path(tempfile.mkdtemp(prefix="dicomweb-state-"))
            config.add_cleanup(lambda: shutil.rmtree(state_dir, ignore_errors=True))
    config.stash[STATE_KEY] = PluginState(
        catalog=catalog,
        parser=CaseParser(catalog, _fixture_keys),
        run_id=run_id,
        state_dir=state_dir,
        extra_roots=[Path(p).resolve() for p in config.getoption("dicomweb_cases")],
        claims=claims,
        expectations=expectations,
    )
    if worker is None:
        config.pluginmanager.register(_RecordCollector(config.stash[STATE_KEY]), "dicomweb-records")


def _claims(config: pytest.Config, worker: dict[str, Any] | None) -> Claims:
    """The claims file; else the server's Capabilities (read once, by the controller); else the default."""
    claims_file = config.getoption("dicomweb_claims")
    uri_service = bool(config.getoption("dicomweb_uri_url"))
    if claims_file:
        return load_claims(claims_file)
    if worker is not None and "dicomweb_claimed" in worker:
        return Claims(frozenset(worker["dicomweb_claimed"]), worker["dicomweb_claims_source"])
    url = config.getoption("dicomweb_url")
    if not url or config.getoption("collectonly"):
        return Claims.default(uri_service)
    from .capability_claims import capability_claims
    from .session import client_from_config

    client, _ = client_from_config(config)
    try:
        return capability_claims(client, url, uri_service)
    finally:
        client.close()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker shares the controller's run id, seeding state and claims."""
    state = state_of(node.config)
    node.workerinput["dicomweb_run_id"] = state.run_id
    node.workerinput["dicomweb_state_dir"] = str(state.state_dir)
    node.workerinput["dicomweb_claimed"] = sorted(state.claims.claimed)
    node.workerinput["dicomweb_claims_source"] = state.claims.source


def pytest_sessionstart(session: pytest.Session) -> None:
    from .reporting import allure_files

    allure_files.write_in_background()  # every plugin is configured by now, allure-pytest's file logger included


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    from .reporting import allure_files

    allure_files.flush()  # before pytest returns: the CLI builds the HTML report from these files next


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_case_file(file_path, state_of(parent.config).extra_roots, parent.config.rootpath):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def pytest_collection_finish(session: pytest.Session) -> None:
    from .runner.gc_policy import keep_out_of_gc

    keep_out_of_gc()  # the collected items live as long as the run


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    terms = [t for arg in config.getoption("dicomweb_select") for t in arg.split(",") if t.strip()]
    selection = Selection(terms) if terms else None
    tentative = bool(config.getoption("dicomweb_tentative"))
    catalog = state_of(config).catalog
    keep, drop = [], []
    for item in items:
        case = item.stash.get(CASE_KEY, None)
        wanted = case is None or (
            (selection is None or selection.matches(case)) and (tentative or not is_tentative(case, catalog)))
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def dicomweb_session(request: pytest.FixtureRequest) -> Any:
    from .session import open_session

    session = open_session(request.config, state_of(request.config))
    yield session
    session.close()


def run_case_item(case: Any, session: Any, item: pytest.Item) -> None:
    from .session import run_item

    run_item(case, session, item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if not isinstance(item, CaseItem):
        return report
    excinfo = call.excinfo
    if call.when == "call" and excinfo is not None and isinstance(excinfo.value, HarnessError):
        # Target trouble is an *error*, not a failure: pytest, junit and xdist all
        # count a failed report outside the call phase as an error.
        report.when = "setup"
    # One record per case: from the call phase, or from setup when the case never got that far.
    if call.when == "call" or (call.when == "setup" and report.outcome != "passed"):
        record = record_for(item.case, item, report, excinfo)
        report.user_properties.append((RECORD_PROPERTY, json.dumps(record.to_json())))
    return report


class _RecordCollector:
    """Gathers case records where reports arrive (the xdist controller, or the only process)."""

    def __init__(self, state: PluginState) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for key, value in report.user_properties:
            if key == RECORD_PROPERTY and report.when != "teardown":
                self.state.records.append(CaseRecord.from_json(json.loads(value)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        return
    report_dir = config.getoption("dicomweb_report_dir")
    state = state_of(config)
    # An interrupted run (a case file error, Ctrl-C) writes no results: they would read as complete.
    if report_dir and not config.getoption("collectonly") and exitstatus != pytest.ExitCode.INTERRUPTED:
        profile = Profile.from_pairs(config.getoption("dicomweb_profile"))
        info = RunInfo(url=config.getoption("dicomweb_url") or "", started=state.started,
                       duration_s=time.time() - state.started, run_id=state.run_id, state_dir=state.state_dir,
                       profile={f: profile.get(f) for f in VARIANTS})
        known = set(state.case_ids) or _all_case_ids(session, state)
        write_artifacts(Path(report_dir), info, state.records, state.catalog,
                        expectations=state.expectations, known_ids=known, claims=state.claims)


def is_tentative(case: Any, catalog: Catalog) -> bool:
    """Cases of draft supplements run only with --dicomweb-tentative: the case itself, or any
    requirement it cites, is marked tentative."""
    if case.tentative:
        return True
    return any((req := catalog.get(r)) is not None and req.tentative for r in case.requirements)


def _all_case_ids(session: pytest.Session, state: PluginState) -> set[str]:
    """Every case id in the collected paths (under xdist the controller collects nothing itself)."""
    ids: set[str] = set()
    roots = [Path(a.split("::")[0]) for a in session.config.args] + state.extra_roots
    for root in roots:
        files = [root] if root.is_file() else sorted(root.rglob("*.y*ml")) if root.is_dir() else []
        for f in files:
            if is_case_file(f.resolve(), state.extra_roots):
                try:
                    ids.update(c.id for c in state.parser.parse_file(f))
                except CaseFileError:
                    continue
    return ids


__all__ = ["pytest_addoption", "pytest_configure", "dicomweb_session"]
