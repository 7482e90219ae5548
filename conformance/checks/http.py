"""Checks on the HTTP envelope: status, media type, headers, body presence."""

from __future__ import annotations

import re
from typing import Any

from .context import CheckContext
from .registry import Outcome, check

_ALTERNATIVES = {
    "type": "object",
    "required": ["one_of", "because"],
    "additionalProperties": False,
    "properties": {
        "one_of": {"type": "array", "items": {"type": "integer"}, "minItems": 2},
        "because": {"type": "string", "minLength": 10, "description": "the section of the standard that allows each alternative"},
    },
}


@check("status", {"oneOf": [{"type": "integer", "minimum": 100, "maximum": 599}, _ALTERNATIVES]})
def status(ctx: CheckContext, expected: int | dict[str, Any]) -> Outcome:
    """The response status code is exactly this; alternatives only where the standard allows them, with the reason."""
    got = ctx.response.status
    allowed = [expected] if isinstance(expected, int) else expected["one_of"]
    if got not in allowed:
        want = " or ".join(map(str, allowed))
        return f"status {got} {ctx.response.reason}, expected {want}"
    return None


@check("media_type", {"oneOf": [
    {"type": "string"},
    {"type": "object", "required": ["type"], "additionalProperties": False,
     "properties": {"type": {"type": "string"}, "params": {"type": "object", "additionalProperties": {"type": "string"}},
                    "without_params": {"type": "array", "items": {"type": "string"}, "description": "parameters that must not appear"}}},
]})
def media_type(ctx: CheckContext, expected: str | dict[str, Any]) -> Outcome:
    """Content-Type names exactly this media type (case-insensitive), with these parameters if given."""
    want = expected if isinstance(expected, str) else expected["type"]
    params = {} if isinstance(expected, str) else expected.get("params", {})
    raw = ctx.response.header("content-type")
    if raw is None:
        return f"no Content-Type header, expected {want}"
    ct = ctx.response.content_type
    if ct is None:
        return f"Content-Type {raw!r} is not a valid media type"
    problems = []
    if ct.media_type != want.lower():
        problems.append(f"Content-Type is {ct.media_type}, expected {want}")
    for key in ([] if isinstance(expected, str) else expected.get("without_params", [])):
        if key.lower() in ct.params:
            problems.append(f"Content-Type {raw!r} carries a {key} parameter, which it must not")
    for key, value in params.items():
        got = ct.params.get(key.lower())
        if got is None:
            problems.append(f"Content-Type {raw!r} lacks the {key} parameter (expected {value!r})")
        elif got.lower() != ctx.render(value).lower():
            problems.append(f"Content-Type parameter {key}={got!r}, expected {value!r}")
    return problems


@check("header", {"type": "object", "required": ["name"], "additionalProperties": False, "properties": {
    "name": {"type": "string"}, "equals": {"type": "string"}, "matches": {"type": "string", "format": "regex"},
    "contains": {"type": "string"}}})
def header(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """A response header is present; with equals/matches/contains, its value is as stated."""
    values = ctx.response.header_all(spec["name"])
    if not values:
        return f"no {spec['name']} header"
    value = ", ".join(values)
    if "equals" in spec and value != ctx.render(spec["equals"]):
        return f"{spec['name']}: {value!r}, expected {ctx.render(spec['equals'])!r}"
    if "matches" in spec and not re.fullmatch(spec["matches"], value):
        return f"{spec['name']}: {value!r} does not match /{spec['matches']}/"
    if "contains" in spec and ctx.render(spec["contains"]) not in value:
        return f"{spec['name']}: {value!r} does not contain {ctx.render(spec['contains'])!r}"
    return None


@check("header_absent", {"type": "string"})
def header_absent(ctx: CheckContext, name: str) -> Outcome:
    """The response has no header of this name."""
    values = ctx.response.header_all(name)
    return f"unexpected {name} header: {', '.join(values)!r}" if values else None


@check("body", {"enum": ["empty", "non-empty"]})
def body(ctx: CheckContext, expected: str) -> Outcome:
    """The response body is empty or non-empty."""
    size = ctx.response.size
    if expected == "empty" and size:
        return f"body has {size} bytes, expected none"
    if expected == "non-empty" and not size:
        return "body is empty"
    return None
