"""Fixtures of the data-safety and secrets suite: the real servers it audits, started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.targets.orthanc import OrthancTarget

BASIC_USER = "dwc-auditor"
BASIC_PASSWORD = "Pw-7f3c9e1a-never-in-a-report"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "safety: audits what the harness sends and what it writes")


@pytest.fixture(scope="session")
def safety_orthanc() -> Iterator[OrthancTarget]:
    """A plain Orthanc the safety tests put the counting proxy in front of."""
    with OrthancTarget() as target:
        yield target


@pytest.fixture(scope="session")
def orthanc_with_users() -> Iterator[OrthancTarget]:
    """An Orthanc that demands HTTP basic authentication."""
    with OrthancTarget(users={BASIC_USER: BASIC_PASSWORD}) as target:
        yield target
