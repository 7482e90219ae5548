"""Attributes a search response must carry (PS3.18 Tables 10.6.3-3..5, §10.6.3.3.1-3)."""

from __future__ import annotations

import pytest

from conformance.oracle import (
    conditional_return_attributes,
    default_return_attributes,
    forbidden_return_attributes,
    known_return_attributes,
    parse_search,
    requested_return_attributes,
    required_attributes_after_includefield,
)
from conformance.oracle.tables import tag


def tags(*keywords: str) -> frozenset[int]:
    return frozenset(tag(k) for k in keywords)


STUDY_DEFAULT = tags(
    "StudyDate", "StudyTime", "AccessionNumber", "ModalitiesInStudy", "ReferringPhysicianName",
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyID",
    "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances",
)
SERIES_DEFAULT = tags("Modality", "SeriesInstanceUID", "SeriesNumber", "NumberOfSeriesRelatedInstances")
INSTANCE_DEFAULT = tags("SOPClassUID", "SOPInstanceUID", "InstanceNumber")

DEFAULTS = [("study", STUDY_DEFAULT), ("series", SERIES_DEFAULT), ("instance", INSTANCE_DEFAULT)]


@pytest.mark.parametrize("level,expected", DEFAULTS, ids=[r[0] for r in DEFAULTS])
def test_default_return_attributes_are_the_u_and_r_rows(level, expected):
    assert default_return_attributes(level) == expected


CONDITIONAL = [
    ("study", tags("InstanceAvailability", "TimezoneOffsetFromUTC", "RetrieveURL")),
    ("series", tags("TimezoneOffsetFromUTC", "SeriesDescription", "RetrieveURL", "PerformedProcedureStepStartDate",
                    "PerformedProcedureStepStartTime", "RequestAttributesSequence")),
    ("instance", tags("InstanceAvailability", "TimezoneOffsetFromUTC", "RetrieveURL", "Rows", "Columns",
                      "BitsAllocated", "NumberOfFrames")),
]


@pytest.mark.parametrize("level,expected", CONDITIONAL, ids=[r[0] for r in CONDITIONAL])
def test_present_if_known_rows_and_retrieve_url_are_conditional(level, expected):
    assert conditional_return_attributes(level) == expected


REQUIRED = [
    ("All Studies: study table", "/studies", [], STUDY_DEFAULT),
    ("Study's Series: series table only", "/studies/1.2/series", [], SERIES_DEFAULT),
    ("All Series adds the study table", "/series", [], SERIES_DEFAULT | STUDY_DEFAULT),
    ("Study's Instances adds the series table", "/studies/1.2/instances", [], INSTANCE_DEFAULT | SERIES_DEFAULT),
    ("All Instances adds study and series tables", "/instances", [], INSTANCE_DEFAULT | SERIES_DEFAULT | STUDY_DEFAULT),
    ("a required matching key used as match key is returned", "/studies/1.2/series",
     [("PerformedProcedureStepStartDate", "20200101")], SERIES_DEFAULT | tags("PerformedProcedureStepStartDate")),
    ("a required matching key named in includefield is returned", "/studies/1.2/series",
     [("includefield", "RequestAttributesSequence.RequestedProcedureID")],
     SERIES_DEFAULT | tags("RequestAttributesSequence")),
    ("an optional includefield is not definitely required", "/studies", [("includefield", "StudyDescription")], STUDY_DEFAULT),
    ("includefield=all adds nothing definite", "/studies", [("includefield", "all")], STUDY_DEFAULT),
]


@pytest.mark.parametrize("path,params,expected", [r[1:] for r in REQUIRED], ids=[r[0] for r in REQUIRED])
def test_required_attributes_after_includefield(path, params, expected):
    assert required_attributes_after_includefield(parse_search(path, params)) == expected


def test_requested_attributes_of_the_returnable_levels_are_listed_for_the_caller_to_judge():
    query = parse_search("/studies", [("StudyDescription", "X"), ("includefield", "PatientAge,Modality")])
    assert requested_return_attributes(query) == tags("StudyDescription", "PatientAge")


def test_series_results_return_study_level_includefields_if_supported():
    query = parse_search("/studies/1.2/series", [("includefield", "StudyDescription,Rows")])
    assert requested_return_attributes(query) == tags("StudyDescription")


FORBIDDEN = [
    ("study results: series and instance includefields", "/studies", "Modality,Rows,StudyDescription", tags("Modality", "Rows")),
    ("series results: instance includefields", "/series", "Rows,SeriesDescription", tags("Rows")),
    ("instance results: nothing", "/instances", "Rows,Modality", frozenset()),
]


@pytest.mark.parametrize("path,include,expected", [r[1:] for r in FORBIDDEN], ids=[r[0] for r in FORBIDDEN])
def test_lower_level_includefields_shall_not_be_returned(path, include, expected):
    assert forbidden_return_attributes(parse_search(path, [("includefield", include)])) == expected


KNOWN = [
    ("/studies", tags("InstanceAvailability", "TimezoneOffsetFromUTC", "RetrieveURL")),
    ("/series", tags("InstanceAvailability", "TimezoneOffsetFromUTC", "RetrieveURL", "SeriesDescription",
                     "PerformedProcedureStepStartDate", "PerformedProcedureStepStartTime",
                     "RequestAttributesSequence")),
    ("/studies/1.2/instances", tags("InstanceAvailability", "TimezoneOffsetFromUTC", "RetrieveURL",
                                    "SeriesDescription", "PerformedProcedureStepStartDate",
                                    "PerformedProcedureStepStartTime", "RequestAttributesSequence",
                                    "Rows", "Columns", "BitsAllocated", "NumberOfFrames")),
]


@pytest.mark.parametrize("path,expected", KNOWN, ids=[r[0] for r in KNOWN])
def test_if_known_rows_include_those_of_the_upper_tables_a_relational_resource_returns(path, expected):
    assert known_return_attributes(parse_search(path, [])) == expected
