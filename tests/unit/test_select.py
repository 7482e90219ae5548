"""--dicomweb-select: a term picks cases by transaction (or a whole service), by id glob, or by
requirement id (glob); several terms pick the union."""

from __future__ import annotations

import pytest

from conformance.cases.model import Case, RequestSpec, Source, Step
from conformance.select import Selection


def case(id: str, transaction: str, *requirements: str) -> Case:
    return Case(id=id, title=f"title {id}", transaction=transaction, requirements=requirements or ("R-1",),
                level="shall", steps=(Step("s", RequestSpec("GET", "/"), (), (), 1),), source=Source("x.yaml", 1))


SEARCH = case("search-studies-by-patient-id", "studies.search", "SEARCH-RESOURCE-ALL-STUDIES", "SEARCH-STATUS-200")
RETRIEVE = case("retrieve-instance-part10", "studies.retrieve", "RETRIEVE-INSTANCE")
URI = case("uri-retrieve-default", "uri.retrieve", "URI-REQUEST-TYPE")
ALL = [SEARCH, RETRIEVE, URI]


def picked(*terms: str) -> list[str]:
    selection = Selection(list(terms))
    return [c.id for c in ALL if selection.matches(c)]


def test_a_transaction_picks_its_cases() -> None:
    assert picked("studies.search") == [SEARCH.id]


def test_a_service_picks_all_its_transactions() -> None:
    assert picked("studies") == [SEARCH.id, RETRIEVE.id]


def test_a_prefix_of_a_service_name_is_not_a_service() -> None:
    assert picked("stud") == []
    assert picked("studies.se") == []


def test_an_id_glob_picks_matching_ids() -> None:
    assert picked("retrieve-*") == [RETRIEVE.id]
    assert picked("*-part10") == [RETRIEVE.id]
    assert picked(URI.id) == [URI.id]


def test_a_requirement_id_picks_the_cases_citing_it() -> None:
    assert picked("SEARCH-STATUS-200") == [SEARCH.id]
    assert picked("URI-*") == [URI.id]


def test_matching_is_case_sensitive() -> None:
    assert picked("search-status-200") == []
    assert picked("Studies.Search") == []


def test_several_terms_pick_the_union() -> None:
    assert picked("uri", "RETRIEVE-INSTANCE") == [RETRIEVE.id, URI.id]


@pytest.mark.parametrize("terms", [[" studies.search "], ["", "studies.search", "  "]])
def test_blank_terms_are_ignored_and_terms_are_trimmed(terms: list[str]) -> None:
    assert picked(*terms) == [SEARCH.id]


def test_no_terms_pick_nothing() -> None:
    # The plugin applies a selection only when a term was given.
    assert picked() == []
    assert picked("") == []
