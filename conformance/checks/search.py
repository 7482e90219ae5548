"""The search oracle check: the server's results against what the stored data predicts."""

from __future__ import annotations

from typing import Any

from .context import CheckContext
from .registry import Outcome, check
from .search_body import OracleDisagrees, guard_count, judge, note_oracle, set_problems

__all__ = ["OracleDisagrees", "search_results"]


@check("search_results", {"type": "object", "additionalProperties": False, "properties": {
    "count": {"type": "integer", "minimum": 0, "description": "also assert the oracle's own answer has this size (guards the case)"}}},
    requirement="SEARCH-MATCH-CFIND-SEMANTICS")
def search_results(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The results (JSON or multipart XML), restricted to this run's data, are exactly the entities the harness's own matching of the query against the stored data predicts (computed, not written by hand)."""
    judged = judge(ctx)
    guard_count(judged, spec.get("count"))
    query = judged.query
    paged = query.limit is not None or query.offset is not None
    problems = set_problems(judged, paged=paged)
    if query.limit is not None and len(judged.uids) > query.limit:
        problems.append(f"{len(judged.uids)} results returned, more than limit={query.limit} (PS3.18 §8.3.4.4)")
    note_oracle(ctx, judged)
    return problems
