"""Attribute matching rules of PS3.4 C.2.2.2, one table per rule.

Each row: (stored values, key, VR, expected verdict). Stored values: None = attribute absent,
() = present with zero length, otherwise one string per value.
"""

from __future__ import annotations

import pytest

from conformance.oracle.errors import OracleUnsupported, QueryError
from conformance.oracle.matching import KeyKind, MatchOptions, classify, match_values, matches
from conformance.oracle.outcome import Latitude, Verdict

M, N, E = Verdict.MATCH, Verdict.NO_MATCH, Verdict.EITHER


def verdict(values, key, vr, options=MatchOptions(), multi_valued=True):
    return match_values(values, key, vr, options, multi_valued=multi_valued).verdict


# --- C.2.2.2.1 Single Value Matching: exact and case-sensitive (except PN) ----------------------

SINGLE_VALUE = [
    ("exact text matches", ("P1",), "P1", "LO", M),
    ("other text does not", ("P2",), "P1", "LO", N),
    ("case matters for LO", ("abc",), "ABC", "LO", N),
    ("case matters for CS", ("ct",), "CT", "CS", N),
    ("a prefix is not a match", ("P12",), "P1", "LO", N),
    ("padding spaces are insignificant (LO both ends)", (" P1 ",), "P1", "LO", M),
    ("trailing spaces are insignificant in the key", ("P1",), "P1 ", "SH", M),
    ("zero-length stored value does not match", (), "P1", "LO", N),
    ("absent attribute does not match", None, "P1", "LO", N),
    ("UID matches exactly", ("1.2.3",), "1.2.3", "UI", M),
    ("UID prefix is not a match", ("1.2.34",), "1.2.3", "UI", N),
    ("UID trailing NUL padding is ignored", ("1.2.3\0",), "1.2.3", "UI", M),
    ("binary number compared by value", ("512",), "512", "US", M),
    ("binary number different value", ("256",), "512", "US", N),
    ("comma is an ordinary character outside UI", ("A,B",), "A,B", "LO", M),
    ("hyphen is an ordinary character outside DA/TM/DT", ("12-34",), "12-34", "LO", M),
]


@pytest.mark.parametrize("stored,key,vr,expected", [r[1:] for r in SINGLE_VALUE], ids=[r[0] for r in SINGLE_VALUE])
def test_single_value_matching_is_exact_and_case_sensitive(stored, key, vr, expected):
    assert verdict(stored, key, vr) is expected


IS_DS = [
    ("IS same text", ("7",), "7", "IS", M),
    ("IS different number", ("8",), "7", "IS", N),
    ("IS same number, other text: implementation dependent", ("007",), "7", "IS", E),
    ("DS same number, other text: implementation dependent", ("1.50",), "1.5", "DS", E),
]


@pytest.mark.parametrize("stored,key,vr,expected", [r[1:] for r in IS_DS], ids=[r[0] for r in IS_DS])
def test_is_and_ds_matching_is_implementation_dependent_only_when_text_and_number_disagree(
    stored, key, vr, expected
):
    outcome = match_values(stored, key, vr)
    assert outcome.verdict is expected
    if expected is E:
        assert Latitude.NUMBER_SINGLE in outcome.latitude


# --- C.2.2.2.2 List of UID Matching (comma-separated in QIDO, §8.3.4.1) -------------------------

UID_LIST = [
    ("first UID of the list", ("1.2.3",), "1.2.3,1.2.4", M),
    ("second UID of the list", ("1.2.4",), "1.2.3,1.2.4", M),
    ("UID not in the list", ("1.2.5",), "1.2.3,1.2.4", N),
    ("absent attribute", None, "1.2.3,1.2.4", N),
]


@pytest.mark.parametrize("stored,key,expected", [r[1:] for r in UID_LIST], ids=[r[0] for r in UID_LIST])
def test_list_of_uid_matching_matches_any_uid_of_the_comma_separated_list(stored, key, expected):
    assert classify(key, "UI") in (KeyKind.UID_LIST, KeyKind.SINGLE)
    assert verdict(stored, key, "UI") is expected


BAD_UID_KEYS = [
    ("backslash is the DIMSE delimiter, not QIDO's", "1.2.3\\1.2.4"),
    ("empty element in the list", "1.2.3,,1.2.4"),
    ("leading zero in a component", "1.02.3"),
    ("letters", "1.2.abc"),
    ("wild card on a UID", "1.2.*"),
    ("longer than 64 characters", "1." + "2" * 64),
]


@pytest.mark.parametrize("key", [r[1] for r in BAD_UID_KEYS], ids=[r[0] for r in BAD_UID_KEYS])
def test_malformed_uid_keys_are_query_errors(key):
    with pytest.raises(QueryError):
        classify(key, "UI")


# --- C.2.2.2.3 Universal Matching ---------------------------------------------------------------

UNIVERSAL = [
    ("empty key matches a value", ("X",), "", "LO"),
    ("empty key matches a zero-length value", (), "", "LO"),
    ("empty key matches an absent attribute", None, "", "LO"),
    ("empty key works for dates", None, "", "DA"),
    ("empty key works for UIDs", None, "", "UI"),
    ("'*' alone is universal (C.2.2.2.4), even for an absent attribute", None, "*", "PN"),
]


@pytest.mark.parametrize("stored,key,vr", [r[1:] for r in UNIVERSAL], ids=[r[0] for r in UNIVERSAL])
def test_universal_matching_matches_every_entity(stored, key, vr):
    assert verdict(stored, key, vr) is M


