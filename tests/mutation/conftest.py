"""Fixtures of the mutation suite: one lab (real servers + baselines) per test process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .lab import MutationLab

SCORE_PROPERTY = "mutation-score"
_REPORTS: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mutation: runs the harness against a real server behind the mutating proxy")


@pytest.fixture(scope="session")
def mutation_lab(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[MutationLab]:
    base = tmp_path_factory.getbasetemp()
    # xdist workers have their own basetemp under the controller's: outcomes are shared there.
    shared = (base.parent if hasattr(request.config, "workerinput") else base) / "mutation-outcomes"
    lab = MutationLab(shared, base / "mutation-work")
    yield lab
    lab.close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _REPORTS.extend(value for key, value in report.user_properties if key == SCORE_PROPERTY and report.when == "call")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for text in dict.fromkeys(_REPORTS):
        terminalreporter.write_sep("=", "mutation score")
        terminalreporter.write_line(text)
