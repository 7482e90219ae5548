"""Checks on the HTTP envelope: status, media_type, header, header_absent, body.

A check returns nothing when the response meets the expectation and message(s) when it does
not; it never raises for a non-conforming server."""

from __future__ import annotations

import io
from typing import Any

import pytest

from conformance.checks import REGISTRY
from conformance.checks.context import CheckContext
from conformance.checks.registry import Registry, messages
from conformance.transport.exchange import Exchange, HttpRequest
from conformance.transport.response import Response


def ctx(status: int = 200, headers: list[tuple[str, str]] | None = None, body: bytes = b"",
        reason: str = "OK", variables: dict[str, str] | None = None) -> CheckContext:
    response = Response(status=status, reason=reason, http_version="HTTP/1.1", headers=headers or [],
                        spool=io.BytesIO(body), size=len(body), elapsed_s=0.0)
    exchange = Exchange(index=0, step="s", request=HttpRequest("GET", "http://h/dicom-web/studies?a=1", ()), response=response)
    values = variables or {}
    render = lambda text: text.replace("${vars.x}", values.get("x", ""))  # noqa: E731 (a tiny stand-in renderer)
    return CheckContext(exchange=exchange, data=None, base_url="http://h/dicom-web", render=render)  # type: ignore[arg-type]


def run(name: str, context: CheckContext, arg: Any) -> list[str]:
    check = REGISTRY.get(name)
    assert check is not None
    return messages(check.func(context, arg))


# ------------------------------------------------------------------ status


def test_status_passes_on_the_exact_code() -> None:
    assert run("status", ctx(204, reason="No Content"), 204) == []


def test_status_names_the_code_and_reason_got_and_expected() -> None:
    assert run("status", ctx(500, reason="Internal Server Error"), 200) == ["status 500 Internal Server Error, expected 200"]


def test_status_alternatives_accept_any_listed_code() -> None:
    arg = {"one_of": [200, 204], "because": "PS3.18 §8.3.4.4: an empty result"}
    assert run("status", ctx(204), arg) == []
    assert run("status", ctx(404, reason="Not Found"), arg) == ["status 404 Not Found, expected 200 or 204"]


# ------------------------------------------------------------------ media_type


def test_media_type_compares_case_insensitively_and_ignores_parameters() -> None:
    assert run("media_type", ctx(headers=[("Content-Type", "Application/DICOM+JSON; charset=utf-8")]), "application/dicom+json") == []


def test_media_type_reports_a_different_type() -> None:
    assert run("media_type", ctx(headers=[("Content-Type", "application/json")]), "application/dicom+json") == [
        "Content-Type is application/json, expected application/dicom+json"]


def test_media_type_reports_a_missing_or_unparseable_header() -> None:
    assert run("media_type", ctx(), "application/dicom+json") == ["no Content-Type header, expected application/dicom+json"]
    assert run("media_type", ctx(headers=[("Content-Type", "not a media type")]), "text/plain") == [
        "Content-Type 'not a media type' is not a valid media type"]


def test_media_type_parameters_must_be_present_with_the_rendered_value() -> None:
    header = [("Content-Type", 'multipart/related; type="application/dicom"; boundary=abc')]
    ok = {"type": "multipart/related", "params": {"type": "application/dicom"}}
    assert run("media_type", ctx(headers=header), ok) == []
    assert run("media_type", ctx(headers=header, variables={"x": "application/dicom"}),
               {"type": "multipart/related", "params": {"type": "${vars.x}"}}) == []
    wrong = {"type": "multipart/related", "params": {"type": "application/octet-stream", "transfer-syntax": "1.2"}}
    assert run("media_type", ctx(headers=header), wrong) == [
        "Content-Type parameter type='application/dicom', expected 'application/octet-stream'",
        "Content-Type 'multipart/related; type=\"application/dicom\"; boundary=abc' lacks the transfer-syntax parameter (expected '1.2')",
    ]


