"""Every DICOM JSON or XML body is validated, whatever the case asked for.

A malformed attribute anywhere in any response is reported against the case that received
it: model errors are failures (PS3.18 Annex F / PS3.19 Annex A), lint findings are warnings
(legal, but known to break clients).
"""

from __future__ import annotations

from ..transport.response import BodyFormatError
from .context import CheckContext

MAX_SHOWN = 8
JSON_TYPES = frozenset({"application/dicom+json", "application/json"})


def model_context(ctx: CheckContext, transaction: str) -> str:
    if ctx.exchange.request.method == "POST" and transaction == "studies.store":
        return "store-response"
    if ctx.resource.endswith("/metadata"):
        return "metadata"
    if transaction.endswith(".search"):
        return "search"
    return "generic"


def _is_xml(ctx: CheckContext) -> bool:
    ct = ctx.response.content_type
    if ct is None:
        return False
    return ct.media_type == "application/dicom+xml" or (
        ct.media_type == "multipart/related" and ct.params.get("type", "").lower() == "application/dicom+xml")


def model_findings(ctx: CheckContext, transaction: str) -> tuple[list[str], list[str]]:
    """(errors, warnings) for the body of this exchange; nothing for bodies that are not DICOM models."""
    resp = ctx.response
    if not resp.size or resp.status >= 400 or resp.content_type is None:
        return [], []
    if transaction == "capabilities":
        return [], []  # §8.9.4: there application/json is WADL in JSON (Annex G), not the DICOM JSON Model
    context = model_context(ctx, transaction)
    if resp.content_type.media_type in JSON_TYPES:
        from ..dicom.json_model import validate_json
        from ..dicom.lint import lint_json

        try:
            doc = resp.json()
        except BodyFormatError as exc:
            return [f"JSON-WELL-FORMED: {exc}"], []
        findings = validate_json(doc, context=context) + lint_json(doc)
    elif _is_xml(ctx):
        from ..dicom.xml_model import validate_xml_bytes

        try:
            raw = resp.read()
        except BodyFormatError:
            return [], []
        findings = validate_xml_bytes(raw, context=context)  # it splits a multipart body itself
    else:
        return [], []
    errors = [f"{f.location or '/'}: {f.rule}: {f.message} ({f.citation()})" for f in findings if f.severity == "error"]
    warnings = [f"{f.location or '/'}: {f.rule}: {f.message} ({f.citation()})" for f in findings if f.severity != "error"]
    return _cap(errors), _cap(warnings)


def _cap(lines: list[str]) -> list[str]:
    return lines if len(lines) <= MAX_SHOWN else lines[:MAX_SHOWN] + [f"... and {len(lines) - MAX_SHOWN} more"]
