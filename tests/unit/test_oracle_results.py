"""Expected result sets of whole searches over a small stored corpus (PS3.18 §10.6, PS3.4 C.2.2.2,
C.4.1.3.1.1 Hierarchical Search Method).

Corpus:
  study A 1.2.1  SMITH^JOHN P1 20200115 101500 ACC1 "CHEST CT"
    series A1 1.2.1.1 CT #1  RequestAttributes [RP1/SPS1]          instances A1a (#1), A1b (#2)
    series A2 1.2.1.2 PT #2  RequestAttributes [RP1/SPS2, RP2/SPS3] instance  A2a
  study B 1.2.2  smith^jane P2 20200301 080000 ACC2
    series B1 1.2.2.1 MR #1  (no RequestAttributesSequence)        instance  B1a
  study C 1.2.3  JONES^ANN  P3 20191231 235959 (AccessionNumber zero length)
    series C1 1.2.3.1 CT #1                                          instance  C1a
"""

from __future__ import annotations

import pytest
from pydicom.dataset import Dataset

from conformance.oracle import (
    OracleUnsupported,
    UnknownEntity,
    computed_attributes,
    expected_results,
    paged_count,
    parse_search,
)
from conformance.oracle.outcome import Latitude
from conformance.oracle.tables import tag

CT_IMAGE, SR = "1.2.840.10008.5.1.4.1.1.2", "1.2.840.10008.5.1.4.1.1.88.11"
A, B, C = "1.2.1", "1.2.2", "1.2.3"
A1, A2, B1, C1 = "1.2.1.1", "1.2.1.2", "1.2.2.1", "1.2.3.1"
A1a, A1b, A2a, B1a, C1a = "1.2.1.1.1", "1.2.1.1.2", "1.2.1.2.1", "1.2.2.1.1", "1.2.3.1.1"

STUDIES = {
    A: dict(PatientName="SMITH^JOHN", PatientID="P1", StudyDate="20200115", StudyTime="101500",
            AccessionNumber="ACC1", StudyDescription="CHEST CT"),
    B: dict(PatientName="smith^jane", PatientID="P2", StudyDate="20200301", StudyTime="080000",
            AccessionNumber="ACC2"),
    C: dict(PatientName="JONES^ANN", PatientID="P3", StudyDate="20191231", StudyTime="235959",
            AccessionNumber=""),
}


def _request(procedure: str, step: str) -> Dataset:
    item = Dataset()
    item.RequestedProcedureID, item.ScheduledProcedureStepID = procedure, step
    return item


SERIES = {
    A1: (A, dict(Modality="CT", SeriesNumber="1", RequestAttributesSequence=[_request("RP1", "SPS1")])),
    A2: (A, dict(Modality="PT", SeriesNumber="2",
                 RequestAttributesSequence=[_request("RP1", "SPS2"), _request("RP2", "SPS3")])),
    B1: (B, dict(Modality="MR", SeriesNumber="1")),
    C1: (C, dict(Modality="CT", SeriesNumber="1")),
}
INSTANCES = {A1a: (A1, "1", CT_IMAGE), A1b: (A1, "2", CT_IMAGE), A2a: (A2, "1", CT_IMAGE),
             B1a: (B1, "1", CT_IMAGE), C1a: (C1, "1", SR)}


def _instance(sop: str, **overrides: object) -> Dataset:
    series, number, sop_class = INSTANCES[sop]
    study, series_attributes = SERIES[series]
    ds = Dataset()
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SOPInstanceUID = study, series, sop
    ds.SOPClassUID, ds.InstanceNumber = sop_class, number
    for keyword, value in {**STUDIES[study], **series_attributes, **overrides}.items():
        setattr(ds, keyword, value)
    return ds


CORPUS = [_instance(sop) for sop in INSTANCES]


def search(path: str, *params: tuple[str, str], **options: object):
    return expected_results(CORPUS, parse_search(path, list(params)), **options)


