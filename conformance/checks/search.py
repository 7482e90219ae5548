"""The search oracle check: the server's results against what the stored data predicts."""

from __future__ import annotations

from typing import Any

from ..errors import HarnessError
from .context import CheckContext
from .jsonds import LEVEL_UID, datasets, uid_of
from .registry import Outcome, check

MAX_SHOWN = 5


class OracleDisagrees(HarnessError):
    """The oracle's prediction contradicts what the case author stated."""


@check("search_results", {"type": "object", "additionalProperties": False, "properties": {
    "count": {"type": "integer", "minimum": 0, "description": "also assert the oracle's own answer has this size (guards the case)"}}},
    requirement="SEARCH-MATCH-CFIND-SEMANTICS")
def search_results(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The results, restricted to this run's data, are exactly the entities the harness's own matching of the query against the stored data predicts (computed, not written by hand)."""
    from ..oracle.errors import OracleError
    from ..oracle.oracle import expected_results
    from ..oracle.query import parse_search

    try:
        query = parse_search(ctx.resource, ctx.query)
        expected = expected_results(ctx.data.stored_datasets(), query)
    except OracleError as exc:
        raise OracleDisagrees(f"the oracle cannot judge this query: {exc}") from None
    if "count" in spec and len(expected.uids) != spec["count"]:
        # The case author's expectation guards the oracle (and the fixtures): a mismatch is the harness's problem.
        raise OracleDisagrees(f"the oracle predicts {len(expected.uids)} result(s) but the case states {spec['count']}; "
                              "the fixtures, the oracle or the case is wrong")
    run_uids = ctx.data.corpus.uids()
    key = LEVEL_UID[query.level]
    got = [uid_of(ds, key) for ds in datasets(ctx.response)] if ctx.response.size else []
    problems = []
    if None in got:
        problems.append(f"{got.count(None)} result(s) lack the {query.level} UID {key}")
    ours = [u for u in got if u in run_uids]
    dupes = {u for u in ours if ours.count(u) > 1}
    if dupes:
        problems.append(f"{len(dupes)} {query.level}(s) returned more than once")
    paged = query.limit is not None or query.offset is not None
    # The oracle separates what must be returned from what the standard lets a server include or not
    # (PN case folding, optional keys): only the former can be missing, only the rest is unexpected.
    missing, extra = expected.discrepancies(ours)
    if extra:
        problems.append(f"{len(extra)} {query.level}(s) returned that do not match the query: {sorted(extra)[:MAX_SHOWN]}")
    if missing and not paged:
        problems.append(f"{len(missing)} matching {query.level}(s) not returned: {sorted(missing)[:MAX_SHOWN]}")
    if paged and query.limit is not None and len(got) > query.limit:
        problems.append(f"{len(got)} results returned, more than limit={query.limit}")
    ctx.note(f"oracle: {len(expected.uids)} required and {len(expected.may_match)} permitted {query.level}(s) of this run; "
             f"server returned {len(got)} ({len(ours)} of this run)")
    return problems
