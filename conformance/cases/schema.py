"""The JSON Schema of case files, built from the check registry.

One source of truth: the same schema validates every file at collection and is
shipped as ``case.schema.json`` for editors' autocompletion (a test keeps the
shipped copy equal to what this module builds).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance_fixtures.built import BUILD_TEMPLATES

from ..catalog import TRANSACTIONS
from ..checks.registry import Registry
from .profile import VARIANTS

SCHEMA_FILE = Path(__file__).with_name("case.schema.json")
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
VAR_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
HEX_PATTERN = r"^(\s*[0-9a-fA-F]{2})*\s*$"  # whole bytes, as bytes.fromhex reads them


def _string_map() -> dict[str, Any]:
    return {"type": "object", "additionalProperties": {"type": ["string", "number"]}}


def _pairs(lists: bool = False) -> dict[str, Any]:
    value: dict[str, Any] = {"type": ["string", "number"]}
    if lists:
        value = {"oneOf": [value, {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1,
                                   "description": "a list: items encoded one by one, joined by raw commas"}]}
    mapping = {"type": "object", "additionalProperties": value}
    pair = {"type": "array", "prefixItems": [{"type": "string"}, value], "minItems": 2, "maxItems": 2}
    return {"oneOf": [mapping, {"type": "array", "items": pair}]}


def _body() -> dict[str, Any]:
    instances = {"type": "array", "items": {"type": "string"}, "minItems": 1}
    part = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "headers": _string_map(),
            "instance": {"type": "string", "description": "a fixture instance key: its Part 10 bytes"},
            "text": {"type": "string"},
            "hex": {"type": "string", "pattern": HEX_PATTERN},
        },
    }
    return {
        "type": "object",
        "description": "Exactly one of stow, stow_json, stow_xml, parts, text, json, hex, empty, dataset, workitem.",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {
            "stow": {**instances, "description": "fixture instances sent as multipart/related; type=\"application/dicom\""},
            "stow_json": {**instances, "description": "fixture instances sent as metadata plus bulk data (PS3.18 10.5.1.4): "
                          "one application/dicom+json array part, then one part per bulk value"},
            "stow_xml": {**instances, "description": "fixture instances sent as metadata plus bulk data (PS3.18 10.5.1.4): "
                         "one application/dicom+xml part per instance, then one part per bulk value"},
            "parts": {"type": "array", "items": part, "description": "explicit multipart/related parts"},
            "text": {"type": "string"},
            "json": {},
            "hex": {"type": "string", "pattern": HEX_PATTERN},
            "empty": {"const": True},
            "dataset": {"type": "object", "description": "a DICOM JSON dataset written as keyword: value (lists for several "
                        "values, lists of mappings for sequences); sent as application/dicom+json"},
            "workitem": {"type": "string", "description": "a workitem the case builds: sent as DICOM JSON, its UID placed per the create form"},
            "content_type": {"type": "string", "description": "Content-Type to send; {boundary} is replaced; '' sends none"},
            "boundary": {"type": "string"},
        },
    }


def _request() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["path"],
        "additionalProperties": False,
        "properties": {
            "method": {"enum": ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]},
            "path": {"type": "string", "description": "path relative to the target base URL; ${instance.Keyword} and ${vars.name} are filled in"},
            "query": {**_pairs(lists=True), "description": "query parameters, encoded by query_encoding; repeat a name with the list-of-pairs form"},
            "raw_query": {"type": "string", "description": "query string sent exactly as written (after ${...} filling)"},
            "query_encoding": {"enum": ["minimal", "encode-unreserved"]},
            "headers": _pairs(),
            "body": _body(),
            "follow_redirects": {"type": "boolean"},
            "service": {"enum": ["dicomweb", "uri"], "description": "uri: relative to the URI service (WADO-URI) endpoint"},
            "workitem_uid": {"type": "string", "description": "Create Workitem: the Workitem UID, placed per the profile's ups-create (or form)"},
            "transaction_uid": {"type": "string", "description": "Update Workitem: the Transaction UID, sent per the profile's ups-transaction-uid (or form)"},
            "form": {"enum": sorted({v for k in ("ups-create", "ups-transaction-uid") for v in VARIANTS[k].values}),
                     "description": "pins the form of workitem_uid / transaction_uid (a case that checks one edition's form)"},
        },
    }


def _websocket() -> dict[str, Any]:
    name = {"type": "string", "pattern": VAR_PATTERN}
    return {
        "type": "object",
        "description": "A WebSocket step (PS3.18 8.10): exactly one of open, receive, close naming a channel.",
        "additionalProperties": False,
        "oneOf": [{"required": ["open"]}, {"required": ["receive"]}, {"required": ["close"]}],
        "properties": {
            "open": {**name, "description": "open the event channel under this name"},
            "receive": {**name, "description": "wait for event reports on this channel"},
            "close": {**name, "description": "close this channel"},
            "subscription": {"type": "string", "description": "open: the ws(s) URL a Subscribe response named (Content-Location)"},
            "aet": {"type": "string", "description": "open: the subscriber AE title (the ws-subscribers profile path uses it)"},
            "within": {"type": "number", "exclusiveMinimum": 0, "maximum": 120, "description": "receive: seconds to wait (default 5)"},
            "count": {"type": "integer", "minimum": 1, "description": "receive: stop as soon as this many events arrived"},
        },
    }


def _step_extras() -> dict[str, Any]:
    return {
        "websocket": {"$ref": "#/$defs/websocket"},
        "not_offered": {
            "type": "object", "required": ["status", "reason"], "additionalProperties": False,
            "description": "responses that show an optional part is not offered: the case is skipped, not failed",
            "properties": {"status": {"type": "array", "items": {"type": "integer", "minimum": 100, "maximum": 599}, "minItems": 1},
                           "reason": {"type": "string", "minLength": 10, "description": "why that answer is allowed (cite the section)"},
                           "warning": {"type": "string", "description": "text the Warning header must also contain"}},
        },
        "repeat": {
            "type": "object", "required": ["while_status"], "additionalProperties": False,
            "description": "send again while the status is while_status (honouring Retry-After), for at most `within` seconds",
            "properties": {"while_status": {"type": "integer", "minimum": 100, "maximum": 599},
                           "within": {"type": "number", "exclusiveMinimum": 0, "maximum": 300}},
        },
    }


def build_schema(registry: Registry) -> dict[str, Any]:
    expect_item = {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
        "properties": {c.name: {**c.schema, "description": c.doc} for c in registry.checks()},
    }
    step = {
        "type": "object",
        "required": ["expect"],
        "oneOf": [{"required": ["request"]}, {"required": ["websocket"]}],
        "additionalProperties": False,
        "properties": {
            **_step_extras(),
            "name": {"type": "string"},
            "request": {"$ref": "#/$defs/request"},
            "expect": {"type": "array", "items": {"$ref": "#/$defs/expectation"}},
            "save": {
                "type": "object",
                "propertyNames": {"pattern": VAR_PATTERN},
                "additionalProperties": {"type": "string", "description": "a JSON pointer into the response body, or header:NAME"},
            },
        },
    }
    case = {
        "type": "object",
        "required": ["id", "title", "requirements", "level", "steps"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": ID_PATTERN},
            "title": {"type": "string", "minLength": 5},
            "description": {"type": "string"},
            "transaction": {"enum": sorted(TRANSACTIONS)},
            "requirements": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "level": {"enum": ["shall", "should", "may"]},
            "feature": {"type": "string"},
            "needs": {"type": "array", "items": {"type": "string"}, "description": "fixture instances stored before the case runs"},
            "makes": {"type": "object", "propertyNames": {"pattern": VAR_PATTERN}, "additionalProperties": {"type": "string"},
                      "description": "case-local fresh copies (new UIDs) of fixture instances, for cases that store: name -> fixture key"},
            "tentative": {"type": "string", "description": "the draft supplement or change proposal this case comes from"},
            "edition": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "builds": {"type": "object", "propertyNames": {"pattern": VAR_PATTERN}, "additionalProperties": {"enum": sorted(BUILD_TEMPLATES)},
                       "description": "case-local objects built from templates (workitems, non-patient instances): name -> template"},
            "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}, "minItems": 1},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://dicomweb-conformance/case.schema.json",
        "title": "dicomweb-conformance case file",
        "type": "object",
        "required": ["cases"],
        "additionalProperties": False,
        "properties": {
            "transaction": {"enum": sorted(TRANSACTIONS), "description": "default transaction of the cases in this file"},
            "feature": {"type": "string", "description": "default feature gate of the cases in this file"},
            "cases": {"type": "array", "items": {"$ref": "#/$defs/case"}, "minItems": 1},
        },
        "$defs": {"case": case, "step": step, "request": _request(), "expectation": expect_item, "websocket": _websocket()},
    }


def schema_text(registry: Registry) -> str:
    return json.dumps(build_schema(registry), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
