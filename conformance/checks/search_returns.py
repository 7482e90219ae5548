"""Which attributes search results carry: PS3.18 §10.6.3.3, computed from the oracle's tables.

The required set is not written in case files: it follows from the resource, the match keys and
the includefield values (oracle.returns). So does the forbidden set: lower-level attributes named
in includefield (§10.6.3.3.1-2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydicom.dataset import Dataset

from .context import CheckContext
from .jsonds import LEVEL_UID, label, uid_of
from .registry import Outcome, check
from .search_body import MAX_SHOWN, parse_request, result_datasets

if TYPE_CHECKING:
    from ..oracle.query import SearchQuery

# Table 10.6.3-4: the Request Attributes Sequence, when returned, holds these two (Type R) in each item.
_REQUEST_ATTRIBUTES = 0x00400275
_REQUEST_ITEM_KEYS = ("00400009", "00401001")


def _key(tag: int) -> str:
    return f"{tag:08X}"


def stored_entities(ctx: CheckContext, level: str) -> dict[str, Dataset]:
    """One stored dataset per study, series or instance of this run, keyed by its UID."""
    keyword = {"study": "StudyInstanceUID", "series": "SeriesInstanceUID", "instance": "SOPInstanceUID"}[level]
    found: dict[str, Dataset] = {}
    for ds in ctx.data.stored_datasets():
        found.setdefault(str(ds.get(keyword, "")), ds)
    return found


def _has_value(ds: Dataset, tag: int) -> bool:
    return tag in ds and not ds[tag].is_empty


PARTS = ("defaults", "requested", "known", "forbidden")


@dataclass(frozen=True)
class ReturnRules:
    """The attribute sets §10.6.3.3 gives one query, each a part a case may check."""

    defaults: frozenset[int]  # U and R rows of the level and of the upper levels the resource adds
    requested: frozenset[int]  # supported match keys and includefield values beyond the defaults
    known: frozenset[int]  # "shall be present if known" rows (owed when the stored data holds a value)
    forbidden: frozenset[int]  # lower-level attributes named in includefield


def return_rules(query: "SearchQuery") -> ReturnRules:
    from ..oracle.returns import (forbidden_return_attributes, known_return_attributes,
                                  required_attributes_after_includefield, resource_default_attributes)

    defaults = resource_default_attributes(query)
    return ReturnRules(defaults, required_attributes_after_includefield(query) - defaults,
                       known_return_attributes(query), forbidden_return_attributes(query))


@check("search_attributes", {"type": "object", "additionalProperties": False, "properties": {
    "parts": {"type": "array", "items": {"enum": list(PARTS)}, "minItems": 1, "uniqueItems": True,
              "description": "which rules to check; default: defaults, requested, forbidden ('known' adds the "
                             "'shall be present if known' rows whose value the stored data holds)"}}},
    requirement="SEARCH-RETURN-MATCH-KEYS")
def search_attributes(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Every result of this run carries the attributes PS3.18 §10.6.3.3 requires for this resource, match keys and includefield values (computed from Tables 10.6.3-3/-4/-5), and none of the lower-level attributes it forbids."""
    from ..oracle.returns import default_return_attributes

    parts = set(spec.get("parts", ("defaults", "requested", "forbidden")))
    query = parse_request(ctx)
    rules = return_rules(query)
    required = (rules.defaults if "defaults" in parts else frozenset()) | \
        (rules.requested if "requested" in parts else frozenset())
    forbidden = rules.forbidden if "forbidden" in parts else frozenset()
    instance_table = default_return_attributes("instance")
    stored = stored_entities(ctx, query.level)
    problems: list[str] = []
    judged = 0
    for index, ds in enumerate(result_datasets(ctx.response)):
        entity = stored.get(uid_of(ds, LEVEL_UID[query.level]) or "")
        if entity is None:
            continue  # not this run's data: what the server holds of it is unknown
        judged += 1
        need = set(required)
        if query.level == "instance":  # §10.6.3.3.3: Table 10.6.3-5 rows only "if present in the Instance"
            need = {t for t in need if t not in instance_table or t in entity}
        if "known" in parts:
            need |= {t for t in rules.known if _has_value(entity, t)}
            problems += _request_items(index, ds)
        missing = sorted(_key(t) for t in need if _key(t) not in ds)
        if missing:
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            problems.append(f"result {index + 1}: missing {', '.join(label(k) for k in missing[:8])}{more}")
        present = sorted(_key(t) for t in forbidden if _key(t) in ds)
        if present:
            problems.append(f"result {index + 1}: carries {', '.join(label(k) for k in present)}, "
                            f"lower-level attribute(s) named in includefield that §10.6.3.3 says shall not be returned")
    if not judged:
        problems.append("no result of this run's data to inspect")
    ctx.note(f"checked {', '.join(p for p in PARTS if p in parts)}; required: "
             f"{', '.join(label(_key(t)) for t in sorted(required)) or 'nothing'}")
    if forbidden:
        ctx.note(f"forbidden: {', '.join(label(_key(t)) for t in sorted(forbidden))}")
    return problems[:MAX_SHOWN * 2]


def _request_items(index: int, ds: dict[str, Any]) -> list[str]:
    element = ds.get(_key(_REQUEST_ATTRIBUTES))
    if not isinstance(element, dict):
        return []
    problems = []
    for number, item in enumerate(element.get("Value") or [], 1):
        lacking = [label(k) for k in _REQUEST_ITEM_KEYS if not isinstance(item, dict) or k not in item]
        if lacking:
            problems.append(f"result {index + 1}: Request Attributes Sequence item {number} lacks {', '.join(lacking)} "
                            "(Type R in Table 10.6.3-4)")
    return problems


def _private_problems(index: int, ds: dict[str, Any]) -> list[str]:
    problems = []
    for key in ds:
        if len(key) != 8 or not all(c in "0123456789ABCDEFabcdef" for c in key):
            continue
        group, element = int(key[:4], 16), int(key[4:], 16)
        if group % 2 == 0 or element < 0x1000:
            continue
        creator = f"{group:04X}00{element >> 8:02X}"
        if creator not in ds:
            problems.append(f"result {index + 1}: private element ({key[:4]},{key[4:]}) without its Private Creator "
                            f"({creator[:4]},{creator[4:]})")
    return problems


@check("private_creators", {"const": True}, requirement="SEARCH-RETURN-PRIVATE")
def private_creators(ctx: CheckContext, _: bool) -> Outcome:
    """Every private data element in the results comes with its Private Creator element (PS3.18 §10.6.3.3, PS3.5 §7.8.1)."""
    problems: list[str] = []
    for index, ds in enumerate(result_datasets(ctx.response)):
        problems += _private_problems(index, ds)
    return problems[:MAX_SHOWN]
