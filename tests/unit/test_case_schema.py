"""The JSON Schema of case files: one source of truth, shipped for editors, valid for every case.

The shipped copy is regenerated with
    .venv/bin/dicomweb-conformance schema > conformance/cases/case.schema.json
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from conformance.cases.schema import SCHEMA_FILE, build_schema, schema_text
from conformance.catalog import TRANSACTIONS
from conformance.checks import REGISTRY
from conformance.cli import main

ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = sorted((ROOT / "testcases").rglob("*.yaml"))
REGENERATE = ".venv/bin/dicomweb-conformance schema > conformance/cases/case.schema.json"


@pytest.fixture(scope="module")
def shipped() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validator(schema: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_shipped_schema_is_exactly_what_the_registry_builds() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(REGISTRY), f"out of date: run `{REGENERATE}`"


def test_schema_command_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == SCHEMA_FILE.read_text(encoding="utf-8")


def test_shipped_schema_is_a_valid_draft_2020_12_schema(shipped: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert shipped["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_offers_every_registered_check_with_its_description(shipped: dict) -> None:
    checks = shipped["$defs"]["expectation"]["properties"]
    assert sorted(checks) == sorted(c.name for c in REGISTRY.checks())
    for c in REGISTRY.checks():
        assert checks[c.name]["description"] == c.doc


def test_schema_offers_exactly_the_transaction_vocabulary(shipped: dict) -> None:
    assert shipped["$defs"]["case"]["properties"]["transaction"]["enum"] == sorted(TRANSACTIONS)
    assert shipped["properties"]["transaction"]["enum"] == sorted(TRANSACTIONS)


def test_schema_text_is_deterministic() -> None:
    assert schema_text(REGISTRY) == schema_text(REGISTRY)
    assert json.loads(schema_text(REGISTRY)) == build_schema(REGISTRY)


def test_the_suite_has_case_files() -> None:
    assert len(CASE_FILES) >= 5


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_case_file_validates_against_the_shipped_schema(shipped: dict, path: Path) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(shipped).iter_errors(doc)]
    assert errors == []


def test_the_test_data_well_formed_file_validates(shipped: dict) -> None:
    doc = yaml.safe_load((ROOT / "tests/data/cases/well-formed.yaml").read_text(encoding="utf-8"))
    validator(shipped).validate(doc)


@pytest.mark.parametrize("hex_text, valid", [("", True), ("0a 1B", True), ("abc", False), ("a b", False), ("xy", False)])
def test_hex_bodies_must_be_whole_bytes(shipped: dict, hex_text: str, valid: bool) -> None:
    doc = {"cases": [{"id": "x", "title": "hex body", "requirements": ["R"], "level": "shall",
                      "steps": [{"request": {"path": "/", "body": {"hex": hex_text}}, "expect": []}]}]}
    assert validator(shipped).is_valid(doc) is valid


def test_regex_arguments_must_compile(shipped: dict) -> None:
    def doc(pattern: str) -> dict:
        return {"cases": [{"id": "x", "title": "regex arg", "requirements": ["R"], "level": "shall",
                           "steps": [{"request": {"path": "/"}, "expect": [{"header": {"name": "A", "matches": pattern}}]}]}]}

    assert validator(shipped).is_valid(doc("application/dicom(\\+json)?"))
    assert not validator(shipped).is_valid(doc("application/(dicom"))
