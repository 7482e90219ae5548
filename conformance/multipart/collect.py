"""Convenience API: whole parts collected from a chunk stream."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from conformance.multipart.errors import MultipartError
from conformance.multipart.events import Event, Part, PartData, PartEnd, PartStart
from conformance.multipart.headers import PartHeaders
from conformance.multipart.reader import MultipartReader


def iter_parts(
    chunks: Iterable[bytes],
    boundary: str,
    *,
    max_part_bytes: int = 512 << 20,
    max_header_bytes: int = 16384,
    max_preamble_bytes: int = 1 << 20,
) -> Iterator[Part]:
    """Yield each part with its whole body; raise MultipartError on bad framing or a part over
    ``max_part_bytes``. Parts completed before an error are yielded before it is raised."""
    reader = MultipartReader(boundary, max_header_bytes=max_header_bytes, max_preamble_bytes=max_preamble_bytes)
    collector = _Collector(reader, max_part_bytes)
    for chunk in chunks:
        yield from collector.take(reader.feed(chunk))
    yield from collector.take(reader.close())


class _Collector:
    """Turns reader events into Parts, holding at most one part's body."""

    def __init__(self, reader: MultipartReader, max_part_bytes: int) -> None:
        self._reader = reader
        self._max_part_bytes = max_part_bytes
        self._headers = PartHeaders(b"", ())
        self._pieces: list[bytes] = []
        self._size = 0

    def take(self, events: list[Event]) -> list[Part]:
        parts: list[Part] = []
        for event in events:
            if type(event) is PartData:
                self._size += len(event.data)
                if self._size > self._max_part_bytes:
                    start = self._reader.body_offset or 0
                    raise MultipartError(
                        f"part {event.index} is larger than max_part_bytes={self._max_part_bytes}",
                        start + self._max_part_bytes,
                    )
                self._pieces.append(event.data)
            elif type(event) is PartStart:
                self._headers, self._pieces, self._size = event.headers, [], 0
            elif type(event) is PartEnd:
                parts.append(Part(event.index, self._headers, b"".join(self._pieces)))
                self._pieces = []
        return parts
