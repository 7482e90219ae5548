"""The double's request and reply records, content negotiation and the Warning header."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

DICOM_JSON = "application/dicom+json"
DICOM_XML = "application/dicom+xml"
MULTIPART_XML = 'multipart/related; type="application/dicom+xml"'


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the service base URL, without the query
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    base_url: str  # the service base URL as this request reached it (http://host:port/dicomweb)

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.raw_query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    omit_length: bool = False  # fault switches only: send neither Content-Length nor Transfer-Encoding

    def with_header(self, name: str, value: str) -> "Reply":
        self.headers.append((name, value))
        return self

    def warn(self, base_url: str, text: str) -> "Reply":
        """RFC 7234 §5.5 as PS3.18 writes it: Warning: 299 <service>: <text> (§8.3.4.2)."""
        return self.with_header("Warning", f"299 {base_url}: {text}")


def empty(status: int) -> Reply:
    return Reply(status)


def json_reply(status: int, doc: Any, media_type: str = DICOM_JSON) -> Reply:
    return Reply(status, [("Content-Type", media_type)], json.dumps(doc).encode("utf-8"))


def accepts(request: Request) -> list[str]:
    """The media ranges of the Accept header, parameters kept, q=0 dropped (RFC 7231 §5.3.2)."""
    raw = request.header("accept")
    if not raw:
        return ["*/*"]
    out = []
    for item in _split_commas(raw):
        params = [p.strip() for p in item.split(";")]
        if any(p.replace(" ", "").lower() in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params[1:]):
            continue
        out.append(";".join(p for p in params if not p.lower().startswith("q=")))
    return out


def _split_commas(value: str) -> list[str]:
    parts, current, quoted = [], "", False
    for char in value:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [p for p in parts + [current.strip()] if p]


def choose(request: Request, offers: dict[str, str]) -> str | None:
    """The first offered representation the Accept header allows; offers: name -> media range it answers to.
    A range with a type parameter matches only that type (multipart/related; type=...)."""
    for wanted in accepts(request):
        main, _, params = wanted.partition(";")
        main = main.strip().lower()
        wanted_type = _param(params, "type")
        for name, offer in offers.items():
            o_main, _, o_params = offer.partition(";")
            if main in ("*/*", o_main.lower()) or (main.endswith("/*") and o_main.lower().startswith(main[:-1])):
                if main == o_main.lower() and (wanted_type or "") != (_param(o_params, "type") or ""):
                    continue
                return name
    return None


def _param(params: str, name: str) -> str | None:
    for p in params.split(";"):
        key, _, value = p.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"').lower()
    return None


def content_type(request: Request) -> tuple[str, dict[str, str]]:
    raw = request.header("content-type") or ""
    main, _, params = raw.partition(";")
    found = {}
    for p in params.split(";"):
        key, _, value = p.partition("=")
        if key.strip():
            found[key.strip().lower()] = value.strip().strip('"')
    return main.strip().lower(), found
