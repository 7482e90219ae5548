"""Which attributes a search response must (or must not) carry: PS3.18 2024e §10.6.3.3.

* Every result carries the Table 10.6.3-3/-4/-5 rows of type U and R for its level (study,
  series, instance); C rows ("shall be present if known") and Retrieve URL ("if retrievable")
  are conditional. The tables have no "Default" column; U+R is what every result must hold.
  For instances, §10.6.3.3.3 adds "if present in the Instance".
* Relational resources add upper levels: All Series adds the study table (§10.6.3.3.2); All
  Instances adds study and series tables, Study's Instances the series table (§10.6.3.3.3).
* Attributes named as match keys or includefield values are added "if supported by the origin
  server" (§10.6.3.3.1-3). The oracle can only count as supported the Table 10.6.1-5 matching
  attributes of the levels the resource requires (Table 10.6.1-4); the rest is returned by
  ``requested_return_attributes`` for the caller to judge against the target's declaration.
  includefield=all likewise adds only server-supported optional keys, so nothing definite.
* Lower-level attributes named in includefield shall not be returned (§10.6.3.3.1-2).
"""

from __future__ import annotations

from .query import AttributePath, SearchQuery
from .tables import (
    REQUIRED_IE_LEVELS,
    REQUIRED_MATCHING,
    RETURN_TABLES,
    Level,
    Resource,
    ie_level_of,
)

__all__ = [
    "default_return_attributes",
    "conditional_return_attributes",
    "required_attributes_after_includefield",
    "requested_return_attributes",
    "forbidden_return_attributes",
    "known_return_attributes",
    "resource_default_attributes",
]

_UPPER_TABLES: dict[Resource, tuple[Level, ...]] = {
    "all-studies": (),
    "studys-series": (),
    "all-series": ("study",),
    "study-series-instances": (),
    "studys-instances": ("series",),
    "all-instances": ("study", "series"),
}


def default_return_attributes(level: Level) -> frozenset[int]:
    """Tags of the U and R rows of Table 10.6.3-3 (study), -4 (series) or -5 (instance)."""
    return frozenset(tag for tag, kind in RETURN_TABLES[level].items() if kind in ("U", "R"))


def conditional_return_attributes(level: Level) -> frozenset[int]:
    """Tags of the rows that are present only "if known" / "if retrievable"."""
    return frozenset(tag for tag, kind in RETURN_TABLES[level].items() if kind == "C")


def _head(attribute: AttributePath) -> int:
    return attribute if isinstance(attribute, int) else attribute[0]


def _level(attribute: AttributePath) -> str | None:
    level = ie_level_of(_head(attribute))
    return "study" if level == "patient" else level


def _returnable(query: SearchQuery) -> tuple[set[str], set[str]]:
    """(levels whose match keys are returned, levels whose includefields are returned)."""
    resource = query.resource
    upper = set(_UPPER_TABLES[resource])
    if query.level == "study":
        return {"study"}, {"study"}
    if query.level == "series":
        return {"series"} | upper, {"study", "series"}
    return {"instance"} | upper, {"study", "series", "instance"}


def requested_return_attributes(query: SearchQuery) -> frozenset[int]:
    """Top-level tags named as keys or includefields that belong in this response if supported."""
    match_levels, include_levels = _returnable(query)
    tags = {_head(a) for a, _ in query.keys if _level(a) in match_levels}
    tags |= {_head(a) for a in query.includefields if a != "all" and _level(a) in include_levels}
    return frozenset(tags)


def resource_default_attributes(query: SearchQuery) -> frozenset[int]:
    """The U and R rows of the query's level plus those of the upper levels its resource adds."""
    required = set(default_return_attributes(query.level))
    for upper in _UPPER_TABLES[query.resource]:
        required |= default_return_attributes(upper)
    return frozenset(required)


def required_attributes_after_includefield(query: SearchQuery) -> frozenset[int]:
    """Top-level tags every result of ``query`` must carry (possibly with an empty value)."""
    required = set(resource_default_attributes(query))
    supported: set[int] = set()
    for level in REQUIRED_IE_LEVELS[query.resource]:
        supported |= {_head(a) for a in REQUIRED_MATCHING[level]}
    required |= requested_return_attributes(query) & supported
    return frozenset(required)


def known_return_attributes(query: SearchQuery) -> frozenset[int]:
    """Tags of the "shall be present if known" rows of every table this resource returns.

    The relational resources add the upper levels' tables (§10.6.3.3.2-3), conditional rows
    included; whether a value is known is for the caller to decide (e.g. it was stored).
    """
    levels = (query.level, *_UPPER_TABLES[query.resource])
    return frozenset().union(*(conditional_return_attributes(level) for level in levels))


def forbidden_return_attributes(query: SearchQuery) -> frozenset[int]:
    """Tags named in includefield that belong to a level below the query's: not to be returned.

    §10.6.3.3.1 (study: series and instance attributes) and §10.6.3.3.2 (series: instance
    attributes) forbid exactly these; the text says nothing about lower-level attributes that
    were not requested.
    """
    below = {"study": ("series", "instance"), "series": ("instance",), "instance": ()}[query.level]
    named = {_head(a) for a in query.includefields if a != "all"}
    return frozenset(t for t in named if _level(t) in below)
