"""WebSocket steps as the runner performs them: bounded waits that say what arrived (or that nothing did),
channels closed when the case ends, and not-offered answers told apart from wrong ones."""

from __future__ import annotations

import time

import pytest

from conformance.cases.model import Case, NotOfferedRule, Source, Step, WsAction
from conformance.cases.profile import Profile
from conformance.cases.steps import websocket_request
from conformance.errors import Nonconformance
from conformance.runner.execute import CaseRun, run_case
from conformance.runner.execute import NotOffered as Skip

from conformance_fixtures.built import case_aet

from .conftest import Opener
from .harness import case_by_id


def ws_step(action: WsAction, line: int = 1) -> Step:
    return Step(name=f"{action.action}", request=websocket_request(action), expect=(), save=(), line=line, websocket=action)


def test_a_receive_step_waits_no_longer_than_within_and_notes_that_nothing_came(double_with: Opener) -> None:
    double, session = double_with(ws_path="ws-subscribers", profile=Profile.from_pairs([("notification-path", "ws-subscribers")]))
    subscribe = case_by_id("ups-subscribe-worklist-201").steps[0]
    case = Case(id="quiet", title="a quiet channel", transaction="notifications", requirements=("NOTIFY-KEEP-OPEN",),
                level="shall", source=Source("x.yaml", 1),
                steps=(subscribe, ws_step(WsAction("open", "ch", aet="${aet.sub}")), ws_step(WsAction("receive", "ch", within=2.0))))
    run = CaseRun(case=case)
    started = time.monotonic()
    try:
        run_case(case, session, run)
        elapsed = time.monotonic() - started
        assert run.exchanges[-1].notes == ["no event within 0.6 s"]  # within 2 s, scaled by the tests' 0.3
        assert 0.5 < elapsed < 2.0
        assert run.channels.open  # still open until the case ends
    finally:
        run.close()
    aet = case_aet(session.data.run_id, "quiet", "sub")
    deadline = time.monotonic() + 2
    while double.app.channels.of(aet) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not double.app.channels.of(aet)  # closed with the case


def test_a_refusal_without_the_prescribed_warning_is_judged_not_skipped(double_with: Opener) -> None:
    _, session = double_with({"subscribe-filter-403-silent"})
    case = case_by_id("ups-subscribe-filtered-201")
    run = CaseRun(case=case)
    try:
        with pytest.raises(Nonconformance, match="status 403"):
            run_case(case, session, run)  # not NotOffered: Table 11.10.3-2 wants the Warning with the 403
    finally:
        run.close()


def test_a_refusal_with_the_prescribed_warning_skips_with_the_reason(double_with: Opener) -> None:
    _, session = double_with(filtered_subscriptions=False)
    case = case_by_id("ups-subscribe-filtered-201")
    run = CaseRun(case=case)
    try:
        with pytest.raises(Skip, match=r"not offered: POST .* answered 403 \(Filtered Worklist Subscriptions are optional"):
            run_case(case, session, run)
    finally:
        run.close()


def test_not_offered_rules_name_their_reason() -> None:
    rule = NotOfferedRule(status=(404,), reason="optional here")
    assert rule.warning is None and rule.status == (404,)
