"""What a mutation is, and the small builders the catalogue of mutations is written with.

A mutation breaks exactly one requirement on one kind of exchange. It names the cases
that must catch it: the mutation test runs only those (against the proxy with this
mutation on) and expects at least one that passed before to fail now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..edits import JsonDataset, Part, boundary_of, each_dataset, join_parts, split_parts
from ..messages import REASONS, Request, Response

Upstream = Callable[[Request], Response]
RequestEdit = Callable[[Request], Request]
ResponseEdit = Callable[[Request, Response, Upstream], Response]


def _always(_: Request) -> bool:
    return True


def _same_request(request: Request) -> Request:
    return request


def _same_response(request: Request, response: Response, upstream: Upstream) -> Response:
    return response


@dataclass(frozen=True)
class Mutation:
    name: str
    kinds: tuple[str, ...]  # request kinds it touches (messages.Request.kind)
    breaks: str  # the catalog requirement a server with this fault breaks
    summary: str
    cases: tuple[str, ...]  # the cases that must catch it
    request_edit: RequestEdit = _same_request
    response_edit: ResponseEdit = _same_response
    when: Callable[[Request], bool] = _always

    @property
    def service(self) -> str:
        return self.kinds[0]

    def applies(self, request: Request) -> bool:
        return request.kind in self.kinds and self.when(request)

    def rewrite_request(self, request: Request) -> Request:
        return self.request_edit(request)

    def rewrite_response(self, request: Request, response: Response, upstream: Upstream) -> Response:
        return self.response_edit(request, response, upstream)


# -- response edits -----------------------------------------------------------------------


def ok_only(edit: Callable[[Response], Response]) -> ResponseEdit:
    """Apply an edit to successful (2xx) responses with a body; leave the rest alone."""
    def response_edit(request: Request, response: Response, upstream: Upstream) -> Response:
        if 200 <= response.status < 300 and response.body:
            return edit(response)
        return response
    return response_edit


def status_swap(old: int, new: int) -> ResponseEdit:
    """Answer `new` where the target answered `old` (body kept; a 204 loses its body)."""
    def response_edit(request: Request, response: Response, upstream: Upstream) -> Response:
        if response.status != old:
            return response
        swapped = response.with_status(new, REASONS.get(new, ""))
        return swapped.with_body(b"").with_header("Content-Type", None) if new == 204 else swapped
    return response_edit


def json_doc(edit: Callable[[Any], Any]) -> ResponseEdit:
    """Edit the parsed JSON document of a successful JSON response (edit may mutate in place)."""
    def on(response: Response) -> Response:
        if not response.is_json:
            return response
        doc = response.json()
        result = edit(doc)
        return response.with_json(doc if result is None else result)
    return ok_only(on)


def each_ds(*edits: Callable[[JsonDataset], None]) -> ResponseEdit:
    def apply(doc: Any) -> Any:
        for edit in edits:
            each_dataset(doc, edit)
        return doc
    return json_doc(apply)


def content_type(value: str | None) -> ResponseEdit:
    return ok_only(lambda r: r.with_header("Content-Type", value))


def content_type_params(extra: str) -> ResponseEdit:
    return ok_only(lambda r: r.with_header("Content-Type", f"{r.header('content-type')}{extra}"))


def body(edit: Callable[[bytes], bytes]) -> ResponseEdit:
    return ok_only(lambda r: r.with_body(edit(r.body)))


def parts(edit: Callable[[list[Part]], list[Part]]) -> ResponseEdit:
    """Edit the list of parts of a successful multipart response, keeping its boundary."""
    def on(response: Response) -> Response:
        boundary = boundary_of(response.header("content-type") or "")
        return response.with_body(join_parts(edit(split_parts(response.body, boundary)), boundary))
    return ok_only(on)


def each_part(edit: Callable[[bytes], bytes]) -> ResponseEdit:
    return parts(lambda ps: [p.with_body(edit(p.body)) for p in ps])


def truncated_json(response: Response) -> Response:
    return response.with_body(response.body[: max(1, len(response.body) // 2)])


# -- request edits ------------------------------------------------------------------------


def drop_param(name: str) -> RequestEdit:
    return lambda request: request.without_param(name)


def has_param(name: str) -> Callable[[Request], bool]:
    return lambda request: request.has_param(name)


def path_depth(n: int) -> Callable[[Request], bool]:
    """Requests whose path has n segments after the service root's /studies (1: study, 2: series...)."""
    def when(request: Request) -> bool:
        tail = request.path.rstrip("/").split("/studies/", 1)
        return len(tail) == 2 and tail[1].count("/series/") + tail[1].count("/instances/") + 1 == n
    return when


def rewrite_param(name: str, fn: Callable[[str], str]) -> RequestEdit:
    """Rewrite the raw (still encoded) value of one query parameter."""
    def edit(request: Request) -> Request:
        pieces = []
        for piece in filter(None, request.query.split("&")):
            key, sep, value = piece.partition("=")
            pieces.append(f"{key}{sep}{fn(value)}" if key == name else piece)
        return request.with_query("&".join(pieces))
    return edit


def answer(status: int, body: bytes = b"", media_type: str | None = None) -> ResponseEdit:
    """Replace the target's answer altogether (e.g. a resource the server does not offer)."""
    headers = (("Content-Type", media_type),) if media_type else ()
    return lambda request, response, upstream: Response(status, REASONS.get(status, ""), headers, body)
