"""Mutation testing: every fault the proxy injects must turn a passing case into a failing one.

The score test comes first: it measures every (server, mutation) pair a few at a time,
so the per-mutation tests after it only read the cached outcomes.
"""

from __future__ import annotations

from collections import Counter

import pytest

from conformance.catalog import load_catalog
from tests.tooling.casefiles import all_cases
from tests.tooling.mutations import MUTATIONS, Mutation
from tests.tooling.repairs import REPAIRS

from .score_report import SCORE_PROPERTY
from .lab import SERVERS, MutationLab, measure_all
from .score import Score

pytestmark = pytest.mark.mutation
SERVICES = ("store", "search", "retrieve", "metadata", "frames", "rendered", "uri")


def test_the_catalogue_holds_at_least_60_mutations_over_every_transaction() -> None:
    per_service = Counter(m.service for m in MUTATIONS)
    assert len(MUTATIONS) >= 60
    assert set(per_service) == set(SERVICES), per_service
    assert all(n >= 5 for n in per_service.values()), per_service


def test_every_mutation_breaks_a_catalogued_requirement_and_names_existing_cases() -> None:
    catalog = load_catalog(())
    known = {c.id for c in all_cases()}
    for m in MUTATIONS + REPAIRS:
        assert m.breaks in catalog, f"{m.name}: {m.breaks} is not in the requirement catalog"
        assert m.cases and set(m.cases) <= known, f"{m.name} names unknown cases {set(m.cases) - known}"


def test_mutation_score_is_100_percent(mutation_lab: MutationLab, request: pytest.FixtureRequest) -> None:
    outcomes = measure_all(mutation_lab, [(s, m) for m in MUTATIONS for s in SERVERS])
    score = Score(MUTATIONS, outcomes)
    report = score.report()
    request.node.user_properties.append((SCORE_PROPERTY, report))
    print(report)
    assert not score.problems, [f"{m.name} on {o.server}: {o.problem}" for m, o in score.problems]
    assert not score.survivors, report
    assert len(score.detected) >= 60, report


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.name)
def test_a_mutation_turns_a_passing_case_into_a_failure(mutation_lab: MutationLab, server: str,
                                                         mutation: Mutation) -> None:
    outcome = mutation_lab.outcome(server, mutation)
    assert not outcome.problem, outcome.problem
    if outcome.judged and not outcome.touched:
        pytest.skip(f"{server} gave {mutation.name} nothing to change in {', '.join(outcome.judged)}")
    if not outcome.applicable:
        base = mutation_lab.server(server).baseline.verdicts
        pytest.skip(f"none of {', '.join(mutation.cases)} passes against {server} at baseline "
                    f"({', '.join(base.get(c, 'absent') for c in mutation.cases)})")
    assert outcome.detected, (f"{mutation.name} ({mutation.summary}) survived on {server}: "
                              f"{outcome.verdicts} — no case checks {mutation.breaks} there")
