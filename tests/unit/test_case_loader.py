"""The case loader: YAML case files -> frozen Case objects, or a CaseFileError at file:line.

Every malformed file under tests/data/cases/malformed/ marks the line the error must
name with a trailing ``# <- error`` comment, so each file documents its own expectation.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from conformance.cases.model import Body, Case, Expectation, RequestSpec, Source, Step
from conformance.cases.parse import CaseParser
from conformance.catalog import load_catalog
from conformance.checks import REGISTRY
from conformance.errors import CaseFileError

DATA = Path(__file__).resolve().parents[1] / "data" / "cases"
MALFORMED = DATA / "malformed"
FIXTURE_KEYS = frozenset({"ct1", "ct2", "mr1"})
KNOWN_CHECKS = [c.name for c in REGISTRY.checks()]


@pytest.fixture(scope="module")
def parser() -> CaseParser:
    return CaseParser(load_catalog(), lambda: FIXTURE_KEYS)


def marked_line(path: Path) -> int:
    """The 1-based line that carries the '# <- error' marker."""
    lines = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "<- error" in text]
    assert len(lines) == 1, f"{path.name} must mark exactly one line"
    return lines[0]


def load_error(parser: CaseParser, name: str) -> CaseFileError:
    path = MALFORMED / name
    with pytest.raises(CaseFileError) as info:
        parser.parse_file(path, f"cases/{name}")
    return info.value


# file -> fragments the message must contain (besides naming the file and the marked line)
MALFORMED_FILES: dict[str, list[str]] = {
    "yaml-syntax.yaml": ["YAML syntax", "tab character" if yaml.__with_libyaml__ else "'\\t'"],
    "duplicate-key.yaml": ["'level' appears twice"],
    "unknown-check.yaml": ["'statuz' was unexpected", "unknown check", "known checks: " + ", ".join(KNOWN_CHECKS)],
    "bad-check-argument.yaml": ["expect/0/status", "'two hundred'"],
    "bad-regex-argument.yaml": ["matches", "'application/(dicom+json'", "regex"],
    "unknown-requirement.yaml": ["bad-unknown-requirement", "'NO-SUCH-REQUIREMENT' is not in the catalog"],
    "unknown-fixture-needs.yaml": ["unknown fixture instance 'ct99'", "known: ct1, ct2, mr1"],
    "unknown-fixture-makes.yaml": ["unknown fixture instance 'ct99' to copy"],
    "makes-shadows-fixture.yaml": ["'ct1' is a fixture key"],
    "unknown-fixture-template.yaml": ["${mr1.PatientID}", "'mr1'", "not in the case's 'needs' or 'makes'"],
    "template-without-attribute.yaml": ["${ct1}", "needs an attribute keyword"],
    "unknown-run-attribute.yaml": ["${run.tag}", "only 'id' and 'prefix'"],
    "body-instance-not-needed.yaml": ["instance 'b'", "not in the case's 'needs' or 'makes'"],
    "var-used-before-saved.yaml": ["step 2 uses ${vars.series}", "no earlier step saves 'series'"],
    "var-used-in-its-own-step.yaml": ["step 1 uses ${vars.where}", "no earlier step saves 'where'"],
    "level-stronger-than-requirement.yaml": ["level 'shall' is stronger than any cited requirement (may)"],
    "raw-query-and-query.yaml": ["either query or raw_query, not both"],
    "body-two-kinds.yaml": ["exactly one of stow, stow_json, stow_xml, parts, text, json, hex, empty", "'text'", "'json'"],
    "bad-hex-body.yaml": ["body/hex", "'ab c'"],
    "no-transaction.yaml": ["bad-no-transaction", "no transaction"],
    "unknown-key.yaml": ["'expected' was unexpected"],
    "missing-title.yaml": ["'title' is a required property"],
    "bad-case-id.yaml": ["cases/0/id", "'Bad Case Id' does not match"],
    "empty.yaml": ["the file is empty"],
    "not-a-mapping.yaml": ["is not of type 'object'"],
}


def test_every_malformed_data_file_is_covered_by_the_table() -> None:
    assert sorted(p.name for p in MALFORMED.glob("*.yaml")) == sorted(MALFORMED_FILES)


@pytest.mark.parametrize("name", sorted(MALFORMED_FILES))
def test_malformed_file_gives_case_file_error_at_file_and_line(parser: CaseParser, name: str) -> None:
    err = load_error(parser, name)
    assert err.path == f"cases/{name}"
    assert err.line == marked_line(MALFORMED / name)
    assert str(err).startswith(f"cases/{name}:{err.line}: ")
    for fragment in MALFORMED_FILES[name]:
        assert fragment in err.message


def test_a_file_that_is_not_utf8_is_a_case_file_error(parser: CaseParser, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"cases:\n  - title: caf\xe9\n")
    with pytest.raises(CaseFileError, match="cannot read") as info:
        parser.parse_file(path, "latin1.yaml")
    assert info.value.path == "latin1.yaml"


def test_a_missing_file_is_a_case_file_error(parser: CaseParser, tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="cannot read"):
        parser.parse_file(tmp_path / "nowhere.yaml")


def test_python_object_tags_are_refused_not_constructed(parser: CaseParser, tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("cases: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(CaseFileError, match="YAML") as info:
        parser.parse_file(path, "evil.yaml")
    assert info.value.line == 1


def test_two_documents_in_one_file_are_refused(parser: CaseParser, tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("cases: []\n---\ncases: []\n")
    with pytest.raises(CaseFileError, match="YAML") as info:
        parser.parse_file(path, "two.yaml")
    assert info.value.line == 2


SHARED_REQUEST = """\
transaction: studies.search
cases:
  - id: first-search
    title: First search
    requirements: [SEARCH-RESOURCE-ALL-STUDIES]
    level: shall
    steps:
      - request: &all-studies {path: /studies, headers: {Accept: application/dicom+json}}
        expect: [status: 200]
  - id: second-search
    title: Second search
    requirements: [SEARCH-RESOURCE-ALL-STUDIES]
    level: shall
    steps:
      - request: *all-studies
        expect: [status: 200]
