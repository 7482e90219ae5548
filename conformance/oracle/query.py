"""A QIDO-RS search request, parsed and checked against PS3.18 2024e §8.3.4 and §10.6.1.

* Resources (Table 10.6.1-1): /studies, /studies/{study}/series, /studies/{study}/instances,
  /series, /studies/{study}/series/{series}/instances, /instances.
* Parameters (Table 8.3.4-1): match keys, fuzzymatching, includefield, limit, offset,
  emptyvaluematching, multiplevaluematching. qp-names, qp-values and DICOM keywords are all
  case-sensitive (§8.3.1, §8.3.1.1), so "LIMIT" or "TRUE" are not recognised.
* Attributes (§8.3.1, §8.3.4.1): 8 hex digits or a keyword, joined by "." into a sequence
  path in which every element but the last is a sequence and the last is not (a sequence
  cannot be named on its own). An attribute shall not be repeated; its value is single unless
  the attribute allows List of UID Matching (comma-separated).
* includefield (§8.3.4.3): comma lists, repeatable; "all" shall stand alone.
* offset/limit (§8.3.4.4): unsigned integers given at most once.
* The accept and charset parameters (§8.3.3) do not affect matching and are ignored here.
* Any other qp-name that names no attribute (not a keyword or tag, e.g. "LIMIT", "patientid")
  is an unsupported Query Parameter, which the origin server shall ignore (§8.3): it is
  recorded in ``ignored`` and has no effect. Attribute syntax that names no attribute (a tag of
  the wrong length, a path through a non-sequence) remains an error.

Each key value is classified (matching.classify) here, so a malformed key is a QueryError at
parse time rather than a surprise during evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydicom.datadict import tag_for_keyword

from .elements import describe, is_multi_valued, vr_of
from .errors import OracleUnsupported, QueryError
from .matching import MatchOptions, classify
from .tables import Level, Resource

__all__ = ["QueryError", "SearchQuery", "parse_search", "parse_attribute", "AttributePath"]

AttributePath = int | tuple[int, ...]
IncludeField = AttributePath | Literal["all"]

_UID = re.compile(r"^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$")
_TAG = re.compile(r"^[0-9A-Fa-f]{8}$")
_QP_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # §8.3.1
_BOOLEAN_PARAMETERS = ("fuzzymatching", "emptyvaluematching", "multiplevaluematching")
_IGNORED_PARAMETERS = ("accept", "charset")


@dataclass(frozen=True)
class SearchQuery:
    level: Level
    scope: dict[str, str]  # UIDs fixed by the resource path
    keys: tuple[tuple[AttributePath, str], ...]  # matching keys in request order, raw values
    includefields: tuple[IncludeField, ...]  # ("all",) or the attributes named
    limit: int | None
    offset: int | None
    fuzzy: bool
    empty_value_matching: bool = False
    multiple_value_matching: bool = False
    ignored: tuple[str, ...] = ()  # unsupported Query Parameters (§8.3), in request order

    @property
    def resource(self) -> Resource:
        """Which Table 10.6.1-1 resource the query targets (derived from level and scope)."""
        has_study = "StudyInstanceUID" in self.scope
        has_series = "SeriesInstanceUID" in self.scope
        if self.level == "study":
            return "all-studies"
        if self.level == "series":
            return "studys-series" if has_study else "all-series"
        if has_series:
            return "study-series-instances"
        return "studys-instances" if has_study else "all-instances"

    @property
    def include_all(self) -> bool:
        return "all" in self.includefields

    @property
    def options(self) -> MatchOptions:
        return MatchOptions(self.fuzzy, self.empty_value_matching, self.multiple_value_matching)


def parse_search(path: str, params: Sequence[tuple[str, str]]) -> SearchQuery:
    """Parse a search resource path and its decoded query parameters (in request order)."""
    level, scope = _parse_path(path)
    keys: list[tuple[AttributePath, str]] = []
    seen: dict[AttributePath, str] = {}
    includes: list[IncludeField] = []
    singles: dict[str, str] = {}
    ignored: list[str] = []
    for name, value in params:
        if name in _IGNORED_PARAMETERS:
            continue
        if _is_unsupported(name):
            ignored.append(name)
            continue
        if name == "includefield":
            includes.extend(_parse_includefield(value))
            continue
        if name in ("limit", "offset", *_BOOLEAN_PARAMETERS):
            if name in singles:
                raise QueryError(f"the {name} parameter may be given only once (PS3.18 §8.3.4)")
            singles[name] = value
            continue
        attribute = parse_attribute(name)
        if attribute in seen:
            raise QueryError(f"attribute {name!r} is repeated; PS3.18 §8.3.4.1 forbids that")
        seen[attribute] = name
        keys.append((attribute, value))
    if "all" in includes and len(includes) > 1:
        raise QueryError(
            'includefield "all" shall not be combined with other includefield values '
            "(PS3.18 §8.3.4.3)"
        )
    query = SearchQuery(
        level=level,
        scope=scope,
        keys=tuple(keys),
        includefields=tuple(dict.fromkeys(includes)),
        limit=_uint(singles, "limit"),
        offset=_uint(singles, "offset"),
        fuzzy=_boolean(singles, "fuzzymatching"),
        empty_value_matching=_boolean(singles, "emptyvaluematching"),
        multiple_value_matching=_boolean(singles, "multiplevaluematching"),
        ignored=tuple(ignored),
    )
    for attribute, value in query.keys:
        _check_value(attribute, value, query.options)
    return query


def _is_unsupported(name: str) -> bool:
    """A qp-name that is neither a search parameter nor an attribute keyword or tag."""
    if name in ("includefield", "limit", "offset", *_BOOLEAN_PARAMETERS):
        return False
    return bool(_QP_NAME.match(name)) and not _TAG.match(name) and tag_for_keyword(name) is None


def _parse_path(path: str) -> tuple[Level, dict[str, str]]:
    parts = path.split("/")
    if not path.startswith("/") or any(part == "" for part in parts[1:]):
        raise QueryError(f"{path!r} is not a search resource path (PS3.18 Table 10.6.1-1)")
    segments = parts[1:]
    for uid in segments[1::2]:
        if len(uid) > 64 or not _UID.match(uid):
            raise QueryError(f"{uid!r} in {path!r} is not a valid UID (PS3.5 §9.1)")
    shape = tuple(segments[0::2])
    if shape == ("studies",) and len(segments) == 1:
        return "study", {}
    if shape == ("series",) and len(segments) == 1:
        return "series", {}
    if shape == ("instances",) and len(segments) == 1:
        return "instance", {}
    if shape == ("studies", "series") and len(segments) == 3:
        return "series", {"StudyInstanceUID": segments[1]}
    if shape == ("studies", "instances") and len(segments) == 3:
        return "instance", {"StudyInstanceUID": segments[1]}
    if shape == ("studies", "series", "instances") and len(segments) == 5:
        scope = {"StudyInstanceUID": segments[1], "SeriesInstanceUID": segments[3]}
        return "instance", scope
    raise QueryError(f"{path!r} is not a search resource path (PS3.18 Table 10.6.1-1)")


def parse_attribute(text: str) -> AttributePath:
    """"PatientName", "00100010" or "OtherPatientIDsSequence.00100020" -> tag or tag path."""
    if not text:
        raise QueryError("a query parameter has an empty name")
    path: list[int] = []
    for element in text.split("."):
        if _TAG.match(element):
            path.append(int(element, 16))
            continue
        tag = tag_for_keyword(element)
        if tag is None:
            raise QueryError(
                f"{element!r} (in {text!r}) is neither a tag nor a PS3.6 keyword (PS3.18 §8.3.4.1)"
            )
        path.append(int(tag))
    for parent in path[:-1]:
        vr = vr_of(parent)
        if vr is not None and vr != "SQ":
            raise QueryError(
                f"{describe(parent)} in {text!r} is not a sequence, so nothing can follow it"
            )
    if vr_of(path[-1]) == "SQ":
        raise QueryError(
            f"{text!r} ends with a sequence; PS3.18 §8.3.1 requires the last attribute of a path "
            "(or a lone attribute) not to be a sequence: name an attribute inside it"
        )
    return path[0] if len(path) == 1 else tuple(path)


def _parse_includefield(value: str) -> list[IncludeField]:
    if value == "all":
        return ["all"]
    items = value.split(",")
    if any(not item for item in items):
        raise QueryError(f"includefield={value!r} has an empty attribute (PS3.18 §8.3.4.3)")
    if "all" in items:
        raise QueryError('includefield "all" shall stand alone (PS3.18 §8.3.4.3)')
    return [parse_attribute(item) for item in items]


def _uint(singles: dict[str, str], name: str) -> int | None:
    if name not in singles:
        return None
    text = singles[name]
    if not text.isascii() or not text.isdigit():
        raise QueryError(f"{name}={text!r} is not an unsigned integer (PS3.18 §8.3.4.4)")
    return int(text)


def _boolean(singles: dict[str, str], name: str) -> bool:
    text = singles.get(name, "false")
    if text not in ("true", "false"):
        raise QueryError(
            f'{name}={text!r}: the value shall be "true" or "false", case-sensitive (PS3.18 §8.3.1)'
        )
    return text == "true"


def _check_value(attribute: AttributePath, value: str, options: MatchOptions) -> None:
    leaf = attribute if isinstance(attribute, int) else attribute[-1]
    vr = vr_of(leaf)
    if vr is None:
        return  # private or unknown: nothing to check; evaluation refuses non-universal keys
    try:
        classify(value, vr, options, multi_valued=is_multi_valued(leaf))
    except QueryError as error:
        raise QueryError(f"{describe(leaf)}: {error}") from None
    except OracleUnsupported:
        return  # valid per the syntax; evaluation reports why it cannot decide
