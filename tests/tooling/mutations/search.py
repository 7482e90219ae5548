"""Mutations of Search (QIDO-RS, PS3.18 §10.6; DICOM JSON Annex F)."""

from __future__ import annotations

import re
from typing import Any

from ..edits import JsonDataset, datasets_of, drop_tag, map_values, pn_as_string, reverse_tag_order, set_vr
from ..messages import Request, Response
from .base import (Mutation, Upstream, answer, content_type, drop_param, each_ds, has_param, json_doc, ok_only,
                   rewrite_param, truncated_json)

PATIENT_ID, PATIENT_NAME, STUDY_DATE = "00100020", "00100010", "00080020"
STUDY_UID, SERIES_UID, SOP_CLASS = "0020000D", "0020000E", "00080016"
RETRIEVE_URL, PPS_START_DATE = "00081190", "00400244"

BY_PATIENT = ("search-studies-by-patient-id",)
BY_STUDY_UID = ("search-studies-by-study-uid",)
STUDY_DEFAULTS = ("search-studies-default-attributes",)
INSTANCE_DEFAULTS = ("search-instances-default-attributes",)
_TAG_NAME = re.compile(r"^[0-9A-Fa-f]{8}$")


def _level(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _study_level(request: Request) -> bool:
    return _level(request.path) == "studies"


def _series_level(request: Request) -> bool:
    return _level(request.path) == "series"


def _instance_level(request: Request) -> bool:
    return _level(request.path) == "instances"


def _top_level(resource: str) -> Any:
    """/series or /instances asked of the whole server (not under /studies/{study})."""
    return lambda request: _level(request.path) == resource and "/studies/" not in request.path


def _drop_last(doc: Any) -> Any:
    return doc[:-1] if isinstance(doc, list) and len(doc) > 1 else doc


def _duplicate_first(doc: Any) -> Any:
    return doc + doc[:1] if isinstance(doc, list) and doc else doc


def _first(ds: JsonDataset, tag: str) -> Any:
    value = (ds.get(tag) or {}).get("Value") or [None]
    return value[0]


def _add_unmatched_study(request: Request, response: Response, upstream: Upstream) -> Response:
    """Append a study of the same run that does not match the query."""
    if response.status != 200 or not response.is_json:
        return response
    doc = response.json()
    if not isinstance(doc, list) or not doc or not isinstance(_first(doc[0], PATIENT_ID), str):
        return response
    run_prefix = _first(doc[0], PATIENT_ID).split("-")[0]
    # Every study the server holds (no wildcard: not every server matches one), then this run's.
    everyone = upstream(Request("GET", request.path, "", (("Accept", "application/dicom+json"),)))
    if everyone.status != 200 or not everyone.is_json:
        return response
    returned = {_first(ds, STUDY_UID) for ds in doc}
    extra = [ds for ds in datasets_of(everyone.json()) if _first(ds, STUDY_UID) not in returned
             and str(_first(ds, PATIENT_ID) or "").startswith(run_prefix + "-")]
    return response.with_json(doc + extra[:1]) if extra else response


def _lowercase_keys(ds: JsonDataset) -> None:
    items = [(k.lower(), v) for k, v in ds.items()]
    ds.clear()
    ds.update(items)


def _matches_answer_204(request: Request, response: Response, upstream: Upstream) -> Response:
    if response.status == 200 and response.is_json and response.json():
        return response.with_status(204, "No Content").with_body(b"").with_header("Content-Type", None)
    return response


def _no_match_answers_200(request: Request, response: Response, upstream: Upstream) -> Response:
    if response.status != 204:
        return response
    return response.with_status(200, "OK").with_header("Content-Type", "application/dicom+json").with_body(b"[]")


def _warning_count_plus_one(request: Request, response: Response, upstream: Upstream) -> Response:
    warning = response.header("warning")
    if not warning:
        return response
    return response.with_header("Warning", re.sub(r"(\d+)(\s+additional)", lambda m: f"{int(m.group(1)) + 1}{m.group(2)}",
                                                  warning))


def _only_hex_named(request: Request) -> Request:
    kept = [p for p in filter(None, request.query.split("&")) if not _TAG_NAME.match(p.partition("=")[0])]
    return request.with_query("&".join(kept))


MUTATIONS = (
    # which results come back
    Mutation("search-result-dropped", ("search",), "SEARCH-MATCH-CFIND-SEMANTICS",
             "the last of several matching results is left out",
             BY_PATIENT + ("search-series-of-study", "search-instances-of-series", "search-studies-uid-list"),
             response_edit=json_doc(_drop_last)),
    Mutation("search-unmatched-result-added", ("search",), "SEARCH-MATCH-CFIND-SEMANTICS",
             "a study of the same run that does not match the query is added to the results",
             BY_STUDY_UID + ("search-studies-by-accession-number", "search-studies-date-range"),
             response_edit=_add_unmatched_study, when=_study_level),
    Mutation("search-result-duplicated", ("search",), "SEARCH-MATCH-CFIND-SEMANTICS",
             "the first result is returned twice", BY_STUDY_UID, response_edit=json_doc(_duplicate_first)),
    Mutation("search-results-emptied", ("search",), "SEARCH-MATCH-CFIND-SEMANTICS",
             "a search with matches answers 200 with an empty array", BY_STUDY_UID, response_edit=json_doc(lambda d: [])),
    Mutation("search-study-uid-altered", ("search",), "SEARCH-MATCH-CFIND-SEMANTICS",
             "each result's Study Instance UID is changed", BY_STUDY_UID,
             response_edit=each_ds(map_values(STUDY_UID, lambda v: f"{v}.1")), when=_study_level),
    # status and media type
    Mutation("search-matches-answer-204", ("search",), "SEARCH-STATUS-200",
             "a search with matches answers 204 No Content", BY_PATIENT, response_edit=_matches_answer_204),
    Mutation("search-no-match-answers-200", ("search",), "SEARCH-STATUS-204-NO-MATCHES",
             "a search without matches answers 200 with an empty array instead of 204",
             ("search-studies-zero-matches-204",),
             response_edit=_no_match_answers_200),
    Mutation("search-content-type-json", ("search",), "SEARCH-MEDIA-JSON-DEFAULT",
             "results are labelled application/json instead of application/dicom+json", BY_PATIENT,
             response_edit=content_type("application/json")),
    Mutation("search-content-type-missing", ("search",), "SEARCH-MEDIA-JSON-DEFAULT",
             "results carry no Content-Type", BY_PATIENT, response_edit=content_type(None)),
    Mutation("search-response-truncated-json", ("search",), "JSON-WELL-FORMED",
             "the results are cut in the middle (invalid JSON)", BY_PATIENT, response_edit=ok_only(truncated_json)),
    # the DICOM JSON model
    Mutation("search-patient-name-as-string", ("search",), "JSON-PN-OBJECT",
             "PatientName is a bare string instead of a {Alphabetic: ...} object", BY_PATIENT,
             response_edit=each_ds(pn_as_string(PATIENT_NAME))),
    Mutation("search-tags-descending", ("search",), "JSON-ATTRIBUTE-ORDER",
             "attributes of each result are in descending tag order", BY_PATIENT,
             response_edit=each_ds(reverse_tag_order)),
    Mutation("search-tag-keys-lowercase", ("search",), "JSON-TAG-KEYS-UPPERCASE",
             "tag keys are written in lower-case hex", BY_PATIENT, response_edit=each_ds(_lowercase_keys)),
    Mutation("search-study-date-dashed", ("search",), "JSON-VALUE-ENCODING-RULES",
             "StudyDate is written 2020-01-15 instead of 20200115", ("search-studies-values-equal-stored",),
             response_edit=each_ds(map_values(STUDY_DATE, lambda v: f"{v[:4]}-{v[4:6]}-{v[6:]}" if len(v) == 8 else v))),
    Mutation("search-patient-id-vr-sh", ("search",), "SEARCH-RETURN-STUDY-DEFAULTS",
             "PatientID is returned with VR SH instead of LO", ("search-studies-values-equal-stored",),
             response_edit=each_ds(set_vr(PATIENT_ID, "SH"))),
    Mutation("search-patient-id-altered", ("search",), "SEARCH-RETURN-STUDY-DEFAULTS",
             "the returned PatientID is not the stored one", ("search-studies-values-equal-stored",),
             response_edit=each_ds(map_values(PATIENT_ID, lambda v: f"{v}X"))),
    # required return attributes
    Mutation("search-patient-id-dropped", ("search",), "SEARCH-RETURN-STUDY-DEFAULTS",
             "study results lack PatientID", STUDY_DEFAULTS, response_edit=each_ds(drop_tag(PATIENT_ID)), when=_study_level),
    Mutation("search-study-date-dropped", ("search",), "SEARCH-RETURN-STUDY-DEFAULTS",
             "study results lack StudyDate", STUDY_DEFAULTS, response_edit=each_ds(drop_tag(STUDY_DATE)), when=_study_level),
    Mutation("search-modalities-in-study-dropped", ("search",), "SEARCH-RETURN-STUDY-DEFAULTS",
             "study results lack ModalitiesInStudy", STUDY_DEFAULTS,
             response_edit=each_ds(drop_tag("00080061")), when=_study_level),
    Mutation("search-study-instance-count-dropped", ("search",), "SEARCH-RETURN-STUDY-DEFAULTS",
             "study results lack NumberOfStudyRelatedInstances", STUDY_DEFAULTS,
             response_edit=each_ds(drop_tag("00201208")), when=_study_level),
    Mutation("search-study-retrieve-url-dropped", ("search",), "SEARCH-RETRIEVE-URL-STUDY",
             "study results lack a Retrieve URL", ("search-studies-retrieve-url",),
             response_edit=each_ds(drop_tag(RETRIEVE_URL)), when=_study_level),
    Mutation("search-study-retrieve-url-vr-ut", ("search",), "SEARCH-RETRIEVE-URL-STUDY",
             "the study Retrieve URL has VR UT instead of UR", ("search-studies-retrieve-url",),
             response_edit=each_ds(set_vr(RETRIEVE_URL, "UT")), when=_study_level),
    Mutation("search-series-modality-dropped", ("search",), "SEARCH-RETURN-SERIES-DEFAULTS",
             "series results lack Modality", ("search-series-default-attributes",),
             response_edit=each_ds(drop_tag("00080060")), when=_series_level),
    Mutation("search-series-instance-count-wrong", ("search",), "SEARCH-RETURN-SERIES-DEFAULTS",
             "NumberOfSeriesRelatedInstances is one too many", ("search-series-default-attributes",),
             response_edit=each_ds(map_values("00201209", lambda v: int(v) + 1 if str(v).isdigit() else v)),
             when=_series_level),
    Mutation("search-instance-sop-class-dropped", ("search",), "SEARCH-RETURN-INSTANCE-DEFAULTS",
             "instance results lack SOPClassUID", INSTANCE_DEFAULTS,
             response_edit=each_ds(drop_tag(SOP_CLASS)), when=_instance_level),
    Mutation("search-instance-sop-class-wrong", ("search",), "SEARCH-RETURN-INSTANCE-DEFAULTS",
             "instance results name a SOP Class that was not stored", INSTANCE_DEFAULTS,
             response_edit=each_ds(map_values(SOP_CLASS, lambda v: "1.2.840.10008.5.1.4.1.1.7")), when=_instance_level),
    Mutation("search-instance-retrieve-url-dropped", ("search",), "SEARCH-RETRIEVE-URL-INSTANCE",
             "instance results lack a Retrieve URL", INSTANCE_DEFAULTS,
             response_edit=each_ds(drop_tag(RETRIEVE_URL)), when=_instance_level),
    Mutation("search-includefield-ignored", ("search",), "SEARCH-INCLUDEFIELD-LIST",
             "includefield=PerformedProcedureStepStartDate (a required series key) is not returned",
             ("search-series-includefield-keyword", "search-series-includefield-tag"),
             response_edit=each_ds(drop_tag(PPS_START_DATE)), when=has_param("includefield")),
    # query parameters the server ignores
    Mutation("search-paging-warning-dropped", ("search",), "SEARCH-PAGING-WARNING-299",
             "a page cut short by limit carries no Warning 299", ("search-studies-paging-warning-remaining",),
             response_edit=lambda q, r, u: r.with_header("Warning", None) if r.header("warning") else r,
             when=has_param("limit")),
    Mutation("search-paging-warning-count-wrong", ("search",), "SEARCH-PAGING-WARNING-299",
             "the Warning 299 of a page says one result more remains than does",
             ("search-studies-paging-warning-remaining-after-offset",), response_edit=_warning_count_plus_one,
             when=has_param("limit")),
    Mutation("search-limit-ignored", ("search",), "SEARCH-PAGING-LIMIT",
             "limit is ignored: every match comes back", ("search-studies-limit",),
             request_edit=drop_param("limit"), when=has_param("limit")),
    Mutation("search-date-range-ignored", ("search",), "SEARCH-MATCH-DATE-RANGE",
             "a StudyDate range is ignored", ("search-studies-date-range",),
             request_edit=drop_param("StudyDate"), when=has_param("StudyDate")),
    Mutation("search-wildcard-ignored", ("search",), "SEARCH-MATCH-WILDCARD",
             "'*' in PatientID is dropped, so the value matches only itself", ("search-studies-wildcard-patient-id",),
             request_edit=rewrite_param("PatientID", lambda v: v.replace("*", ""))),
    Mutation("search-uid-list-first-only", ("search",), "SEARCH-MATCH-UID-LIST",
             "only the first UID of a StudyInstanceUID list is matched", ("search-studies-uid-list",),
             request_edit=rewrite_param("StudyInstanceUID", lambda v: v.split(",")[0])),
    Mutation("search-modality-filter-ignored", ("search",), "SEARCH-MATCH-REQUIRED-SERIES-KEYS",
             "Modality is ignored as a series matching key", ("search-series-by-modality",),
             request_edit=drop_param("Modality"), when=has_param("Modality")),
    Mutation("search-instance-number-ignored", ("search",), "SEARCH-MATCH-REQUIRED-INSTANCE-KEYS",
             "InstanceNumber is ignored as an instance matching key", ("search-instances-by-instance-number",),
             request_edit=drop_param("InstanceNumber"), when=has_param("InstanceNumber")),
    Mutation("search-tag-named-key-ignored", ("search",), "SEARCH-ATTR-TAG-OR-KEYWORD",
             "a matching key named by its tag (00100020) is ignored", ("search-studies-by-tag-number",),
             request_edit=_only_hex_named),
    # resources the server does not offer
    Mutation("search-all-series-missing", ("search",), "SEARCH-RESOURCE-ALL-SERIES",
             "GET /series answers 404", ("search-all-series-by-patient",), response_edit=answer(404), when=_top_level("series")),
    Mutation("search-all-instances-missing", ("search",), "SEARCH-RESOURCE-ALL-INSTANCES",
             "GET /instances answers 404", ("search-all-instances-by-sop-uid",),
             response_edit=answer(404), when=_top_level("instances")),
    Mutation("search-study-instances-missing", ("search",), "SEARCH-RESOURCE-STUDY-INSTANCES",
             "GET /studies/{study}/instances answers 404", ("search-instances-of-study",),
             response_edit=answer(404), when=lambda r: _instance_level(r) and "/series/" not in r.path and "/studies/" in r.path),
)
