"""The harness survives hostile servers: the run completes, every case ends in a one-line fail or
error, no traceback reaches the user, memory stays bounded and every case honours its timeout."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.tooling.casefiles import one_per_file
from tests.tooling.hostile.modes import BY_NAME, MODES, Mode, gzip_bomb

from .survival import HostileRun, problems, run_hostile, summary

pytestmark = pytest.mark.hostile
RecordProperty = Callable[[str, object], None]
FULL = [m for m in MODES if not m.sampled and m.name != "nothing-here"]
SAMPLED = [m for m in MODES if m.sampled]
FULL_TIMEOUT_S = 2.0
SAMPLED_TIMEOUT_S = 1.0

# Modes the engine does not survive yet; each names what breaks. Strict: a fix makes the test
# pass and then this list must shrink.
ENGINE_GAPS: dict[str, str] = {}  # hostile modes the engine does not survive yet (none)


def _mark(mode: Mode) -> object:
    if mode.name in ENGINE_GAPS:
        return pytest.param(mode, id=mode.name, marks=pytest.mark.xfail(strict=True, reason=ENGINE_GAPS[mode.name]))
    return pytest.param(mode, id=mode.name)


def test_there_are_at_least_30_distinct_hostile_modes() -> None:
    assert len(MODES) >= 30 and len(BY_NAME) == len(MODES)


def test_a_server_that_offers_nothing_is_survived(nothing_here: HostileRun, vacuous: frozenset[str]) -> None:
    # What passes here (cases expecting 404, "all levels or none") may pass against other modes too.
    print(summary(nothing_here), sorted(vacuous))
    found = problems(nothing_here, vacuous)
    assert not found, "\n".join(found[:20])


@pytest.mark.parametrize("mode", [_mark(m) for m in FULL])
def test_the_full_run_survives_a_misbehaving_server(mode: Mode, tmp_path: pytest.TempPathFactory,
                                                    vacuous: frozenset[str], record_property: RecordProperty) -> None:
    hostile = run_hostile(mode, tmp_path / "report", timeout_s=FULL_TIMEOUT_S)
    record_property("hostile", summary(hostile))
    assert hostile.connections > 0
    found = problems(hostile, vacuous)
    assert not found, "\n".join(found[:20])


@pytest.mark.parametrize("mode", [_mark(m) for m in SAMPLED])
def test_each_case_honours_its_timeout_against_a_slow_or_costly_server(mode: Mode, tmp_path: pytest.TempPathFactory,
                                                                       vacuous: frozenset[str],
                                                                       record_property: RecordProperty) -> None:
    # A spread of the suite (the first case of each file): every request waits out the timeout or does real work.
    sample = tuple(c.id for c in one_per_file())
    hostile = run_hostile(mode, tmp_path / "report", timeout_s=SAMPLED_TIMEOUT_S, select=sample, workers=4)
    record_property("hostile", summary(hostile))
    assert len(hostile.run.cases) == len(sample)
    found = problems(hostile, vacuous)
    assert not found, "\n".join(found[:20])


def test_the_full_run_completes_against_a_server_that_never_answers(tmp_path: pytest.TempPathFactory,
                                                                    vacuous: frozenset[str],
                                                                    record_property: RecordProperty) -> None:
    hostile = run_hostile(BY_NAME["silent"], tmp_path / "report", timeout_s=0.3, workers=4)
    record_property("hostile", summary(hostile))
    cases = hostile.run.cases
    found = problems(hostile, vacuous)
    assert not found, "\n".join(found[:20])
    # Bounded overall: each case at most its requests' timeouts, shared out over the workers.
    assert hostile.run.duration_s < 60 + sum(0.3 * 2 for _ in cases) / 4


def test_a_gzip_bomb_is_inflated_within_the_timeout_and_in_bounded_memory(tmp_path: pytest.TempPathFactory,
                                                                          nothing_here: HostileRun) -> None:
    bomb = Mode("gzip-bomb", "512 KB of gzip that inflates to 512 MB", gzip_bomb(512), lenient=True)
    hostile = run_hostile(bomb, tmp_path / "report", timeout_s=1.0, select=("retrieve-instance-default-media",))
    case = hostile.run.cases[0]
    assert case["verdict"] in ("fail", "error") and not problems(hostile)
    # Same bound as every hostile case: requests x timeout + 1.5 s. This first case of its process also
    # stores the fixtures (one exchange that succeeds at once) before the bomb's exchange.
    assert case["duration_s"] <= 2 * 1.0 + 1.5, summary(hostile)
    assert hostile.run.peak_rss_mb <= nothing_here.run.peak_rss_mb + 128, summary(hostile)
