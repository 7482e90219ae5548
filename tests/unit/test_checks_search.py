"""search_results: the returned set against the oracle's, for JSON and multipart XML results.

Only this run's data is judged; a case's `count` guards the oracle, and a query the oracle cannot
judge is the harness's problem (an error), never the server's."""

from __future__ import annotations

import pytest

from conformance.checks.search_body import OracleDisagrees, result_datasets
from test_checks_search_support import (CORPUS, StoredData, context, json_response, run, study_doc, uid, uid_doc,
                                        xml_response)

P1 = uid("ct1", "PatientID")
S1, S2 = uid("ct1", "StudyInstanceUID"), uid("mr1", "StudyInstanceUID")
STUDY = "0020000D"


def test_exactly_the_predicted_studies_pass() -> None:
    ctx = context("/studies", [("PatientID", P1)], json_response([study_doc("ct1"), study_doc("mr1")]))
    assert run("search_results", ctx, {"count": 2}) == []


def test_a_predicted_study_that_is_missing_is_reported_by_uid() -> None:
    ctx = context("/studies", [("PatientID", P1)], json_response([study_doc("ct1")]))
    problems = run("search_results", ctx, {})
    assert len(problems) == 1 and "not returned" in problems[0] and S2 in problems[0]


def test_a_study_that_does_not_match_is_reported() -> None:
    ctx = context("/studies", [("StudyInstanceUID", S1)], json_response([study_doc("ct1"), study_doc("mr1")]))
    problems = run("search_results", ctx, {})
    assert problems == [f"1 study(s) returned that do not match the query: ['{S2}']"]


def test_results_the_run_did_not_store_are_not_judged() -> None:
    foreign = uid_doc(STUDY, "2.25.999")
    ctx = context("/studies", [("PatientID", P1)], json_response([study_doc("ct1"), foreign, study_doc("mr1")]))
    assert run("search_results", ctx, {}) == []


def test_a_store_only_instance_inside_a_seeded_series_is_not_judged() -> None:
    store_only = CORPUS.store_only[0]
    series = str(store_only.dataset.SeriesInstanceUID)
    study = str(store_only.dataset.StudyInstanceUID)
    seeded = [i for i in CORPUS.instances if str(i.dataset.SeriesInstanceUID) == series]
    docs = [uid_doc("00080018", str(i.dataset.SOPInstanceUID)) for i in seeded]
    docs.append(uid_doc("00080018", str(store_only.dataset.SOPInstanceUID)))
    ctx = context(f"/studies/{study}/series/{series}/instances", [], json_response(docs))
    assert run("search_results", ctx, {"count": len(seeded)}) == []


def test_a_study_returned_twice_is_reported() -> None:
    ctx = context("/studies", [("PatientID", P1)], json_response([study_doc("ct1"), study_doc("mr1"), study_doc("ct1")]))
    assert any("more than once" in p for p in run("search_results", ctx, {}))


def test_204_with_no_body_is_an_empty_result() -> None:
    ctx = context("/studies", [("PatientID", "NOBODY")], json_response([], status=204))
    assert run("search_results", ctx, {"count": 0}) == []


def test_more_results_than_the_limit_are_reported() -> None:
    ctx = context("/studies", [("PatientID", P1), ("limit", "1")], json_response([study_doc("ct1"), study_doc("mr1")]))
    assert any("more than limit=1" in p for p in run("search_results", ctx, {}))


def test_a_page_may_leave_out_matches() -> None:
    ctx = context("/studies", [("PatientID", P1), ("limit", "1")], json_response([study_doc("mr1")]))
    assert run("search_results", ctx, {}) == []


def test_a_count_that_contradicts_the_oracle_is_a_harness_error() -> None:
    ctx = context("/studies", [("PatientID", P1)], json_response([study_doc("ct1"), study_doc("mr1")]))
    with pytest.raises(OracleDisagrees, match="predicts 2"):
        run("search_results", ctx, {"count": 3})


def test_a_query_the_oracle_cannot_judge_is_a_harness_error() -> None:
    ctx = context("/studies", [("Modality", "CT")], json_response([study_doc("ct1")]))
    with pytest.raises(OracleDisagrees, match="cannot judge"):
        run("search_results", ctx, {})


def test_the_oracle_universe_is_what_was_stored() -> None:
    data = StoredData(missing=("mr1", "mf1"))
    ctx = context("/studies", [("PatientID", P1)], json_response([study_doc("ct1")]), data=data)
    assert run("search_results", ctx, {"count": 1}) == []


def _native(uid_value: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM" xml:space="preserve">'
        f'<DicomAttribute tag="0020000D" vr="UI" keyword="StudyInstanceUID"><Value number="1">{uid_value}</Value>'
        "</DicomAttribute></NativeDicomModel>"
    ).encode()


def test_multipart_xml_results_are_read_through_the_f31_mapping() -> None:
    response = xml_response([_native(S1), _native(S2)])
    assert [d[STUDY]["Value"] for d in result_datasets(response)] == [[S1], [S2]]
    ctx = context("/studies", [("PatientID", P1)], xml_response([_native(S1), _native(S2)]))
    assert run("search_results", ctx, {"count": 2}) == []


def test_an_xml_part_that_is_not_a_native_model_is_a_body_format_problem() -> None:
    from conformance.transport.response import BodyFormatError

    with pytest.raises(BodyFormatError, match="part 1"):
        result_datasets(xml_response([b"<html/>"]))
