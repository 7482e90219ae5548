"""The requirement catalog (conformance/catalog/requirements.yaml) keeps its contract.

Every row is checked against the vocabulary the harness uses and against the
text of PS3.18 2024e, so a mistyped section, table or level fails here rather
than in a report.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

CATALOG = Path(__file__).resolve().parents[2] / "conformance" / "catalog" / "requirements.yaml"
STANDARD_TEXT = Path("/work/shared/reference/part18-2024e.txt")

LEVELS = {"shall", "should", "may", "user-agent", "documentation"}
TESTABLE = {"black-box", "needs-fixture", "no"}
TRANSACTIONS = {
    "general", "studies.retrieve", "studies.store", "studies.search", "studies.rendered",
    "studies.thumbnail", "worklist.create", "worklist.retrieve", "worklist.update",
    "worklist.change-state", "worklist.request-cancellation", "worklist.search",
    "worklist.subscribe", "worklist.unsubscribe", "worklist.suspend-subscription",
    "notifications", "capabilities", "uri.retrieve", "npi.retrieve", "npi.store", "npi.search",
    "storage-commitment", "model.json", "model.xml",
}
REQUIRED_KEYS = {"id", "section", "level", "transaction", "testable", "summary"}
OPTIONAL_KEYS = {"table", "condition", "note"}

# Id prefix (area) -> the transactions a row of that area may belong to.  Capabilities
# rows of a service keep the service's prefix (e.g. NPI-CAPS-NAMES).
AREA_TRANSACTIONS: dict[str, set[str]] = {
    "GEN": {"general"},
    "MEDIA": {"general"},
    "RETRIEVE": {"studies.retrieve"},
    "RENDER": {"studies.rendered"},
    "THUMB": {"studies.thumbnail"},
    "STORE": {"studies.store"},
    "SEARCH": {"studies.search"},
    "UPS": {t for t in TRANSACTIONS if t.startswith("worklist.")} | {"capabilities"},
    "NOTIFY": {"notifications"},
    "CAPS": {"capabilities"},
    "URI": {"uri.retrieve"},
    "NPI": {"npi.retrieve", "npi.store", "npi.search", "capabilities"},
    "COMMIT": {"storage-commitment", "capabilities"},
    "JSON": {"model.json"},
    "XML": {"model.xml"},
}
ID_PATTERN = re.compile(r"^(%s)(-[A-Z0-9]+)+$" % "|".join(AREA_TRANSACTIONS))
OTHER_PART_SECTION = re.compile(r"^PS3\.(?!18 )\d{1,2} [A-Z0-9][A-Za-z0-9.]*$")
# Headings in the text look like "#### 10.6.3.1 Status Codes" or "## F.2.3 DICOM JSON ...";
# the bare annex letters ("# H Capabilities Description") are headings too.
HEADING = re.compile(r"^(#{1,6}) ([0-9]+(?:\.[0-9]+)*|[A-K](?:\.[0-9]+)*) \S")
TABLE_CAPTION = re.compile(r"^Table ([0-9A-K][0-9A-Z.\-]*)\. ")
MAX_SUMMARY = 200


@lru_cache(maxsize=1)
def load_document() -> dict[str, Any]:
    return yaml.safe_load(CATALOG.read_text(encoding="utf-8"))


def rows() -> list[dict[str, Any]]:
    return load_document()["requirements"]


def row_ids() -> list[str]:
    return [str(row.get("id")) for row in rows()]


@lru_cache(maxsize=1)
def standard_lines() -> list[str]:
    if not STANDARD_TEXT.is_file():
        pytest.skip(f"reference text {STANDARD_TEXT} is not available")
    return STANDARD_TEXT.read_text(encoding="utf-8").splitlines()


@lru_cache(maxsize=1)
def headings() -> dict[str, int]:
    """PS3.18 section number -> line index of its heading."""
    found: dict[str, int] = {}
    for index, line in enumerate(standard_lines()):
        match = HEADING.match(line)
        if match:
            found.setdefault(match.group(2), index)
    return found


@lru_cache(maxsize=1)
def table_captions() -> dict[str, int]:
    """PS3.18 table number -> line index of its caption."""
    found: dict[str, int] = {}
    for index, line in enumerate(standard_lines()):
        match = TABLE_CAPTION.match(line)
        if match:
            found.setdefault(match.group(1), index)
    return found


def section_span(section: str) -> tuple[int, int]:
    """Lines from a section's heading up to the next heading that is not its descendant."""
    ordered = sorted(headings().items(), key=lambda item: item[1])
    start = headings()[section]
    for number, line in ordered:
        if line > start and not number.startswith(section + "."):
            return start, line
    return start, len(standard_lines())


def is_ps318_section(section: str) -> bool:
    return not section.startswith("PS3.")


def describe(row: dict[str, Any]) -> str:
    return str(row.get("id", "<no id>"))


# --- the file as a whole --------------------------------------------------------------


def test_catalog_declares_edition_2024e_and_a_requirement_list() -> None:
    document = load_document()
    assert set(document) == {"edition", "requirements"}
    assert document["edition"] == "2024e"
    assert isinstance(document["requirements"], list) and document["requirements"]


def test_catalog_covers_the_whole_inventory() -> None:
    # ~350 inventory rows, several of them split into more than one requirement.
    assert len(rows()) >= 350


