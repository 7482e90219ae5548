"""Paging across steps, the Warning 299, optional matching features, media types and framing
(PS3.18 §8.3.4.2-§8.3.4.6, §8.3.3.1, §8.7.8.1, Table 10.6.3-2)."""

from __future__ import annotations

import pytest

from conformance.checks.search_body import OracleDisagrees
from test_checks_search_support import (Pages, context, json_response, make_response, run, study_doc, uid,
                                        xml_response)

KEYS = ("ct1", "mr1", "cs1", "knee1", "latin1", "utf8")
STUDIES = ",".join(uid(k, "StudyInstanceUID") for k in KEYS)
DOCS = [study_doc(k) for k in KEYS]
SCOPE = [("StudyInstanceUID", STUDIES)]
SPEC = {"sequence": "s", "count": 6}


def test_pages_that_cut_the_reference_list_in_order_pass() -> None:
    pages = Pages("/studies", SCOPE)
    assert pages.step(DOCS, "search_page", SPEC) == []
    assert pages.step(DOCS[0:4], "search_page", SPEC, offset="0", limit="4") == []
    assert pages.step(DOCS[4:6], "search_pages", SPEC, offset="4", limit="4") == []


def test_a_page_of_the_wrong_size_is_reported() -> None:
    pages = Pages("/studies", SCOPE)
    (problem,) = pages.step(DOCS[0:3], "search_page", SPEC, offset="0", limit="2")
    assert "holds 3 result(s); of 6 matches it should hold 2" in problem


def test_pages_that_overlap_are_reported() -> None:
    pages = Pages("/studies", SCOPE)
    pages.step(DOCS[0:3], "search_page", SPEC, offset="0", limit="3")
    problems = pages.step([DOCS[2], *DOCS[4:6]], "search_pages", SPEC, offset="3", limit="3")
    assert any("again on the page" in p for p in problems)


def test_a_second_identical_search_in_another_order_is_reported() -> None:
    pages = Pages("/studies", SCOPE)
    pages.step(DOCS, "search_page", SPEC)
    problems = pages.step(list(reversed(DOCS)), "search_pages", SPEC)
    assert any("another order" in p for p in problems)


def test_pages_that_are_not_the_reference_list_cut_at_their_offset_are_reported() -> None:
    pages = Pages("/studies", SCOPE)
    pages.step(DOCS, "search_page", SPEC)
    problems = pages.step([DOCS[1], DOCS[0]], "search_pages", SPEC, limit="2")
    assert any("not the reference list cut" in p for p in problems)


def test_pages_covering_every_offset_must_hold_every_match() -> None:
    pages = Pages("/studies", SCOPE)
    pages.step(DOCS[0:3], "search_page", SPEC, offset="0", limit="3")
    problems = pages.step(DOCS[3:5], "search_pages", SPEC, offset="3", limit="3")
    assert any("cover all 6 matches" in p for p in problems)


def test_pages_that_stop_early_need_not_hold_every_match() -> None:
    pages = Pages("/studies", SCOPE)
    pages.step(DOCS, "search_page", SPEC)
    assert pages.step(DOCS[0:3], "search_pages", SPEC, limit="3") == []


def test_paging_needs_a_query_the_standard_answers_exactly() -> None:
    pages = Pages("/studies", [("StudyInstanceUID", STUDIES), ("StudyDescription", "CT KNEE")])
    with pytest.raises(OracleDisagrees, match="exactly"):
        pages.step(DOCS, "search_page", {"sequence": "s"})


def _warned(text: str, docs: list[dict], **paging: str) -> list[str]:
    params = SCOPE + list(paging.items())
    ctx = context("/studies", params, json_response(docs, headers=[("Warning", text)]))
    return run("warning_299", ctx, {"remaining": True})


def test_the_remaining_count_is_computed_from_matches_offset_and_results() -> None:
    assert _warned("299 http://h/dicom-web: There are 4 additional results that can be requested",
                   DOCS[0:2], limit="2") == []
    assert _warned('299 h "There are 1 additional results that can be requested"', DOCS[2:5],
                   offset="2", limit="3") == []


def test_a_wrong_remaining_count_is_reported() -> None:
    problems = _warned("299 http://h/dicom-web: There are 3 additional results that can be requested",
                       DOCS[0:2], limit="2")
    assert problems == ["the Warning says 3 additional result(s) remain, the search has 4 more"]


