"""A fault-injecting HTTP/1.1 proxy on loopback, in front of one real target.

Every request is forwarded with httpx to the target; on the way, an ordered list of
layers (repairs first, then at most one mutation) may rewrite the request before it is
sent and the response before it is returned. Responses are buffered (the fixture data is
small) and always sent back with an exact Content-Length, decoded (no Content-Encoding).

The proxy also counts what it saw (methods, stored bodies) so safety tests can audit a
run, and can demand credentials (bearer or custom header) that it strips before
forwarding, so a target without authentication can stand in for one that has it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from .messages import REASONS, Request, Response

HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                        "upgrade", "content-length", "content-encoding"})
TEXTUAL = ("json", "xml", "text/", "html")

Upstream = Callable[[Request], Response]


class Layer(Protocol):
    """One rewrite of the traffic (a mutation or a repair)."""

    name: str

    def applies(self, request: Request) -> bool: ...

    def rewrite_request(self, request: Request) -> Request: ...

    def rewrite_response(self, request: Request, response: Response, upstream: Upstream) -> Response: ...


@dataclass(frozen=True)
class Seen:
    """One request as the proxy received it, and the status it answered."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int


@dataclass
class ProxyLog:
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, item: Seen) -> None:
        with self.lock:
            self.seen.append(item)

    def methods(self) -> Counter[str]:
        with self.lock:
            return Counter(s.method for s in self.seen)

    def clear(self) -> None:
        with self.lock:
            self.seen.clear()


class MutatingProxy:
    """Start with ``with MutatingProxy(target_url) as p:``; point the harness at ``p.url_for(base)``."""

    def __init__(self, target_origin: str, layers: Sequence[Layer] = (), *,
                 require: tuple[str, str] | None = None, echo_credentials: bool = False) -> None:
        parts = urlsplit(target_origin)
        self.target_origin = f"{parts.scheme}://{parts.netloc}"
        self.layers: list[Layer] = list(layers)
        self.require = require
        self.echo_credentials = echo_credentials
        self.log = ProxyLog()
        self.changed: Counter[str] = Counter()  # layer name -> exchanges it actually changed
        self._client = httpx.Client(timeout=60.0, follow_redirects=False, trust_env=False)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="mutating-proxy", daemon=True)

    def url_for(self, target_url: str) -> str:
        """The proxy's URL for a URL of the target (same path)."""
        return target_url.replace(self.target_origin, self.origin, 1)

    def start(self) -> "MutatingProxy":
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._client.close()

    def __enter__(self) -> "MutatingProxy":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the work of one exchange ------------------------------------------------------

    def handle(self, request: Request) -> Response:
        denied = self._check_credentials(request)
        if denied is not None:
            return denied
        if self.require is not None:
            request = Request(request.method, request.path, request.query,
                              tuple((k, v) for k, v in request.headers if k.lower() != self.require[0].lower()),
                              request.body)
        active = [layer for layer in self.layers if layer.applies(request)]
        touched: set[str] = set()
        for layer in active:
            rewritten = layer.rewrite_request(request)
            if rewritten != request:
                touched.add(layer.name)
            request = rewritten
        response = self.forward(request)
        for layer in active:
            rewritten_response = layer.rewrite_response(request, response, self.forward)
            if rewritten_response != response:
                touched.add(layer.name)
            response = rewritten_response
        with self.log.lock:
            self.changed.update(touched)
        if self.echo_credentials and self.require is not None:
            # A careless server echoing what it was sent: the harness must still redact it.
            response = response.with_header("X-Echo-Credentials", self.require[1])
        return response

    def _check_credentials(self, request: Request) -> Response | None:
        if self.require is None:
            return None
        name, value = self.require
        if request.header(name) == value:
            return None
        return Response(401, "Unauthorized", (("WWW-Authenticate", 'Bearer realm="proxy"'),
                                              ("Content-Type", "text/plain")), b"credentials required\n")

    def forward(self, request: Request) -> Response:
        """Send a request to the target as is; the answer with the target's origin replaced by ours."""
        url = self.target_origin + request.path + (f"?{request.query}" if request.query else "")
        headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_BY_HOP]
        try:
            upstream = self._client.send(httpx.Request(request.method, url, headers=headers,
                                                       content=request.body if request.body else None))
            body = upstream.content
        except httpx.HTTPError as exc:
            return Response(502, "Bad Gateway", (("Content-Type", "text/plain"),), f"proxy: {exc}\n".encode())
        kept = tuple((k, self._local(v)) for k, v in upstream.headers.multi_items() if k.lower() not in HOP_BY_HOP)
        response = Response(upstream.status_code, upstream.reason_phrase or REASONS.get(upstream.status_code, ""), kept, body)
        if any(t in response.media_type for t in TEXTUAL):
            response = response.with_body(body.replace(self.target_origin.encode(), self.origin.encode()))
        return response

    def _local(self, value: str) -> str:
        return value.replace(self.target_origin, self.origin)


def _handler_for(proxy: MutatingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # small writes must not wait for delayed ACKs (40 ms each)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib signature)
            pass  # quiet: the harness's transcripts are what tests read

        def _read_body(self) -> bytes:
            if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
                chunks = []
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                self.rfile.readline()
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _serve(self) -> None:
            path, _, query = self.path.partition("?")
            request = Request(self.command, path, query, tuple(self.headers.items()), self._read_body())
            response = proxy.handle(request)
            proxy.log.add(Seen(request.method, path, query, request.headers, request.body, response.status))
            head = [f"HTTP/1.1 {response.status} {response.reason}"] + [f"{k}: {v}" for k, v in response.headers]
            head.append(f"Content-Length: {len(response.body)}")
            data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
            self.wfile.write(data + (response.body if self.command != "HEAD" else b""))  # one write: no Nagle stalls

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _serve

    return Handler
