"""Search responses in their media types (PS3.18 §10.6.4, F.2.1, §8.3.3.1, §8.7.8.1).

* ``search_xml``: multipart/related; type="application/dicom+xml" holds one Native DICOM Model
  document per result (F.2.1), each part of type application/dicom+xml and valid per PS3.19 A.1.
* ``default_or_406``: where the 2024e text gives two answers to an Accept that names nothing the
  server supports -- §8.3.3.1 and Table 8.7.3-1 say "return the default media type", §8.7.8.1
  says "406 unless a wildcard matches" -- either is accepted, but nothing else.
"""

from __future__ import annotations

from typing import Any

from .context import CheckContext
from .registry import Outcome, check
from .search_body import MAX_SHOWN, MULTIPART

XML = "application/dicom+xml"


@check("search_xml", {"type": "object", "additionalProperties": False, "properties": {
    "count": {"type": "integer", "minimum": 0, "description": "exact number of parts (results)"}}},
    requirement="SEARCH-RESP-XML-MULTIPART")
def search_xml(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The body is multipart/related with type application/dicom+xml, one part per result, each part of type application/dicom+xml holding a valid Native DICOM Model document (PS3.18 F.2.1, PS3.19 A.1)."""
    from ..dicom.xml_model import validate_xml_bytes

    response = ctx.response
    ct = response.content_type
    if ct is None or ct.media_type != MULTIPART:
        return f"Content-Type is {response.header('content-type')!r}, expected {MULTIPART}; type=\"{XML}\""
    problems = []
    if ct.params.get("type", "").lower() != XML:
        problems.append(f"the multipart/related type parameter is {ct.params.get('type')!r}, expected {XML!r}")
    count = 0
    for part in response.parts():
        count += 1
        try:
            part_type = part.headers.content_type
        except ValueError:
            part_type = None
        if part_type is None or part_type.media_type != XML:
            problems.append(f"part {part.index + 1} has Content-Type {part.headers.get('content-type')!r}, expected {XML}")
        findings = [f for f in validate_xml_bytes(part.body, context="search") if f.severity == "error"]
        problems += [f"part {part.index + 1}: {f.location}: {f.rule}: {f.message}" for f in findings[:3]]
    if "count" in spec and count != spec["count"]:
        problems.append(f"{count} part(s), expected {spec['count']}")
    return problems[:MAX_SHOWN * 2]


@check("default_or_406", {"type": "string", "description": "the default media type of the resource"},
       requirement="SEARCH-STATUS-406-NOT-ACCEPTABLE")
def default_or_406(ctx: CheckContext, default: str) -> Outcome:
    """The server answers 406 Not Acceptable, or succeeds in the resource's default media type (PS3.18 §8.3.3.1 and Table 8.7.3-1 vs §8.7.8.1, which disagree when no wildcard is given)."""
    response = ctx.response
    if response.status == 406:
        return None
    if response.status in (200, 204):
        if response.status == 200 and response.media_type != default.lower():
            return f"status 200 with Content-Type {response.header('content-type')!r}: neither 406 nor the default {default}"
        return None
    return f"status {response.status} {response.reason}: expected 406, or the default media type {default}"


@check("search_framing", {"const": True}, requirement="SEARCH-RESP-HEADERS")
def search_framing(ctx: CheckContext, _: bool) -> Outcome:
    """A response with a payload carries exactly one of Content-Length and Transfer-Encoding (PS3.18 Table 10.6.3-2, §8.4.3)."""
    response = ctx.response
    length = response.header_all("content-length")
    coding = response.header_all("transfer-encoding")
    if length and coding:
        return f"both Content-Length ({', '.join(length)}) and Transfer-Encoding ({', '.join(coding)}) are present"
    if response.size and not length and not coding:
        return "a payload without Content-Length or Transfer-Encoding"
    return None
