"""HTTP messages as the proxy sees them: small frozen values that mutations rewrite.

Kept independent of the harness's own transport on purpose: the tooling that judges the
harness must not share its code (a bug there would hide itself).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

Headers = tuple[tuple[str, str], ...]

_STORE = re.compile(r"/studies(/[^/]+)?$")
_SEARCH = re.compile(r"/(studies|series|instances)$")
_RETRIEVE = re.compile(r"/studies/[^/]+(/series/[^/]+(/instances/[^/]+)?)?$")
_FRAMES = re.compile(r"/frames/[^/]+$")
_URI_KEYS = ("requestType=", "studyUID=", "seriesUID=", "objectUID=")


def _get(headers: Headers, name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def _without(headers: Headers, name: str) -> Headers:
    name = name.lower()
    return tuple((k, v) for k, v in headers if k.lower() != name)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: Headers
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return _get(self.headers, name)

    def with_header(self, name: str, value: str) -> "Request":
        return replace(self, headers=_without(self.headers, name) + ((name, value),))

    def with_query(self, query: str) -> "Request":
        return replace(self, query=query)

    def with_body(self, body: bytes) -> "Request":
        return replace(self, body=body)

    def query_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for piece in filter(None, self.query.split("&")):
            key, _, value = piece.partition("=")
            pairs.append((unquote(key), unquote(value)))
        return pairs

    def has_param(self, name: str) -> bool:
        return any(k == name for k, _ in self.query_pairs())

    def without_param(self, name: str) -> "Request":
        kept = [p for p in filter(None, self.query.split("&")) if unquote(p.partition("=")[0]) != name]
        return replace(self, query="&".join(kept))

    @property
    def kind(self) -> str:
        """Which DICOMweb resource this is: store, search, retrieve, metadata, frames, rendered, uri, other."""
        path = self.path.rstrip("/")
        if self.method == "POST" and _STORE.search(path):
            return "store"
        if self.method != "GET":
            return "other"
        if path.endswith("/rendered"):
            return "rendered"
        if path.endswith("/metadata"):
            return "metadata"
        if _FRAMES.search(path):
            return "frames"
        if _SEARCH.search(path):
            return "search"
        if _RETRIEVE.search(path):
            return "retrieve"
        if "/studies" not in path and any(k in self.query for k in _URI_KEYS):
            return "uri"
        return "other"


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    headers: Headers
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return _get(self.headers, name)

    def with_header(self, name: str, value: str | None) -> "Response":
        """Replace (or, with None, remove) a header."""
        rest = _without(self.headers, name)
        return replace(self, headers=rest if value is None else rest + ((name, value),))

    def with_status(self, status: int, reason: str) -> "Response":
        return replace(self, status=status, reason=reason)

    def with_body(self, body: bytes) -> "Response":
        return replace(self, body=body)

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def is_json(self) -> bool:
        return self.media_type.endswith("json") and bool(self.body.strip())

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def with_json(self, doc: Any) -> "Response":
        return self.with_body(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


REASONS = {200: "OK", 202: "Accepted", 204: "No Content", 302: "Found", 400: "Bad Request", 404: "Not Found",
           406: "Not Acceptable", 409: "Conflict", 415: "Unsupported Media Type", 500: "Internal Server Error"}
