"""The double as a real HTTP/1.1 server on loopback: routing, framing, and the WebSocket upgrade.

    with DicomwebDouble() as double:          # http://127.0.0.1:<port>/dicomweb
        double.settings.faults.add("create-no-location")

It is test tooling for the harness's own tests, never a target the harness reports on.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

from .capabilities import retrieve_capabilities
from .commitment import Commitments
from .events import Notifier
from .faults import Settings
from .http import Reply, Request, empty
from .npi import CATEGORIES, NonPatient
from .search import run_search
from .subscriptions import Subscriptions, channel_token
from .worklist import TRANSACTION_UID, Workitems
from .ws import Channel, Channels, accept_key, upgrade_problem

BASE_PATH = "/dicomweb"


class App:
    """Everything the double holds, and which handler answers which request."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.channels = Channels()
        self.notifier = Notifier(settings, self.channels)
        self.workitems = Workitems(settings, self.notifier)
        self.subscriptions = Subscriptions(settings, self.notifier, self.workitems)
        self.npi = NonPatient(settings)
        self.commitments = Commitments(settings)
        self._search_cache: dict[str, Reply] = {}
        self.opened_by: set[str] = set()  # subscribers that have opened a channel (for the ws-no-reconnect fault)

    def handle(self, req: Request) -> Reply:
        parts = [unquote(p) for p in req.path.split("/") if p]
        method = req.method
        if method == "OPTIONS":
            return retrieve_capabilities(req, self.settings)  # §8.9
        if parts == ["studies"] and method == "POST":
            return self.commitments.store_studies(req)
        if parts and parts[0] == "workitems":
            return self._worklist(req, parts[1:])
        if parts and parts[0] in CATEGORIES and len(parts) <= 2:
            return self._npi(req, parts[0], parts[1] if len(parts) == 2 else None)
        if len(parts) == 2 and parts[0] == "commitment-requests":
            if method == "POST":
                return self.commitments.request(req, parts[1])
            if method == "GET":
                return self.commitments.result_check(req, parts[1])
            return _not_allowed("GET, POST")
        return empty(404)

    def _worklist(self, req: Request, rest: list[str]) -> Reply:
        m, w = req.method, self.workitems
        if not rest:
            if m == "GET":
                return self._search(req)
            return w.create(req) if m == "POST" else _not_allowed("GET, POST")
        uid, tail = rest[0], rest[1:]
        if not tail:
            if m == "GET":
                return w.retrieve(req, uid)
            return w.update(req, uid) if m == "POST" else _not_allowed("GET, POST")
        if tail == ["state"]:
            return w.change_state(req, uid) if m == "PUT" else _not_allowed("PUT")
        if tail == ["cancelrequest"]:
            return w.request_cancellation(req, uid) if m == "POST" else _not_allowed("POST")
        if tail == ["metadata"] and self.settings.on("retrieve-metadata-served") and w.get(uid) is not None:
            return w.retrieve(req, uid)
        if len(tail) == 2 and tail[0] == "subscribers":
            if m == "POST":
                return self.subscriptions.subscribe(req, uid, tail[1])
            return self.subscriptions.unsubscribe(req, uid, tail[1]) if m == "DELETE" else _not_allowed("POST, DELETE")
        if len(tail) == 3 and tail[0] == "subscribers" and tail[2] == "suspend":
            return self.subscriptions.suspend(req, uid, tail[1]) if m == "POST" else _not_allowed("POST")
        return empty(404)  # §11.1.3: no metadata or bulkdata resources for workitems

    def _search(self, req: Request) -> Reply:
        s = self.settings
        if s.on("search-cached") and req.raw_query in self._search_cache:
            return self._search_cache[req.raw_query]
        items = [{k: v for k, v in wi.ds.items() if k != TRANSACTION_UID} for wi in self.workitems.all()]
        reply = run_search(req, items, ignore_matching=s.on("search-ignores-matching"), empty_200=s.on("search-empty-200"),
                           bad_ok=s.on("search-bad-parameter-200"), ignore_limit=s.on("search-ignores-limit"),
                           only_uid=s.on("search-missing-return-keys"), xml=not s.on("search-no-xml"),
                           drop_last=s.on("search-drops-last-match"), no_length=s.on("worklist-no-length"))
        if s.on("search-cached"):
            self._search_cache[req.raw_query] = reply
        return reply

    def _npi(self, req: Request, name: str, uid: str | None) -> Reply:
        if req.method == "GET":
            return self.npi.search(req, name) if uid is None else self.npi.retrieve(req, name, uid)
        if req.method == "POST":
            return self.npi.store(req, name, uid)
        return _not_allowed("GET, POST")

    def channel_aet(self, path: str) -> str | None:
        """Which subscriber an event channel path belongs to (§8.10.4.1.1), under the double's path setting."""
        parts = [unquote(p) for p in path.split("/") if p]
        if self.settings.ws_path == "ws-subscribers" and len(parts) == 3 and parts[:2] == ["ws", "subscribers"]:
            return parts[2]
        if self.settings.ws_path == "content-location" and len(parts) == 2 and parts[0] == "events":
            return self.notifier_token_aet(parts[1])
        return None

    def notifier_token_aet(self, token: str) -> str | None:
        with self.notifier.lock:
            known = set(self.notifier.per_workitem) | {aet for aet, _ in self.notifier.globals}
        return next((aet for aet in known if channel_token(aet) == token), None)


