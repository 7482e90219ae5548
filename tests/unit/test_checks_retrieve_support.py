"""Shared helpers of the retrieve/store check tests (not a test module: no tests in here)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pydicom

import conformance_fixtures as cf
from conformance.checks import REGISTRY
from conformance.checks.context import CheckContext
from conformance.checks.registry import messages
from conformance.multipart import build_related
from conformance.transport.exchange import Exchange, HttpRequest
from conformance.transport.response import Response

BASE = "http://h/dicom-web"
CORPUS = cf.build_corpus("checks-retrieve-tests")


class Data:
    """The slice of CaseData the checks use: fixture instances, the corpus, case-local copies."""

    def __init__(self, local: Mapping[str, cf.Instance] | None = None) -> None:
        self.corpus = CORPUS
        self.local = dict(local or {})

    def instance(self, key: str) -> cf.Instance:
        return self.local[key] if key in self.local else CORPUS.instance(key)


def response(status: int = 200, headers: Iterable[tuple[str, str]] = (), body: bytes = b"") -> Response:
    return Response(status=status, reason="OK" if status < 400 else "Error", http_version="HTTP/1.1",
                    headers=list(headers), spool=io.BytesIO(body), size=len(body), elapsed_s=0.0)


def multipart(parts: list[tuple[dict[str, str], bytes]], type_: str, extra: str = "") -> tuple[list[tuple[str, str]], bytes]:
    content_type, body = build_related(parts, type_=type_)
    return [("Content-Type", content_type + extra)], body


Site = dict[str, tuple[int, list[tuple[str, str]], bytes]]  # URL -> (status, headers, body)


def ctx(resp: Response, url: str = BASE + "/studies/1", data: Data | None = None,
        site: Site | None = None, accept: str | None = None) -> CheckContext:
    headers = (("Accept", accept),) if accept else ()
    exchange = Exchange(index=0, step="s", request=HttpRequest("GET", url, headers), response=resp)
    followed: list[str] = []

    def follow(target: str, _headers: tuple[tuple[str, str], ...]) -> Exchange:
        followed.append(target)
        status, hdrs, body = (site or {}).get(target, (404, [], b""))
        return Exchange(index=len(followed), step="f", request=HttpRequest("GET", target, _headers),
                        response=response(status, hdrs, body))

    context = CheckContext(exchange=exchange, data=data or Data(), base_url=BASE,  # type: ignore[arg-type]
                           render=lambda text: text, follow=follow)
    context.followed = followed  # type: ignore[attr-defined]  (tests read which URLs were followed)
    return context


def run(name: str, context: CheckContext, arg: Any) -> list[str]:
    check = REGISTRY.get(name)
    assert check is not None, name
    return messages(check.func(context, arg))


def part10(ds: pydicom.Dataset, transfer_syntax: str) -> bytes:
    """`ds` written as a Part 10 file in `transfer_syntax` (pydicom transcodes native encodings)."""
    import copy

    out = copy.deepcopy(ds)
    out.file_meta.TransferSyntaxUID = transfer_syntax
    buffer = io.BytesIO()
    pydicom.dcmwrite(buffer, out, enforce_file_format=True)
    return buffer.getvalue()


def instance_parts(*bodies: bytes, ts: str | None = None) -> tuple[list[tuple[str, str]], bytes]:
    ct = "application/dicom" + (f"; transfer-syntax={ts}" if ts else "")
    return multipart([({"Content-Type": ct}, b) for b in bodies], "application/dicom")


Edit = Callable[[pydicom.Dataset], None]
