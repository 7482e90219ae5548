"""search_attributes, private_creators and search_values: what results carry (PS3.18 §10.6.3.3)
and that returned values are the stored ones (character sets decoded, counts computed)."""

from __future__ import annotations

from test_checks_search_support import CORPUS, context, json_response, run, study_doc, uid

S1 = uid("ct1", "StudyInstanceUID")


def test_a_complete_study_result_has_every_default_attribute() -> None:
    ctx = context("/studies", [("StudyInstanceUID", S1)], json_response([study_doc("ct1")]))
    assert run("search_attributes", ctx, {}) == []


def test_a_missing_default_attribute_is_named() -> None:
    doc = study_doc("ct1", drop=("00201208",))
    ctx = context("/studies", [("StudyInstanceUID", S1)], json_response([doc]))
    assert run("search_attributes", ctx, {"parts": ["defaults"]}) == [
        "result 1: missing (0020,1208) NumberOfStudyRelatedInstances"]


def test_all_series_results_owe_the_study_defaults_too() -> None:
    series = uid("ct1", "SeriesInstanceUID")
    doc = {"0020000E": {"vr": "UI", "Value": [series]}, "00080060": {"vr": "CS", "Value": ["CT"]},
           "00200011": {"vr": "IS", "Value": [1]}, "00201209": {"vr": "IS", "Value": [3]}}
    ctx = context("/series", [("SeriesInstanceUID", series)], json_response([doc]))
    problems = run("search_attributes", ctx, {"parts": ["defaults"]})
    assert len(problems) == 1 and "ModalitiesInStudy" in problems[0] and problems[0].endswith("and 5 more")


def test_a_lower_level_attribute_named_in_includefield_must_not_be_returned() -> None:
    doc = study_doc("ct1", extra={"00080060": {"vr": "CS", "Value": ["CT"]}})
    ctx = context("/studies", [("StudyInstanceUID", S1), ("includefield", "Modality")], json_response([doc]))
    problems = run("search_attributes", ctx, {"parts": ["forbidden"]})
    assert len(problems) == 1 and "(0008,0060) Modality" in problems[0] and "shall not be returned" in problems[0]


def test_a_lower_level_attribute_not_asked_for_is_not_judged() -> None:
    doc = study_doc("ct1", extra={"00080060": {"vr": "CS", "Value": ["CT"]}})
    ctx = context("/studies", [("StudyInstanceUID", S1)], json_response([doc]))
    assert run("search_attributes", ctx, {"parts": ["forbidden"]}) == []


def test_a_requested_required_matching_key_must_be_returned() -> None:
    study = uid("knee1", "StudyInstanceUID")
    series_docs = [{"0020000E": {"vr": "UI", "Value": [uid(k, "SeriesInstanceUID")]}} for k in ("knee1", "knee3")]
    ctx = context(f"/studies/{study}/series", [("includefield", "PerformedProcedureStepStartDate")],
                  json_response(series_docs))
    problems = run("search_attributes", ctx, {"parts": ["requested"]})
    assert problems == ["result 1: missing (0040,0244) PerformedProcedureStepStartDate",
                        "result 2: missing (0040,0244) PerformedProcedureStepStartDate"]


def test_known_conditional_attributes_are_owed_only_when_stored_with_a_value() -> None:
    study = uid("knee1", "StudyInstanceUID")
    series = uid("knee3", "SeriesInstanceUID")  # its PPS Start Time is stored empty
    doc = {"0020000E": {"vr": "UI", "Value": [series]}}
    ctx = context(f"/studies/{study}/series", [("SeriesInstanceUID", series)], json_response([doc]))
    (problem,) = run("search_attributes", ctx, {"parts": ["known"]})
    assert "SeriesDescription" in problem and "PerformedProcedureStepStartDate" in problem
    assert "RequestAttributesSequence" in problem and "PerformedProcedureStepStartTime" not in problem


