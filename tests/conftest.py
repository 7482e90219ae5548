"""Shared fixtures of the harness's own tests: the two real servers, started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

# pytester: the plugin tests drive pytest itself; score_report prints the mutation score at the end.
pytest_plugins = ["pytester", "tests.mutation.score_report"]

from conformance.targets.orthanc import OrthancTarget, orthanc_available
from conformance.targets.tinypacs import TinyPacsTarget, tinypacs_binary


@pytest.fixture(scope="session")
def orthanc() -> Iterator[OrthancTarget]:
    if not orthanc_available():
        pytest.fail("Orthanc + DICOMweb plugin are not installed (./dev setup installs them)")
    with OrthancTarget() as target:
        yield target


@pytest.fixture(scope="session")
def tinypacs() -> Iterator[TinyPacsTarget]:
    if tinypacs_binary() is None:
        pytest.fail("tiny-pacs-dicomweb is not installed (./dev setup installs it)")
    with TinyPacsTarget() as target:
        yield target
