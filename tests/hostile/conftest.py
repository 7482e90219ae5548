"""The hostile-server suite: its marker, and what passes against a server that offers nothing."""

from __future__ import annotations

import pytest

from tests.tooling.hostile.modes import BY_NAME

from .survival import HostileRun, run_hostile


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hostile: runs the whole harness against a misbehaving server")


@pytest.fixture(scope="session")
def nothing_here(tmp_path_factory: pytest.TempPathFactory) -> HostileRun:
    """The full run against a server that answers 404 to everything."""
    return run_hostile(BY_NAME["nothing-here"], tmp_path_factory.mktemp("nothing-here") / "report", timeout_s=2.0)


@pytest.fixture(scope="session")
def vacuous(nothing_here: HostileRun) -> frozenset[str]:
    """Cases that pass against a server offering nothing (e.g. 'all four levels or none')."""
    return frozenset(c["id"] for c in nothing_here.run.cases if c["verdict"] == "pass")
