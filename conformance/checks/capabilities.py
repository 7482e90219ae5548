"""Checks on Retrieve Capabilities (PS3.18 §8.9): the description, and that what it declares is true."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..errors import HarnessError
from ..transport.response import BodyFormatError
from .context import CheckContext
from .registry import Outcome, check
from .wadl import H1_SINGULAR, KNOWN_TOP, Wadl, parse_wadl_json, parse_wadl_xml

WADL_XML, WADL_JSON = "application/vnd.sun.wadl+xml", "application/json"
NOT_SERVED = (404, 405, 501)
MAX_FOLLOWED = 20


def read_wadl(ctx: CheckContext) -> Wadl:
    """The description in whichever of the two §8.9.4 media types the response says it is."""
    media = ctx.response.media_type
    if media == WADL_XML:
        return parse_wadl_xml(ctx.response.read())
    if media == WADL_JSON:
        try:
            return parse_wadl_json(ctx.response.json())
        except BodyFormatError as exc:
            return Wadl(problems=[str(exc)])
    return Wadl(problems=[f"Content-Type is {ctx.response.header('content-type')!r}, neither {WADL_XML} nor {WADL_JSON} (§8.9.4)"])


def _base_problem(declared: str | None, base_url: str) -> str | None:
    if not declared:
        return "the resources element has no base attribute (Annex H)"
    got, want = urlsplit(declared), urlsplit(base_url)
    if got.scheme not in ("http", "https") or not got.netloc:
        return f"resources base {declared!r} is not an absolute http(s) URL (Annex H)"
    if got.path.rstrip("/") != want.path.rstrip("/") or got.port != want.port:
        return f"resources base {declared!r} is not the service's base URL {base_url} (Annex H)"
    return None


@check("wadl", {"type": "object", "additionalProperties": False, "properties": {
    "declares": {"type": "array", "items": {"type": "string"},
                 "description": "resource paths the description must declare, e.g. workitems or workitems/{workitem}/state (templates match any {name})"},
    "declares_any": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                     "description": "resource paths of which the description must declare at least one"},
    "known_resources": {"const": True, "description": "every top-level resource is one of Table H-1"}}},
    requirement="CAPS-PAYLOAD-ANNEX-H")
def wadl(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is a Capabilities Description (Annex H): one WADL application holding one resources element whose base is the service's base URL, in WADL XML or its Annex G JSON form; optionally declaring these resources."""
    doc = read_wadl(ctx)
    problems = list(doc.problems[:10])
    if problems and not doc.roots:
        return problems
    if doc.resources_elements != 1:
        problems.append(f"{doc.resources_elements} resources elements, Annex H wants exactly one")
    if (problem := _base_problem(doc.base, ctx.base_url)) is not None:
        problems.append(problem)
    declared = {_shape(_plural(p, ctx)) for p, _ in doc.paths()}
    for want in spec.get("declares", []):
        if _shape("/" + want.strip("/")) not in declared:
            problems.append(f"the description does not declare {want} (Table H-1)")
    if "declares_any" in spec and not any(_shape("/" + w.strip("/")) in declared for w in spec["declares_any"]):
        problems.append(f"the description declares none of {', '.join(spec['declares_any'])} (Table H-1)")
    if spec.get("known_resources"):
        for top in doc.top_level():
            if top in H1_SINGULAR:
                ctx.note(f"{top} is Table H-1's spelling; §12.1.1 names the resource {H1_SINGULAR[top]}")
            elif top not in KNOWN_TOP:
                problems.append(f"top-level resource {top!r} is not in Table H-1")
    ctx.note(f"declared: {', '.join(sorted(declared)[:30])}")
    return problems


def _plural(path: str, ctx: CheckContext) -> str:
    """Table H-1 spells two NPI names in the singular, §12.1.1 in the plural; both name the same resource."""
    first, _, rest = path.lstrip("/").partition("/")
    if first in H1_SINGULAR:
        note = f"{first} (Table H-1's spelling) read as {H1_SINGULAR[first]} (§12.1.1)"
        if note not in ctx.exchange.notes:
            ctx.note(note)
        return "/" + H1_SINGULAR[first] + (f"/{rest}" if rest else "")
    return path


def _shape(path: str) -> str:
    """/studies/{study}/series -> /studies/{}/series: templates match whatever their names."""
    return "/".join("{}" if s.startswith("{") and s.endswith("}") else s for s in path.split("/"))


@check("declared_resources_answer", {"type": "object", "additionalProperties": False, "properties": {
    "accept": {"type": "string", "description": "the Accept header of the follow-up GETs (default application/dicom+json)"}}},
    requirement="CAPS-WADL-TARGET-RESOURCE")
def declared_resources_answer(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Every concrete resource (no {template} in its path) the description declares with GET answers a GET with something other than 404, 405 or 501; Table H-1 top-level resources it leaves out are noted."""
    if ctx.follow is None:
        raise HarnessError("declared_resources_answer needs the runner's follow-ups")
    doc = read_wadl(ctx)
    if doc.problems and not doc.roots:
        return [f"cannot read the description: {doc.problems[0]}"]
    accept = (("Accept", spec.get("accept", "application/dicom+json")),)
    problems = []
    concrete = [(p, r) for p, r in doc.paths() if "GET" in r.methods and "{" not in p][:MAX_FOLLOWED]
    for path, _ in concrete:
        exchange = ctx.follow(ctx.base_url.rstrip("/") + path, accept)
        status = exchange.response.status if exchange.response is not None else None
        if status in NOT_SERVED:
            problems.append(f"declared GET {path} answered {status}")
    missing = sorted(KNOWN_TOP - set(doc.top_level()))
    ctx.note(f"followed {len(concrete)} declared resource(s); Table H-1 resources not declared: {', '.join(missing) or 'none'}")
    return problems
