"""The proxy itself is transparent, and a repair proves what a real server's failure was about."""

from __future__ import annotations

import pytest

from tests.tooling.repairs import REPAIRS
from tests.tooling.mutations import Mutation

from .lab import SERVERS, MutationLab

pytestmark = pytest.mark.mutation


@pytest.mark.parametrize("server", SERVERS)
def test_the_proxy_without_mutations_changes_no_verdict(mutation_lab: MutationLab, server: str) -> None:
    live = mutation_lab.server(server)
    direct, proxied = live.direct().verdicts, live.raw().verdicts
    # Compared on the cases both runs collected (a case file edited between the runs is not the proxy's doing).
    both = set(direct) & set(proxied)
    assert len(both) >= 0.9 * len(direct)
    changed = {c: (direct[c], proxied[c]) for c in sorted(both) if proxied[c] != direct[c]}
    assert not changed, f"verdicts that differ through the proxy (direct, proxied): {changed}"


@pytest.mark.parametrize("repair", REPAIRS, ids=lambda r: r.name)
def test_a_repair_turns_the_failing_case_of_a_real_server_into_a_pass(mutation_lab: MutationLab, repair: Mutation,
                                                                       tmp_path_factory: pytest.TempPathFactory) -> None:
    fixed, broken = [], []
    for server in SERVERS:
        live = mutation_lab.server(server)
        raw = live.raw()
        present = tuple(c for c in repair.cases if c in raw.verdicts)
        run, _ = live.run_cases((repair,), present, tmp_path_factory.mktemp(f"{server}-{repair.name}"), raw)
        after = run.verdicts()
        fixed += [(server, c) for c in present if raw.verdicts[c] == "fail" and after.get(c) == "pass"]
        broken += [(server, c, after.get(c)) for c in present if raw.verdicts[c] == "pass" and after.get(c) != "pass"]
    assert fixed, f"{repair.name} made no failing case pass on any server ({repair.summary})"
    assert not broken, f"{repair.name} broke cases that passed: {broken}"
