"""The XML half of the corpus: Native DICOM Model documents, valid and invalid, and the schema's agreement.

`xml/invalid/<RULE>--<slug>[.<context>].xml` must produce exactly <RULE>. The walker names every schema
violation itself, so the RELAX NG schema must reject a document exactly when its rule is one the A.1.6 schema
states (and is an error: the two warnings are deliberate leniencies), and accept every other document.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.dicom import xml_parse
from conformance.dicom.findings import CONTEXTS, ERROR
from conformance.dicom.rules import RULES
from conformance.dicom.xml_model import validate_xml_bytes

MODELS = Path(__file__).resolve().parents[1] / "data" / "models" / "xml"
VALID = sorted((MODELS / "valid").glob("*.xml"))
INVALID = sorted((MODELS / "invalid").glob("*.xml"))
NOT_IN_CORPUS = {"XML-SCHEMA": "the backstop for rules the walker lacks; tested in test_xml_model.py"}
NOT_ABOUT_THE_SCHEMA = {"XML-SYNTAX", "XML-MULTIPART"}


def rule_of(path: Path) -> str:
    return path.name.split("--")[0]


def context_of(path: Path) -> str:
    parts = path.name.split(".")
    return parts[-2] if len(parts) > 2 and parts[-2] in CONTEXTS else "generic"


def schema_rejects(raw: bytes) -> bool:
    bodies = xml_parse.split_multipart(raw)[0] if xml_parse.looks_multipart(raw) else [raw]
    for body in bodies:
        root = xml_parse.parse_xml(body).root
        namespace = xml_parse.split_name(root.tag)[0]
        if namespace not in ("", xml_parse.NATIVE_NS):
            namespace = xml_parse.NATIVE_NS  # a foreign namespace is judged by the real schema
        if xml_parse.schema_errors(root, namespace):
            return True
    return False


def test_every_xml_rule_has_a_corpus_document() -> None:
    covered = {rule_of(path) for path in INVALID}
    wanted = {rule for rule in RULES if rule.startswith("XML-")}
    assert wanted - covered - NOT_IN_CORPUS.keys() == set()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_xml_document_has_no_findings(path: Path) -> None:
    assert validate_xml_bytes(path.read_bytes(), context=context_of(path)) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_xml_document_breaks_exactly_the_named_rule(path: Path) -> None:
    findings = validate_xml_bytes(path.read_bytes(), context=context_of(path))
    assert {finding.rule for finding in findings} == {rule_of(path)}, [
        (finding.rule, finding.location, finding.message) for finding in findings
    ]
    assert all(finding.location.startswith("/") for finding in findings)


@pytest.mark.skipif(not xml_parse.schema_available(), reason="lxml is not installed")
@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_relax_ng_schema_rejects_exactly_the_schema_rules(path: Path) -> None:
    rule = rule_of(path) if path in INVALID else None
    if rule in NOT_ABOUT_THE_SCHEMA:
        pytest.skip("not a well-formed document")
    stated_by_schema = rule is not None and RULES[rule].section == "PS3.19 A.1.6" and RULES[rule].severity == ERROR
    assert schema_rejects(path.read_bytes()) == stated_by_schema


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: p.name)
def test_the_standard_library_parser_gives_the_same_verdicts(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {finding.rule for finding in validate_xml_bytes(path.read_bytes(), context=context_of(path))}
    monkeypatch.setattr(xml_parse, "lxml_etree", None)
    got = {finding.rule for finding in validate_xml_bytes(path.read_bytes(), context=context_of(path))}
    assert got == expected
