"""Prints the mutation score at the end of the pytest run.

The score test attaches its report to its test report (user_properties travel to the xdist
controller). Registered by tests/mutation/conftest.py; under xdist the controller does not load
that conftest, so the top-level conftest may list this module in ``pytest_plugins``.
"""

from __future__ import annotations

import pytest

SCORE_PROPERTY = "mutation-score"
_REPORTS: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _REPORTS.extend(value for key, value in report.user_properties if key == SCORE_PROPERTY and report.when == "call")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for text in dict.fromkeys(_REPORTS):
        terminalreporter.write_sep("=", "mutation score")
        terminalreporter.write_line(text)
