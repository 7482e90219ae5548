"""The hostile-server suite: markers only (each test starts its own hostile server)."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hostile: runs the whole harness against a misbehaving server")
