"""Expectations that apply only to one of the outcomes the standard allows.

Where PS3.18 lets a server either offer something optional or refuse it with a given status, a
case states both: the status check lists the allowed codes (with the section that allows them),
and `when_status` holds what must be true of the response in the offering case.
"""

from __future__ import annotations

from typing import Any

from ..transport.response import BodyFormatError
from .context import CheckContext
from .registry import REGISTRY, Outcome, check, messages


@check("when_status", {"type": "object", "required": ["status", "expect"], "additionalProperties": False, "properties": {
    "status": {"type": "array", "items": {"type": "integer", "minimum": 100, "maximum": 599}, "minItems": 1},
    "expect": {"type": "array", "items": {"$ref": "#/$defs/expectation"}, "minItems": 1}}})
def when_status(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Only when the response status is one of these do the nested expectations apply (an optional feature the server may also decline with a status the status check allows)."""
    status = ctx.response.status
    if status not in spec["status"]:
        ctx.note(f"status {status}: the {len(spec['expect'])} expectation(s) for status {spec['status']} do not apply")
        return None
    problems: list[str] = []
    for item in spec["expect"]:
        (name, args), = item.items()
        nested = REGISTRY.get(name)
        if nested is None:  # the schema admits registered checks only
            problems.append(f"unknown check {name!r}")
            continue
        try:
            found = messages(nested.func(ctx, args))
        except BodyFormatError as exc:
            found = [str(exc)]
        problems += [f"{name}: {message}" for message in found]
    return problems
