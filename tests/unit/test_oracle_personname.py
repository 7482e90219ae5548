"""Person Name matching: what a server must match, may match, and must not (PS3.4 C.2.2.2.1,
C.2.2.2.4, PS3.18 §8.3.4.2)."""

from __future__ import annotations

import pytest

from conformance.oracle.matching import MatchOptions, match_values
from conformance.oracle.outcome import Latitude, Verdict

M, N, E = Verdict.MATCH, Verdict.NO_MATCH, Verdict.EITHER

PN_RULES = [
    # (rule, stored, key, verdict, clause expected among the latitude)
    ("exact name must match", "SMITH^JOHN", "SMITH^JOHN", M, None),
    ("other name must not match", "JONES^ANN", "SMITH^JOHN", N, None),
    ("other case may match: case handling is the server's (C.2.2.2.1)", "smith^john", "SMITH^JOHN", E, Latitude.PN_CASE),
    ("accents may be ignored (C.2.2.2.1)", "MÜLLER^HANS", "MULLER^HANS", E, Latitude.PN_CASE),
    ("trailing empty components may be ignored", "SMITH^JOHN^^^", "SMITH^JOHN", E, Latitude.PN_CASE),
    ("wild card in the same case must match", "SMITH^JOHN", "SMITH*", M, None),
    ("wild card in another case may match (C.2.2.2.4)", "smith^john", "SMITH*", E, Latitude.PN_WILDCARD),
    ("wild card that fails in every reading must not match", "JONES^ANN", "SMITH*", N, None),
    ("'?' stands for one character", "SMITH^JON", "SMITH^JO?", M, None),
    (
        "alphabetic-only key against a name with ideographic group may match (per-group reading)",
        "YAMADA^TARO=山田^太郎=やまだ^たろう",
        "YAMADA^TARO",
        E,
        Latitude.PN_GROUPS,
    ),
    (
        "a '*' spanning all groups matches in every reading",
        "YAMADA^TARO=山田^太郎",
        "YAMADA*",
        M,
        None,
    ),
    ("ideographic group alone, per-group reading", "YAMADA^TARO=山田^太郎", "=山田^太郎", E, Latitude.PN_GROUPS),
]


@pytest.mark.parametrize(
    "stored,key,expected,clause", [r[1:] for r in PN_RULES], ids=[r[0] for r in PN_RULES]
)
def test_person_name_matching(stored, key, expected, clause):
    outcome = match_values((stored,), key, "PN")
    assert outcome.verdict is expected
    if clause is not None:
        assert clause in outcome.latitude


def test_fuzzy_matching_keeps_literal_matches_as_the_lower_bound():
    fuzzy = MatchOptions(fuzzy=True)
    assert match_values(("SMITH^JOHN",), "SMITH^JOHN", "PN", fuzzy).verdict is M


def test_fuzzy_matching_lets_the_server_match_any_other_name():
    outcome = match_values(("SCHMIDT^JOHANN",), "SMITH^JOHN", "PN", MatchOptions(fuzzy=True))
    assert outcome.verdict is E
    assert Latitude.FUZZY in outcome.latitude


def test_fuzzy_matching_does_not_touch_non_pn_attributes():
    assert match_values(("P2",), "P1", "LO", MatchOptions(fuzzy=True)).verdict is N


def test_a_name_among_several_values_is_found():
    assert match_values(("JONES^ANN", "SMITH^JOHN"), "SMITH^JOHN", "PN").verdict is M
