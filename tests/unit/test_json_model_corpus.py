"""The corpus under tests/data/models is the specification of the DICOM JSON validator and the lint.

`json/invalid/<RULE>--<slug>[.<context>].json` must produce exactly <RULE>; `json/valid/*` must produce nothing;
`lint/<RULE>--<slug>.json` must be valid and earn exactly that lint rule. See tests/data/models/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.dicom.findings import CONTEXTS, ERROR, WARNING
from conformance.dicom.json_model import validate_json, validate_json_bytes
from conformance.dicom.lint import lint_json
from conformance.dicom.rules import RULES

MODELS = Path(__file__).resolve().parents[1] / "data" / "models"
JSON_VALID = sorted((MODELS / "json" / "valid").glob("*.json"))
JSON_INVALID = sorted((MODELS / "json" / "invalid").glob("*.json"))
LINT = sorted((MODELS / "lint").glob("*.json"))
NOT_IN_CORPUS = {"LINT-LARGE-INLINEBINARY": "tested in test_lint.py: a corpus file would exceed 1 MB"}


def rule_of(path: Path) -> str:
    return path.name.split("--")[0]


def context_of(path: Path) -> str:
    parts = path.name.split(".")
    return parts[-2] if len(parts) > 2 and parts[-2] in CONTEXTS else "generic"


def test_the_corpus_holds_at_least_80_documents() -> None:
    documents = [p for p in MODELS.rglob("*") if p.suffix in (".json", ".xml")]
    assert len(documents) >= 80


def test_every_corpus_file_name_names_a_catalog_rule() -> None:
    for path in JSON_INVALID + LINT + sorted((MODELS / "xml" / "invalid").glob("*.xml")):
        assert rule_of(path) in RULES, f"{path.name}: no rule {rule_of(path)!r} in the catalog"


def test_every_json_and_lint_rule_has_a_corpus_document() -> None:
    covered = {rule_of(path) for path in JSON_INVALID + LINT}
    wanted = {rule for rule in RULES if rule.startswith(("JSON-", "LINT-"))}
    assert wanted - covered - NOT_IN_CORPUS.keys() == set()


@pytest.mark.parametrize("path", JSON_VALID, ids=lambda p: p.name)
def test_valid_json_document_has_no_findings(path: Path) -> None:
    assert validate_json_bytes(path.read_bytes(), context=context_of(path)) == []


@pytest.mark.parametrize("path", JSON_INVALID, ids=lambda p: p.name)
def test_invalid_json_document_breaks_exactly_the_named_rule(path: Path) -> None:
    findings = validate_json_bytes(path.read_bytes(), context=context_of(path))
    assert {finding.rule for finding in findings} == {rule_of(path)}, [
        (finding.rule, finding.location, finding.message) for finding in findings
    ]
    for finding in findings:
        assert finding.section == RULES[finding.rule].section
        assert finding.message and "\n" not in finding.message


@pytest.mark.parametrize("path", JSON_INVALID, ids=lambda p: p.name)
def test_parsed_and_raw_validation_agree_once_the_bytes_parse(path: Path) -> None:
    # validate_json sees dicts, validate_json_bytes sees (name, value) tuples: the verdict must not change.
    # Duplicate names are the one thing dicts cannot show, and undecodable payloads never reach a dict.
    raw = path.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        pytest.skip("the payload does not parse")
    if rule_of(path) in ("JSON-DUPLICATE-KEY", "JSON-UTF8-BOM"):
        pytest.skip("invisible once parsed into dicts")
    from_bytes = validate_json_bytes(raw, context=context_of(path))
    from_doc = validate_json(doc, context=context_of(path))
    assert [(f.rule, f.location) for f in from_doc] == [(f.rule, f.location) for f in from_bytes]


@pytest.mark.parametrize("path", LINT, ids=lambda p: p.name)
def test_lint_document_is_valid_and_earns_exactly_the_named_warning(path: Path) -> None:
    raw = path.read_bytes()
    assert validate_json_bytes(raw) == []
    findings = lint_json(json.loads(raw))
    assert {finding.rule for finding in findings} == {rule_of(path)}
    assert all(finding.severity == WARNING for finding in findings)


def test_severities_follow_the_catalog_and_the_lint_only_warns() -> None:
    for rule in RULES.values():
        assert rule.severity in (ERROR, WARNING)
        if rule.id.startswith("LINT-"):
            assert rule.severity == WARNING
        assert rule.section and rule.summary
