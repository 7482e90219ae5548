"""From a case file to validated, frozen Case objects (or a CaseFileError at file:line)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from ..catalog import Catalog
from ..checks import REGISTRY
from ..errors import CaseFileError
from .model import Body, Case, Expectation, RequestSpec, Source, Step
from .steps import (GENERATED_HEADS, not_offered_rule, repeat_rule, uid_placement_problem, websocket_action,
                    websocket_problem, websocket_request)
from .schema import build_schema
from .yamlsource import LineDict, LineList, line_of, load_yaml

TEMPLATE = re.compile(r"\$\{([^}]*)\}")
LEVEL_RANK = {"may": 0, "should": 1, "shall": 2}


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    # The format checker makes "format: regex" arguments fail at collection, not at run time.
    return jsonschema.Draft202012Validator(build_schema(REGISTRY), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _error_line(doc: Any, err: jsonschema.ValidationError) -> int | None:
    line = line_of(doc, list(err.absolute_path))
    if err.validator == "additionalProperties" and isinstance(err.instance, LineDict):
        # Point at the unexpected key itself, not at the mapping that holds it.
        extra = [k for k in err.instance if k not in err.schema.get("properties", {})]
        if extra:
            return err.instance.key_lines.get(extra[0], line)
    return line


def _schema_errors(doc: Any, path: str) -> None:
    errors = sorted(_validator().iter_errors(doc), key=lambda e: (_error_line(doc, e) or 0))
    if not errors:
        return
    lines = []
    for err in errors[:8]:
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        lines.append((_error_line(doc, err), f"{where}: {_explain(err)}"))
    first_line, first_msg = lines[0]
    rest = "".join(f"\n  {path}:{ln}: {msg}" for ln, msg in lines[1:])
    more = f"\n  ... and {len(errors) - 8} more" if len(errors) > 8 else ""
    raise CaseFileError(path, first_line, first_msg + rest + more)


def _explain(err: jsonschema.ValidationError) -> str:
    path = list(err.absolute_path)
    if err.validator == "additionalProperties" and len(path) >= 2 and path[-2] == "expect":
        return f"{err.message} (unknown check; known checks: {', '.join(c.name for c in REGISTRY.checks())})"
    return err.message


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    items = value.items() if isinstance(value, dict) else value
    return tuple((str(k), _scalar(v)) for k, v in items)


def _query_pairs(value: Any) -> tuple[tuple[str, Any], ...]:
    """Like _pairs, but a list value stays a tuple: its items are sent comma-separated."""
    if value is None:
        return ()
    items = value.items() if isinstance(value, dict) else value
    return tuple((str(k), tuple(_scalar(x) for x in v) if isinstance(v, list) else _scalar(v)) for k, v in items)


def _scalar(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


# stow: Part 10 instances; stow_json / stow_xml: the same instances as metadata plus bulk data (§10.5.1.4).
STOW_KINDS = ("stow", "stow_json", "stow_xml")
BODY_KINDS = (*STOW_KINDS, "parts", "text", "json", "hex", "empty", "dataset", "workitem")


def _body(raw: dict[str, Any] | None) -> Body | None:
    if raw is None:
        return None
    kinds = [k for k in BODY_KINDS if k in raw]
    if len(kinds) != 1:
        raise ValueError(f"a body needs exactly one of {', '.join(BODY_KINDS)} (got {kinds or 'none'})")
    value = raw[kinds[0]]
    if kinds[0] == "parts":
        value = tuple(dict(p) for p in value)
    elif kinds[0] in STOW_KINDS:
        value = tuple(value)
    return Body(kind=kinds[0], value=value, content_type=raw.get("content_type"), boundary=raw.get("boundary"))


def _templates(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield from TEMPLATE.findall(obj)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _templates(k)
            yield from _templates(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _templates(v)


def _template_line(node: Any, ref: str, default: int) -> int:
    """The line of the key or item whose text holds ${ref} (scalars carry no line of their own)."""
    needle = "${" + ref + "}"
    if isinstance(node, LineDict):
        for key, value in node.items():
            if needle in key or (isinstance(value, str) and needle in value):
                return node.key_lines.get(key, default)
            if (found := _template_line(value, ref, 0)):
                return found
    elif isinstance(node, LineList):
        for i, value in enumerate(node):
            if isinstance(value, str) and needle in value:
                return node.item_lines[i]
            if (found := _template_line(value, ref, 0)):
                return found
    return default


class CaseParser:
    """Turns one file into Cases, checking what the schema cannot: the catalog,
    fixture names, variables, levels."""

    def __init__(self, catalog: Catalog, fixture_keys: Callable[[], frozenset[str]]) -> None:
        self.catalog = catalog
        self.fixture_keys = fixture_keys

    def parse_file(self, path: Path, display: str | None = None) -> list[Case]:
        name = display or str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CaseFileError(name, None, f"cannot read: {exc}") from None
        doc = load_yaml(text, name)
        if doc is None:
            raise CaseFileError(name, 1, "the file is empty; a case file needs a 'cases' list")
        _schema_errors(doc, name)
        default_tx = doc.get("transaction")
        default_feature = doc.get("feature")
        cases = []
        for i, raw in enumerate(doc["cases"]):
            cases.append(self._case(raw, name, doc["cases"].item_lines[i], default_tx, default_feature))
        return cases

    def _case(self, raw: LineDict, path: str, line: int, default_tx: str | None, default_feature: str | None) -> Case:
        def fail(key: str | None, msg: str, node: Any = raw) -> CaseFileError:
            ln = node.key_lines.get(key, node.line) if isinstance(node, LineDict) and key else getattr(node, "line", line)
            return CaseFileError(path, ln, f"case {raw.get('id', '?')}: {msg}")

        tx = raw.get("transaction", default_tx)
        if tx is None:
            raise fail("id", "no transaction: give 'transaction' in the case or at the top of the file")
        for rid in raw["requirements"]:
            if rid not in self.catalog:
                raise fail("requirements", f"requirement {rid!r} is not in the catalog")
        levels = [self.catalog.requirements[r].level for r in raw["requirements"]]
        ranked = [LEVEL_RANK[lv] for lv in levels if lv in LEVEL_RANK]
        if ranked and LEVEL_RANK[raw["level"]] > max(ranked):
            raise fail("level", f"level {raw['level']!r} is stronger than any cited requirement ({', '.join(levels)})")
        known = self.fixture_keys()
        needs = tuple(raw.get("needs", ()))
        for key in needs:
            if key not in known:
                raise fail("needs", f"unknown fixture instance {key!r}; known: {', '.join(sorted(known))}")
        makes = tuple((str(k), str(v)) for k, v in (raw.get("makes") or {}).items())
        for name, source in makes:
            if name in known:
                raise fail("makes", f"{name!r} is a fixture key; give the fresh copy another name")
            if source not in known:
                raise fail("makes", f"unknown fixture instance {source!r} to copy; known: {', '.join(sorted(known))}")
        builds = tuple((str(k), str(v)) for k, v in (raw.get("builds") or {}).items())
        for name, _ in builds:
            if name in known or name in dict(makes) or name in GENERATED_HEADS or name in ("vars", "run"):
                raise fail("builds", f"{name!r} is already a fixture key, a fresh copy or a template head; give it another name")
        names = needs + tuple(n for n, _ in makes) + tuple(n for n, _ in builds)
        steps = []
        saved: set[str] = set()
        for j, sraw in enumerate(raw["steps"]):
            steps.append(self._step(sraw, j, path, raw, names, saved, fail))
        return Case(
            id=raw["id"], title=raw["title"], transaction=tx, requirements=tuple(raw["requirements"]),
            level=raw["level"], steps=tuple(steps), source=Source(path, line),
            description=raw.get("description", ""), feature=raw.get("feature", default_feature), needs=needs, makes=makes,
            tentative=raw.get("tentative"), edition=raw.get("edition"), tags=tuple(raw.get("tags", ())), builds=builds,
        )

    def _step(self, sraw: LineDict, index: int, path: str, case: LineDict, needs: tuple[str, ...],
              saved: set[str], fail: Callable[..., CaseFileError]) -> Step:
        ws = websocket_action(sraw["websocket"]) if "websocket" in sraw else None
        req = sraw["request"] if ws is None else {"path": ""}
        if ws is not None:
            problem = websocket_problem(ws, [next(iter(item)) for item in sraw["expect"]])
            if problem:
                raise fail("websocket", problem, sraw)
        for ref in list(_templates(req)) + list(_templates(sraw["expect"])) + list(_templates(sraw.get("websocket") or {})):
            head, _, attr = ref.partition(".")
            if head == "vars":
                problem = None if attr in saved else f"step {index + 1} uses ${{{ref}}}, but no earlier step saves {attr!r}"
            elif head == "run":
                problem = None if attr in ("id", "prefix") else f"${{{ref}}}: run has only 'id' and 'prefix'"
            elif head in GENERATED_HEADS:
                problem = None if attr else f"${{{ref}}} needs a name, e.g. ${{{head}.a}}"
            elif head not in needs:
                problem = f"${{{ref}}} names {head!r}, which is not in the case's 'needs' or 'makes' (or 'builds')"
            else:
                problem = None if attr else f"${{{ref}}} needs an attribute keyword, e.g. ${{{head}.SOPInstanceUID}}"
            if problem:
                raise CaseFileError(path, _template_line(sraw, ref, sraw.line), f"case {case.get('id', '?')}: {problem}")
        try:
            body = _body(req.get("body"))
        except ValueError as exc:
            raise fail("body", str(exc), req) from None
        if body is not None:
            keys = body.value if body.kind in STOW_KINDS else [p["instance"] for p in body.value if "instance" in p] if body.kind == "parts" else []
            if body.kind == "workitem":
                keys = [body.value]
            for key in keys:
                if key not in needs:
                    raise fail("body", f"body names instance {key!r}, which is not in the case's 'needs' or 'makes'", req)
        expectations = []
        exp_list: LineList = sraw["expect"]
        for k, item in enumerate(exp_list):
            (name, args), = item.items()
            expectations.append(Expectation(check=name, args=args, line=exp_list.item_lines[k]))
        save = tuple((str(k), str(v)) for k, v in (sraw.get("save") or {}).items())
        saved.update(k for k, _ in save)
        spec = RequestSpec(
            method=req.get("method", "GET"), path=req["path"], query=_query_pairs(req.get("query")),
            raw_query=req.get("raw_query"), query_encoding=req.get("query_encoding", "minimal"),
            headers=_pairs(req.get("headers")), body=body, follow_redirects=bool(req.get("follow_redirects", False)),
            service=req.get("service", "dicomweb"), workitem_uid=req.get("workitem_uid"),
            transaction_uid=req.get("transaction_uid"), form=req.get("form"),
        )
        if spec.raw_query is not None and spec.query:
            raise fail("raw_query", "give either query or raw_query, not both", req)
        if (problem := uid_placement_problem(spec)) is not None:
            raise fail("form", problem, req)
        if ws is not None:
            spec = websocket_request(ws)
        default_name = f"websocket {ws.action} {ws.channel}" if ws else f"{spec.method} {spec.path}"
        return Step(name=sraw.get("name", default_name), request=spec,
                    expect=tuple(expectations), save=save, line=sraw.line, websocket=ws,
                    not_offered=not_offered_rule(sraw.get("not_offered")), repeat=repeat_rule(sraw.get("repeat")))
