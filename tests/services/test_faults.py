"""Every case fails when the double breaks the requirement it checks; every switch of the double is noticed."""

from __future__ import annotations

import pytest

from tests.double import FAULTS

from .conftest import Opener
from .fault_map import BREAKS, SETTINGS_FOR
from .harness import case_by_id, service_cases, verdict


def test_every_case_is_shown_able_to_fail() -> None:
    covered = {case_id for ids in BREAKS.values() for case_id in ids}
    missing = sorted(c.id for c in service_cases() if c.id not in covered)
    assert not missing, f"no fault of the double makes these cases fail: {missing}"


def test_every_fault_of_the_double_is_exercised_and_names_real_cases() -> None:
    assert sorted(BREAKS) == sorted(FAULTS)
    known = {c.id for c in service_cases()}
    assert not {i for ids in BREAKS.values() for i in ids} - known


@pytest.mark.parametrize("fault", sorted(BREAKS))
def test_the_cases_of_a_broken_requirement_fail(fault: str, double_with: Opener) -> None:
    _, session = double_with({fault}, **SETTINGS_FOR.get(fault, {}))
    outcomes = {case_id: verdict(case_by_id(case_id), session) for case_id in BREAKS[fault]}
    wrong = {cid: f"{v.outcome}: {v.message[:200]}" for cid, v in outcomes.items() if v.outcome != "fail"}
    assert not wrong, f"with {fault} ({FAULTS[fault]}) these cases did not fail: {wrong}"