def _not_allowed(allow: str) -> Reply:
    """§8.5 / RFC 7231 §6.5.5: a method the resource does not support, with the ones it does."""
    return empty(405).with_header("Allow", allow)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    app: App  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def _dispatch(self) -> None:
        path, _, query = self.path.partition("?")
        if not path.startswith(BASE_PATH):
            self._reply(empty(404))  # §8.5: no such resource (everything lives below the base URI, §8.2)
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self._body(headers)
        host = headers.get("host", f"{self.server.server_address[0]}:{self.server.server_address[1]}")
        req = Request(self.command, path[len(BASE_PATH):] or "/", query, headers, body, f"http://{host}{BASE_PATH}")
        if "upgrade" in headers or (self.command == "GET" and self.app.channel_aet(req.path)):
            self._websocket(req)
            return
        self._reply(self.app.handle(req))

    def _body(self, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            out = b""
            while (size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)) > 0:
                out += self.rfile.read(size)
                self.rfile.readline()
            self.rfile.readline()
            return out
        return self.rfile.read(int(headers.get("content-length", "0") or "0"))

    def _reply(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.omit_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        elif reply.status not in (204, 304):
            self.send_header("Content-Length", str(len(reply.body)))  # §8.4.3, even for an empty payload
        self.end_headers()
        if reply.status not in (204, 304) and self.command != "HEAD":
            self.wfile.write(reply.body)

    def _websocket(self, req: Request) -> None:
        """Open Notification Connection (§8.10.4): 101 with the RFC 6455 answer, or 400."""
        aet = self.app.channel_aet(req.path)
        if aet is None:
            self._reply(empty(404))
            return
        problem = upgrade_problem(self.command, req.headers)
        if problem and not self.app.settings.on("ws-malformed-upgrade-accepted"):
            self._reply(Reply(400, [("Content-Type", "text/plain")], problem.encode()))  # Table 8.10.4-2
            return
        if problem:
            self._reply(empty(404))
            return
        if aet in self.app.opened_by and self.app.settings.on("ws-no-reconnect"):
            self._reply(empty(404))
            return
        self.app.opened_by.add(aet)
        accept = accept_key(req.headers["sec-websocket-key"])
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", _spoil(accept) if self.app.settings.on("ws-bad-accept") else accept)
        self.end_headers()
        self.wfile.flush()
        channel = Channel(aet, self.connection)
        self.app.channels.add(channel)
        if self.app.settings.on("ws-closes-early"):
            threading.Timer(0.2, channel.close).start()
        try:
            channel.serve(self.rfile)
        finally:
            self.app.channels.remove(channel)
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_HEAD = do_PATCH = _dispatch


class DicomwebDouble:
    """The double on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.app = App(self.settings)
        handler = type("Handler", (_Handler,), {"app": self.app})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="dicomweb-double", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{BASE_PATH}"

    def start(self) -> "DicomwebDouble":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.app.channels.close_all()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        time.sleep(0.05)

    def __enter__(self) -> "DicomwebDouble":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _spoil(accept: str) -> str:
    """A wrong Sec-WebSocket-Accept: always differs (1 in 64 keys already starts with "x")."""
    return ("y" if accept.startswith("x") else "x") + accept[1:]