def test_a_missing_warning_is_reported() -> None:
    ctx = context("/studies", SCOPE + [("limit", "2")], json_response(DOCS[0:2]))
    assert run("warning_299", ctx, {"remaining": True}) == ["no Warning 299 in the response (no Warning header)"]


def test_warning_text_is_matched_ignoring_case_and_spacing() -> None:
    ctx = context("/studies", [], json_response([], status=204, headers=[
        ("Warning", "299 svc: the  FUZZYMATCHING parameter is not supported. Only literal matching has been performed.")]))
    assert run("warning_299", ctx, {"text": "The fuzzymatching parameter is not supported."}) == []


P4 = uid("knee1", "PatientID")


def _fuzzy(docs: list[dict], warning: str | None) -> list[str]:
    headers = [("Warning", warning)] if warning else []
    params = [("PatientID", P4), ("PatientName", "Doe^Jane"), ("fuzzymatching", "true")]
    return run("feature_or_warning", context("/studies", params, json_response(docs, headers=headers)),
               {"parameter": "fuzzymatching", "count": 1})


def test_fuzzy_matching_performed_keeps_every_literal_match() -> None:
    assert _fuzzy([study_doc("knee1")], None) == []
    assert any("not returned" in p for p in _fuzzy([], None))


def test_fuzzy_matching_declined_needs_the_prescribed_text_and_literal_results() -> None:
    prescribed = "299 h: The fuzzymatching parameter is not supported. Only literal matching has been performed."
    assert _fuzzy([study_doc("knee1")], prescribed) == []
    (problem,) = _fuzzy([study_doc("knee1")], "299 h: fuzzymatching unavailable")
    assert "prescribed text" in problem


def test_an_undefined_fallback_judges_only_the_warning() -> None:
    params = [("PatientID", uid("ct1", "PatientID")), ("ModalitiesInStudy", "CT\\SR"), ("multiplevaluematching", "true")]
    warning = "299 h: The multiplevaluematching parameter is not supported. Multiple Value Matching has not been performed."
    ctx = context("/studies", params, json_response([study_doc("mr1")], headers=[("Warning", warning)]))
    assert run("feature_or_warning", ctx, {"parameter": "multiplevaluematching"}) == []


def test_406_or_the_default_media_type_are_the_only_answers_to_an_unsupported_accept() -> None:
    assert run("default_or_406", context("/studies", [], make_response(406, b"", [])), "application/dicom+json") == []
    assert run("default_or_406", context("/studies", [], json_response(DOCS)), "application/dicom+json") == []
    xml = xml_response([b"<x/>"])
    assert "neither 406 nor" in run("default_or_406", context("/studies", [], xml), "application/dicom+json")[0]
    assert run("default_or_406", context("/studies", [], make_response(500, b"", [])), "application/dicom+json")


NATIVE = (b'<?xml version="1.0" encoding="UTF-8"?>\n<NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM"'
          b' xml:space="preserve"><DicomAttribute tag="0020000D" vr="UI" keyword="StudyInstanceUID">'
          b'<Value number="1">1.2.3</Value></DicomAttribute></NativeDicomModel>')


def test_xml_results_are_one_valid_native_model_part_each() -> None:
    assert run("search_xml", context("/studies", [], xml_response([NATIVE, NATIVE])), {"count": 2}) == []
    assert run("search_xml", context("/studies", [], xml_response([NATIVE])), {"count": 2}) == ["1 part(s), expected 2"]
    assert "expected multipart/related" in run("search_xml", context("/studies", [], json_response(DOCS)), {})[0]


def test_a_payload_has_exactly_one_of_content_length_and_transfer_encoding() -> None:
    body = b"[]"
    both = make_response(200, body, [("Content-Length", "2"), ("Transfer-Encoding", "chunked")])
    neither = make_response(200, body, [])
    good = make_response(200, body, [("Transfer-Encoding", "chunked")])
    assert run("search_framing", context("/studies", [], good), True) == []
    assert "both" in run("search_framing", context("/studies", [], both), True)[0]
    assert "without" in run("search_framing", context("/studies", [], neither), True)[0]