"""


def test_an_alias_may_repeat_a_small_value(parser: CaseParser, tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(SHARED_REQUEST)
    first, second = parser.parse_file(path, "shared.yaml")
    assert first.steps[0].request == second.steps[0].request
    assert second.steps[0].request.path == "/studies"


def test_aliases_that_repeat_more_than_10000_nodes_are_a_case_file_error_at_the_alias(
        parser: CaseParser, tmp_path: Path) -> None:
    path = tmp_path / "repeats.yaml"
    # a list of 999 scalars is 1,000 nodes: ten aliases of it are allowed, the eleventh (line 12) is not
    path.write_text("many: &many [" + ", ".join(["x"] * 999) + "]\n" + "".join(f"copy{i}: *many\n" for i in range(11)))
    with pytest.raises(CaseFileError) as info:
        parser.parse_file(path, "repeats.yaml")
    assert str(info.value).startswith("repeats.yaml:12: YAML alias *many (anchor &many on line 1) takes the nodes "
                                      "repeated through aliases to 11,000, over the limit of 10,000 for a case file: ")
    assert "should read top to bottom" in info.value.message
    assert "alias bomb" in info.value.message


def test_an_alias_inside_the_node_it_names_is_a_case_file_error_at_the_alias(parser: CaseParser, tmp_path: Path) -> None:
    path = tmp_path / "itself.yaml"
    path.write_text("cases: &me\n  - id: x\n    steps: *me\n")
    with pytest.raises(CaseFileError) as info:
        parser.parse_file(path, "itself.yaml")
    assert str(info.value) == ("itself.yaml:3: YAML alias *me is inside the node its anchor &me (line 1) names: "
                               "a value cannot contain itself")


def test_schema_errors_list_further_problems_with_their_own_lines(parser: CaseParser, tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "cases:\n"
        "  - id: a-case\n"
        "    title: Two problems in one case\n"
        "    requirements: []\n"
        "    level: must\n"
        "    steps: []\n"
    )
    with pytest.raises(CaseFileError) as info:
        parser.parse_file(path, "many.yaml")
    err = info.value
    assert err.line == 4  # the first problem, in file order
    assert "many.yaml:5: cases/0/level" in err.message
    assert "many.yaml:6: cases/0/steps" in err.message


# ---------------------------------------------------------------- a well-formed file


@pytest.fixture(scope="module")
def good_cases(parser: CaseParser) -> list[Case]:
    return parser.parse_file(DATA / "well-formed.yaml", "cases/well-formed.yaml")


def test_well_formed_file_gives_one_case_per_entry_in_order(good_cases: list[Case]) -> None:
    assert [c.id for c in good_cases] == ["good-search-then-series", "good-store-fresh-copy"]


def test_first_case_takes_the_file_defaults_and_its_own_fields(good_cases: list[Case]) -> None:
    case = good_cases[0]
    assert case == Case(
        id="good-search-then-series",
        title="Searching a patient's studies, then the series of the first study",
        transaction="studies.search",
        requirements=("SEARCH-RESOURCE-ALL-STUDIES", "SEARCH-RESOURCE-STUDY-SERIES"),
        level="shall",
        steps=(
            Step(
                name="search studies",
                request=RequestSpec(
                    method="GET",
                    path="/studies",
                    query=(("PatientID", "${ct1.PatientID}"), ("includefield", ("StudyDate", "00100010")), ("limit", "10")),
                    headers=(("Accept", "application/dicom+json"),),
                ),
                expect=(Expectation("status", 200, 23), Expectation("media_type", "application/dicom+json", 24)),
                save=(("study", "/0/0020000D/Value/0"),),
                line=14,
            ),
            Step(
                name="GET /studies/${vars.study}/series",
                request=RequestSpec(method="GET", path="/studies/${vars.study}/series", raw_query="SeriesNumber=1",
                                    query_encoding="encode-unreserved"),
                expect=(Expectation("status", {"one_of": [200, 204],
                                               "because": "PS3.18 10.6.3: an empty result may be 204 No Content"}, 31),),
                save=(),
                line=26,
            ),
        ),
        source=Source("cases/well-formed.yaml", 6),
        description="Two steps; the second uses a value saved by the first.",
        feature="qido",
        needs=("ct1",),
        tags=("smoke",),
    )


def test_second_case_overrides_the_defaults_and_keeps_pairs_in_order(good_cases: list[Case]) -> None:
    case = good_cases[1]
    assert (case.transaction, case.feature, case.level) == ("studies.store", "stow", "should")
    assert case.makes == (("a", "ct1"),)
    assert (case.edition, case.tentative) == ("2024e", "CP-0000")
    (step,) = case.steps
    assert step.request == RequestSpec(
        method="POST",
        path="/studies",
        query=(("PatientID", "x"), ("PatientID", "y")),  # a repeated name keeps both, in order
        headers=(("Accept", "application/dicom+json"), ("X-Trace", "7")),  # numbers become text
        body=Body(kind="stow", value=("a",), boundary="fixed-boundary"),
        follow_redirects=True,
    )
    assert step.expect == (Expectation("status", 200, 51),
                           Expectation("store_response", {"stored": ["a"], "failed": []}, 52))


def test_case_properties_derive_from_the_steps(good_cases: list[Case]) -> None:
    search, store = good_cases
    assert (search.service, search.writes, search.instance_names) == ("studies", False, ("ct1",))
    assert (store.service, store.writes, store.instance_names) == ("studies", True, ("a",))


def test_cases_are_frozen(good_cases: list[Case]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        good_cases[0].level = "may"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        good_cases[0].steps[0].request.path = "/elsewhere"  # type: ignore[misc]


def test_a_weaker_level_than_the_requirement_is_allowed(good_cases: list[Case]) -> None:
    assert load_catalog().requirements["STORE-STATUS-200"].level == "shall"
    assert good_cases[1].level == "should"


def test_every_shipped_case_file_loads() -> None:
    from conformance_fixtures import RECIPES

    real = CaseParser(load_catalog(), lambda: frozenset(r.place.key for r in RECIPES))
    root = Path(__file__).resolve().parents[2] / "testcases"
    files = sorted(root.rglob("*.yaml"))
    assert files, "the shipped suite has case files"
    for path in files:
        assert real.parse_file(path), path  # every file holds at least one case
