"""Query strings built by the harness, byte for byte.

httpx's ``params=`` encodes by its own rules; DICOMweb defines its own
(PS3.18 §8.3.1, §8.3.4.1): a qp-value is made of RFC 3986 unreserved characters,
percent-encodings and the qp-special characters ``! $ ' ( ) * + ; : @ / ?``;
everything else (``^``, ``,`` inside a value, ``#``, ``[``, ``]``, ``&``, ``=``,
space, non-ASCII) is percent-encoded. Commas separate list items.

Policies:
- ``minimal``: what a conforming user agent sends (the rules above; ``+`` is
  encoded too, so no server can mistake it for a form-encoded space).
- ``encode-unreserved``: additionally encode every unreserved character. RFC 3986
  §2.3 makes such URIs equivalent, so a server must answer them identically.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from urllib.parse import quote, unquote

Encoding = Literal["minimal", "encode-unreserved"]
QueryValue = str | tuple[str, ...]

_QP_SPECIAL = "!$'()*;:@/?"  # '+' left out on purpose: see the module docstring
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def encode_component(text: str, encoding: Encoding = "minimal") -> str:
    encoded = quote(text, safe=_QP_SPECIAL, encoding="utf-8")
    if encoding == "encode-unreserved":
        encoded = "".join(f"%{ord(c):02X}" if c in _UNRESERVED else c for c in encoded_chars(encoded))
    return encoded


def encoded_chars(encoded: str) -> Iterable[str]:
    """Split an encoded string into characters and whole %XX triplets."""
    i = 0
    while i < len(encoded):
        if encoded[i] == "%":
            yield encoded[i:i + 3]
            i += 3
        else:
            yield encoded[i]
            i += 1


def encode_value(value: QueryValue, encoding: Encoding = "minimal") -> str:
    if isinstance(value, tuple):
        return ",".join(encode_component(v, encoding) for v in value)  # the list separator stays raw
    return encode_component(value, encoding)


def build_query(pairs: Iterable[tuple[str, QueryValue]], encoding: Encoding = "minimal") -> str:
    # Parameter names are qp-names (letters, digits, '_'): never encoded, so the name itself is what is tested.
    return "&".join(f"{k}={encode_value(v, encoding)}" for k, v in pairs)


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
