"""The ways the hostile server misbehaves. Each answers every request (but seeding) the same way."""

from __future__ import annotations

import os
import time
import zlib
from dataclasses import dataclass
from functools import cache

from .server import Behaviour, Peer, Received, accept_seeding, respond

JSON = [("Content-Type", "application/dicom+json")]
BOUNDARY = "hostile-boundary"
MULTIPART = [("Content-Type", f'multipart/related; type="application/dicom"; boundary={BOUNDARY}')]
NOISE = os.urandom(4096)


@dataclass(frozen=True)
class Mode:
    name: str
    summary: str
    behaviour: Behaviour
    sampled: bool = False  # each request waits out the timeout or costs real work: run on a sample of the suite
    lenient: bool = False  # a well-framed 2xx answer: a case that checks only the status line may pass
    seeding: Behaviour | None = accept_seeding
    scheme: str = "http"


def raw(data: bytes) -> Behaviour:
    """Send these bytes as the whole answer, then close."""
    def behaviour(peer: Peer, request: Received) -> None:
        peer.send(data)
    return behaviour


def answer(status: str, headers: list[tuple[str, str]], body: bytes) -> Behaviour:
    return lambda peer, request: respond(peer, status, headers, body)


def _reset(peer: Peer, request: Received) -> None:
    peer.reset()


def _silent(peer: Peer, request: Received) -> None:
    peer.hold()


