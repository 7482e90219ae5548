"""Shared fixtures of the harness's own tests: the two real servers, started once per session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest_plugins = ["pytester"]  # the plugin tests in tests/plugin/ drive pytest itself

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
