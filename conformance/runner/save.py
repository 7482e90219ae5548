"""Values carried from one step to the next: a JSON pointer or a header."""

from __future__ import annotations

from typing import Any

from ..transport.response import Response


def resolve_pointer(doc: Any, pointer: str) -> Any:
    """RFC 6901 JSON pointer; LookupError says which token failed."""
    if pointer in ("", "/"):
        return doc
    node = doc
    for raw in pointer.lstrip("/").split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                raise LookupError(f"{pointer}: no item {token} (array of {len(node)})")
            node = node[int(token)]
        elif isinstance(node, dict):
            if token not in node:
                raise LookupError(f"{pointer}: no member {token!r}")
            node = node[token]
        else:
            raise LookupError(f"{pointer}: {token!r} points into a {type(node).__name__}")
    return node


def extract(response: Response, source: str) -> Any:
    if source.startswith("header:"):
        value = response.header(source[7:])
        if value is None:
            raise LookupError(f"no {source[7:]} header")
        return value
    return resolve_pointer(response.json(), source)
