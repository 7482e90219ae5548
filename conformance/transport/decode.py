"""Decoding a Content-Encoding piece by piece, so a small compressed body cannot expand
into gigabytes in one step (a "zip bomb"): output comes in bounded slices, and the caller
checks its size and deadline limits between them."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

import httpx

SLICE = 1 << 20


class BoundedInflater:
    """gzip / deflate (zlib-wrapped, or raw as some servers send it) in slices of at most SLICE bytes."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._d.decompress(data, SLICE)
        except zlib.error:
            if self._gzip or self._started:
                raise
            # "deflate" without the zlib wrapper: retry the same bytes as raw deflate
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._d.decompress(data, SLICE)
        self._started = True
        while True:
            if out:
                yield out
            if not self._d.unconsumed_tail:
                return
            out = self._d.decompress(self._d.unconsumed_tail, SLICE)

    def flush(self) -> bytes:
        return self._d.flush()


def decoded_chunks(resp: httpx.Response) -> Iterable[bytes]:
    """The body, decoded; gzip and deflate in bounded slices, other codings by httpx."""
    if hasattr(resp, "_content"):
        # Already read into memory (responses built in full, e.g. by test transports): httpx decoded it.
        yield from resp.iter_bytes()
        return
    encoding = (resp.headers.get("content-encoding") or "").strip().lower()
    if encoding in ("", "identity"):
        yield from resp.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        yield from resp.iter_bytes()  # br, zstd, stacked codings: httpx's decoders
        return
    inflater = BoundedInflater(encoding)
    try:
        for raw in resp.iter_raw():
            yield from inflater.feed(raw)
        tail = inflater.flush()
    except zlib.error as exc:
        raise httpx.DecodingError(f"{encoding}: {exc}") from None
    if tail:
        yield tail
