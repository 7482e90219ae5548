"""Plugin tests run pytest on small case files (pytester) against a tiny fake target.

The fake is deliberately minimal: it is not a DICOMweb server, it answers what the test cases
ask for (a status by path, an echo of the credentials, 200 to every STOW of fixture data).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import hypothesis  # noqa: F401  (see below)
import pytest

import conformance.session  # noqa: F401  (see below)

# pytester is enabled in tests/conftest.py: pytest only honours pytest_plugins in the top-level conftest.
# pytester drops the modules first imported inside an in-process run, so the next run imports
# them again: module-level registries then see a check twice, exception classes stop being the
# ones httpx maps, and the hypothesis plugin re-imports hypothesis (1.4 s a run). Everything a
# run imports lazily is imported once here instead.

BASE_PATH = "/dicom-web"
SERVER_NAME = "FakePACS/1.0"


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body_size: int


@dataclass
class FakeTarget:
    url: str
    requests: list[Seen] = field(default_factory=list)

    def stores(self) -> list[Seen]:
        return [r for r in self.requests if r.method == "POST" and r.path == f"{BASE_PATH}/studies"]


class _Handler(BaseHTTPRequestHandler):
    server_version = SERVER_NAME
    sys_version = ""
    target: FakeTarget  # set per server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass  # keep test output clean

    def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        if size:
            self.rfile.read(size)
        path = self.path.split("?", 1)[0]
        self.target.requests.append(Seen(self.command, path, dict(self.headers.items()), size))
        json_type = {"Content-Type": "application/dicom+json"}
        if self.command == "POST" and path == f"{BASE_PATH}/studies":
            self._answer(200, b"{}", json_type)  # "stored": every fixture instance is taken
        elif path.startswith(f"{BASE_PATH}/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._answer(code, b"" if code in (204, 304) else b"[]", json_type)
        elif path == f"{BASE_PATH}/echo":
            # A careless server that echoes the credentials it received.
            auth = self.headers.get("Authorization", "")
            self._answer(200, json.dumps({"you-sent": auth}).encode(), {**json_type, "X-Echo": auth})
        else:
            self._answer(404, b"[]", json_type)

    do_GET = do_POST = do_HEAD = do_DELETE = _handle


@pytest.fixture()
def fake_target() -> Iterator[FakeTarget]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    target = FakeTarget(url=f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}")
    server.RequestHandlerClass = type("Handler", (_Handler,), {"target": target})
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield target
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture()
def closed_port_url() -> str:
    """A loopback URL where nothing listens (connections are refused)."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{BASE_PATH}"

