"""Streaming multipart push parser (RFC 2046 §5.1.1 framing, as used by RFC 2387 multipart/related).

The body is scanned with ``bytes.find`` for ``LF "--" boundary``; a hit preceded by CR is a
delimiter, anything else is data. Between feeds only a tail of ``len(delimiter) + 1`` bytes is
kept, so memory stays bounded however large the parts are.
"""

from __future__ import annotations

import re

from conformance.multipart.errors import MultipartError
from conformance.multipart.events import Event, PartData, PartEnd, PartStart
from conformance.multipart.headers import PartHeaders, parse_header_line
from conformance.multipart.media_type import check_boundary

_PADDING_RE = re.compile(rb"[ \t]*")  # RFC 2046 transport-padding (LWSP after a boundary)
_CR, _LF, _DASH = 0x0D, 0x0A, 0x2D

# Reader states.
_PREAMBLE, _DELIMITER, _HEADERS, _BODY, _CLOSE, _EPILOGUE = range(6)


class MultipartReader:
    """Push parser: ``feed(chunk)`` returns events; ``close()`` checks the end of the body.

    Part bodies are emitted as ``PartData`` pieces and never accumulated. When a framing error
    is found after some events were produced in the same ``feed()`` call, those events are
    returned first and the error is raised by the next ``feed()`` or ``close()``; once an
    error has been raised, every later call raises it again.
    """

    def __init__(self, boundary: str, *, max_header_bytes: int = 16384, max_preamble_bytes: int = 1 << 20) -> None:
        check_boundary(boundary, strict=False)
        self._dash_boundary = b"--" + boundary.encode("ascii")
        self._dash_text = repr("--" + boundary)  # for messages
        self._close_text = repr("--" + boundary + "--")
        self._lf_delimiter = b"\n" + self._dash_boundary  # what we search for; a real one has CR before it
        self._keep = len(self._lf_delimiter) + 1  # enough tail to see a split delimiter and its CR
        self._max_header_bytes = max_header_bytes
        self._max_preamble_bytes = max_preamble_bytes
        self._buf = b""
        self._base = 0  # absolute body offset of self._buf[0]
        self._state = _PREAMBLE
        self._checked_start = False
        self._index = -1
        self._part_size = 0
        self._body_offset: int | None = None
        self._at_line_start = False
        self._delimiter_offset = 0
        self._header_lines: list[bytes] = []
        self._header_fields: list[tuple[str, str]] = []
        self._header_size = 0
        self._line_cache: dict[bytes, tuple[str, str]] = {}
        self._bare_lf_at: int | None = None  # first LF "--boundary" without CR since the last delimiter
        self._error: MultipartError | None = None
        self._closed = False
        # Framing facts that RFC 2046 allows but PS3.18 §8.6.1.2.1's stricter grammar does not show.
        self._opening_offset: int | None = None
        self._close_end: int | None = None
        self._padding_seen = False

    @property
    def bytes_fed(self) -> int:
        """Total number of body bytes fed so far."""
        return self._base + len(self._buf)

    @property
    def body_offset(self) -> int | None:
        """Absolute offset where the current (or last) part's body starts."""
        return self._body_offset

    @property
    def opening_delimiter_offset(self) -> int | None:
        """Offset of the first "--boundary"; greater than 0 means the body had a preamble."""
        return self._opening_offset

    @property
    def transport_padding_seen(self) -> bool:
        """Whether spaces or tabs followed any delimiter (RFC 2046 transport padding)."""
        return self._padding_seen

    @property
    def bytes_after_close_delimiter(self) -> int | None:
        """Bytes fed after "--boundary--" (line end, padding and epilogue); None before it."""
        return None if self._close_end is None else self.bytes_fed - self._close_end

    def feed(self, chunk: bytes) -> list[Event]:
        if self._closed:
            raise RuntimeError("MultipartReader.feed() called after close()")
        if self._error is not None:
            raise self._error
        if not chunk:
            return []
        if self._state == _EPILOGUE:  # RFC 2046: the epilogue is ignored
            self._base += len(chunk)
            return []
        buf = self._buf + chunk if self._buf else bytes(chunk)
        events: list[Event] = []
        try:
            pos = self._run(buf, events)
        except MultipartError as error:
            self._error = error
            if not events:
                raise
            return events  # deliver the good events first; the error comes with the next call
        self._buf = buf[pos:]
        self._base += pos
        return events

    def close(self) -> list[Event]:
        """Check that the body ended after the close delimiter; raise MultipartError if not."""
        if self._error is None and not self._closed:
            self._error = self._end_of_body_error()
        self._closed = True
        if self._error is not None:
            raise self._error
        return []

    def _end_of_body_error(self) -> MultipartError | None:
        end = self._base + len(self._buf)
        rest = self._buf
        state = self._state
        if state == _EPILOGUE:
            return None
        if state == _CLOSE:
            padding = _PADDING_RE.match(rest)
            if padding is not None and padding.end() == len(rest):
                return None
            return MultipartError("close delimiter line ends with CR without LF", end)
        if state == _PREAMBLE:
            if end == 0:
                return MultipartError(f"body is empty; expected the opening delimiter {self._dash_text}", 0)
            return MultipartError(
                f"no opening delimiter found: the body neither starts with {self._dash_text} nor contains "
                f"CRLF {self._dash_text}{self._bare_lf_hint()}",
                end,
            )
        if state == _DELIMITER:
            return MultipartError(
                f"stream ended right after the delimiter at offset {self._delimiter_offset}; "
                "expected CRLF or '--' (close delimiter)",
                end,
            )
        if state == _HEADERS:
            hint = ""
            if rest.startswith(self._dash_boundary):
                hint = "; its first line looks like a delimiter, but a part needs an empty line (CRLF) first"
            return MultipartError(f"stream ended inside the header block of part {self._index}{hint}", end)
        return MultipartError(
            f"missing close delimiter: stream ended inside the body of part {self._index} after "
            f"{self._part_size + len(rest)} bytes of its body{self._bare_lf_hint()}",
            end,
        )

    def _bare_lf_hint(self) -> str:
        if self._bare_lf_at is None:
            return ""
        return (
            f"; a LF {self._dash_text} without CR was seen at offset {self._bare_lf_at}: "
            "LF was used where CRLF is required (RFC 2046 §5.1.1)"
        )

    def _run(self, buf: bytes, events: list[Event]) -> int:
        """Advance through ``buf`` as far as possible; return the first unconsumed position."""
        pos, more = 0, True
        while more:
            state = self._state
            if state == _BODY:
                pos, more = self._step_body(buf, pos, events)
            elif state == _DELIMITER:
                pos, more = self._step_delimiter(buf, pos)
            elif state == _HEADERS:
                pos, more = self._step_headers(buf, pos, events)
            elif state == _PREAMBLE:
                pos, more = self._step_preamble(buf, pos)
            elif state == _CLOSE:
                pos, more = self._step_close(buf, pos)
            else:
                pos, more = len(buf), False
        return pos

    def _find_delimiter(self, buf: bytes, start: int) -> int:
        """Index of the CR of the first CRLF "--boundary" at or after ``start``, or -1."""
        needle = self._lf_delimiter
        search = start
        while True:
            hit = buf.find(needle, search)
            if hit < 0:
                return -1
            if hit > start and buf[hit - 1] == _CR:
                return hit - 1
            if self._bare_lf_at is None:
                self._bare_lf_at = self._base + hit
            search = hit + 1

    def _found_delimiter(self, dash_at: int) -> tuple[int, bool]:
        self._state = _DELIMITER
        self._delimiter_offset = self._base + dash_at
        if self._opening_offset is None:
            self._opening_offset = self._delimiter_offset
        self._bare_lf_at = None
        return dash_at + len(self._dash_boundary), True

    def _step_preamble(self, buf: bytes, pos: int) -> tuple[int, bool]:
        dash_boundary = self._dash_boundary
        if not self._checked_start:  # only the very first delimiter may lack the leading CRLF
            if buf.startswith(dash_boundary, pos):
                self._checked_start = True
                return self._found_delimiter(pos)
            if len(buf) - pos < len(dash_boundary) and dash_boundary.startswith(buf[pos:]):
                return pos, False
            self._checked_start = True
        cr_at = self._find_delimiter(buf, pos)
        preamble_end = self._base + (cr_at if cr_at >= 0 else max(pos, len(buf) - self._keep))
        if preamble_end > self._max_preamble_bytes:
            raise MultipartError(
                f"no opening delimiter {self._dash_text} within the first {self._max_preamble_bytes} bytes "
                "(wrong boundary, or preamble too long)",
                self._max_preamble_bytes,
            )
        if cr_at < 0:
            return max(pos, len(buf) - self._keep), False
        return self._found_delimiter(cr_at + 2)

    def _step_delimiter(self, buf: bytes, pos: int) -> tuple[int, bool]:
        """After "--boundary": "--" closes, else transport padding then CRLF opens a part."""
        size = len(buf)
        if size - pos < 2 and (size == pos or buf[pos] == _DASH):
            return pos, False
        if buf.startswith(b"--", pos):
            if self._index < 0:
                raise MultipartError(
                    "close delimiter comes before any part; a multipart body needs at least one part (RFC 2046 §5.1.1)",
                    self._base + pos,
                )
            self._state = _CLOSE
            self._close_end = self._base + pos + 2
            return pos + 2, True
        after = _PADDING_RE.match(buf, pos).end()  # type: ignore[union-attr]
        self._check_padding_length(after - pos, pos)
        if after == size or (buf[after] == _CR and after + 1 == size):
            return pos, False
        if buf[after] == _CR and buf[after + 1] == _LF:
            self._padding_seen = self._padding_seen or after > pos
            self._index += 1
            self._state = _HEADERS
            self._header_lines = []
            self._header_fields = []
            self._header_size = 0
            return after + 2, True
        what = f"delimiter {self._dash_text} at offset {self._delimiter_offset}"
        raise self._bad_line_end(buf, after, what, may_close=True)

    def _step_close(self, buf: bytes, pos: int) -> tuple[int, bool]:
        """After "--boundary--": transport padding, then end of body or CRLF and the epilogue."""
        size = len(buf)
        after = _PADDING_RE.match(buf, pos).end()  # type: ignore[union-attr]
        self._check_padding_length(after - pos, pos)
        self._padding_seen = self._padding_seen or after > pos
        if after == size or (buf[after] == _CR and after + 1 == size):
            return pos, False
        if buf[after] == _CR and buf[after + 1] == _LF:
            self._state = _EPILOGUE
            return size, False
        raise self._bad_line_end(buf, after, f"close delimiter {self._close_text}", may_close=False)

    def _check_padding_length(self, length: int, pos: int) -> None:
        if length > self._max_header_bytes:
            raise MultipartError(f"transport padding after a delimiter exceeds {self._max_header_bytes} bytes", self._base + pos)

    def _bad_line_end(self, buf: bytes, at: int, what: str, *, may_close: bool) -> MultipartError:
        offset = self._base + at
        if buf[at] == _LF:
            return MultipartError(f"{what} ends its line with a bare LF; CRLF is required (RFC 2046 §5.1.1)", offset)
        if buf[at] == _CR:
            return MultipartError(f"{what} is followed by CR without LF", offset)
        return MultipartError(
            f"{what} is followed by {buf[at:at + 1]!r}; expected optional spaces/tabs and CRLF"
            + (", or '--' for the close delimiter" if may_close else "")
            + " (a line that starts with the boundary is always a delimiter, RFC 2046 §5.1.1)",
            offset,
        )

    def _step_headers(self, buf: bytes, pos: int, events: list[Event]) -> tuple[int, bool]:
        """Consume CRLF-terminated header lines up to the empty line that ends the block."""
        if not self._header_lines:
            fast = self._whole_header_block(buf, pos, events)
            if fast >= 0:
                return fast, True
        while True:
            lf = buf.find(b"\n", pos)
            if lf < 0:
                if self._header_size + len(buf) - pos > self._max_header_bytes:
                    raise self._header_block_too_large(pos)
                return pos, False
            self._header_size += lf + 1 - pos
            if self._header_size > self._max_header_bytes:
                raise self._header_block_too_large(pos)
            if lf == pos or buf[lf - 1] != _CR:
                raise MultipartError(
                    f"header block of part {self._index} has a line ending in a bare LF; CRLF is required "
                    "(RFC 2046 §5.1.1)",
                    self._base + lf,
                )
            if lf == pos + 1:  # the empty line: headers are complete
                headers = PartHeaders(b"".join(self._header_lines), tuple(self._header_fields))
                return self._start_body(headers, lf + 1, events), True
            self._header_fields.append(self._parse_line(buf[pos : lf - 1], pos))
            self._header_lines.append(buf[pos : lf + 1])
            pos = lf + 1

    def _whole_header_block(self, buf: bytes, pos: int, events: list[Event]) -> int:
        """Fast path when the whole block is in ``buf`` with clean CRLFs; -1 defers to the slow path."""
        if buf.startswith(b"\r\n", pos) and self._max_header_bytes >= 2:
            return self._start_body(PartHeaders(b"", ()), pos + 2, events)
        end = buf.find(b"\r\n\r\n", pos, pos + self._max_header_bytes)
        if end < 0:
            return -1
        raw = buf[pos : end + 2]
        if raw.count(b"\n") != raw.count(b"\r\n"):
            return -1  # a bare LF: the line-by-line path reports exactly where
        fields = []
        line_at = pos
        for line in buf[pos:end].split(b"\r\n"):
            fields.append(self._parse_line(line, line_at))
            line_at += len(line) + 2
        return self._start_body(PartHeaders(raw, tuple(fields)), end + 4, events)

    def _parse_line(self, line: bytes, pos: int) -> tuple[str, str]:
        # Parts of one response tend to repeat header lines (Content-Type), so remember a few.
        cache = self._line_cache
        parsed = cache.get(line)
        if parsed is None:
            parsed = parse_header_line(line, self._base + pos, self._index)
            if len(cache) >= 64:
                cache.clear()
            cache[line] = parsed
        return parsed

    def _start_body(self, headers: PartHeaders, body_at: int, events: list[Event]) -> int:
        events.append(PartStart(self._index, headers, self._base + body_at))
        self._state = _BODY
        self._at_line_start = True
        self._part_size = 0
        self._body_offset = self._base + body_at
        return body_at

    def _header_block_too_large(self, pos: int) -> MultipartError:
        return MultipartError(
            f"header block of part {self._index} is not terminated within max_header_bytes={self._max_header_bytes}",
            self._base + pos,
        )

    def _step_body(self, buf: bytes, pos: int, events: list[Event]) -> tuple[int, bool]:
        index = self._index
        if self._at_line_start:
            # The body's first line starts right after the header block's final CRLF, so a
            # "--boundary" here is a delimiter sharing that CRLF: an empty body.
            dash_boundary = self._dash_boundary
            if len(buf) - pos < len(dash_boundary) and dash_boundary.startswith(buf[pos:]):
                return pos, False
            self._at_line_start = False
            if buf.startswith(dash_boundary, pos):
                events.append(PartEnd(index, 0))
                return self._found_delimiter(pos)
        cr_at = self._find_delimiter(buf, pos)
        if cr_at < 0:
            cut = len(buf) - self._keep
            if cut > pos:
                events.append(PartData(index, buf[pos:cut]))
                self._part_size += cut - pos
                return cut, False
            return pos, False
        if cr_at > pos:
            events.append(PartData(index, buf[pos:cr_at]))
            self._part_size += cr_at - pos
        events.append(PartEnd(index, self._part_size))
        return self._found_delimiter(cr_at + 2)
