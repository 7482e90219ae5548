"""Retrieve Capabilities in the double (PS3.18 §8.9): a WADL description (Annex H) in XML or in
the JSON form of Annex G, declaring exactly the resources the double serves (Table H-1)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

from .faults import Settings
from .http import Reply, Request, choose, empty

WADL_NS = "http://wadl.dev.java.net/2009/02"
WADL_XML, WADL_JSON = "application/vnd.sun.wadl+xml", "application/json"
NPI_NAMES = ("color-palettes", "defined-procedure-protocols", "hanging-protocols", "implant-templates", "inventories")


@dataclass(frozen=True)
class Node:
    path: str
    methods: tuple[str, ...] = ()
    children: tuple["Node", ...] = ()


def _subscribers(suspend: bool) -> Node:
    aet = Node("{aetitle}", ("POST", "DELETE"), (Node("suspend", ("POST",)),) if suspend else ())
    return Node("subscribers", (), (aet,))


def tree(settings: Settings) -> list[Node]:
    """Table H-1, restricted to what the double serves."""
    roots = [Node("studies", ("POST",))]  # the double stores instances (for Storage Commitment) but searches none
    if not settings.on("wadl-omits-workitems"):
        workitem = Node("{workitem}", ("GET", "POST"), (Node("state", ("PUT",)), Node("cancelrequest", ("POST",)),
                                                       _subscribers(False)))
        roots.append(Node("workitems", ("GET", "POST"), (workitem, Node("1.2.840.10008.5.1.4.34.5", (), (_subscribers(True),)),
                                                         Node("1.2.840.10008.5.1.4.34.5.1", (), (_subscribers(True),)))))
    if not settings.on("wadl-omits-npi"):
        store = ("POST",) if settings.npi_store else ()
        roots += [Node(name, ("GET", *store), (Node("{uid}", ("GET", *store)),)) for name in NPI_NAMES]
    if not settings.on("wadl-omits-commitment"):
        roots.append(Node("commitment-requests", (), (Node("{transactionUID}", ("GET", "POST")),)))
    if settings.on("wadl-unknown-resource"):
        roots.append(Node("gadgets", ("GET",)))
    if settings.on("wadl-declares-unserved"):
        roots.append(Node("series", ("GET",)))  # Table H-1 knows it; the double does not serve it
    return roots


def _method_xml(name: str) -> str:
    return (f'<method name="{name}"><request><param name="Accept" style="header"/></request>'
            f'<response><representation mediaType="application/dicom+json"/></response></method>')


def _node_xml(node: Node) -> str:
    inner = "".join(_method_xml(m) for m in node.methods) + "".join(_node_xml(c) for c in node.children)
    return f"<resource path={quoteattr(node.path)}>{inner}</resource>"


def as_xml(base: str, roots: list[Node], settings: Settings) -> bytes:
    block = f"<resources base={quoteattr(base)}>{''.join(_node_xml(n) for n in roots)}</resources>"
    blocks = block * (2 if settings.on("wadl-two-resources") else 1)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<application xmlns="{WADL_NS}">'
            f'<doc title="dicomweb-conformance test double"/>{blocks}</application>').encode("utf-8")


def _method_json(name: str, settings: Settings) -> dict[str, Any]:
    param: Any = {"@name": "Accept", "@style": "header"}
    return {"@name": name, "request": {"param": param if settings.on("wadl-json-param-object") else [param]},
            "response": [{"representation": [{"@mediaType": "application/dicom+json"}]}]}


def _node_json(node: Node, settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {"@path": node.path}
    if node.methods:
        out["method"] = [_method_json(m, settings) for m in node.methods]
    if node.children:
        out["resource"] = [_node_json(c, settings) for c in node.children]
    return out


def as_json(base: str, roots: list[Node], settings: Settings) -> bytes:
    """Annex G: doc as an array of objects, unique elements as objects, repeatable ones as arrays."""
    doc: Any = {"@title": "dicomweb-conformance test double"}
    block = {"@base": base, "resource": [_node_json(n, settings) for n in roots]}
    app = {"doc": doc if settings.on("wadl-json-doc-object") else [doc],
           "resources": [block, block] if settings.on("wadl-two-resources") else [block]}
    return json.dumps({"application": app}).encode("utf-8")


def _subtree(roots: list[Node], path: str) -> list[Node] | None:
    """The resource element for the Target Resource (Annex H), for OPTIONS below the base URI."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return roots
    nodes = roots
    for part in parts:
        found = next((n for n in nodes if n.path == part or n.path.startswith("{")), None)
        if found is None:
            return None
        nodes = list(found.children)
        last = found
    return [Node("/".join(parts), last.methods, last.children)]


def retrieve_capabilities(req: Request, settings: Settings) -> Reply:
    if settings.on("options-404"):
        return empty(404)
    chosen = choose(req, {"xml": WADL_XML, "json": WADL_JSON})
    if chosen is None:
        return empty(406)
    roots = _subtree(tree(settings), req.path)
    if roots is None:
        return empty(404)
    base = "http://elsewhere.invalid/dicomweb" if settings.on("wadl-wrong-base") else req.base_url
    body = as_xml(base, roots, settings) if chosen == "xml" else as_json(base, roots, settings)
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    conditional = req.header("if-none-match")
    if settings.on("options-304-unconditional") or (conditional is not None and etag in conditional):
        return Reply(304, [("ETag", etag)])  # Table 8.9.3-1: only for If-None-Match
    media = "text/xml" if settings.on("wadl-text-xml") and chosen == "xml" else (WADL_XML if chosen == "xml" else WADL_JSON)
    reply = Reply(200, [("Content-Type", media), ("ETag", etag)], body)
    reply.omit_length = settings.on("options-no-length")
    return reply