def test_every_transaction_of_the_vocabulary_has_requirements() -> None:
    used = {row["transaction"] for row in rows()}
    assert TRANSACTIONS - used == set()


# --- ids ------------------------------------------------------------------------------


def test_ids_are_unique() -> None:
    duplicates = [rid for rid, count in Counter(row_ids()).items() if count > 1]
    assert duplicates == []


def test_ids_are_upper_kebab_with_a_known_area_prefix() -> None:
    malformed = [rid for rid in row_ids() if not ID_PATTERN.match(rid)]
    assert malformed == []


def test_id_prefix_matches_the_transaction_area() -> None:
    mismatched = [
        f"{row['id']} ({row['transaction']})"
        for row in rows()
        if row["transaction"] not in AREA_TRANSACTIONS[row["id"].split("-", 1)[0]]
    ]
    assert mismatched == []


# --- fields and vocabulary ------------------------------------------------------------


def test_every_row_has_the_required_fields_and_no_unknown_ones() -> None:
    problems = []
    for row in rows():
        missing = REQUIRED_KEYS - set(row)
        unknown = set(row) - REQUIRED_KEYS - OPTIONAL_KEYS
        if missing or unknown:
            problems.append(f"{describe(row)}: missing {sorted(missing)} unknown {sorted(unknown)}")
    assert problems == []


def test_every_field_value_is_a_non_empty_string() -> None:
    bad = [f"{describe(row)}.{key}" for row in rows() for key, value in row.items()
           if not isinstance(value, str) or not value.strip()]
    assert bad == []


def test_levels_are_in_the_vocabulary() -> None:
    assert [describe(row) for row in rows() if row["level"] not in LEVELS] == []


def test_transactions_are_in_the_vocabulary() -> None:
    assert [describe(row) for row in rows() if row["transaction"] not in TRANSACTIONS] == []


def test_testable_values_are_in_the_vocabulary() -> None:
    assert [describe(row) for row in rows() if row["testable"] not in TESTABLE] == []


def test_documentation_rows_are_not_testable_over_http() -> None:
    # Conformance Statement content; what Capabilities must show has its own CAPS-style row.
    assert [describe(row) for row in rows() if row["level"] == "documentation" and row["testable"] != "no"] == []


def test_condition_appears_only_on_conditional_shall_rows() -> None:
    assert [describe(row) for row in rows() if "condition" in row and row["level"] != "shall"] == []


def test_condition_is_a_when_clause_on_one_line() -> None:
    bad = [describe(row) for row in rows() if "condition" in row
           and (not row["condition"].startswith("when ") or "\n" in row["condition"])]
    assert bad == []


def test_summary_is_one_line_under_200_characters() -> None:
    bad = [f"{describe(row)} ({len(row['summary'])})" for row in rows()
           if "\n" in row["summary"] or len(row["summary"]) >= MAX_SUMMARY]
    assert bad == []


def test_note_is_one_line_when_present() -> None:
    assert [describe(row) for row in rows() if "note" in row and "\n" in row["note"]] == []


# --- sections and tables against the standard text -------------------------------------


def test_sections_of_other_parts_name_the_part_and_a_section() -> None:
    bad = [f"{describe(row)}: {row['section']}" for row in rows()
           if not is_ps318_section(row["section"]) and not OTHER_PART_SECTION.match(row["section"])]
    assert bad == []


def test_every_ps318_section_is_a_heading_in_the_2024e_text() -> None:
    known = headings()
    missing = [f"{describe(row)}: {row['section']}" for row in rows()
               if is_ps318_section(row["section"]) and row["section"] not in known]
    assert missing == []


def test_every_table_is_captioned_in_the_2024e_text() -> None:
    captions = table_captions()
    missing = [f"{describe(row)}: Table {row['table']}" for row in rows()
               if "table" in row and is_ps318_section(row["section"]) and row["table"] not in captions]
    assert missing == []


def test_every_table_lies_inside_its_rows_section() -> None:
    captions = table_captions()
    outside = []
    for row in rows():
        if "table" not in row or not is_ps318_section(row["section"]) or row["table"] not in captions:
            continue
        start, end = section_span(row["section"])
        if not start <= captions[row["table"]] < end:
            outside.append(f"{describe(row)}: Table {row['table']} is not in section {row['section']}")
    assert outside == []


# --- the harness can load it -----------------------------------------------------------


def test_package_loader_reads_every_row() -> None:
    from conformance.catalog import load_catalog

    catalog = load_catalog()
    assert len(catalog) == len(rows())
    assert catalog.edition == "2024e"


def test_package_transaction_vocabulary_covers_the_catalog() -> None:
    from conformance.catalog import TRANSACTIONS as PACKAGE_TRANSACTIONS

    assert {row["transaction"] for row in rows()} <= set(PACKAGE_TRANSACTIONS)


@pytest.mark.parametrize("text, message", [
    ("requirements: [", r"draft\.yaml:\d+: YAML syntax"),
    ("base: &b {id: X}\nrequirements: [*b]\n", r"draft\.yaml:2: YAML alias \*b: aliases are not allowed in a catalog file"),
])
def test_an_editors_malformed_catalog_file_is_a_usage_error_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    from conformance.catalog import load_catalog
    from conformance.errors import UsageError

    draft = tmp_path / "draft.yaml"
    draft.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_catalog((str(draft),))