def _stall_after_headers(peer: Peer, request: Received) -> None:
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 1000\r\n\r\n[")
    peer.hold()


def _truncated(peer: Peer, request: Received) -> None:
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 100000\r\n\r\n" + b"[" * 1000)


def _slow_drip_body(peer: Peer, request: Received) -> None:
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 1000000\r\n\r\n")
    peer.drip(b" " * 1_000_000, every_s=0.05)


def _slow_drip_headers(peer: Peer, request: Received) -> None:
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Drip-%d: slowly\r\n" % i for i in range(2000)) + b"\r\n"
    peer.drip(head, every_s=0.05)


def _informational_forever(peer: Peer, request: Received) -> None:
    while not peer.stopping.is_set() and peer.send(b"HTTP/1.1 102 Processing\r\n\r\n"):
        time.sleep(0.05)


def _endless_stream(peer: Peer, request: Received) -> None:
    """A chunked body that never ends, at about 32 MB/s (fast, but kind to the disk it is spooled to)."""
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % (1 << 16) + bytes(1 << 16) + b"\r\n"
    while not peer.stopping.is_set() and peer.send(chunk):
        time.sleep(0.002)


def _keepalive_junk(peer: Peer, request: Received) -> None:
    peer.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 2\r\n\r\n[]"
              b"HTTP/1.1 418 JUNK AFTER THE BODY\r\n\r\n" + NOISE[:512])


@cache
def gzip_of_zeros(megabytes: int) -> bytes:
    """Compressed a megabyte at a time, so the test never holds the inflated size itself."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: the gzip wrapper
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


def gzip_bomb(megabytes: int) -> Behaviour:
    def behaviour(peer: Peer, request: Received) -> None:
        respond(peer, "200 OK", [("Content-Type", "application/octet-stream"), ("Content-Encoding", "gzip")],
                gzip_of_zeros(megabytes))
    return behaviour


def _deep_json() -> bytes:
    return b"[" * 200_000 + b"]" * 200_000


def _part(body: bytes, headers: bytes = b"Content-Type: application/dicom") -> bytes:
    return b"--" + BOUNDARY.encode() + b"\r\n" + headers + b"\r\n\r\n" + body + b"\r\n"


CLOSE = b"--" + BOUNDARY.encode() + b"--\r\n"

MODES: tuple[Mode, ...] = (
    # a server that offers nothing: what passes here is what no hostile answer may be blamed for
    Mode("nothing-here", "answers 404 Not Found to every request", answer("404 Not Found", [("Content-Type", "text/plain")], b"no")),
    # HTTP itself
    Mode("garbage-status-line", "answers 'HELLO WORLD' instead of a status line", raw(b"HELLO WORLD\r\n\r\n")),
    Mode("empty-response", "closes the connection without sending a byte", raw(b"")),
    Mode("connection-reset", "resets the connection (TCP RST) after reading the request", _reset),
    Mode("two-digit-status", "sends 'HTTP/1.1 20 OK'", raw(b"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n")),
    Mode("unknown-status-999", "answers status 999", answer("999 Strange", [], b"")),
    Mode("header-without-colon", "sends a header line without a colon",
         raw(b"HTTP/1.1 200 OK\r\nthis is not a header\r\nContent-Length: 2\r\n\r\n[]")),
    Mode("gigantic-headers", "sends 2 MB of headers",
         raw(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(2000)) + b"\r\n")),
    Mode("only-1xx-then-close", "sends three 100 Continue and closes",
         raw(b"HTTP/1.1 100 Continue\r\n\r\n" * 3)),
    Mode("redirect-loop", "redirects every request to itself",
         lambda peer, req: respond(peer, "302 Found", [("Location", req.target)], b"")),
    # framing of the body
    Mode("truncated-body", "promises 100000 bytes, sends 1000 and closes", _truncated),
    Mode("content-length-too-short", "says Content-Length 10 and sends 2000 bytes",
         raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/dicom+json\r\nContent-Length: 10\r\n\r\n" + b"[" * 2000), lenient=True),
    Mode("length-and-chunked", "sends both Content-Length and Transfer-Encoding: chunked",
         raw(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n"),
         lenient=True),
    Mode("broken-chunked", "sends a chunk size that is not hex",
         raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n")),
    Mode("unterminated-chunked", "sends one chunk and closes without the last chunk",
         raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n")),
    Mode("gzip-lie", "says Content-Encoding: gzip for a plain body",
         answer("200 OK", [("Content-Type", "application/dicom+json"), ("Content-Encoding", "gzip")], b"[]" * 50)),
    Mode("gzip-inflates", "a gzip body of 4 KB that inflates to 4 MB of zeros", gzip_bomb(4), lenient=True),
    Mode("keepalive-junk", "follows a valid answer with junk on a kept-alive connection", _keepalive_junk, lenient=True),
    # JSON bodies
    Mode("invalid-json", "200 with a body that is not JSON", answer("200 OK", JSON, b"{not json"), lenient=True),
    Mode("json-wrong-shape", "200 with a JSON object that is not a dataset", answer("200 OK", JSON, b'{"hello": ["world"]}'), lenient=True),
    Mode("json-deep-nesting", "200 with JSON nested 200000 arrays deep", answer("200 OK", JSON, _deep_json()), lenient=True,
         sampled=True),
    Mode("json-not-utf8", "200 with a Latin-1 body labelled JSON",
         answer("200 OK", JSON, '[{"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Müller"}]}}]'.encode("latin-1")), lenient=True),
    Mode("wrong-charset-utf16", "JSON in UTF-16 labelled charset=utf-16",
         answer("200 OK", [("Content-Type", "application/dicom+json; charset=utf-16")], "[{}]".encode("utf-16")), lenient=True),
    Mode("json-nan-values", "numbers written NaN and Infinity",
         answer("200 OK", JSON, b'[{"00280010": {"vr": "US", "Value": [NaN]}, "00280011": {"vr": "US", "Value": [Infinity]}}]'), lenient=True),
    # multipart bodies
    Mode("multipart-no-close-delimiter", "a multipart body without its close delimiter",
         answer("200 OK", MULTIPART, _part(NOISE[:256])), lenient=True),
    Mode("multipart-boundary-in-data", "a part's data contains its own boundary delimiter",
         answer("200 OK", MULTIPART, _part(b"head\r\n--" + BOUNDARY.encode() + b"\r\ntail") + CLOSE), lenient=True),
    Mode("multipart-bare-lf", "delimiters and part headers end with LF only",
         answer("200 OK", MULTIPART, (b"--" + BOUNDARY.encode() + b"\nContent-Type: application/dicom\n\n" + NOISE[:64]
                                      + b"\n--" + BOUNDARY.encode() + b"--\n")), lenient=True),
    Mode("multipart-no-boundary-param", "multipart/related without a boundary parameter",
         answer("200 OK", [("Content-Type", 'multipart/related; type="application/dicom"')], _part(b"x") + CLOSE), lenient=True),
    Mode("multipart-part-without-headers", "parts without the blank line that ends their headers",
         answer("200 OK", MULTIPART, b"--" + BOUNDARY.encode() + b"\r\n" + NOISE[:300] + b"\r\n" + CLOSE), lenient=True),
    # other bodies
    Mode("image-garbage", "random bytes labelled image/jpeg", answer("200 OK", [("Content-Type", "image/jpeg")], NOISE), lenient=True),
    Mode("dicom-garbage", "random bytes labelled application/dicom", answer("200 OK", [("Content-Type", "application/dicom")], NOISE), lenient=True),
    Mode("empty-200", "200 with no body to every request", answer("200 OK", [], b""), lenient=True),
    # storing the fixture data fails too
    Mode("seeding-refused", "refuses to store anything (500 to every request)",
         answer("500 Internal Server Error", [("Content-Type", "text/plain")], b"no"), seeding=None),
    Mode("seeding-reset", "resets every connection, storing included", _reset, seeding=None),
    # TLS
    Mode("tls-to-plain-http", "the harness speaks TLS to a server that does not", answer("200 OK", [], b""), scheme="https"),
    # timing: these end only by the harness's own deadline (run on a sample of the suite)
    Mode("silent", "reads the request and never answers", _silent, sampled=True),
    Mode("stall-after-headers", "sends headers promising 1000 bytes, then nothing", _stall_after_headers, sampled=True),
    Mode("slow-drip-body", "drips a 1 MB body one byte every 50 ms", _slow_drip_body, sampled=True),
    Mode("slow-drip-headers", "drips header bytes one every 50 ms", _slow_drip_headers, sampled=True),
    Mode("informational-forever", "sends 102 Processing every 50 ms, never a final answer", _informational_forever, sampled=True),
    Mode("endless-stream", "a chunked body that never ends", _endless_stream, sampled=True),
)
BY_NAME = {m.name: m for m in MODES}
