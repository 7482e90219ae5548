"""Three-valued match results, and the clauses of the standard that allow a server a choice.

A key can match an entity (MATCH), fail to (NO_MATCH), or fall where the standard explicitly
lets the server decide (EITHER) -- for instance PN case handling (PS3.4 C.2.2.2.1). An EITHER
carries the clauses ("latitude") that made it so, so a report can cite them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

__all__ = ["Verdict", "Outcome", "MATCH", "NO_MATCH", "either", "all_of", "any_of", "Latitude"]


class Verdict(Enum):
    MATCH = "match"
    NO_MATCH = "no-match"
    EITHER = "either"


class Latitude:
    """Short citations for each freedom the standard grants; used as Outcome.latitude."""

    PN_CASE = (
        "PS3.4 C.2.2.2.1: PN literal matching may be insensitive to case, accents or other "
        "encoding variants"
    )
    PN_WILDCARD = "PS3.4 C.2.2.2.4: Wild Card Matching of PN values is implementation dependent"
    PN_GROUPS = (
        "PS3.4 C.2.2.2.4 Note: names with several component groups ('=') may be matched per "
        "group or as one literal value"
    )
    FUZZY = (
        "PS3.18 §8.3.4.2 / PS3.4 C.2.2.2.1.1: fuzzy semantic matching of person names is "
        "defined by the server"
    )
    DATETIME_SINGLE = (
        "PS3.4 C.2.2.2.1: Single Value Matching of DA/TM/DT may compare the literal text or the "
        "meaning; only Range Matching is always by meaning"
    )
    NUMBER_SINGLE = (
        "PS3.4 C.2.2.2.1 (CP-2305): matching of IS and DS values is implementation dependent"
    )
    OPTIONAL_KEY = (
        "PS3.4 C.2.2.1.3: a server may ignore an Optional Key for matching (the key is not in "
        "PS3.18 Table 10.6.1-5 for this resource)"
    )
    ABSENT_AS_EMPTY = (
        "PS3.4 C.2.2.2.4/C.2.2.2.7 speak of zero-length values; whether an attribute absent "
        "from the stored instance counts as one is not stated"
    )


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    latitude: frozenset[str] = frozenset()


MATCH = Outcome(Verdict.MATCH)
NO_MATCH = Outcome(Verdict.NO_MATCH)


def either(*reasons: str) -> Outcome:
    return Outcome(Verdict.EITHER, frozenset(reasons))


def _combine(outcomes: Iterable[Outcome], decisive: Outcome, otherwise: Outcome) -> Outcome:
    """The first `decisive` outcome wins; else any EITHER (with all their reasons); else `otherwise`."""
    reasons: set[str] = set()
    undecided = False
    for outcome in outcomes:
        if outcome.verdict is decisive.verdict:
            return decisive
        if outcome.verdict is Verdict.EITHER:
            undecided = True
            reasons |= outcome.latitude
    return Outcome(Verdict.EITHER, frozenset(reasons)) if undecided else otherwise


def all_of(outcomes: Iterable[Outcome]) -> Outcome:
    """Logical AND: several keys on one entity, or every value of a multi-value key."""
    return _combine(outcomes, NO_MATCH, MATCH)


def any_of(outcomes: Iterable[Outcome]) -> Outcome:
    """Logical OR: any value of a multi-valued attribute, any UID of a list, any item."""
    return _combine(outcomes, MATCH, NO_MATCH)
