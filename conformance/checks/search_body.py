"""What the search checks share: the results of a response and the oracle's view of its request.

A QIDO-RS response carries its results as one DICOM JSON array (PS3.18 F.2.1) or as a
multipart/related body of Native DICOM Model documents (§10.6.4, F.2.1). Both are read here
into DICOM JSON Model datasets (XML through the F.3.1 mapping), so every search check works on
either media type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..dicom.xml_convert import native_to_json
from ..dicom.xml_parse import parse_xml, split_name
from ..errors import HarnessError
from ..transport.response import BodyFormatError, Response
from .context import CheckContext
from .jsonds import LEVEL_UID, datasets, uid_of

if TYPE_CHECKING:
    from ..oracle.oracle import Expected
    from ..oracle.query import SearchQuery

MAX_SHOWN = 5
MULTIPART = "multipart/related"


class OracleDisagrees(HarnessError):
    """The oracle cannot judge the request, or contradicts what the case author stated."""


def result_datasets(response: Response) -> list[dict[str, Any]]:
    """The results as DICOM JSON datasets: [] for an empty body (204), else JSON or XML parts."""
    if not response.size:
        return []
    if response.media_type == MULTIPART:
        return [_xml_part(part.index, part.body) for part in response.parts()]
    return datasets(response)


def _xml_part(index: int, body: bytes) -> dict[str, Any]:
    parsed = parse_xml(body)
    if parsed.root is None:
        raise BodyFormatError(f"part {index + 1} is not an XML document: {parsed.error}")
    if split_name(parsed.root.tag)[1] != "NativeDicomModel":
        raise BodyFormatError(f"part {index + 1} is not a NativeDicomModel document (PS3.19 A.1)")
    return native_to_json(parsed.root)


@dataclass(frozen=True)
class Judged:
    """One search exchange as the oracle sees it."""

    query: "SearchQuery"
    expected: "Expected"
    results: list[dict[str, Any]]  # every returned dataset, in order
    uids: list[str | None]  # the level's unique key of each result, in order
    ours: list[str]  # the UIDs this run created, in order

    @property
    def key(self) -> str:
        return LEVEL_UID[self.query.level]


def parse_request(ctx: CheckContext, overrides: dict[str, str] | None = None) -> "SearchQuery":
    """The request as a SearchQuery; ``overrides`` replaces (or with "" removes) parameters."""
    from ..oracle.errors import OracleError
    from ..oracle.query import parse_search

    params = ctx.query
    if overrides:
        params = [(k, v) for k, v in params if k not in overrides]
        params += [(k, v) for k, v in overrides.items() if v != ""]
    try:
        return parse_search(ctx.resource, params)
    except OracleError as exc:
        raise OracleDisagrees(f"the oracle cannot judge this query: {exc}") from None


def judge(ctx: CheckContext, overrides: dict[str, str] | None = None) -> Judged:
    """Parse the request, ask the oracle, and read the response's results."""
    from ..oracle.errors import OracleError
    from ..oracle.oracle import expected_results

    query = parse_request(ctx, overrides)
    try:
        expected = expected_results(ctx.data.stored_datasets(), query)
    except OracleError as exc:
        raise OracleDisagrees(f"the oracle cannot judge this query: {exc}") from None
    results = result_datasets(ctx.response)
    key = LEVEL_UID[query.level]
    uids = [uid_of(ds, key) for ds in results]
    mine = run_uids(ctx)
    return Judged(query, expected, results, uids, [u for u in uids if u in mine])


def run_uids(ctx: CheckContext) -> set[str]:
    """UIDs of this run's stored data. Store-only instances are left out: whether a store case
    has put one on the server (inside a seeded study) is not the oracle's knowledge."""
    corpus = ctx.data.corpus
    uids = corpus.uids()
    for instance in getattr(corpus, "store_only", ()):
        uids.discard(str(instance.dataset.SOPInstanceUID))
    return uids


def guard_count(judged: Judged, count: int | None) -> None:
    """The case author's stated size of the required set guards the fixtures and the oracle."""
    if count is not None and len(judged.expected.uids) != count:
        raise OracleDisagrees(f"the oracle predicts {len(judged.expected.uids)} result(s) but the case states {count}; "
                              "the fixtures, the oracle or the case is wrong")


def set_problems(judged: Judged, *, paged: bool) -> list[str]:
    """How the returned set differs from the oracle's (missing ones only matter when not paged)."""
    level = judged.query.level
    problems = []
    if None in judged.uids:
        problems.append(f"{judged.uids.count(None)} result(s) lack the {level} UID {judged.key}")
    dupes = sorted({u for u in judged.ours if judged.ours.count(u) > 1})
    if dupes:
        problems.append(f"{len(dupes)} {level}(s) returned more than once: {dupes[:MAX_SHOWN]}")
    missing, extra = judged.expected.discrepancies(judged.ours)
    if extra:
        problems.append(f"{len(extra)} {level}(s) returned that do not match the query: {sorted(extra)[:MAX_SHOWN]}")
    if missing and not paged:
        problems.append(f"{len(missing)} matching {level}(s) not returned: {sorted(missing)[:MAX_SHOWN]}")
    return problems


def note_oracle(ctx: CheckContext, judged: Judged) -> None:
    expected = judged.expected
    ctx.note(f"oracle: {len(expected.uids)} required and {len(expected.may_match)} permitted {judged.query.level}(s) "
             f"of this run; server returned {len(judged.uids)} ({len(judged.ours)} of this run)")
    if expected.latitude:
        ctx.note("latitude: " + " | ".join(expected.latitude))


def shown(items: Iterable[str]) -> str:
    listed = sorted(items)
    more = f" and {len(listed) - MAX_SHOWN} more" if len(listed) > MAX_SHOWN else ""
    return ", ".join(listed[:MAX_SHOWN]) + more
