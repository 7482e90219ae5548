"""The QIDO-RS search oracle: from stored datasets and a SearchQuery to the expected matches.

PS3.18 §10.6.2: the server performs the search with the matching rules of §8.3.4, i.e. C-FIND
matching (PS3.4 C.2.2.2) and the Hierarchical Search Method (PS3.4 C.4.1.3.1.1).

The answer is a pair of sets rather than one, because the standard lets servers differ in
places (PN case, fuzzy matching, optional keys, ...). ``Expected.uids`` must all be returned;
``Expected.may_match`` may or may not be; anything else must not be. When the standard gives
no such explicit freedom but the answer is still unclear, the oracle raises
``OracleUnsupported`` instead of guessing. Paging (§8.3.4.4) is not applied: the sets describe
every match, and ``paged_count`` gives the size of one page.

Optional matching features: with fuzzymatching=true the literal matches are a lower bound
(``fuzzy_lower_bound``) and every other in-scope entity "may match"; a server without fuzzy
matching answers literally plus a Warning (§8.3.4.2), which still fits those bounds. With
emptyvaluematching / multiplevaluematching=true the sets describe a server that performs the
feature; one that answers with the "not supported" Warning (§8.3.4.5, §8.3.4.6) searches
without it, and for several key values that search has no defined meaning (PS3.4 C.2.2.2.8
Note 4), so only the Warning can be checked then.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pydicom.dataset import Dataset

from .elements import describe
from .entities import (
    InstanceEntity,
    Repository,
    SeriesEntity,
    StudyEntity,
    build_repository,
    computed_values,
)
from .errors import OracleUnsupported
from .outcome import Latitude, Outcome, Verdict, all_of, either
from .plan import Check, DateTimeMode, plan_checks
from .query import AttributePath, SearchQuery
from .tables import Level

__all__ = ["Expected", "expected_results", "computed_attributes", "paged_count"]

Entity = StudyEntity | SeriesEntity | InstanceEntity


@dataclass(frozen=True)
class Expected:
    uids: frozenset[str]  # must be returned: the exact result when ``exact``
    ordered_all: tuple[str, ...]  # ``uids`` in a canonical (sorted) order, for the harness only
    may_match: frozenset[str] = frozenset()  # the server may include or omit these
    latitude: tuple[str, ...] = ()  # the clauses that put UIDs into ``may_match``
    fuzzy_lower_bound: frozenset[str] | None = None  # with fuzzymatching=true: == uids

    @property
    def exact(self) -> bool:
        return not self.may_match

    def discrepancies(self, returned: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
        """(missing, unexpected): UIDs that had to be returned, UIDs that must not have been."""
        got = frozenset(returned)
        return self.uids - got, got - self.uids - self.may_match

    def admits(self, returned: Iterable[str]) -> bool:
        missing, unexpected = self.discrepancies(returned)
        return not missing and not unexpected


def expected_results(
    datasets: Iterable[Dataset],
    query: SearchQuery,
    *,
    date_time: DateTimeMode = "combined",
    supported_optional_keys: Iterable[AttributePath] = (),
) -> Expected:
    """The matches of ``query`` at its level among ``datasets`` (the server's whole holdings).

    ``date_time="separate"`` matches Date and Time keys independently, as C-FIND does without
    Extended Negotiation; the default follows PS3.18 §8.3.4.1.1, which requires combined
    date-time matching. ``supported_optional_keys`` lists keys outside Table 10.6.1-5 that the
    target declares it matches on; they then narrow the result instead of widening may_match.
    """
    repository = build_repository(datasets)
    checks = plan_checks(
        query, date_time=date_time, supported_optional_keys=supported_optional_keys
    )
    must: set[str] = set()
    may: set[str] = set()
    reasons: set[str] = set()
    for uid, entity in _in_scope(repository, query).items():
        outcome = _entity_outcome(checks, entity, query.level, repository)
        if outcome.verdict is Verdict.MATCH:
            must.add(uid)
        elif outcome.verdict is Verdict.EITHER:
            may.add(uid)
            reasons |= outcome.latitude
    uids = frozenset(must)
    return Expected(
        uids=uids,
        ordered_all=tuple(sorted(uids)),
        may_match=frozenset(may),
        latitude=tuple(sorted(reasons)),
        fuzzy_lower_bound=uids if query.fuzzy else None,
    )


def computed_attributes(datasets: Iterable[Dataset], level: Level, uid: str) -> dict[str, object]:
    """ModalitiesInStudy, SOPClassesInStudy and the Number Of ... Related counts of one entity.

    Multi-valued results are sorted lists (the standard sets no order); counts are ints.
    An instance has no computed attributes, so its result is empty. Unknown UIDs raise
    ``UnknownEntity``.
    """
    from pydicom.datadict import keyword_for_tag

    values = computed_values(build_repository(datasets), level, uid)
    result: dict[str, object] = {}
    for tag, stored in values.items():
        keyword = keyword_for_tag(tag)
        if keyword.startswith("NumberOf"):
            result[keyword] = int(stored[0]) if stored else 0
        else:
            result[keyword] = list(stored or ())
    return result


def paged_count(
    matches: int,
    offset: int | None = None,
    limit: int | None = None,
    max_results: int | None = None,
) -> int:
    """Results in one response: min(max(0, matches - offset), maxResults, limit) (§8.3.4.4.1)."""
    count = max(0, matches - (offset or 0))
    for cap in (limit, max_results):
        if cap is not None:
            count = min(count, cap)
    return count


def _in_scope(repository: Repository, query: SearchQuery) -> dict[str, Entity]:
    study_uid = query.scope.get("StudyInstanceUID")
    series_uid = query.scope.get("SeriesInstanceUID")
    found: dict[str, Entity] = {}
    for uid, entity in repository.entities(query.level).items():
        if not isinstance(entity, StudyEntity):
            if study_uid is not None and entity.study_uid != study_uid:
                continue
            if isinstance(entity, InstanceEntity) and series_uid not in (None, entity.series_uid):
                continue
        found[uid] = entity
    return found


def _entity_outcome(
    checks: list[Check], entity: Entity, level: Level, repository: Repository
) -> Outcome:
    """AND of all checks; a definite failure wins over a check the oracle cannot decide."""
    outcomes: list[Outcome] = []
    refusal: OracleUnsupported | None = None
    for check in checks:
        try:
            outcomes.append(_check_outcome(check, entity, level, repository))
        except OracleUnsupported as error:
            refusal = refusal or OracleUnsupported(f"{check.label}: {error}")
    combined = all_of(outcomes)
    if combined.verdict is Verdict.NO_MATCH or refusal is None:
        return combined
    raise refusal


def _owner(entity: Entity, owner_level: Level, level: Level, repository: Repository) -> Entity:
    """The entity itself, or its study/series when the key belongs to that level."""
    if owner_level == level or isinstance(entity, StudyEntity):
        return entity
    if owner_level == "study":
        return repository.studies[entity.study_uid]
    assert isinstance(entity, InstanceEntity)
    return repository.series[entity.series_uid]


def _check_outcome(check: Check, entity: Entity, level: Level, repository: Repository) -> Outcome:
    owner = _owner(entity, check.owner, level, repository)
    if check.computed:
        outcome = check.on_values(computed_values(repository, check.owner, owner.uid)[check.tag])
    else:
        instances = (owner,) if isinstance(owner, InstanceEntity) else owner.instances
        outcomes = [check.on_dataset(instance.dataset) for instance in instances]
        outcome = _agreed(outcomes, check, owner)
    if check.required:
        return outcome
    if outcome.verdict is Verdict.MATCH:
        return outcome
    return either(Latitude.OPTIONAL_KEY, *outcome.latitude)


def _agreed(outcomes: list[Outcome], check: Check, owner: Entity) -> Outcome:
    """The instances of one study/series must agree on its attributes, else the server picks."""
    verdicts = {outcome.verdict for outcome in outcomes}
    if len(verdicts) > 1:
        raise OracleUnsupported(
            f"the stored instances of {check.owner} {owner.uid} disagree on {describe(check.tag)}; "
            "which one the server indexed is not defined"
        )
    reasons = frozenset().union(*(outcome.latitude for outcome in outcomes))
    return Outcome(verdicts.pop(), reasons)