SEARCHES = [
    # (rule, path, params, must match, may match)
    ("study by PatientID", "/studies", [("PatientID", "P1")], {A}, set()),
    ("empty key matches every study", "/studies", [("AccessionNumber", "")], {A, B, C}, set()),
    ("UID list", "/studies", [("StudyInstanceUID", f"{A},{C}")], {A, C}, set()),
    ("PN wild card: same case must, other case may", "/studies", [("PatientName", "SMITH*")], {A}, {B}),
    ("date range", "/studies", [("StudyDate", "20200101-20200228")], {A}, set()),
    ("open date range", "/studies", [("StudyDate", "-20200115")], {A, C}, set()),
    ("ModalitiesInStudy matches any series modality", "/studies", [("ModalitiesInStudy", "CT")], {A, C}, set()),
    ("ModalitiesInStudy PT", "/studies", [("ModalitiesInStudy", "PT")], {A}, set()),
    ("optional key: failing studies may still be returned", "/studies", [("StudyDescription", "CHEST CT")], {A}, {B, C}),
    ("keys combine with AND", "/studies", [("PatientID", "P1"), ("StudyDate", "20200301")], set(), set()),
    ("Study's Series are limited to the study", f"/studies/{A}/series", [("Modality", "CT")], {A1}, set()),
    ("All Series: series key", "/series", [("Modality", "CT")], {A1, C1}, set()),
    ("All Series: study key matched on the series' study", "/series", [("PatientID", "P1"), ("Modality", "PT")], {A2}, set()),
    ("patient key on Study's Series is optional", f"/studies/{A}/series", [("PatientID", "P1")], {A1, A2}, set()),
    ("Study's Instances: series key", f"/studies/{A}/instances", [("Modality", "PT")], {A2a}, set()),
    ("Study Series' Instances", f"/studies/{A}/series/{A1}/instances", [("InstanceNumber", "2")], {A1b}, set()),
    ("All Instances by SOP Class", "/instances", [("SOPClassUID", SR)], {C1a}, set()),
    ("sequence item key", "/series", [("RequestAttributesSequence.RequestedProcedureID", "RP1")], {A1, A2}, set()),
    ("sequence item key, second item", "/series", [("RequestAttributesSequence.RequestedProcedureID", "RP2")], {A2}, set()),
    ("two item keys must hold in the same item", "/series",
     [("RequestAttributesSequence.RequestedProcedureID", "RP1"), ("RequestAttributesSequence.ScheduledProcedureStepID", "SPS2")], {A2}, set()),
    ("two item keys in different items do not match", "/series",
     [("RequestAttributesSequence.RequestedProcedureID", "RP2"), ("RequestAttributesSequence.ScheduledProcedureStepID", "SPS2")], set(), set()),
    ("empty value matching", "/studies", [("AccessionNumber", '""'), ("emptyvaluematching", "true")], {C}, set()),
    ("multiple value matching is AND", "/studies", [("ModalitiesInStudy", "CT\\PT"), ("multiplevaluematching", "true")], {A}, set()),
    ("Specific Character Set is never matched", "/studies", [("SpecificCharacterSet", "ISO_IR 192")], {A, B, C}, set()),
    ("scope to an unknown study gives nothing", "/studies/9.9/series", [], set(), set()),
]


@pytest.mark.parametrize(
    "path,params,must,may", [r[1:] for r in SEARCHES], ids=[r[0] for r in SEARCHES]
)
def test_expected_result_sets(path, params, must, may):
    expected = search(path, *params)
    assert expected.uids == frozenset(must)
    assert expected.may_match == frozenset(may)
    assert expected.ordered_all == tuple(sorted(must))


def test_combined_date_time_matching_is_the_qido_default():
    params = [("StudyDate", "20200114-20200116"), ("StudyTime", "1200-1300")]
    assert search("/studies", *params).uids == {A}  # 15 Jan 10:15 lies inside 14 Jan 12:00-16 Jan 13:00
    assert search("/studies", *params, date_time="separate").uids == set()  # 10:15 is not in 12:00-13:00


def test_declared_optional_keys_are_matched_exactly():
    expected = search("/studies", ("StudyDescription", "CHEST CT"), supported_optional_keys=[tag("StudyDescription")])
    assert (expected.uids, expected.may_match) == ({A}, set())


def test_may_match_cites_the_clause_that_allows_it():
    assert Latitude.OPTIONAL_KEY in search("/studies", ("StudyDescription", "X")).latitude