# --- C.2.2.2.4 Wild Card Matching ---------------------------------------------------------------

WILDCARD = [
    ("'*' matches any run of characters", ("ABCDEF",), "AB*", "LO", M),
    ("'*' matches zero characters", ("AB",), "AB*", "LO", M),
    ("'*' in the middle", ("AXXB",), "A*B", "LO", M),
    ("'?' matches exactly one character", ("ABC",), "A?C", "SH", M),
    ("'?' does not match zero characters", ("AC",), "A?C", "SH", N),
    ("'?' does not match two characters", ("ABBC",), "A?C", "SH", N),
    ("wild card matching is case-sensitive outside PN", ("abc",), "AB*", "LO", N),
    ("'*' matches a zero-length value", (), "**", "LO", M),
    ("whether '**' matches an absent attribute is unstated", None, "**", "LO", E),
    ("regex characters are literal", ("A.C",), "A.?", "LO", M),
    ("regex characters are literal (no match)", ("ABC",), "A.?", "LO", N),
    ("multi-valued attribute: any value may match", ("ORIGINAL", "PRIMARY"), "PRIM*", "CS", M),
]


@pytest.mark.parametrize("stored,key,vr,expected", [r[1:] for r in WILDCARD], ids=[r[0] for r in WILDCARD])
def test_wild_card_matching(stored, key, vr, expected):
    assert verdict(stored, key, vr) is expected


@pytest.mark.parametrize("vr", ["AE", "CS", "LO", "LT", "PN", "SH", "ST", "UC", "UR", "UT"])
def test_wild_cards_are_allowed_for_the_vrs_listed_in_c_2_2_2_4(vr):
    assert classify("A*", vr) is KeyKind.WILDCARD


@pytest.mark.parametrize("vr", ["DA", "TM", "DT", "UI", "IS", "DS", "US", "AS"])
def test_wild_cards_for_other_vrs_make_the_query_invalid(vr):
    with pytest.raises(QueryError):
        classify("1*", vr)


# --- Multiple values in the stored attribute (C.2.2.3; C.2.2.2.8 Note 1) ------------------------

def test_a_multi_valued_attribute_matches_when_any_of_its_values_matches():
    assert verdict(("CT", "PT"), "PT", "CS") is M
    assert verdict(("CT", "PT"), "MR", "CS") is N


# --- C.2.2.2.7 Empty Value Matching (PS3.18 §8.3.4.5) -------------------------------------------

EMPTY_ON = MatchOptions(empty_value_matching=True)
EMPTY_VALUE = [
    ("zero-length value matches", (), M),
    ("a value does not match", ("X",), N),
    ("absent attribute: not stated by the standard", None, E),
]


@pytest.mark.parametrize("stored,expected", [r[1:] for r in EMPTY_VALUE], ids=[r[0] for r in EMPTY_VALUE])
def test_empty_value_matching_with_two_quotation_marks(stored, expected):
    assert classify('""', "LO", EMPTY_ON) is KeyKind.EMPTY_VALUE
    assert verdict(stored, '""', "LO", EMPTY_ON) is expected


def test_two_quotation_marks_without_emptyvaluematching_are_a_literal_for_text_vrs():
    assert classify('""', "LO") is KeyKind.SINGLE
    assert verdict((), '""', "LO") is N


def test_two_quotation_marks_without_emptyvaluematching_are_invalid_for_dates():
    with pytest.raises(QueryError, match="emptyvaluematching"):
        classify('""', "DA")


# --- C.2.2.2.8 Multiple Value Matching (PS3.18 §8.3.4.6) ----------------------------------------

MULTI_ON = MatchOptions(multiple_value_matching=True)
MULTIPLE_VALUE = [
    ("every key value present: match (logical AND)", ("CT", "PT", "SR"), "CT\\PT", M),
    ("order of values does not matter", ("PT", "CT"), "CT\\PT", M),
    ("one key value missing: no match", ("CT", "SR"), "CT\\PT", N),
]


@pytest.mark.parametrize("stored,key,expected", [r[1:] for r in MULTIPLE_VALUE], ids=[r[0] for r in MULTIPLE_VALUE])
def test_multiple_value_matching_requires_every_key_value(stored, key, expected):
    assert verdict(stored, key, "CS", MULTI_ON) is expected


def test_several_key_values_without_multiplevaluematching_have_undefined_meaning():
    with pytest.raises(OracleUnsupported, match="C.2.2.2.8"):
        classify("CT\\PT", "CS")


def test_multiple_value_matching_rejects_wild_cards():
    with pytest.raises(QueryError):
        classify("C*\\PT", "CS", MULTI_ON)


def test_multiple_value_matching_does_not_apply_to_single_valued_attributes():
    with pytest.raises(OracleUnsupported):
        classify("A\\B", "LO", MULTI_ON, multi_valued=False)


# --- The boolean helper refuses where the server may choose -------------------------------------

def test_matches_returns_a_boolean_for_decided_cases():
    assert matches(("P1",), "P1", "LO") is True
    assert matches(("P2",), "P1", "LO") is False


def test_matches_raises_where_the_standard_lets_the_server_choose():
    with pytest.raises(OracleUnsupported, match="PN"):
        matches(("smith",), "SMITH", "PN")


@pytest.mark.parametrize("key,vr", [("00100010", "AT"), ("1.5", "FL"), ("1.5", "FD"), ("AA", "OB")])
def test_vrs_the_oracle_cannot_compare_are_refused(key, vr):
    with pytest.raises(OracleUnsupported):
        classify(key, vr)
