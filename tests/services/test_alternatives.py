"""Answers the standard allows and spellings the editions disagree on: explicit, never silently lenient.

A server may leave out optional parts (filtered subscriptions, NPI Store) or answer later (202
commitments): the cases then skip or wait, and still pass. An edition's spelling is chosen by
the target's profile: the matching profile passes, any other fails.
"""

from __future__ import annotations

import pytest

from conformance.cases.profile import Profile

from .conftest import Opener
from .harness import case_by_id, service_cases, verdict

FILTERED = ["ups-subscribe-filtered-201", "ups-unsubscribe-filtered-200", "ups-suspend-filtered-200",
            "notify-filtered-matching-only"]
NPI_STORING = [c.id for c in service_cases() if c.transaction.startswith("npi.") and c.builds]
UPDATE_AND_STATE = ["ups-update-claimed-applied", "ups-update-wrong-transaction-uid-400", "ups-update-completed-400",
                    "ups-state-complete", "ups-retrieve-final-state"]
CREATE = ["ups-create-201-location", "ups-create-uid-in-dataset", "ups-create-uid-in-query", "ups-create-duplicate-409"]
NOTIFY = ["notify-channel-opens-101", "notify-claim-reported", "notify-reconnect"]


def outcomes(session, ids: list[str]) -> dict[str, str]:
    return {i: verdict(case_by_id(i), session).outcome for i in ids}


def test_without_filtered_subscriptions_their_cases_skip_and_the_refusals_still_pass(double_with: Opener) -> None:
    _, session = double_with(filtered_subscriptions=False)
    assert set(outcomes(session, FILTERED).values()) == {"skip"}
    assert set(outcomes(session, ["ups-subscribe-filtered-without-filter-400",
                                  "ups-subscribe-filtered-bad-filter-400"]).values()) == {"pass"}


def test_a_server_that_commits_later_passes_through_result_checks(double_with: Opener) -> None:
    _, session = double_with(commitment_async=True)
    ids = [c.id for c in service_cases() if c.transaction == "storage-commitment"]
    assert outcomes(session, ids) == dict.fromkeys(ids, "pass")


def test_without_npi_store_the_storing_cases_skip_and_the_others_pass(double_with: Opener) -> None:
    _, session = double_with(npi_store=False)
    assert set(outcomes(session, NPI_STORING).values()) == {"skip"}
    others = [c.id for c in service_cases() if c.transaction.startswith("npi.") and c.id not in NPI_STORING]
    assert set(outcomes(session, others).values()) <= {"pass", "skip"}
    assert outcomes(session, ["npi-color-palettes-search", "npi-inventories-retrieve-absent-404"]) == \
        {"npi-color-palettes-search": "pass", "npi-inventories-retrieve-absent-404": "pass"}


@pytest.mark.parametrize("spelling", ["transaction-uid", "bare", "Transaction-uid", "transaction"])
def test_the_transaction_uid_spelling_of_the_profile_matches_the_server(spelling: str, double_with: Opener) -> None:
    _, session = double_with(transaction_uid_param=spelling,
                             profile=Profile.from_pairs([("ups-transaction-uid", spelling)]))
    assert outcomes(session, UPDATE_AND_STATE) == dict.fromkeys(UPDATE_AND_STATE, "pass")


def test_another_transaction_uid_spelling_fails_instead_of_being_guessed(double_with: Opener) -> None:
    _, session = double_with(transaction_uid_param="bare")  # the harness keeps its default, transaction-uid=
    assert outcomes(session, ["ups-update-claimed-applied"]) == {"ups-update-claimed-applied": "fail"}


@pytest.mark.parametrize("form", ["dataset", "query"])
def test_create_cases_pass_whichever_form_the_profile_names(form: str, double_with: Opener) -> None:
    _, session = double_with(profile=Profile.from_pairs([("ups-create", form)]))
    assert outcomes(session, CREATE) == dict.fromkeys(CREATE, "pass")


def test_a_server_reading_workitem_as_a_named_parameter_is_tested_under_query_named(double_with: Opener) -> None:
    _, session = double_with(create_query="named", profile=Profile.from_pairs([("ups-create", "query-named")]))
    assert outcomes(session, CREATE) == dict.fromkeys(CREATE, "pass")
    _, default = double_with(create_query="named")
    assert outcomes(default, ["ups-create-uid-in-query"]) == {"ups-create-uid-in-query": "fail"}


def test_the_fixed_channel_path_works_when_both_sides_use_it(double_with: Opener) -> None:
    _, session = double_with(ws_path="ws-subscribers", profile=Profile.from_pairs([("notification-path", "ws-subscribers")]))
    assert outcomes(session, NOTIFY) == dict.fromkeys(NOTIFY, "pass")


def test_the_fixed_channel_path_fails_where_the_server_names_its_own(double_with: Opener) -> None:
    _, session = double_with(profile=Profile.from_pairs([("notification-path", "ws-subscribers")]))
    assert outcomes(session, ["notify-claim-reported"]) == {"notify-claim-reported": "fail"}