def test_media_type_without_params_forbids_them() -> None:
    arg = {"type": "application/dicom+json", "without_params": ["charset"]}
    assert run("media_type", ctx(headers=[("Content-Type", "application/dicom+json")]), arg) == []
    assert len(run("media_type", ctx(headers=[("Content-Type", "application/dicom+json; CHARSET=utf-8")]), arg)) == 1


# ------------------------------------------------------------------ header, header_absent


def test_header_presence_is_case_insensitive_on_the_name() -> None:
    assert run("header", ctx(headers=[("content-location", "/x")]), {"name": "Content-Location"}) == []
    assert run("header", ctx(), {"name": "Content-Location"}) == ["no Content-Location header"]


def test_header_equals_compares_the_rendered_value_exactly() -> None:
    c = ctx(headers=[("Warning", "299 x")], variables={"x": "299 x"})
    assert run("header", c, {"name": "Warning", "equals": "${vars.x}"}) == []
    assert run("header", c, {"name": "Warning", "equals": "299 X"}) == ["Warning: '299 x', expected '299 X'"]


def test_header_matches_is_a_full_match_over_all_values_joined() -> None:
    c = ctx(headers=[("Vary", "Accept"), ("vary", "Origin")])
    assert run("header", c, {"name": "Vary", "matches": "Accept, Origin"}) == []
    assert run("header", c, {"name": "Vary", "matches": "Accept"}) == ["Vary: 'Accept, Origin' does not match /Accept/"]


def test_header_contains_looks_for_a_substring() -> None:
    c = ctx(headers=[("Allow", "GET, HEAD, OPTIONS")])
    assert run("header", c, {"name": "Allow", "contains": "HEAD"}) == []
    assert run("header", c, {"name": "Allow", "contains": "POST"}) == ["Allow: 'GET, HEAD, OPTIONS' does not contain 'POST'"]


def test_header_absent() -> None:
    assert run("header_absent", ctx(headers=[("Content-Type", "a/b")]), "Content-Encoding") == []
    assert run("header_absent", ctx(headers=[("Content-Encoding", "gzip")]), "content-encoding") == [
        "unexpected content-encoding header: 'gzip'"]


# ------------------------------------------------------------------ body


@pytest.mark.parametrize("body, expected, problems", [
    (b"", "empty", []), (b"x", "non-empty", []),
    (b"abc", "empty", ["body has 3 bytes, expected none"]), (b"", "non-empty", ["body is empty"]),
])
def test_body_presence(body: bytes, expected: str, problems: list[str]) -> None:
    assert run("body", ctx(body=body), expected) == problems


# ------------------------------------------------------------------ the context and the registry


def test_context_gives_the_resource_relative_to_the_base_and_the_decoded_query() -> None:
    c = ctx()
    assert c.resource == "/studies"
    assert c.query == [("a", "1")]


def test_notes_are_kept_on_the_exchange() -> None:
    c = ctx()
    c.note("server sent 2 extra attributes")
    assert c.exchange.notes == ["server sent 2 extra attributes"]


def test_messages_normalise_every_outcome_shape() -> None:
    assert messages(None) == []
    assert messages("one") == ["one"]
    assert messages(["a", "", "b"]) == ["a", "b"]
    assert messages(m for m in ["x"]) == ["x"]


def test_a_check_needs_a_docstring_and_a_unique_name() -> None:
    registry = Registry()

    def documented(c: CheckContext, arg: Any) -> None:
        """Says what it checks."""

    registry.register("one", {})(documented)
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("one", {})(documented)
    with pytest.raises(ValueError, match="needs a docstring"):
        registry.register("two", {})(lambda c, a: None)
    assert [c.name for c in registry.checks()] == ["one"]
    assert registry.get("one").doc == "Says what it checks."  # type: ignore[union-attr]


def test_the_http_checks_are_registered_with_their_schemas() -> None:
    for name in ("status", "media_type", "header", "header_absent", "body"):
        check = REGISTRY.get(name)
        assert check is not None and check.schema and check.doc
