"""Validating standalone files, for the `validate` command: JSON or XML detected from the content.

Each finding prints as "path: location: severity rule: message (PS3.18 §section)". The exit status is 0 when every
file is valid, 1 when one has errors (or warnings, with strict), 2 when one could not be read or judged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from .findings import CONTEXTS, ERROR, ModelFinding, ModelValidationError
from .json_model import validate_json_bytes
from .lint import lint_json
from .xml_model import validate_xml_bytes

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2
_PARSE_FAILURES = frozenset({"JSON-SYNTAX", "JSON-NOT-UTF8"})


def detect_format(raw: bytes) -> str:
    """"xml" for markup or a multipart body of XML parts, else "json" (whose errors then explain the rest)."""
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" if head.startswith((b"<", b"--")) else "json"


def findings_for(raw: bytes, *, context: str = "generic") -> list[ModelFinding]:
    """Validator findings plus, for JSON that parses, the lint's warnings."""
    if detect_format(raw) == "xml":
        return validate_xml_bytes(raw, context=context)
    findings = validate_json_bytes(raw, context=context)
    if not any(finding.rule in _PARSE_FAILURES for finding in findings):
        findings.extend(lint_json(json.loads(raw.decode("utf-8-sig"))))
    return findings


def format_finding(path: str, finding: ModelFinding) -> str:
    location = finding.location or "(document)"
    return f"{path}: {location}: {finding.severity} {finding.rule}: {finding.message} ({finding.citation()})"


def validate_files(paths: Sequence[str], *, strict: bool, out: TextIO, context: str = "generic") -> int:
    if context not in CONTEXTS:
        raise ModelValidationError(f"unknown context {context!r}; expected one of {sorted(CONTEXTS)}")
    status = EXIT_VALID
    for path in paths:
        status = max(status, _validate_file(path, strict=strict, out=out, context=context))
    return status


def _validate_file(path: str, *, strict: bool, out: TextIO, context: str) -> int:
    try:
        with open(path, "rb") as stream:
            raw = stream.read()
    except OSError as error:
        print(f"{path}: cannot read: {error.strerror or error}", file=out)
        return EXIT_UNREADABLE
    try:
        findings = findings_for(raw, context=context)
    except Exception as error:  # a validator bug must not end the run with a traceback
        print(f"{path}: internal error while validating: {type(error).__name__}: {error}", file=out)
        return EXIT_UNREADABLE
    for finding in findings:
        print(format_finding(path, finding), file=out)
    errors = sum(finding.severity == ERROR for finding in findings)
    warnings = len(findings) - errors
    print(f"{path}: {'valid' if not errors else 'invalid'} ({errors} errors, {warnings} warnings)", file=out)
    if errors or (strict and warnings):
        return EXIT_INVALID
    return EXIT_VALID