def test_request_attribute_items_must_hold_both_type_r_keys() -> None:
    study = uid("knee1", "StudyInstanceUID")
    series = uid("knee3", "SeriesInstanceUID")
    doc = {"0020000E": {"vr": "UI", "Value": [series]},
           "00400275": {"vr": "SQ", "Value": [{"00401001": {"vr": "SH", "Value": ["RP-5"]}}]}}
    ctx = context(f"/studies/{study}/series", [("SeriesInstanceUID", series)], json_response([doc]))
    problems = run("search_attributes", ctx, {"parts": ["known"]})
    assert any("item 1 lacks (0040,0009) ScheduledProcedureStepID" in p for p in problems)


def test_results_of_other_runs_are_not_judged_but_none_at_all_is_reported() -> None:
    ctx = context("/studies", [("StudyInstanceUID", "2.25.999")],
                  json_response([{"0020000D": {"vr": "UI", "Value": ["2.25.999"]}}]))
    assert run("search_attributes", ctx, {}) == ["no result of this run's data to inspect"]


def test_a_private_element_needs_its_creator() -> None:
    with_creator = {"00090010": {"vr": "LO", "Value": ["DWC TEST"]}, "00091001": {"vr": "LO", "Value": ["x"]}}
    without = {"00091001": {"vr": "LO", "Value": ["x"]}}
    assert run("private_creators", context("/instances", [], json_response([with_creator])), True) == []
    assert run("private_creators", context("/instances", [], json_response([without])), True) == [
        "result 1: private element (0009,1001) without its Private Creator (0009,0010)"]


def test_values_equal_to_the_stored_ones_pass_and_counts_agree() -> None:
    ctx = context("/studies", [("StudyInstanceUID", S1)], json_response([study_doc("ct1")]))
    assert run("search_values", ctx, True) == []


def test_a_name_stored_in_iso_2022_must_come_back_with_all_its_groups() -> None:
    study = uid("cs1", "StudyInstanceUID")
    intact = study_doc("cs1")
    assert intact["00100010"]["Value"][0]["Ideographic"] == "山田^太郎"
    ctx = context("/studies", [("StudyInstanceUID", study)], json_response([intact]))
    assert run("search_values", ctx, True) == []
    alphabetic_only = study_doc("cs1", extra={"00100010": {"vr": "PN", "Value": [{"Alphabetic": "Yamada^Tarou"}]}})
    ctx = context("/studies", [("StudyInstanceUID", study)], json_response([alphabetic_only]))
    (problem,) = run("search_values", ctx, True)
    assert "PatientName" in problem and "山田^太郎" in problem


def test_a_latin1_name_is_compared_as_characters() -> None:
    study = uid("latin1", "StudyInstanceUID")
    doc = study_doc("latin1")
    assert doc["00100010"]["Value"][0]["Alphabetic"] == "Äneas^Rüdiger"
    assert run("search_values", context("/studies", [("StudyInstanceUID", study)], json_response([doc])), True) == []


def test_a_wrong_count_or_modality_list_is_reported() -> None:
    doc = study_doc("ct1", extra={"00201208": {"vr": "IS", "Value": [5]}, "00080061": {"vr": "CS", "Value": ["CT"]}})
    problems = run("search_values", context("/studies", [("StudyInstanceUID", S1)], json_response([doc])), True)
    assert len(problems) == 2
    assert any("NumberOfStudyRelatedInstances" in p and "gives 4" in p for p in problems)
    assert any("ModalitiesInStudy" in p for p in problems)


def test_a_changed_value_is_reported_with_both_values() -> None:
    doc = study_doc("ct1", extra={"00080020": {"vr": "DA", "Value": ["20200116"]}})
    (problem,) = run("search_values", context("/studies", [("StudyInstanceUID", S1)], json_response([doc])), True)
    assert "StudyDate" in problem and "20200115" in problem and "20200116" in problem


def test_service_attributes_are_not_compared() -> None:
    doc = study_doc("ct1", extra={"00081190": {"vr": "UR", "Value": ["http://h/studies/x"]},
                                  "00080005": {"vr": "CS", "Value": ["ISO_IR 192"]}})
    assert run("search_values", context("/studies", [("StudyInstanceUID", S1)], json_response([doc])), True) == []


def test_the_corpus_has_what_these_tests_rely_on() -> None:
    assert str(CORPUS.instance("knee3").dataset.PerformedProcedureStepStartTime) == ""
    assert CORPUS.instance("cs1").dataset.SpecificCharacterSet[-1] == "ISO 2022 IR 87"
