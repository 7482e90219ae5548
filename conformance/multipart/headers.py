"""A part's header block: one field per CRLF-terminated line (RFC 2046 §5.1.1, RFC 9112 §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conformance.multipart.errors import MultipartError
from conformance.multipart.media_type import ContentType

_FIELD_NAME_RE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §5.5: a field value holds no control bytes other than HTAB.
CONTROL_BYTE_RE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class PartHeaders:
    """The header block of one part.

    ``raw`` is the block as received (each header line with its CRLF, without the empty line that
    ends the block), so a part without headers has ``raw == b""``. ``headers`` keeps the order
    and the names as sent; values are latin-1 decoded with surrounding whitespace removed.
    """

    raw: bytes
    headers: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for field_name, value in self.headers:
            if field_name.lower() == wanted:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order."""
        wanted = name.lower()
        return [value for field_name, value in self.headers if field_name.lower() == wanted]

    @property
    def content_type(self) -> ContentType | None:
        """The parsed Content-Type, None if absent; ``ValueError`` if it is malformed."""
        value = self.get("content-type")
        return None if value is None else ContentType.parse(value)


def parse_header_line(line: bytes, offset: int, part_index: int) -> tuple[str, str]:
    """Split one header line (without its CRLF) into name and value, or raise MultipartError."""
    where = f"part {part_index} header line {line[:40]!r}"
    if line[:1] in (b" ", b"\t"):
        raise MultipartError(
            f"{where} starts with whitespace: obsolete line folding is not accepted (RFC 9112 §5.2)", offset
        )
    colon = line.find(b":")
    if colon < 0:
        hint = ""
        if line.startswith(b"--"):
            hint = "; it looks like a delimiter, but a part needs an empty line (CRLF) before its first delimiter"
        raise MultipartError(f"malformed {where}: no colon{hint}", offset)
    name = line[:colon]
    if _FIELD_NAME_RE.fullmatch(name) is None:
        if name.rstrip(b" \t") != name:
            reason = "has whitespace between the field name and the colon (RFC 9112 §5.1)"
        elif not name:
            reason = "has an empty field name"
        else:
            reason = "has a field name that is not a token (RFC 9110 §5.1)"
        raise MultipartError(f"malformed {where}: it {reason}", offset)
    value = line[colon + 1 :].strip(b" \t")
    bad = CONTROL_BYTE_RE.search(line, colon + 1)
    if bad is not None:
        byte = line[bad.start()]
        what = "a bare CR (CR must be followed by LF)" if byte == 0x0D else f"control byte 0x{byte:02x}"
        raise MultipartError(f"{where} contains {what} in its value", offset + bad.start())
    return name.decode("ascii"), value.decode("latin-1")
