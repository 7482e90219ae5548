"""Parsing search requests: resources (PS3.18 Table 10.6.1-1) and parameters (Table 8.3.4-1,
§8.3.4.1-§8.3.4.6)."""

from __future__ import annotations

import pytest

from conformance.oracle.errors import QueryError
from conformance.oracle.query import parse_attribute, parse_search
from conformance.oracle.tables import tag

RESOURCES = [
    ("/studies", "study", {}, "all-studies"),
    ("/studies/1.2/series", "series", {"StudyInstanceUID": "1.2"}, "studys-series"),
    ("/studies/1.2/instances", "instance", {"StudyInstanceUID": "1.2"}, "studys-instances"),
    ("/series", "series", {}, "all-series"),
    ("/studies/1.2/series/1.3/instances", "instance", {"StudyInstanceUID": "1.2", "SeriesInstanceUID": "1.3"}, "study-series-instances"),
    ("/instances", "instance", {}, "all-instances"),
]


@pytest.mark.parametrize("path,level,scope,resource", RESOURCES, ids=[r[3] for r in RESOURCES])
def test_each_search_resource_has_a_level_and_a_scope(path, level, scope, resource):
    query = parse_search(path, [])
    assert (query.level, query.scope, query.resource) == (level, scope, resource)


@pytest.mark.parametrize(
    "path",
    ["studies", "/studies/", "/patients", "/studies/1.2", "/studies/1.2/series/1.3", "/studies/abc/series", "/series/1.2/instances"],
)
def test_other_paths_are_not_search_resources(path):
    with pytest.raises(QueryError):
        parse_search(path, [])


ATTRIBUTES = [
    ("keyword", "PatientName", tag("PatientName")),
    ("tag of 8 hex digits", "00100010", tag("PatientName")),
    ("lower-case hex digits", "0020000d", tag("StudyInstanceUID")),
    ("keyword sequence path", "OtherPatientIDsSequence.PatientID", (tag("OtherPatientIDsSequence"), tag("PatientID"))),
    ("tag sequence path", "00101002.00100020", (tag("OtherPatientIDsSequence"), tag("PatientID"))),
    ("mixed path", "RequestAttributesSequence.00401001", (tag("RequestAttributesSequence"), tag("RequestedProcedureID"))),
    ("private tag", "00231002", 0x00231002),
]


@pytest.mark.parametrize("text,expected", [r[1:] for r in ATTRIBUTES], ids=[r[0] for r in ATTRIBUTES])
def test_attributes_are_named_by_tag_or_keyword_and_dotted_for_sequences(text, expected):
    assert parse_attribute(text) == expected


BAD_PARAMETERS = [
    ("7 hex digits", [("0010001", "X")]),
    ("path through a non-sequence", [("PatientName.PatientID", "X")]),
    ("repeated attribute (§8.3.4.1)", [("PatientID", "1"), ("PatientID", "2")]),
    ("same attribute by keyword and by tag", [("PatientID", "1"), ("00100020", "2")]),
    ("sequence with a value", [("RequestAttributesSequence", "X")]),
    ("sequence named alone, even to match universally (§8.3.1)", [("RequestAttributesSequence", "")]),
    ("path ending with a sequence (§8.3.1)", [("OtherPatientIDsSequence.IssuerOfPatientIDQualifiersSequence", "")]),
    ("includefield of a bare sequence (§8.3.1)", [("includefield", "RequestAttributesSequence")]),
    ("qp-values are case-sensitive (§8.3.1)", [("fuzzymatching", "TRUE")]),
    ("includefield ALL is not all", [("includefield", "ALL")]),
    ("limit is not an unsigned integer", [("limit", "-1")]),
    ("offset is not an unsigned integer", [("offset", "ten")]),
    ("limit given twice", [("limit", "1"), ("limit", "2")]),
    ("fuzzymatching is not true/false", [("fuzzymatching", "yes")]),
    ("emptyvaluematching is not true/false", [("emptyvaluematching", "1")]),
    ("includefield=all combined with others (§8.3.4.3)", [("includefield", "all"), ("includefield", "PatientAge")]),
    ("all inside a list", [("includefield", "PatientAge,all")]),
    ("empty includefield", [("includefield", "")]),
    ("malformed date", [("StudyDate", "2020-01-15")]),
    ("wild card in a date", [("StudyDate", "2020*")]),
    ("UIDs separated by backslash", [("StudyInstanceUID", "1.2\\1.3")]),
    ("empty parameter name", [("", "x")]),
    ("unknown keyword in a sequence path", [("OtherPatientIDsSequence.PatientNme", "X")]),
    ("includefield names no attribute (a supported parameter with an invalid value, §8.3)",
     [("includefield", "NotAKeyword")]),
]


@pytest.mark.parametrize("params", [r[1] for r in BAD_PARAMETERS], ids=[r[0] for r in BAD_PARAMETERS])
def test_invalid_parameters_are_query_errors_with_a_reason(params):
    with pytest.raises(QueryError) as raised:
        parse_search("/studies", params)
    assert str(raised.value)


def test_parameters_are_parsed_into_the_query():
    query = parse_search(
        "/studies",
        [
            ("PatientName", "SMITH*"),
            ("StudyInstanceUID", "1.2,1.3"),
            ("includefield", "00081030,PatientAge"),
            ("includefield", "OtherPatientIDsSequence.PatientID"),
            ("limit", "25"),
            ("offset", "0"),
            ("fuzzymatching", "true"),
            ("emptyvaluematching", "false"),
            ("multiplevaluematching", "true"),
            ("accept", "application/dicom+json"),
        ],
    )
    assert query.keys == ((tag("PatientName"), "SMITH*"), (tag("StudyInstanceUID"), "1.2,1.3"))
    assert query.includefields == (
        tag("StudyDescription"),
        tag("PatientAge"),
        (tag("OtherPatientIDsSequence"), tag("PatientID")),
    )
    assert (query.limit, query.offset) == (25, 0)
    assert query.fuzzy and query.multiple_value_matching and not query.empty_value_matching
    assert not query.include_all


def test_defaults_when_parameters_are_absent():
    query = parse_search("/studies", [])
    assert (query.limit, query.offset, query.fuzzy) == (None, None, False)
    assert query.includefields == () and query.keys == ()


def test_includefield_all_stands_alone():
    assert parse_search("/studies", [("includefield", "all")]).include_all


def test_empty_value_key_is_accepted_when_emptyvaluematching_is_on():
    query = parse_search("/studies", [("StudyDate", '""'), ("emptyvaluematching", "true")])
    assert query.keys == ((tag("StudyDate"), '""'),)


UNSUPPORTED = [
    ("unknown keyword", "PatientNme"),
    ("keyword in the wrong case (keywords are case-sensitive, §8.3.1)", "patientname"),
    ("parameter name in the wrong case (qp-names are case-sensitive, §8.3.1.1)", "LIMIT"),
    ("a parameter this server never heard of", "_vendor_extension"),
]


@pytest.mark.parametrize("name", [r[1] for r in UNSUPPORTED], ids=[r[0] for r in UNSUPPORTED])
def test_unsupported_query_parameters_are_ignored_as_section_8_3_requires(name):
    query = parse_search("/studies", [("PatientID", "P1"), (name, "25")])
    assert query.ignored == (name,)
    assert query.keys == ((tag("PatientID"), "P1"),)
    assert (query.limit, query.offset) == (None, None)
