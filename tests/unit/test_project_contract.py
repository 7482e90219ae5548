"""Project-wide contracts: every case file loads and cites the catalog; packaging lists every package."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from conformance.cases.parse import CaseParser
from conformance.catalog import TRANSACTIONS, load_catalog
from conformance.plugin import _fixture_keys

ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = sorted((ROOT / "testcases").rglob("*.yaml"))


@pytest.fixture(scope="module")
def all_cases() -> list:
    parser = CaseParser(load_catalog(), _fixture_keys)
    return [case for f in CASE_FILES for case in parser.parse_file(f, str(f.relative_to(ROOT)))]


def test_every_case_file_loads_and_every_case_cites_the_catalog(all_cases: list) -> None:
    catalog = load_catalog()
    assert all_cases, "no cases found"
    for case in all_cases:
        assert case.requirements, case.id
        for rid in case.requirements:
            assert rid in catalog, f"{case.source}: {rid} is not in the catalog"


def test_case_ids_are_unique_across_files(all_cases: list) -> None:
    seen: dict[str, str] = {}
    for case in all_cases:
        assert case.id not in seen, f"{case.id} at {case.source} and {seen[case.id]}"
        seen[case.id] = str(case.source)


def test_cases_live_in_the_folder_of_their_transaction(all_cases: list) -> None:
    for case in all_cases:
        assert case.transaction in TRANSACTIONS
        service = case.transaction.split(".")[0]
        assert f"testcases/{service}/" in case.source.path or case.source.path.startswith(f"testcases/{service}"), case.source


def test_pyproject_lists_every_package() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "conformance").rglob("__init__.py")}
    assert found <= listed, f"add to pyproject.toml: {sorted(found - listed)}"
    assert "conformance_fixtures" in listed
