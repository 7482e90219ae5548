"""Returned values equal what was stored: every attribute of a result that the stored data also
holds, compared in meaning (PS3.18 F.2: the JSON Model carries the stored values; padding, number
spelling and PN group layout aside), and the computed attributes (Modalities in Study, Number of
... Related ..., SOP Classes in Study) equal to what the stored data implies (PS3.4 C.6.1.1.3-4).

This is where character sets show: a name stored in ISO_IR 100 or ISO 2022 IR 87 must come back
as the same characters in UTF-8 JSON (or XML).
"""

from __future__ import annotations

from typing import Any

from pydicom.dataset import Dataset

from ..dicom.compare import compare_json_to_dataset
from .context import CheckContext
from .jsonds import LEVEL_UID, label, uid_of
from .registry import Outcome, check
from .search_body import MAX_SHOWN, parse_request, result_datasets
from .search_returns import stored_entities

_CHARSET = 0x00080005
# Attributes about the service, not the stored object: the server fills them in (PS3.4 C.3.4).
_NOT_STORED = frozenset({_CHARSET, 0x00080054, 0x00080056, 0x00081190, 0x00080052, 0x00083002, 0x00081130})
_LEVELS = {"study": ("patient", "study"), "series": ("patient", "study", "series")}


def _comparable(tag: int, level: str) -> bool:
    from ..oracle.tables import COMPUTED, ie_level_of

    if tag in _NOT_STORED or tag in COMPUTED or tag >> 16 == 0x0002:
        return False
    if level == "instance" or (tag >> 16) % 2:
        return True  # an instance result describes the very dataset that was stored
    return ie_level_of(tag) in _LEVELS[level]


def _subset(doc: dict[str, Any], ds: Dataset, level: str) -> tuple[dict[str, Any], Dataset]:
    """The attributes both sides hold (Private Creators travel with their elements)."""
    mine = Dataset()
    if _CHARSET in ds:
        mine.add(ds[_CHARSET])  # kept so text decodes as stored; never compared
    theirs: dict[str, Any] = {}
    for element in ds:
        tag = int(element.tag)
        key = f"{tag:08X}"
        if key in doc and _comparable(tag, level):
            mine.add(ds[tag])
            theirs[key] = doc[key]
    return theirs, mine


# The computed attributes the oracle derives, and whose holdings they count (PS3.4 C.6.1.1.3-4).
_COMPUTED_OWNER = {"00080061": "study", "00080062": "study", "00201206": "study", "00201208": "study",
                   "00201209": "series"}


def _computed_problems(ctx: CheckContext, index: int, doc: dict[str, Any], entity: Dataset) -> list[str]:
    from ..oracle.oracle import computed_attributes

    problems = []
    cache: dict[str, dict[str, object]] = {}
    for key, owner in _COMPUTED_OWNER.items():
        if not isinstance(doc.get(key), dict):
            continue
        if owner not in cache:
            uid = str(entity.get("SeriesInstanceUID" if owner == "series" else "StudyInstanceUID", ""))
            cache[owner] = computed_attributes(ctx.data.stored_datasets(), owner, uid)  # type: ignore[arg-type]
        want = cache[owner].get(_keyword(int(key, 16)))
        got = [v for v in (doc[key].get("Value") or []) if v is not None]
        if isinstance(want, int):
            wrong = [_as_int(v) for v in got] != [want]
        else:
            wrong = sorted(map(str, got)) != sorted(map(str, want or [])) or len(set(map(str, got))) != len(got)
        if wrong:
            problems.append(f"result {index + 1}: {label(key)} is {got or 'empty'}, the stored data gives {want}")
    return problems


def _keyword(tag: int) -> str:
    from pydicom.datadict import keyword_for_tag

    return keyword_for_tag(tag)


def _as_int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


@check("search_values", {"const": True}, requirement="SEARCH-MATCH-CFIND-SEMANTICS")
def search_values(ctx: CheckContext, _: bool) -> Outcome:
    """Every result of this run holds the stored values of the attributes it returns (compared in meaning, character sets decoded), and its computed attributes (Modalities in Study, SOP Classes in Study, Number of ... Related ...) agree with the stored data."""
    query = parse_request(ctx)
    stored = stored_entities(ctx, query.level)
    problems: list[str] = []
    compared = 0
    for index, doc in enumerate(result_datasets(ctx.response)):
        entity = stored.get(uid_of(doc, LEVEL_UID[query.level]) or "")
        if entity is None:
            continue
        theirs, mine = _subset(doc, entity, query.level)
        compared += len(theirs)
        problems += [f"result {index + 1}: {d}" for d in
                     compare_json_to_dataset(theirs, mine, ignore=(_CHARSET,), bulk_ok=True)]
        problems += _computed_problems(ctx, index, doc, entity)
    ctx.note(f"compared {compared} stored attribute value(s) of this run's results")
    return problems[:MAX_SHOWN * 2]
