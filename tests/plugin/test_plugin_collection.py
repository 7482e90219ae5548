"""Collection: every YAML case below a `testcases` folder is a pytest item; a malformed file is
a collection error naming file:line, never a traceback; selection works the pytest ways
(-k, -m) and the harness way (--dicomweb-select)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

MALFORMED = Path(__file__).resolve().parents[1] / "data" / "cases" / "malformed"

SEARCH_CASES = """\
transaction: studies.search
cases:
  - id: search-one
    title: First search case
    requirements: [SEARCH-RESOURCE-ALL-STUDIES]
    level: shall
    steps:
      - request: {path: /status/200}
        expect: [status: 200]
  - id: search-two-should
    title: A should-level search case
    requirements: [SEARCH-MATCH-PN-CARET]
    level: should
    steps:
      - request: {path: /status/200}
        expect: [status: 200]
"""

RETRIEVE_CASES = """\
transaction: studies.retrieve
cases:
  - id: retrieve-one
    title: A retrieve case
    requirements: [RETRIEVE-INSTANCE-RESOURCE]
    level: shall
    steps:
      - request: {path: /status/200}
        expect: [status: 200]
"""


def write(pytester: pytest.Pytester, relpath: str, text: str) -> Path:
    path = pytester.path / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    write(pytester, "testcases/studies/search.yaml", SEARCH_CASES)
    write(pytester, "testcases/studies/retrieve.yaml", RETRIEVE_CASES)
    return pytester


def collected(result: pytest.RunResult) -> list[str]:
    return sorted(line for line in result.outlines if "::" in line)


def marked_line(path: Path) -> int:
    return next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "<- error" in text)


# ------------------------------------------------------------------ items


def test_each_case_is_an_item_named_by_its_file_and_id(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--collect-only", "-q")
    assert collected(result) == ["testcases/studies/retrieve.yaml::retrieve-one",
                                 "testcases/studies/search.yaml::search-one",
                                 "testcases/studies/search.yaml::search-two-should"]


def test_yaml_outside_a_testcases_folder_is_not_collected(pytester: pytest.Pytester) -> None:
    write(pytester, "data/search.yaml", SEARCH_CASES)
    write(pytester, "config.yaml", "not: a case file\n")
    result = pytester.runpytest("--collect-only", "-q")
    assert collected(result) == []
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_another_case_folder_is_collected_with_dicomweb_cases(pytester: pytest.Pytester) -> None:
    write(pytester, "vendor/extra.yaml", RETRIEVE_CASES)
    result = pytester.runpytest("--collect-only", "-q", "--dicomweb-cases", "vendor", "vendor")
    assert collected(result) == ["vendor/extra.yaml::retrieve-one"]


# ------------------------------------------------------------------ case file errors


@pytest.mark.parametrize("name", ["yaml-syntax.yaml", "duplicate-key.yaml", "unknown-check.yaml", "bad-check-argument.yaml",
                                  "unknown-requirement.yaml", "unknown-fixture-template.yaml", "var-used-before-saved.yaml",
                                  "level-stronger-than-requirement.yaml", "raw-query-and-query.yaml", "body-two-kinds.yaml"])
def test_a_malformed_case_file_is_a_collection_error_at_file_and_line_without_traceback(
        pytester: pytest.Pytester, name: str) -> None:
    target = pytester.path / "testcases" / name
    target.parent.mkdir()
    shutil.copyfile(MALFORMED / name, target)
    result = pytester.runpytest("--collect-only", "-q")
    out = result.stdout.str()
    assert f"case file error: testcases/{name}:{marked_line(target)}: " in out
    assert "Traceback" not in out and "conformance/" not in out
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.assert_outcomes(errors=1)


def test_a_malformed_file_stops_the_run_even_among_good_files(suite: pytest.Pytester, fake_target) -> None:  # type: ignore[no-untyped-def]
    shutil.copyfile(MALFORMED / "unknown-check.yaml", suite.path / "testcases" / "bad.yaml")
    result = suite.runpytest("--dicomweb-url", fake_target.url)
    result.stdout.fnmatch_lines(["*case file error: testcases/bad.yaml:12: *statuz*"])
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert fake_target.requests == []  # never a silent skip: nothing ran


def test_a_case_id_used_in_two_files_is_a_collection_error_naming_both(suite: pytest.Pytester) -> None:
    write(suite, "testcases/uri/copy.yaml", RETRIEVE_CASES)
    result = suite.runpytest("--collect-only", "-q")
    out = result.stdout.str()
    found = re.search(r"case file error: (testcases/\S+):(\d+): case id 'retrieve-one' is already used at (testcases/\S+):(\d+)", out)
    assert found is not None, out
    assert {found.group(1), found.group(3)} == {"testcases/uri/copy.yaml", "testcases/studies/retrieve.yaml"}
    assert (found.group(2), found.group(4)) == ("3", "3")
    assert "Traceback" not in out


def test_a_case_id_used_twice_in_one_file_is_a_collection_error(pytester: pytest.Pytester) -> None:
    body = RETRIEVE_CASES.split("cases:\n", 1)[1]
    write(pytester, "testcases/twice.yaml", "transaction: studies.retrieve\ncases:\n" + body + body)
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["*case file error: testcases/twice.yaml:10: case id 'retrieve-one' is already used at testcases/twice.yaml:3*"])


def test_an_alias_bomb_is_a_collection_error_at_the_alias_without_traceback(pytester: pytest.Pytester) -> None:
    levels = "".join(f"l{i + 1}: &l{i + 1} [" + ", ".join([f"*l{i}"] * 9) + "]\n" for i in range(8))
    write(pytester, "testcases/bomb.yaml", "l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + levels + "cases: *l8\n")
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(["*case file error: testcases/bomb.yaml:5: YAML alias [*]l3 (anchor &l3 on line 4) takes the nodes"
                                 " repeated through aliases to 15,670, over the limit of 10,000 for a case file: *alias bomb*"])
    assert "Traceback" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED


# ------------------------------------------------------------------ selection


@pytest.mark.parametrize("select, expected", [
    (["studies.retrieve"], ["retrieve-one"]),
    (["studies"], ["retrieve-one", "search-one", "search-two-should"]),
    (["search-*"], ["search-one", "search-two-should"]),
    (["SEARCH-MATCH-PN-CARET"], ["search-two-should"]),
    (["retrieve-one,SEARCH-MATCH-PN-CARET"], ["retrieve-one", "search-two-should"]),  # a comma list
    (["retrieve-one", "search-one"], ["retrieve-one", "search-one"]),  # the option repeated
    (["nothing-matches"], []),
])
def test_dicomweb_select(suite: pytest.Pytester, select: list[str], expected: list[str]) -> None:
    args = [a for term in select for a in ("--dicomweb-select", term)]
    result = suite.runpytest("--collect-only", "-q", *args)
    assert [line.split("::")[1] for line in collected(result)] == expected
    if len(expected) < 3:
        assert f"{3 - len(expected)} deselected" in result.stdout.str()


def test_k_selects_by_case_id(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--collect-only", "-q", "-k", "retrieve or two")
    assert [line.split("::")[1] for line in collected(result)] == ["retrieve-one", "search-two-should"]


def test_m_selects_by_requirement_level(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--collect-only", "-q", "-m", "shall")
    assert [line.split("::")[1] for line in collected(result)] == ["retrieve-one", "search-one"]
    result = suite.runpytest("--collect-only", "-q", "-m", "should")
    assert [line.split("::")[1] for line in collected(result)] == ["search-two-should"]


def test_m_selects_by_transaction_mark(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--collect-only", "-q", "-m", "studies_retrieve")
    assert [line.split("::")[1] for line in collected(result)] == ["retrieve-one"]


def test_marks_are_registered_so_strict_markers_accept_them(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--collect-only", "-q", "--strict-markers", "-m", "shall and studies_search")
    assert [line.split("::")[1] for line in collected(result)] == ["search-one"]


def test_only_testcases_folders_below_the_rootdir_count(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    # A checkout that itself lives below some ".../testcases/..." folder (a CI workspace, say)
    # must not turn its other YAML files into case files.
    project = pytester.path / "testcases" / "checkout"
    write(pytester, "testcases/checkout/pytest.ini", "[pytest]\n")
    write(pytester, "testcases/checkout/config/settings.yaml", "not: a case file\n")
    write(pytester, "testcases/checkout/testcases/search.yaml", SEARCH_CASES)
    monkeypatch.chdir(project)
    result = pytester.runpytest("--collect-only", "-q", "--rootdir", str(project))
    assert "case file error" not in result.stdout.str()
    assert collected(result) == ["testcases/search.yaml::search-one", "testcases/search.yaml::search-two-should"]
