"""Dates and times: Single Value and Range Matching of DA, TM, DT (PS3.4 C.2.2.2.1, C.2.2.2.5),
and combined date-time matching (C.2.2.2.5.4, required by PS3.18 §8.3.4.1.1)."""

from __future__ import annotations

import pytest
from pydicom.dataset import Dataset

from conformance.oracle.datetime_pairs import match_date_time_pair, range_form, time_partner
from conformance.oracle.errors import OracleUnsupported, QueryError
from conformance.oracle.matching import KeyKind, classify, match_values
from conformance.oracle.outcome import Latitude, Verdict
from conformance.oracle.tables import tag

M, N, E = Verdict.MATCH, Verdict.NO_MATCH, Verdict.EITHER

RANGES = [
    # DA, C.2.2.2.5.1
    ("date inside a closed range", "20200115", "20200101-20200131", "DA", M),
    ("closed range includes its first day", "20200101", "20200101-20200131", "DA", M),
    ("closed range includes its last day", "20200131", "20200101-20200131", "DA", M),
    ("date after a closed range", "20200201", "20200101-20200131", "DA", N),
    ("'-date' includes that date", "20200115", "-20200115", "DA", M),
    ("'-date' excludes later dates", "20200116", "-20200115", "DA", N),
    ("'date-' includes that date", "20200115", "20200115-", "DA", M),
    ("'date-' excludes earlier dates", "20200114", "20200115-", "DA", N),
    ("range of one day equals single value", "20200115", "20200115-20200115", "DA", M),
    # TM, C.2.2.2.5.2
    ("time inside a closed range", "101500", "1000-1100", "TM", M),
    ("time at the lower bound", "100000", "1000-1100", "TM", M),
    ("time before the range", "095959", "1000-1100", "TM", N),
    ("'-time' includes earlier times", "080000", "-1000", "TM", M),
    ("'time-' includes later times", "235959", "2200-", "TM", M),
    ("fractions of seconds compare", "100000.5", "100000.4-100000.6", "TM", M),
    # DT, C.2.2.2.5.3
    ("datetime inside a closed range", "20200115101500", "20200115-20200116", "DT", M),
    ("datetime before an open-ended range", "20191231235959", "20200101-", "DT", N),
    ("UTC offsets are taken into account", "20200115120000+0100", "20200115105959+0000-20200115110001+0000", "DT", M),
]


@pytest.mark.parametrize("stored,key,vr,expected", [r[1:] for r in RANGES], ids=[r[0] for r in RANGES])
def test_range_matching_is_inclusive_at_both_ends(stored, key, vr, expected):
    assert classify(key, vr) is KeyKind.RANGE
    assert match_values((stored,), key, vr).verdict is expected


def test_a_partial_upper_bound_that_decides_the_match_is_refused():
    # "-1000" may mean up to 10:00:00 or up to 10:00:59.999999; PS3.4 does not say which.
    with pytest.raises(OracleUnsupported, match="partial"):
        match_values(("100030",), "-1000", "TM")


def test_mixing_values_with_and_without_utc_offset_is_refused():
    with pytest.raises(OracleUnsupported, match="offset"):
        match_values(("20200115120000",), "20200101+0000-20200201+0000", "DT")


BAD_KEYS = [
    ("range with first date after the second", "20200201-20200101", "DA"),
    ("a lone hyphen", "-", "DA"),
    ("date of 6 digits", "202001", "DA"),
    ("impossible date", "20200230", "DA"),
    ("ACR-NEMA date format", "2020.01.15", "DA"),
    ("range crossing midnight (C.2.2.2.5.2)", "2300-0100", "TM"),
    ("hour 24", "2400", "TM"),
    ("colons in a time", "10:15:00", "TM"),
    ("single DT with a negative offset reads as a range (C.2.2.2.1 Note)", "20200101120000-0500", "DT"),
]


@pytest.mark.parametrize("key,vr", [r[1:] for r in BAD_KEYS], ids=[r[0] for r in BAD_KEYS])
def test_malformed_dates_and_ranges_are_query_errors(key, vr):
    with pytest.raises(QueryError):
        classify(key, vr)


SINGLE = [
    ("same date text", "20200115", "20200115", "DA", M),
    ("other date", "20200116", "20200115", "DA", N),
    ("same time text", "101500", "101500", "TM", M),
    ("same time, other precision: literal or by meaning (C.2.2.2.1)", "101500", "1015", "TM", E),
    ("different time", "111500", "1015", "TM", N),
]


@pytest.mark.parametrize("stored,key,vr,expected", [r[1:] for r in SINGLE], ids=[r[0] for r in SINGLE])
def test_single_value_matching_of_dates_and_times(stored, key, vr, expected):
    outcome = match_values((stored,), key, vr)
    assert outcome.verdict is expected
    if expected is E:
        assert Latitude.DATETIME_SINGLE in outcome.latitude


# --- Combined date-time matching ----------------------------------------------------------------

PARTNERS = [("StudyDate", "StudyTime"), ("SeriesDate", "SeriesTime"), ("PatientBirthDate", "PatientBirthTime"),
            ("PerformedProcedureStepStartDate", "PerformedProcedureStepStartTime")]


@pytest.mark.parametrize("date_kw,time_kw", PARTNERS)
def test_each_date_attribute_is_paired_with_its_time_attribute(date_kw, time_kw):
    assert time_partner(tag(date_kw)) == tag(time_kw)


@pytest.mark.parametrize("key,form", [("a-b", "closed"), ("a-", "from"), ("-b", "until"), ("a", None)])
def test_range_forms(key, form):
    assert range_form(key) == form


def _study(date: str, time: str | None) -> Dataset:
    ds = Dataset()
    ds.StudyDate = date
    if time is not None:
        ds.StudyTime = time
    return ds


COMBINED = [
    # C.2.2.2.5.4 example: 20060705-20060707 with 1000-1800 is one period, 5 July 10:00 to 7 July 18:00
    ("middle day, time outside the daily window: still inside the period", "20060706", "080000", "20060705-20060707", "1000-1800", M),
    ("first day before the start time", "20060705", "090000", "20060705-20060707", "1000-1800", N),
    ("first day after the start time", "20060705", "110000", "20060705-20060707", "1000-1800", M),
    ("last day after the end time", "20060707", "190000", "20060705-20060707", "1000-1800", N),
    ("open-ended 'from' form", "20060801", "000000", "20060705-", "1000-", M),
    ("open-ended 'until' form", "20060705", "090000", "-20060705", "-1000", M),
    ("no stored date: no match", "", "101500", "20060705-20060707", "1000-1800", N),
]


@pytest.mark.parametrize(
    "date,time,date_key,time_key,expected", [r[1:] for r in COMBINED], ids=[r[0] for r in COMBINED]
)
def test_combined_date_time_range_matching(date, time, date_key, time_key, expected):
    outcome = match_date_time_pair(_study(date, time), tag("StudyDate"), tag("StudyTime"), date_key, time_key)
    assert outcome.verdict is expected


def test_combined_matching_with_no_stored_time_is_refused_when_it_matters():
    with pytest.raises(OracleUnsupported):
        match_date_time_pair(_study("20060705", None), tag("StudyDate"), tag("StudyTime"), "20060705-", "1000-")
