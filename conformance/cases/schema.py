"""The JSON Schema of case files, built from the check registry.

One source of truth: the same schema validates every file at collection and is
shipped as ``case.schema.json`` for editors' autocompletion (a test keeps the
shipped copy equal to what this module builds).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..catalog import TRANSACTIONS
from ..checks.registry import Registry

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
        "description": "Exactly one of stow, parts, text, json, hex, empty.",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {
            "stow": {**instances, "description": "fixture instances sent as multipart/related; type=\"application/dicom\""},
            "parts": {"type": "array", "items": part, "description": "explicit multipart/related parts"},
            "text": {"type": "string"},
            "json": {},
            "hex": {"type": "string", "pattern": HEX_PATTERN},
            "empty": {"const": True},
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
        "required": ["request", "expect"],
        "additionalProperties": False,
        "properties": {
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
        "$defs": {"case": case, "step": step, "request": _request(), "expectation": expect_item},
    }


def schema_text(registry: Registry) -> str:
    return json.dumps(build_schema(registry), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
