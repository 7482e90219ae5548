"""Validator of the DICOM JSON Model, PS3.18 Annex F, to the letter.

`validate_json` judges a parsed document; `validate_json_bytes` also judges the payload itself (UTF-8, JSON
syntax, repeated member names) and never raises for bad input. The rules, with their sections, are in rules.py;
the walk is in json_walk.py.

Contexts tighten rules where the text does: "search" and "metadata" results are one top-level array (F.2.1),
a "store-response" is one Store Instances Response Module object (10.5.3.3), and Group 0002 must not appear in
metadata ("store-request": an error, 10.5.1.4; "metadata": a warning, since 10.4.1.1.2 says so only in a Note).
"""

from __future__ import annotations

import codecs
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager

from .findings import ModelFinding, check_context
from .json_walk import JsonWalker
from .rules import RULES


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Parsing builds millions of small containers, none in a cycle; the cyclic GC would rescan them over and over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_json(doc: object, *, context: str = "generic") -> list[ModelFinding]:
    """Findings for a parsed DICOM JSON document: a dataset object, or an array of them."""
    check_context(context)
    walker = JsonWalker(context)
    try:
        walker.document(doc)
    except RecursionError:
        walker.add("JSON-TOO-DEEP", "", "the document nests too deeply to validate")
    return walker.findings


def validate_json_bytes(raw: bytes | bytearray | memoryview | str, *, context: str = "generic") -> list[ModelFinding]:
    """Findings for a DICOM JSON payload as received (bytes; a str counts as already decoded)."""
    check_context(context)
    findings: list[ModelFinding] = []
    if isinstance(raw, str):
        text = raw
    else:
        data = bytes(raw)
        if data.startswith(codecs.BOM_UTF8):
            findings.append(RULES["JSON-UTF8-BOM"].finding("", "payload starts with a UTF-8 byte order mark"))
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"byte {error.start} is not UTF-8 ({error.reason}); F.2 requires UTF-8"
            return [*findings, RULES["JSON-NOT-UTF8"].finding("", message)]
    with _gc_paused():
        try:
            doc = json.loads(text, object_pairs_hook=tuple)
        except json.JSONDecodeError as error:
            message = f"line {error.lineno} column {error.colno}: {error.msg}"
            return [*findings, RULES["JSON-SYNTAX"].finding("", message)]
        except (ValueError, RecursionError) as error:  # e.g. integers too long to convert, absurd nesting
            return [*findings, RULES["JSON-SYNTAX"].finding("", f"cannot parse: {error}")]
        findings.extend(validate_json(doc, context=context))
        del doc  # freed by reference counting while the collector still sleeps
    return findings
