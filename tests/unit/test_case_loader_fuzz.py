"""Fuzzing the case loader: on any file, CaseParser.parse_file returns Cases or raises CaseFileError.

Three generators: YAML-ish text built from YAML's own tokens, random edits of the real case
files, and real case documents with one node replaced by a random value (which gets past
the YAML parser into the schema and the semantic checks). An input class the loader does
not handle yet is pinned by a strict-xfail test at the end and left out of the generators;
when it is fixed, its xfail turns into a failure: make it a plain test and widen the generator.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.cases.model import Case
from conformance.cases.parse import CaseParser
from conformance.catalog import load_catalog
from conformance.errors import CaseFileError
from conformance_fixtures import RECIPES

ROOT = Path(__file__).resolve().parents[2]
REAL_FILES = sorted((ROOT / "testcases").rglob("*.yaml"))
PARSER = CaseParser(load_catalog(), lambda: frozenset(r.place.key for r in RECIPES))
# Any character a UTF-8 file can hold (YAML itself forbids most control characters: a CaseFileError).
PRINTABLE = st.characters(codec="utf-8")
TOKENS = ["cases:", "- id: x", "title: t", "requirements: [STORE-STATUS-200]", "level: shall", "steps:",
          "- request:", "path: /studies", "method: POST", "expect:", "- status: 200", "needs: [ct1]",
          "makes: {a: ct1}", "body: {stow: [a]}", "save: {v: /0}", "${ct1.StudyInstanceUID}", "${vars.v}",
          "transaction: studies.search", "query: {PatientID: x}", "&anchor", "*anchor", "<<: *anchor",
          "!!str", "!!binary", "!!python/object:os.system", "---", "...", "%YAML 1.1", "? complex", "|", ">-",
          "{", "}", "[", "]", ",", ":", "#", "'", '"', "~", "null", "true", "0x1F", "1e9", "-", "  ", "\t"]


def parse_text(text: str) -> list[Case]:
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8", delete=False) as handle:
        handle.write(text)
    path = Path(handle.name)
    try:
        return PARSER.parse_file(path, "fuzz.yaml")
    finally:
        path.unlink()


def assert_cases_or_case_file_error(text: str) -> None:
    try:
        result = parse_text(text)
    except CaseFileError as exc:
        assert str(exc).startswith("fuzz.yaml"), str(exc)
        return
    assert isinstance(result, list) and all(isinstance(c, Case) for c in result), result


yamlish = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(PRINTABLE, max_size=12)), max_size=40).map(
    lambda parts: "".join(p + ("\n" if i % 3 == 2 else " ") for i, p in enumerate(parts)))


@st.composite
def edited_real_file(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(REAL_FILES)).read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "indent", "dedent", "insert", "truncate", "swap"]))
        if edit == "delete":
            del lines[at]
        elif edit == "duplicate":
            lines.insert(at, lines[at])
        elif edit == "indent":
            lines[at] = "  " + lines[at]
        elif edit == "dedent":
            lines[at] = lines[at][2:]
        elif edit == "insert":
            lines.insert(at, draw(st.sampled_from(TOKENS)) + " " + draw(st.text(PRINTABLE, max_size=10)))
        elif edit == "truncate":
            lines[at] = lines[at][: draw(st.integers(0, max(0, len(lines[at]) - 1)))]
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
    return "\n".join(lines) + "\n"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(PRINTABLE, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(PRINTABLE, max_size=10), inner, max_size=4),
    max_leaves=12)


def _nodes(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _nodes(value, path + (key,))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _nodes(value, path + (index,))
    return found


@st.composite
def real_document_with_one_node_replaced(draw: st.DrawFn) -> str:
    doc = yaml.safe_load(draw(st.sampled_from(REAL_FILES)).read_text(encoding="utf-8"))
    path = draw(st.sampled_from(_nodes(doc)[1:]))
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = draw(json_values)
    return yaml.safe_dump(doc, allow_unicode=True)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(yamlish)
def test_yaml_ish_text_gives_cases_or_a_case_file_error(text: str) -> None:
    assert_cases_or_case_file_error(text)


@FUZZ
@given(edited_real_file())
def test_an_edited_real_case_file_gives_cases_or_a_case_file_error(text: str) -> None:
    assert_cases_or_case_file_error(text)


@FUZZ
@given(real_document_with_one_node_replaced())
def test_a_real_case_document_with_a_random_node_gives_cases_or_a_case_file_error(text: str) -> None:
    assert_cases_or_case_file_error(text)


def test_every_real_case_file_loads() -> None:
    assert REAL_FILES
    for path in REAL_FILES:
        assert all(isinstance(c, Case) for c in PARSER.parse_file(path))


# -- inputs that once escaped as other exceptions (or took minutes) ---------------------------


def test_deeply_nested_yaml_is_a_case_file_error() -> None:
    assert_cases_or_case_file_error("[" * 5000 + "]" * 5000)


def test_a_control_character_is_a_case_file_error() -> None:
    assert_cases_or_case_file_error("cases: [\x00]\n")


def test_an_integer_too_long_to_convert_is_a_case_file_error() -> None:
    assert_cases_or_case_file_error("cases:\n  - id: x\n    requirements: [" + "9" * 5000 + "]\n")


def test_an_alias_bomb_is_refused_at_the_alias_that_goes_over_the_limit_before_anything_expands_it() -> None:
    # 8 levels of 9 aliases: 9**8 references in 2 KB of YAML (expanded by schema validation it took 34 s)
    levels = "".join(f"l{i + 1}: &l{i + 1} [" + ", ".join([f"*l{i}"] * 9) + "]\n" for i in range(8))
    with pytest.raises(CaseFileError) as info:
        parse_text("l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + levels + "cases: *l8\n")
    # the aliases in l1..l3 repeat 90 + 819 + 7,380 nodes; the first *l3 (line 5) adds 7,381 more: over 10,000
    assert str(info.value).startswith("fuzz.yaml:5: YAML alias *l3 (anchor &l3 on line 4) takes the nodes repeated "
                                      "through aliases to 15,670, over the limit of 10,000 for a case file: ")
    assert "alias bomb" in str(info.value)
