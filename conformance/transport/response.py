"""A response whose body was streamed to a spool: bounded memory, many readers.

The body is read from the socket once and spooled (memory up to a threshold,
then a temporary file); checks then re-read it as often as they need. Nothing
holds a whole large retrieve in memory.
"""

from __future__ import annotations

import gc
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, BinaryIO

from ..multipart import (ContentType, MultipartError, MultipartReader, Part, PartData, PartEnd, PartHeaders, PartStart,
                         boundary_of)

SPOOL_MEMORY = 8 << 20
READ_CHUNK = 1 << 20
MAX_IN_MEMORY_DOC = 512 << 20  # JSON/XML documents larger than this are refused, not parsed


def _loads_without_gc(text: str) -> Any:
    """json.loads with the cyclic GC paused: a large document is millions of new containers, none
    in a cycle, and the collector would rescan them again and again while they are built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(text)
    finally:
        if was_enabled:
            gc.enable()


class BodyFormatError(Exception):
    """The body is not what its media type says (bad JSON, bad multipart framing...)."""


@dataclass
class Response:
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    spool: BinaryIO
    size: int
    elapsed_s: float
    _json: Any = field(default=None, repr=False)
    _json_done: bool = field(default=False, repr=False)
    # Where each part's body lies in the spool, and the framing error that ended the body (if any).
    _part_index: tuple[list[tuple[int, PartHeaders, int, int]], str | None] | None = field(default=None, repr=False)

    @staticmethod
    def new_spool() -> BinaryIO:
        return tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # type: ignore[return-value]

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def header_all(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @cached_property
    def content_type(self) -> ContentType | None:
        value = self.header("content-type")
        if value is None:
            return None
        try:
            # Tolerant reading (e.g. an unquoted type=application/dicom); checks judge the syntax separately.
            return ContentType.parse(value, strict=False)
        except ValueError:
            return None

    @property
    def media_type(self) -> str | None:
        ct = self.content_type
        return ct.media_type if ct else None

    def iter_body(self, chunk: int = READ_CHUNK) -> Iterator[bytes]:
        position = 0
        while True:
            self.spool.seek(position)  # other readers of the spool may have moved it meanwhile
            block = self.spool.read(chunk)
            if not block:
                return
            position += len(block)
            yield block

    def read(self, limit: int = MAX_IN_MEMORY_DOC) -> bytes:
        if self.size > limit:
            raise BodyFormatError(f"body of {self.size} bytes is larger than the {limit} bytes the harness parses in memory")
        self.spool.seek(0)
        return self.spool.read()

    def head(self, n: int = 2048) -> bytes:
        self.spool.seek(0)
        return self.spool.read(n)

    def json(self) -> Any:
        """The body parsed as JSON (cached); BodyFormatError says precisely why not."""
        if not self._json_done:
            raw = self.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise BodyFormatError(f"body is not UTF-8 (byte {exc.start}): JSON must be UTF-8 (RFC 8259 §8.1)") from None
            if not text.strip():
                raise BodyFormatError("body is empty, expected a JSON document")
            try:
                self._json = _loads_without_gc(text)
            except json.JSONDecodeError as exc:
                raise BodyFormatError(f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
            except RecursionError:
                raise BodyFormatError("body is JSON nested too deeply to parse") from None
            self._json_done = True
        return self._json

    def boundary(self) -> str:
        value = self.header("content-type")
        if value is None:
            raise BodyFormatError("no Content-Type header, so no multipart boundary")
        try:
            return boundary_of(value, strict=False)
        except (MultipartError, ValueError) as exc:
            raise BodyFormatError(str(exc)) from None

    def parts(self, max_part_bytes: int = 1 << 30) -> Iterator[Part]:
        """Each part with its body, one at a time (only one part is in memory).

        The first complete pass parses the framing and notes where each part's body lies in the
        spool; later passes (several checks judge the same response) read the bodies straight
        from there, and end with the same framing error, if any, after the same parts.
        """
        if self._part_index is None:
            yield from self._parse_parts(max_part_bytes)
            return
        spans, error = self._part_index
        for index, headers, offset, size in spans:
            if size > max_part_bytes:
                raise BodyFormatError(f"part {index + 1} is larger than {max_part_bytes} bytes")
            self.spool.seek(offset)
            yield Part(index, headers, self.spool.read(size))
        if error is not None:
            raise BodyFormatError(error)

    def _parse_parts(self, max_part_bytes: int) -> Iterator[Part]:
        reader = MultipartReader(self.boundary())
        spans: list[tuple[int, PartHeaders, int, int]] = []
        headers: PartHeaders | None = None
        buf: list[bytes] = []
        size = offset = 0
        try:
            for chunk in self.iter_body():
                for event in reader.feed(chunk):
                    if isinstance(event, PartStart):
                        headers, buf, size, offset = event.headers, [], 0, event.body_offset
                    elif isinstance(event, PartData):
                        size += len(event.data)
                        if size > max_part_bytes:  # not noted: another pass may allow more
                            raise BodyFormatError(f"part {event.index + 1} is larger than {max_part_bytes} bytes")
                        buf.append(event.data)
                    elif isinstance(event, PartEnd) and headers is not None:
                        spans.append((event.index, headers, offset, event.size))
                        body, buf = b"".join(buf), []
                        yield Part(event.index, headers, body)
            reader.close()
        except MultipartError as exc:
            message = f"multipart framing: {exc}"
            self._part_index = (spans, message)
            raise BodyFormatError(message) from None
        self._part_index = (spans, None)

    def close(self) -> None:
        self.spool.close()
