"""A hostile HTTP server on loopback: it misbehaves in one chosen way on every request.

It speaks raw bytes over TCP (no HTTP library) so it can break HTTP itself: status lines,
headers, framing, timing. Storing fixture data (POST .../studies) is accepted with
200 {} unless the mode says otherwise, so that cases get as far as their own requests.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MAX_REQUEST_HEAD = 1 << 16


@dataclass(frozen=True)
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def is_seeding(self) -> bool:
        return self.method == "POST" and self.path.rstrip("/").endswith("/studies")


class Peer:
    """The connection to the harness, with the few moves a hostile mode needs."""

    def __init__(self, sock: socket.socket, stopping: threading.Event) -> None:
        self.sock, self.stopping = sock, stopping
        self.closed = False

    def send(self, data: bytes) -> bool:
        """Send bytes; False once the harness has gone away."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def drip(self, data: bytes, every_s: float, step: int = 1) -> bool:
        for i in range(0, len(data), step):
            if self.stopping.is_set() or not self.send(data[i:i + step]):
                return False
            time.sleep(every_s)
        return True

    def hold(self, limit_s: float = 120.0) -> None:
        """Keep the connection open, answering nothing, until the harness closes it."""
        self.sock.settimeout(0.2)
        end = time.monotonic() + limit_s
        while not self.stopping.is_set() and time.monotonic() < end:
            try:
                if self.sock.recv(4096) == b"":
                    return
            except TimeoutError:
                continue
            except OSError:
                return

    def reset(self) -> None:
        """Close with a TCP RST instead of a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()
        self.closed = True

    def read_request(self) -> Received | None:
        buf = b""
        self.sock.settimeout(30)
        try:
            while b"\r\n\r\n" not in buf:
                chunk = self.sock.recv(65536)
                if not chunk or len(buf) > MAX_REQUEST_HEAD:
                    return None
                buf += chunk
                if buf[:1] == b"\x16":  # a TLS ClientHello: answer in plain HTTP, as a plain server does
                    self.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    return None
            head, _, body = buf.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
            need = int(headers.get("content-length", "0") or 0)
            while len(body) < need:
                chunk = self.sock.recv(min(1 << 20, need - len(body)))
                if not chunk:
                    return None
                body += chunk
        except OSError:
            return None
        return Received(method, target, headers, body)


Behaviour = Callable[[Peer, Received], None]


def respond(peer: Peer, status: str, headers: list[tuple[str, str]], body: bytes, close: bool = True) -> None:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers]
    lines += [f"Content-Length: {len(body)}"] + (["Connection: close"] if close else [])
    peer.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def accept_seeding(peer: Peer, request: Received) -> None:
    respond(peer, "200 OK", [("Content-Type", "application/dicom+json")], b"{}")


class HostileServer:
    """``with HostileServer(behaviour) as s:`` then point the harness at ``s.url``."""

    def __init__(self, behaviour: Behaviour, seeding: Behaviour | None = accept_seeding) -> None:
        self.behaviour, self.seeding = behaviour, seeding
        self.stopping = threading.Event()
        self.requests = 0
        self.connections = 0
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._serve(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
        self._server.daemon_threads = True
        self._server.allow_reuse_address = True
        self._server.server_bind()
        self._server.server_activate()
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/dicom-web"
        self.uri_url = f"http://127.0.0.1:{self.port}/wado"
        self._thread = threading.Thread(target=self._server.serve_forever, name="hostile-server", daemon=True)

    def _serve(self, sock: socket.socket) -> None:
        self.connections += 1
        peer = Peer(sock, self.stopping)
        while not peer.closed and not self.stopping.is_set():
            request = peer.read_request()
            if request is None:
                return
            self.requests += 1
            if request.is_seeding and self.seeding is not None:
                self.seeding(peer, request)
            else:
                self.behaviour(peer, request)
            return  # every answer here ends its connection (keep-alive modes loop themselves)

    def __enter__(self) -> "HostileServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
