"""Paging across steps (PS3.18 §8.3.4.4): pages are disjoint, complete and in one stable order.

§8.3.4.4.1 makes identical searches idempotent: on unchanged data they return the same ordered
list, so that offset/limit pages of it fit together. A case pages through one search in several
steps; each step records what it got under a sequence name, and the checks compare the records:

* a step without limit and offset is a *reference*: every reference must list the same UIDs in
  the same order (idempotence);
* a step with limit/offset is a *page*: it must hold exactly
  min(max(0, matches - offset), limit) results (maxResults aside), and the pages, put in offset
  order, must be the reference list cut at the same places.

Records live in the case's variables under a key no case can write ("pages:<name>").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .context import CheckContext
from .registry import Outcome, check
from .search_body import MAX_SHOWN, OracleDisagrees, guard_count, judge, note_oracle, set_problems

_SCHEMA = {"type": "object", "required": ["sequence"], "additionalProperties": False, "properties": {
    "sequence": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$", "description": "the name that ties the steps together"},
    "count": {"type": "integer", "minimum": 0, "description": "the oracle's number of matches (guards the case)"}}}


@dataclass(frozen=True)
class Page:
    step: int
    offset: int | None
    limit: int | None
    uids: tuple[str | None, ...]

    @property
    def is_reference(self) -> bool:
        return self.offset is None and self.limit is None


def _record(ctx: CheckContext, spec: dict[str, Any]) -> tuple[list[Page], list[str], int]:
    judged = judge(ctx)
    guard_count(judged, spec.get("count"))
    if not judged.expected.exact:
        raise OracleDisagrees("paging cases need a query whose answer the standard fixes exactly; "
                              f"this one leaves {len(judged.expected.may_match)} result(s) to the server")
    pages: list[Page] = ctx.variables.setdefault(f"pages:{spec['sequence']}", [])
    query = judged.query
    page = Page(len(pages) + 1, query.offset, query.limit, tuple(judged.uids))
    pages.append(page)
    problems = set_problems(judged, paged=not page.is_reference)
    foreign = len(judged.uids) - len(judged.ours)
    if foreign:
        problems.append(f"{foreign} result(s) that this run did not store: the case's query must reach only its own data")
    matches = len(judged.expected.uids)
    if not page.is_reference:
        want = max(0, matches - (query.offset or 0))
        want = min(want, query.limit) if query.limit is not None else want
        if len(judged.uids) != want:
            problems.append(f"page with offset={query.offset} limit={query.limit} holds {len(judged.uids)} result(s); "
                            f"of {matches} matches it should hold {want} (PS3.18 §8.3.4.4.1)")
    note_oracle(ctx, judged)
    return pages, problems, matches


@check("search_page", _SCHEMA, requirement="SEARCH-PAGING-RESULT-COUNT")
def search_page(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Record this response as one page (or, without limit/offset, as the reference list) of a paged search; it holds min(max(0, matches - offset), limit) results of the oracle's matches and nothing else."""
    return _record(ctx, spec)[1]


@check("search_pages", _SCHEMA, requirement="SEARCH-PAGING-IDEMPOTENT")
def search_pages(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Record this response like search_page, then judge the whole sequence: every reference list is identical (same order), the pages are disjoint, together hold every match, and in offset order equal the reference list cut at their offsets (PS3.18 §8.3.4.4.1)."""
    pages, problems, matches = _record(ctx, spec)
    references = [p for p in pages if p.is_reference]
    for other in references[1:]:
        if other.uids != references[0].uids:
            problems.append(f"step {other.step} lists the matches in another order (or set) than step "
                            f"{references[0].step}: the same search must return the same ordered list")
    paged = sorted((p for p in pages if not p.is_reference), key=lambda p: p.offset or 0)
    seen: dict[str, int] = {}
    for page in paged:
        for uid in page.uids:
            if uid is not None and uid in seen:
                problems.append(f"{uid} is on the page of step {seen[uid]} and again on the page of step {page.step}")
            elif uid is not None:
                seen[uid] = page.step
    if paged and _covers_all(paged, matches) and len(seen) != matches:
        problems.append(f"the pages hold {len(seen)} distinct result(s) together; their offsets and limits "
                        f"cover all {matches} matches")
    if references and paged:
        whole = references[0].uids
        for page in paged:
            start = page.offset or 0
            cut = whole[start:start + len(page.uids)]
            if page.uids != cut:
                problems.append(f"page of step {page.step} (offset={page.offset}, limit={page.limit}) is not the "
                                f"reference list cut at that offset: got {list(page.uids)[:MAX_SHOWN]}, "
                                f"expected {list(cut)[:MAX_SHOWN]}")
    return problems


def _covers_all(pages: list[Page], matches: int) -> bool:
    """True when the pages' [offset, offset + limit) ranges together span every match."""
    reached = 0
    for page in sorted(pages, key=lambda p: p.offset or 0):
        start = page.offset or 0
        if start > reached:
            return False
        reached = max(reached, matches if page.limit is None else start + page.limit)
    return reached >= matches
