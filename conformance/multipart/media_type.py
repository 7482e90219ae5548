"""Media types (RFC 9110 §8.3.1, parameters §5.6.6) and multipart boundaries (RFC 2046 §5.1.1).

``strict=True`` (the default) follows the grammar exactly. ``strict=False`` exists so the harness
can still read a response whose Content-Type is slightly off (for example the common unquoted
``type=application/dicom``) after a separate check has reported the violation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN_CHARS = r"!#$%&'*+\-.^_`|~0-9A-Za-z"
_TOKEN_RE = re.compile(f"[{_TOKEN_CHARS}]+")
_MEDIA_TYPE_RE = re.compile(f"([{_TOKEN_CHARS}]+)/([{_TOKEN_CHARS}]+)")
_OWS_RE = re.compile(r"[ \t]*")
# RFC 9110 §5.6.4: qdtext and quoted-pair; obs-text is \x80-\xff once the header was latin-1 decoded.
_QUOTED_RE = re.compile(r'"((?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*)"')
_QUOTED_PAIR_RE = re.compile(r"\\(.)", re.DOTALL)
# Lenient unquoted value: anything visible up to the next ';' (no quotes, no whitespace).
_LENIENT_VALUE_RE = re.compile(r'[\x21\x23-\x3a\x3c-\x7e\x80-\xff]+')

# RFC 2046 §5.1.1: bcharsnospace, plus space (which may not be the last character).
_BCHARS_NOSPACE = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?")
_BCHARS = _BCHARS_NOSPACE | {" "}
MAX_BOUNDARY_LENGTH = 70


def is_token(text: str) -> bool:
    return _TOKEN_RE.fullmatch(text) is not None


def format_parameter(name: str, value: str) -> str:
    """``name=value``, quoting the value when it is not a token (RFC 9110 §5.6.6)."""
    if is_token(value):
        return f"{name}={value}"
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'{name}="{escaped}"'


@dataclass(frozen=True)
class ContentType:
    """A parsed media type: lower-case ``type/subtype`` and its parameters."""

    media_type: str
    # Excluded from hashing because dicts are unhashable; equality still compares them.
    params: dict[str, str] = field(default_factory=dict, hash=False)

    @classmethod
    def parse(cls, value: str, *, strict: bool = True) -> ContentType:
        """Parse a Content-Type value; raise ``ValueError`` saying what is wrong and where."""
        if not isinstance(value, str):
            raise ValueError(f"Content-Type must be a str, got {type(value).__name__}")
        pos = _skip_ows(value, 0)
        match = _MEDIA_TYPE_RE.match(value, pos)
        if match is None:
            raise ValueError(f"Content-Type {value!r}: expected 'type/subtype' made of token characters (RFC 9110 §8.3.1)")
        media_type = match.group(0).lower()
        params: dict[str, str] = {}
        pos = match.end()
        while True:
            pos = _skip_ows(value, pos)
            if pos == len(value):
                return cls(media_type, params)
            if value[pos] != ";":
                raise ValueError(f"Content-Type {value!r}: expected ';' at position {pos}, found {value[pos]!r}")
            pos = _skip_ows(value, pos + 1)
            if pos == len(value) or value[pos] == ";":
                continue  # empty parameters are allowed by RFC 9110 §5.6.6
            name, param_value, pos = _parse_parameter(value, pos, strict=strict)
            if name in params:
                raise ValueError(f"Content-Type {value!r}: parameter {name!r} appears more than once")
            params[name] = param_value

    def __str__(self) -> str:
        return "; ".join([self.media_type, *(format_parameter(k, v) for k, v in self.params.items())])


def _skip_ows(text: str, pos: int) -> int:
    match = _OWS_RE.match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _parse_parameter(value: str, pos: int, *, strict: bool) -> tuple[str, str, int]:
    name_match = _TOKEN_RE.match(value, pos)
    if name_match is None:
        raise ValueError(f"Content-Type {value!r}: expected a parameter name at position {pos}, found {value[pos]!r}")
    name = name_match.group(0).lower()
    pos = name_match.end()
    if not strict:
        pos = _skip_ows(value, pos)
    if value[pos : pos + 1] != "=":
        hint = " (whitespace around '=' is not allowed, RFC 9110 §5.6.6)" if value[pos : pos + 1] in (" ", "\t") else ""
        raise ValueError(f"Content-Type {value!r}: parameter {name!r} is not followed by '='{hint}")
    pos += 1
    if not strict:
        pos = _skip_ows(value, pos)
    if value.startswith('"', pos):
        quoted = _QUOTED_RE.match(value, pos)
        if quoted is None:
            raise ValueError(f"Content-Type {value!r}: parameter {name!r} has an unterminated or invalid quoted-string")
        return name, _QUOTED_PAIR_RE.sub(r"\1", quoted.group(1)), quoted.end()
    bare = (_TOKEN_RE if strict else _LENIENT_VALUE_RE).match(value, pos)
    if bare is None:
        raise ValueError(f"Content-Type {value!r}: parameter {name!r} has an empty or invalid value")
    end = bare.end()
    if strict and end < len(value) and value[end] not in " \t;":
        raise ValueError(
            f"Content-Type {value!r}: value of parameter {name!r} contains {value[end]!r}, which is not a token "
            "character, so the value must be a quoted-string (RFC 9110 §5.6.6)"
        )
    return name, bare.group(0), end


def check_boundary(boundary: str, *, strict: bool = True) -> str:
    """Return ``boundary`` if valid; raise ``ValueError`` naming the rule it breaks.

    Strict: 1-70 characters from RFC 2046 bchars, not ending in a space. Lenient: any non-empty
    run of printable ASCII (what a reader can still work with).
    """
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart boundary is empty; RFC 2046 §5.1.1 requires 1-70 characters")
    if not strict:
        bad = next((c for c in boundary if not " " <= c <= "~"), None)
        if bad is not None:
            raise ValueError(f"multipart boundary {boundary!r} contains {bad!r}; only printable ASCII can be matched")
        return boundary
    if len(boundary) > MAX_BOUNDARY_LENGTH:
        raise ValueError(f"multipart boundary is {len(boundary)} characters long; RFC 2046 §5.1.1 allows at most 70")
    bad = next((c for c in boundary if c not in _BCHARS), None)
    if bad is not None:
        raise ValueError(f"multipart boundary {boundary!r} contains {bad!r}, which is not in RFC 2046 §5.1.1 bchars")
    if boundary.endswith(" "):
        raise ValueError(f"multipart boundary {boundary!r} ends with a space, which RFC 2046 §5.1.1 forbids")
    return boundary


def boundary_of(content_type: str, *, strict: bool = True) -> str:
    """The boundary parameter of a multipart Content-Type value; ``ValueError`` says why not."""
    parsed = ContentType.parse(content_type, strict=strict)
    if not parsed.media_type.startswith("multipart/"):
        raise ValueError(f"Content-Type {content_type!r} is {parsed.media_type!r}, not multipart/*, so it has no boundary")
    boundary = parsed.params.get("boundary")
    if boundary is None:
        raise ValueError(f"Content-Type {content_type!r} has no boundary parameter (required by RFC 2046 §5.1.1)")
    return check_boundary(boundary, strict=strict)
