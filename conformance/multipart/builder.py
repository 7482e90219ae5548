"""Build a multipart/related body (RFC 2387) for requests such as STOW-RS."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping

from conformance.multipart.headers import CONTROL_BYTE_RE
from conformance.multipart.media_type import ContentType, check_boundary, format_parameter, is_token


def build_related(
    parts: Iterable[tuple[Mapping[str, str], bytes]],
    *,
    boundary: str | None = None,
    type_: str | None = None,
    start: str | None = None,
) -> tuple[str, bytes]:
    """Return ``(content_type_header_value, body)`` for a multipart/related message.

    ``type_`` defaults to the media type of the root part (the part whose Content-ID equals
    ``start``, else the first part); RFC 2387 §3.1 makes the type parameter mandatory, so a
    root without Content-Type needs an explicit ``type_``. The default boundary is random and
    checked not to occur in any part. Invalid headers or boundaries raise ``ValueError``.
    """
    materialized = [(dict(headers), bytes(body)) for headers, body in parts]
    if not materialized:
        raise ValueError("multipart/related needs at least one part (RFC 2046 §5.1.1)")
    encoded = [(_encode_headers(headers, index), body) for index, (headers, body) in enumerate(materialized)]
    if boundary is None:
        boundary = _fresh_boundary(encoded)
    else:
        check_boundary(boundary)
        dash = b"--" + boundary.encode("ascii")
        for index, (head, body) in enumerate(encoded):
            if dash in head or dash in body:
                raise ValueError(f"boundary {boundary!r} occurs in part {index}; choose another")
    if type_ is None:
        type_ = _root_media_type(materialized, start)
    params = [format_parameter("type", type_)]
    if start is not None:
        params.append(format_parameter("start", start))
    params.append(format_parameter("boundary", boundary))
    content_type = "; ".join(["multipart/related", *params])

    dash_line = b"--" + boundary.encode("ascii")
    pieces: list[bytes] = []
    for head, body in encoded:
        pieces += [dash_line, b"\r\n", head, b"\r\n", body, b"\r\n"]
    pieces += [dash_line, b"--\r\n"]
    return content_type, b"".join(pieces)


def _encode_headers(headers: Mapping[str, str], index: int) -> bytes:
    lines: list[bytes] = []
    for name, value in headers.items():
        if not is_token(name):
            raise ValueError(f"part {index}: header name {name!r} is not a token (RFC 9110 §5.1)")
        try:
            raw_value = value.strip(" \t").encode("latin-1")
        except UnicodeEncodeError as error:
            raise ValueError(f"part {index}: header {name!r} has a value that is not latin-1: {error}") from None
        if CONTROL_BYTE_RE.search(raw_value):
            raise ValueError(f"part {index}: header {name!r} value contains CR, LF or another control character")
        lines.append(name.encode("ascii") + b": " + raw_value + b"\r\n")
    return b"".join(lines)


def _fresh_boundary(encoded: list[tuple[bytes, bytes]]) -> str:
    while True:  # a 128-bit random boundary practically never collides; loop for certainty
        boundary = "conformance-" + secrets.token_hex(16)
        dash = b"--" + boundary.encode("ascii")
        if not any(dash in head or dash in body for head, body in encoded):
            return boundary


def _root_media_type(parts: list[tuple[dict[str, str], bytes]], start: str | None) -> str:
    root = parts[0][0]
    if start is not None:
        root = next((h for h, _ in parts if _header(h, "content-id") == start), root)
    value = _header(root, "content-type")
    if value is None:
        raise ValueError("type_ is required when the root part has no Content-Type (RFC 2387 §3.1)")
    return ContentType.parse(value).media_type


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)
