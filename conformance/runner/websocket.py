"""WebSocket steps: the event channel of PS3.18 §8.10 (Open Notification Connection, Send Event Report).

A case opens named channels and keeps them until it ends. The channel has its own
HTTP/1.1 client (httpx-ws cannot upgrade over HTTP/2) with the run's TLS and auth
settings. Every wait is bounded: a receive step ends after `within` seconds (scaled by
the session's event_wait_scale) and reports exactly what arrived, or that nothing did.
"""

from __future__ import annotations

import contextlib
import queue
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_ws import WebSocketDisconnect, WebSocketNetworkError, WebSocketSession, WebSocketUpgradeError, connect_ws
from wsproto.events import BytesMessage, TextMessage

from ..cases.model import Step, WsAction
from ..checks.notifications import EventContext, ReceivedEvent
from ..errors import CaseFileError, TargetError
from ..transport.exchange import Exchange, HttpRequest
from ..transport.response import Response
from .data import CaseData
from .render import Renderer, http_url_of

MAX_EVENT_BYTES = 4 << 20


@dataclass
class Channel:
    url: str
    session: WebSocketSession
    opened: float
    closed: ReceivedEvent | None = None


@dataclass
class Channels:
    """The channels one case holds open; closed (and their threads joined) when the case ends."""

    client: httpx.Client
    stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    open: dict[str, Channel] = field(default_factory=dict)

    @classmethod
    def for_session(cls, session: Any) -> "Channels":
        settings = session.client.settings
        t = settings.timeout_s
        client = httpx.Client(http1=True, http2=False, timeout=httpx.Timeout(connect=t, read=t, write=t, pool=t),
                              verify=_verify(settings.verify), auth=getattr(session, "ws_auth", None), trust_env=False)
        return cls(client=client)

    def close(self) -> None:
        try:
            self.stack.close()
        finally:
            self.client.close()


def _verify(value: bool | str) -> Any:
    import ssl

    return ssl.create_default_context(cafile=value) if isinstance(value, str) else value


def channel_url(ws: WsAction, renderer: Renderer, base_url: str, where: str) -> str:
    """The URL to open: the Subscribe response's Content-Location, or the profile's fixed path."""
    if renderer.profile.notification_path == "ws-subscribers":
        if not ws.aet:
            raise CaseFileError(*_split(where), "the ws-subscribers profile opens /ws/subscribers/{aet}: give the step an 'aet'")
        return base_url.rstrip("/") + f"/ws/subscribers/{renderer.text(ws.aet)}"
    if not ws.subscription:
        raise CaseFileError(*_split(where), "the content-location profile opens the URL the Subscribe response named: "
                            "give the step a 'subscription'")
    return http_url_of(renderer.text(ws.subscription), base_url)


def _split(where: str) -> tuple[str, int | None]:
    path, _, line = where.rpartition(":")
    return path, int(line) if line.isdigit() else None


def _as_response(resp: httpx.Response, body: bytes, started: float) -> Response:
    spool = Response.new_spool()
    spool.write(body)
    return Response(status=resp.status_code, reason=resp.reason_phrase, http_version=resp.http_version,
                    headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw],
                    spool=spool, size=len(body), elapsed_s=time.monotonic() - started)


def _sent(resp: httpx.Response) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.request.headers.raw)


def open_channel(channels: Channels, name: str, url: str, origin: str) -> Exchange:
    started = time.monotonic()
    headers = {"Origin": origin}  # §8.10.4.1 syntax; httpx-ws adds Upgrade, Connection, key and version
    try:
        session = channels.stack.enter_context(connect_ws(url, channels.client, headers=headers,
                                                          max_message_size_bytes=MAX_EVENT_BYTES,
                                                          keepalive_ping_interval_seconds=None))
    except WebSocketUpgradeError as exc:
        body = exc.response.read() if not exc.response.is_closed else b""
        exchange = Exchange(index=0, step="", request=HttpRequest("GET", url, _sent(exc.response)))
        exchange.response = _as_response(exc.response, body, started)
        return exchange
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise TargetError(f"cannot open the event channel {url}: {exc or type(exc).__name__}") from None
    assert session.response is not None
    channels.open[name] = Channel(url=url, session=session, opened=time.monotonic())
    exchange = Exchange(index=0, step="", request=HttpRequest("GET", url, _sent(session.response)))
    exchange.response = _as_response(session.response, b"", started)
    return exchange


def receive(channel: Channel, count: int | None, within_s: float) -> list[ReceivedEvent]:
    """Events until `count` arrived or `within_s` passed; a closing channel ends the wait."""
    got: list[ReceivedEvent] = []
    deadline = time.monotonic() + within_s
    while channel.closed is None and (count is None or len(got) < count):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            event = channel.session.receive(timeout=remaining)
        except queue.Empty:
            break
        except WebSocketDisconnect as exc:
            channel.closed = ReceivedEvent("closed", f"close code {exc.code} {exc.reason}".strip(), time.monotonic() - channel.opened)
            got.append(channel.closed)
            break
        except WebSocketNetworkError:
            channel.closed = ReceivedEvent("closed", "connection lost", time.monotonic() - channel.opened)
            got.append(channel.closed)
            break
        at = time.monotonic() - channel.opened
        if isinstance(event, TextMessage):
            got.append(ReceivedEvent("text", event.data, at))
        elif isinstance(event, BytesMessage):
            got.append(ReceivedEvent("binary", bytes(event.data).hex(), at))
    return got


def run_websocket_step(step: Step, session: Any, data: CaseData, run: Any, renderer: Renderer,
                       where: str) -> tuple[Exchange, EventContext]:
    """Performs one WebSocket step; returns its transcript entry and the context its checks read."""
    ws = step.websocket
    assert ws is not None
    if run.channels is None:
        run.channels = Channels.for_session(session)
    channels: Channels = run.channels
    base = session.base_url
    events: list[ReceivedEvent] = []
    waited = 0.0
    if ws.action == "open":
        url = channel_url(ws, renderer, base, where)
        origin = "{0.scheme}://{0.netloc}".format(httpx.URL(base))
        exchange = open_channel(channels, ws.channel, url, origin)
    else:
        channel = channels.open.get(ws.channel)
        if channel is None:
            raise CaseFileError(*_split(where), f"websocket {ws.action}: no channel {ws.channel!r} is open (open it in an earlier step)")
        exchange = Exchange(index=0, step="", request=HttpRequest(f"WEBSOCKET-{ws.action.upper()}", channel.url, ()))
        exchange.error = "a WebSocket step has no HTTP response; what the channel did is in the notes below"
        if ws.action == "receive":
            waited = ws.within * getattr(session, "event_wait_scale", 1.0)
            events = receive(channel, ws.count, waited)
            exchange.notes += [e.line() for e in events] or [f"no event within {waited:g} s"]
        else:
            channel.session.close()
            del channels.open[ws.channel]
            exchange.notes.append("channel closed by the harness")
    exchange.index, exchange.step = len(run.exchanges), step.name
    run.exchanges.append(exchange)
    ctx = EventContext(exchange=exchange, data=data, base_url=base, variables=run.variables, render=renderer.text,
                       events=events, waited_s=waited)
    return exchange, ctx
