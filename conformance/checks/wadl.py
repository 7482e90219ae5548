"""Reading a Capabilities Description (PS3.18 Annex H: a WADL document; Annex G: its JSON form).

Both forms become the same small tree of resources and methods, with the structural
problems found on the way: Annex H wants one application element holding one resources
element whose base is the service's base URL; Annex G wants doc elements as arrays of
objects, unique elements as objects and repeatable ones as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..dicom.xml_parse import element_children, parse_xml, split_name

WADL_NS = "http://wadl.dev.java.net/2009/02"
# Elements the WADL schema lets repeat inside their parent (Annex G.2.3: arrays in JSON); the rest are unique (G.2.2).
REPEATABLE = frozenset({"doc", "grammars", "include", "resources", "resource", "resource_type", "method", "param",
                        "response", "representation", "option", "link"})
# Table H-1, first level below the base URI; the NPI names as §12.1.1 spells them, and as Table H-1 spells two of them.
KNOWN_TOP = frozenset({"studies", "series", "instances", "workitems", "color-palettes", "defined-procedure-protocols",
                       "hanging-protocols", "implant-templates", "inventories", "commitment-requests"})
H1_SINGULAR = {"defined-procedure-protocol": "defined-procedure-protocols", "hanging-protocol": "hanging-protocols"}


@dataclass(frozen=True)
class Resource:
    path: str  # as declared, relative to its parent ("studies", "{study}", "workitems/{workitem}")
    methods: tuple[str, ...]
    children: tuple["Resource", ...]
    query_params: tuple[str, ...] = ()  # names of the query parameters its methods declare

    def walk(self, prefix: str = "") -> list[tuple[str, "Resource"]]:
        full = f"{prefix}/{self.path.strip('/')}" if self.path.strip("/") else prefix
        out = [(full, self)]
        for child in self.children:
            out += child.walk(full)
        return out


@dataclass
class Wadl:
    base: str | None = None
    resources_elements: int = 0
    roots: list[Resource] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def paths(self) -> list[tuple[str, Resource]]:
        return [pair for root in self.roots for pair in root.walk()]

    def top_level(self) -> list[str]:
        return [r.path.strip("/").split("/")[0] for r in self.roots]


def _xml_resource(element: Any) -> Resource:
    methods, children, params = [], [], []
    for child in element_children(element):
        _, local = split_name(child.tag)
        if local == "method":
            methods.append((child.get("name") or "").upper())
            params += [p.get("name") or "" for p in child.iter() if split_name(p.tag)[1] == "param"
                       and p.get("style") == "query"]
        elif local == "resource":
            children.append(_xml_resource(child))
    return Resource(element.get("path") or "", tuple(methods), tuple(children), tuple(params))


def parse_wadl_xml(body: bytes) -> Wadl:
    wadl = Wadl()
    parsed = parse_xml(body)
    if parsed.root is None:
        wadl.problems.append(f"not an XML document: {parsed.error}")
        return wadl
    namespace, local = split_name(parsed.root.tag)
    if local != "application" or namespace != WADL_NS:
        wadl.problems.append(f"the root element is {{{namespace}}}{local}, expected a WADL application element ({WADL_NS})")
        return wadl
    blocks = [c for c in element_children(parsed.root) if split_name(c.tag)[1] == "resources"]
    wadl.resources_elements = len(blocks)
    if blocks:
        wadl.base = blocks[0].get("base")
        wadl.roots = [_xml_resource(r) for r in element_children(blocks[0]) if split_name(r.tag)[1] == "resource"]
    return wadl


def _shape_problems(name: str, value: Any, where: str) -> list[str]:
    """Annex G: doc -> array of {@xml:lang, @title, value}; repeatable -> array of objects; unique -> object."""
    if name == "doc":
        if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
            return [f"{where}: doc must be an array of objects (G.2.1)"]
        odd = [k for d in value for k, v in d.items() if k not in ("@xml:lang", "@title", "value") or not isinstance(v, str)]
        return [f"{where}: a doc object may hold only string @xml:lang, @title and value (G.2.1), not {odd[0]!r}"] if odd else []
    if name in REPEATABLE and not isinstance(value, list):
        return [f"{where}: {name} is repeatable in WADL, so it must be an array of objects (G.2.3)"]
    if name not in REPEATABLE and not isinstance(value, dict):
        return [f"{where}: {name} is unique in its parent, so it must be an object (G.2.2)"]
    problems = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        if not isinstance(item, dict):
            problems.append(f"{where}/{i}: {name} items must be objects (G.2.3)")
            continue
        for key, child in item.items():
            if key.startswith("@"):
                if not isinstance(child, str):
                    problems.append(f"{where}/{key}: XML attributes become strings (G.2.2)")
            else:
                problems += _shape_problems(key, child, f"{where}/{key}")
    return problems


def _json_resource(item: dict[str, Any]) -> Resource:
    listed = item.get("method") if isinstance(item.get("method"), list) else []
    methods = [str(m.get("@name", "")).upper() for m in listed if isinstance(m, dict)]
    children = [_json_resource(c) for c in item.get("resource", []) if isinstance(c, dict)] \
        if isinstance(item.get("resource"), list) else []
    return Resource(str(item.get("@path", "")), tuple(methods), tuple(children), tuple(_json_query_params(listed)))


def _json_query_params(value: Any) -> list[str]:
    """Names of every param object with @style "query" anywhere below (requests of the methods)."""
    found: list[str] = []
    if isinstance(value, list):
        for v in value:
            found += _json_query_params(v)
    elif isinstance(value, dict):
        for key, v in value.items():
            if key == "param":
                found += [str(p.get("@name", "")) for p in (v if isinstance(v, list) else [v])
                          if isinstance(p, dict) and p.get("@style") == "query"]
            elif not key.startswith("@"):
                found += _json_query_params(v)
    return found


def parse_wadl_json(doc: Any) -> Wadl:
    wadl = Wadl()
    if not isinstance(doc, dict) or set(doc) != {"application"} or not isinstance(doc["application"], dict):
        wadl.problems.append("the JSON form must be an object whose only member is the unique 'application' object (G.2.2, Annex H)")
        return wadl
    application = doc["application"]
    wadl.problems += _shape_problems("application", application, "application")
    blocks = application.get("resources")
    blocks = blocks if isinstance(blocks, list) else [blocks] if isinstance(blocks, dict) else []
    wadl.resources_elements = len(blocks)
    if blocks:
        wadl.base = blocks[0].get("@base")
        roots = blocks[0].get("resource")
        wadl.roots = [_json_resource(r) for r in roots if isinstance(r, dict)] if isinstance(roots, list) else []
    return wadl
