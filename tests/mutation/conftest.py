"""Fixtures of the mutation suite: one lab (real servers + baselines) per test process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import score_report
from .lab import MutationLab


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "mutation: runs the harness against a real server behind the mutating proxy")
    if not config.pluginmanager.is_registered(score_report):
        config.pluginmanager.register(score_report, "mutation-score-report")


@pytest.fixture(scope="session")
def mutation_lab(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[MutationLab]:
    base = tmp_path_factory.getbasetemp()
    # xdist workers have their own basetemp under the controller's: outcomes are shared there.
    shared = (base.parent if hasattr(request.config, "workerinput") else base) / "mutation-outcomes"
    lab = MutationLab(shared, base / "mutation-work")
    yield lab
    lab.close()
