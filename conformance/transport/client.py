"""The one HTTP client of a run: exact requests, explicit timeouts, streamed bodies.

Outcomes are sorted into the harness's kinds of trouble here, once:
network and timeout problems are TargetError (verdict "error"); a server that
breaks HTTP itself (bad framing, lying Content-Length, undecodable encoding,
redirect loop) is a Nonconformance (verdict "fail").
"""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass

import httpx

from ..errors import Finding, Nonconformance, TargetError
from .deadline import DeadlineBackend, deadline
from .decode import decoded_chunks
from .exchange import HttpRequest
from .response import Response


@dataclass(frozen=True)
class ClientSettings:
    timeout_s: float = 30.0
    max_body_bytes: int = 8 << 30
    verify: bool | str = True  # True, False, or a CA bundle path
    http2: bool = False


MAX_REDIRECTS = 10


def _verify(value: bool | str) -> bool | ssl.SSLContext:
    if isinstance(value, str):
        return ssl.create_default_context(cafile=value)
    return value


def _fail(message: str) -> Nonconformance:
    return Nonconformance([Finding(check="http", message=message, requirement="GEN-STATUS-3DIGIT")])


class HttpClient:
    def __init__(self, settings: ClientSettings, auth: httpx.Auth | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        t = settings.timeout_s
        if transport is None:
            transport = httpx.HTTPTransport(verify=_verify(settings.verify), http2=settings.http2, trust_env=False)
            # Same pool, but every socket operation also honours the exchange's total deadline.
            transport._pool._network_backend = DeadlineBackend()  # noqa: SLF001 (httpx exposes no parameter for it)
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(connect=t, read=t, write=t, pool=t),
            verify=_verify(settings.verify),
            http2=settings.http2,
            follow_redirects=False,
            transport=transport,
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def send(self, req: HttpRequest) -> Response:
        # httpx.Request adds only Host and Content-Length: no implicit Accept or Accept-Encoding.
        request = httpx.Request(req.method, httpx.URL(req.url), headers=list(req.headers), content=req.body)
        with deadline(self.settings.timeout_s):
            return self._send(request, req.follow_redirects)

    def _send(self, request: httpx.Request, follow_redirects: bool) -> Response:
        start = time.monotonic()
        end = start + self.settings.timeout_s
        try:
            resp = self._client.send(request, stream=True, follow_redirects=False)
            hops = 0
            while follow_redirects and resp.is_redirect and resp.next_request is not None:
                nxt = resp.next_request
                # Never leave the target's origin, whatever a Location header says.
                if (nxt.url.scheme, nxt.url.host, nxt.url.port) != (request.url.scheme, request.url.host, request.url.port):
                    resp.close()
                    raise TargetError(f"refusing to follow a redirect to {nxt.url.scheme}://{nxt.url.host}:{nxt.url.port or ''}, "
                                      "outside the target's origin")
                hops += 1
                if hops > MAX_REDIRECTS:
                    resp.close()
                    raise _fail(f"redirect loop: more than {MAX_REDIRECTS} redirects")
                resp.close()
                resp = self._client.send(nxt, stream=True, follow_redirects=False)
        except httpx.TooManyRedirects:
            raise _fail("redirect loop: more than 20 redirects") from None
        except httpx.ConnectError as exc:
            raise TargetError(f"cannot connect to {request.url.host}:{request.url.port}: {exc}") from None
        except httpx.TimeoutException:
            raise TargetError(f"no complete response head within {self.settings.timeout_s:g} s") from None
        except httpx.RemoteProtocolError as exc:
            raise _fail(f"malformed HTTP response: {exc}") from None
        except (httpx.ReadError, httpx.WriteError, httpx.NetworkError) as exc:
            raise TargetError(f"connection failed: {exc or type(exc).__name__}") from None
        spool = Response.new_spool()
        size = 0
        try:
            for chunk in decoded_chunks(resp):
                size += len(chunk)
                if size > self.settings.max_body_bytes:
                    raise TargetError(f"response body exceeded the limit of {self.settings.max_body_bytes} bytes; stopped reading")
                spool.write(chunk)
                if time.monotonic() > end:
                    raise TargetError(f"response not complete within {self.settings.timeout_s:g} s ({size} bytes received)")
        except httpx.TimeoutException:
            spool.close()
            raise TargetError(f"response body not complete within {self.settings.timeout_s:g} s ({size} bytes received)") from None
        except httpx.RemoteProtocolError as exc:
            spool.close()
            raise _fail(f"response body broken after {size} bytes: {exc}") from None
        except httpx.DecodingError as exc:
            spool.close()
            raise _fail(f"body does not match its Content-Encoding: {exc}") from None
        except (httpx.ReadError, httpx.NetworkError) as exc:
            spool.close()
            raise TargetError(f"connection lost after {size} bytes: {exc or type(exc).__name__}") from None
        except BaseException:
            spool.close()
            raise
        finally:
            resp.close()
        return Response(
            status=resp.status_code,
            reason=resp.reason_phrase,
            http_version=resp.http_version,
            headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw],
            spool=spool,
            size=size,
            elapsed_s=time.monotonic() - start,
        )
