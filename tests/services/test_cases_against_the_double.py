"""Every case of the Worklist, Notifications, Capabilities, NPI and Storage Commitment services
passes against the conformant double: the cases can pass."""

from __future__ import annotations

import pytest

from conformance.runner.execute import Session
from tests.double import DicomwebDouble

from .harness import service_cases, verdict

CASES = service_cases()


def test_the_other_services_have_at_least_one_hundred_cases() -> None:
    assert len(CASES) >= 100


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_case_passes_against_the_conformant_double(case, conformant: tuple[DicomwebDouble, Session]) -> None:
    _, session = conformant
    result = verdict(case, session)
    assert result.outcome == "pass", result.message
