"""The HTTP client sorts trouble once: network and time trouble is a TargetError (verdict
"error"); a server that breaks HTTP itself is a Nonconformance (verdict "fail").
Bodies are streamed into a spool (memory, then disk) that checks can read many times."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from conformance.errors import Nonconformance, TargetError
from conformance.transport.client import ClientSettings, HttpClient
from conformance.transport.exchange import HttpRequest
from conformance.transport.response import SPOOL_MEMORY, BodyFormatError

MiB = 1 << 20


@contextmanager
def scripted_server(*pieces: bytes | float) -> Iterator[str]:
    """A one-connection loopback server: reads the request head, then sends the byte pieces
    in order, sleeping for float pieces (to stall), then closes."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            try:
                for piece in pieces:
                    if isinstance(piece, float):
                        stop.wait(piece)
                    else:
                        conn.sendall(piece)
            except OSError:
                pass  # the client gave up first, which is what some tests want

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        server.close()
        thread.join(5)


def get(url: str, **settings: float | int) -> object:
    client = HttpClient(ClientSettings(**settings))  # type: ignore[arg-type]
    try:
        return client.send(HttpRequest("GET", url + "/studies", (("Accept", "application/dicom+json"),)))
    finally:
        client.close()


def mock_client(handler, **settings: float | int) -> HttpClient:  # type: ignore[no-untyped-def]
    return HttpClient(ClientSettings(**settings), transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


# ------------------------------------------------------------------ target trouble -> TargetError


def test_connection_refused_is_a_target_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(TargetError, match=f"cannot connect to 127.0.0.1:{port}"):
        get(f"http://127.0.0.1:{port}")


def test_no_response_within_the_timeout_is_a_target_error() -> None:
    with scripted_server(5.0) as url:
        start = time.monotonic()
        with pytest.raises(TargetError, match=r"no .*response.* within 0\.3 s"):
            get(url, timeout_s=0.3)
        assert time.monotonic() - start < 3


def test_a_body_that_stalls_is_a_target_error() -> None:
    with scripted_server(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", 5.0) as url:
        with pytest.raises(TargetError, match=r"within 0\.3 s \(10 bytes received\)"):
            get(url, timeout_s=0.3)


def test_a_body_that_trickles_past_the_deadline_is_a_target_error() -> None:
    # Every chunk arrives within the read timeout, but the whole response takes too long.
    trickle: list[bytes | float] = [b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n"]
    trickle += [piece for _ in range(20) for piece in (b"xx", 0.1)]
    with scripted_server(*trickle) as url:
        with pytest.raises(TargetError, match=r"not complete within 0\.5 s"):
            get(url, timeout_s=0.5)


def test_a_body_longer_than_the_limit_is_a_target_error_and_reading_stops() -> None:
    produced: list[int] = []

    def endless() -> Iterator[bytes]:
        for _ in range(1000):
            produced.append(1)
            yield b"x" * 1024

    client = mock_client(lambda req: httpx.Response(200, content=endless()), max_body_bytes=10 * 1024)
    with pytest.raises(TargetError, match="exceeded the limit of 10240 bytes"):
        client.send(HttpRequest("GET", "http://127.0.0.1:1/x", ()))
    assert len(produced) <= 12


# ------------------------------------------------------------------ broken HTTP -> Nonconformance


def test_a_content_length_longer_than_the_body_is_a_nonconformance() -> None:
    with scripted_server(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") as url:
        with pytest.raises(Nonconformance) as info:
            get(url)
    (finding,) = info.value.findings
    assert finding.check == "http"
    assert "broken after 3 bytes" in finding.message


def test_a_malformed_status_line_is_a_nonconformance() -> None:
    with scripted_server(b"HTTP/1.1 OK\r\n\r\n") as url:
        with pytest.raises(Nonconformance, match="malformed HTTP response"):
            get(url)


def test_a_body_that_does_not_match_its_content_encoding_is_a_nonconformance() -> None:
    with scripted_server(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nabcde") as url:
        with pytest.raises(Nonconformance, match="Content-Encoding"):
            get(url)


def test_a_redirect_loop_is_a_nonconformance() -> None:
    client = mock_client(lambda req: httpx.Response(302, headers={"Location": "/again"}))
    with pytest.raises(Nonconformance, match="redirect loop"):
        client.send(HttpRequest("GET", "http://127.0.0.1:1/x", (), follow_redirects=True))


# ------------------------------------------------------------------ what a response keeps


def test_redirects_are_not_followed_unless_the_case_asks() -> None:
    client = mock_client(lambda req: httpx.Response(303, headers={"Location": "/elsewhere"}))
    resp = client.send(HttpRequest("GET", "http://127.0.0.1:1/x", ()))
    assert (resp.status, resp.header("location")) == (303, "/elsewhere")


def test_status_reason_version_and_raw_headers_are_kept_in_order_with_repeats() -> None:
    with scripted_server(b"HTTP/1.1 299 Odd Reason\r\nX-A: 1\r\nContent-Length: 2\r\nx-a: 2\r\n\r\nok") as url:
        resp = get(url)
    assert (resp.status, resp.reason, resp.http_version) == (299, "Odd Reason", "HTTP/1.1")  # type: ignore[attr-defined]
    assert resp.headers == [("X-A", "1"), ("Content-Length", "2"), ("x-a", "2")]  # type: ignore[attr-defined]
    assert resp.header_all("X-A") == ["1", "2"]  # type: ignore[attr-defined]


def test_a_gzip_body_is_decoded_and_size_counts_decoded_bytes() -> None:
    payload = b'[{"00100020": {"vr": "LO", "Value": ["P1"]}}]'
    client = mock_client(lambda req: httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=gzip.compress(payload)))
    resp = client.send(HttpRequest("GET", "http://127.0.0.1:1/x", ()))
    assert (resp.read(), resp.size) == (payload, len(payload))


def test_the_body_is_spooled_and_can_be_read_many_times() -> None:
    payload = b'[{"00100020": {"vr": "LO", "Value": ["P1"]}}]'
    client = mock_client(lambda req: httpx.Response(200, content=payload))
    resp = client.send(HttpRequest("GET", "http://127.0.0.1:1/x", ()))
    assert resp.read() == payload
    assert resp.read() == payload
    assert b"".join(resp.iter_body(chunk=7)) == payload
    assert resp.head(3) == payload[:3]
    assert resp.json() == resp.json() == [{"00100020": {"vr": "LO", "Value": ["P1"]}}]
    resp.close()


def test_bad_json_is_a_body_format_error_saying_where() -> None:
    client = mock_client(lambda req: httpx.Response(200, content=b'{"a": }'))
    resp = client.send(HttpRequest("GET", "http://127.0.0.1:1/x", ()))
    with pytest.raises(BodyFormatError, match="line 1 column 7"):
        resp.json()


def test_a_small_body_stays_in_memory_and_a_large_one_goes_to_disk() -> None:
    sizes = {"small": 1 * MiB, "large": SPOOL_MEMORY + MiB}
    for name, size in sizes.items():
        client = mock_client(lambda req, n=size: httpx.Response(200, content=chunks(n)))
        resp = client.send(HttpRequest("GET", "http://127.0.0.1:1/x", ()))
        assert resp.size == size
        # SpooledTemporaryFile rolls over to a real file above its max_size.
        assert resp.spool._rolled is (name == "large")  # type: ignore[attr-defined]
        resp.close()


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    block = b"\x5a" * size
    sent = 0
    while sent < total:
        piece = block[: min(size, total - sent)]
        sent += len(piece)
        yield piece


def test_memory_stays_bounded_while_streaming_a_large_body() -> None:
    total = 48 * MiB
    client = mock_client(lambda req: httpx.Response(200, content=chunks(total)))
    tracemalloc.start()
    try:
        resp = client.send(HttpRequest("GET", "http://127.0.0.1:1/x", ()))
        read_back = sum(len(b) for b in resp.iter_body())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read_back == total
    assert peak < SPOOL_MEMORY + 8 * MiB, f"peak {peak / MiB:.1f} MiB for a {total / MiB:.0f} MiB body"
    resp.close()