def test_fuzzy_matching_gives_a_lower_bound():
    expected = search("/studies", ("PatientName", "SMITH^JOHN"), ("fuzzymatching", "true"))
    assert expected.fuzzy_lower_bound == {A}
    assert expected.may_match == {B, C}
    assert not expected.exact


REFUSED = [
    ("series key at study level (relational query)", "/studies", [("Modality", "CT")]),
    ("study key on Study's Series", f"/studies/{A}/series", [("StudyDate", "20200115")]),
    ("Timezone Offset From UTC adjusts dates", "/studies", [("TimezoneOffsetFromUTC", "+0100")]),
    ("private attribute above the instance level", "/studies", [("00230010", "ACME"), ("00231001", "X")]),
    ("universal item keys against series without items", "/series", [("RequestAttributesSequence.RequestedProcedureID", "")]),
]


@pytest.mark.parametrize("path,params", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_the_oracle_refuses_rather_than_guesses(path, params):
    with pytest.raises(OracleUnsupported):
        search(path, *params)


def test_instances_that_disagree_on_a_study_attribute_are_refused_when_it_matters():
    corpus = [*CORPUS[:1], _instance(A1b, PatientID="OTHER"), *CORPUS[2:]]
    with pytest.raises(OracleUnsupported, match="disagree"):
        expected_results(corpus, parse_search("/studies", [("PatientID", "P1")]))


def test_a_definite_failure_wins_over_an_undecidable_key():
    corpus = [*CORPUS[:1], _instance(A1b, PatientID="OTHER"), *CORPUS[2:]]
    query = parse_search("/studies", [("PatientID", "P1"), ("StudyDate", "19000101")])
    assert expected_results(corpus, query).uids == set()


def test_discrepancies_name_missing_and_unexpected_uids():
    expected = search("/studies", ("PatientName", "SMITH*"))
    assert expected.discrepancies([B, C]) == ({A}, {C})
    assert expected.admits([A]) and expected.admits([A, B])


COMPUTED = [
    ("study", A, {"ModalitiesInStudy": ["CT", "PT"], "SOPClassesInStudy": [CT_IMAGE],
                  "NumberOfStudyRelatedSeries": 2, "NumberOfStudyRelatedInstances": 3}),
    ("series", A1, {"NumberOfSeriesRelatedInstances": 2}),
    ("instance", A1a, {}),
]


@pytest.mark.parametrize("level,uid,expected", COMPUTED, ids=[r[0] for r in COMPUTED])
def test_computed_attributes(level, uid, expected):
    assert computed_attributes(CORPUS, level, uid) == expected


def test_computed_attributes_of_an_unknown_uid():
    with pytest.raises(UnknownEntity):
        computed_attributes(CORPUS, "study", "9.9")


PAGING = [
    ("no paging", 5, None, None, None, 5),
    ("limit caps", 5, None, 2, None, 2),
    ("offset skips", 5, 3, None, None, 2),
    ("offset past the end gives zero (204)", 5, 9, None, None, 0),
    ("server maximum caps", 5, None, None, 4, 4),
    ("smallest cap wins", 5, 1, 3, 2, 2),
]


@pytest.mark.parametrize("matches,offset,limit,max_results,count", [r[1:] for r in PAGING], ids=[r[0] for r in PAGING])
def test_paged_count_follows_8_3_4_4_1(matches, offset, limit, max_results, count):
    assert paged_count(matches, offset, limit, max_results) == count


def test_private_keys_on_instance_resources_are_optional_keys_matched_with_the_stored_vr():
    tagged = [_instance(A1a), *CORPUS[1:]]
    block = tagged[0].private_block(0x0023, "ACME", create=True)
    block.add_new(0x01, "SH", "X1")
    creator_only = expected_results(tagged, parse_search("/instances", [("00230010", "ACME")]))
    assert creator_only.uids == {A1a}
    assert creator_only.may_match == {A1b, A2a, B1a, C1a}
    assert Latitude.OPTIONAL_KEY in creator_only.latitude
    element = expected_results(tagged, parse_search("/instances", [("00230010", "ACME"), ("00231001", "X*")]))
    assert element.uids == {A1a}


def test_unsupported_parameters_do_not_change_the_result():
    assert search("/studies", ("PatientID", "P1"), ("LIMIT", "0"), ("NotAKeyword", "X")).uids == {A}
