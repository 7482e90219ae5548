"""QIDO-RS search oracle: expected result sets for PS3.18 2024e Search transactions.

Modules: ``query`` (parse a request, §8.3.4/§10.6.1), ``matching`` (PS3.4 C.2.2.2 attribute
matching), ``oracle`` (expected matches, computed attributes), ``returns`` (return attributes,
§10.6.3.3). Errors are listed in ``errors``.
"""

from .errors import OracleError, OracleUnsupported, QueryError, UnknownEntity
from .matching import KeyKind, MatchOptions, classify, match_values, matches
from .oracle import Expected, computed_attributes, expected_results, paged_count
from .outcome import Latitude, Outcome, Verdict
from .query import SearchQuery, parse_search
from .returns import (
    conditional_return_attributes,
    default_return_attributes,
    forbidden_return_attributes,
    known_return_attributes,
    requested_return_attributes,
    required_attributes_after_includefield,
    resource_default_attributes,
)

__all__ = [
    "Expected",
    "KeyKind",
    "Latitude",
    "MatchOptions",
    "OracleError",
    "OracleUnsupported",
    "Outcome",
    "QueryError",
    "SearchQuery",
    "UnknownEntity",
    "Verdict",
    "classify",
    "computed_attributes",
    "conditional_return_attributes",
    "default_return_attributes",
    "expected_results",
    "forbidden_return_attributes",
    "known_return_attributes",
    "match_values",
    "matches",
    "paged_count",
    "parse_search",
    "requested_return_attributes",
    "required_attributes_after_includefield",
    "resource_default_attributes",
]
