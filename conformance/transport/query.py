"""Query strings built by the harness, byte for byte.

httpx's ``params=`` percent-encodes characters such as ``* ^ , ?`` that DICOMweb
queries carry raw; whether a server treats the raw and the encoded forms alike
is itself a test (RFC 3986 §2.1, §3.4). So the harness encodes by policy:

- ``minimal``: encode only what would change the meaning of the query or is not
  allowed in a URI at all (``% & = + #``, space, controls, non-ASCII).
- ``strict``: encode every byte that is not an RFC 3986 unreserved character.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from urllib.parse import quote, unquote

Encoding = Literal["minimal", "strict"]

# RFC 3986 sub-delims and ':' '@' '/' '?' may appear raw in a query; '&', '=' and
# '+' delimit or mean something inside application/x-www-form-urlencoded style queries.
# '^' is outside RFC 3986 but PN queries carry it raw in practice, so minimal keeps it.
_MINIMAL_SAFE = "!$'()*,;:@/?^-._~"
_STRICT_SAFE = "-._~"


def encode_component(text: str, encoding: Encoding = "minimal") -> str:
    safe = _MINIMAL_SAFE if encoding == "minimal" else _STRICT_SAFE
    return quote(text, safe=safe, encoding="utf-8")


def build_query(pairs: Iterable[tuple[str, str]], encoding: Encoding = "minimal") -> str:
    return "&".join(f"{encode_component(k, encoding)}={encode_component(v, encoding)}" for k, v in pairs)


def parse_query(raw: str) -> list[tuple[str, str]]:
    """Decode a query string into ordered pairs (repeats kept), as an origin server would."""
    out: list[tuple[str, str]] = []
    if not raw:
        return out
    for piece in raw.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        out.append((unquote(key, encoding="utf-8"), unquote(value, encoding="utf-8")))
    return out
