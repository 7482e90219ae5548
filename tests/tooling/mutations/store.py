"""Mutations of Store (STOW-RS, PS3.18 §10.5; the response module of Annex I)."""

from __future__ import annotations

from typing import Any

from ..edits import JsonDataset, boundary_of, drop_tag, flip_last_byte, join_parts, map_values, sequence_items, set_vr, split_parts
from ..messages import Request
from .base import Mutation, content_type, each_ds, json_doc, ok_only, path_depth, status_swap, truncated_json

REFERENCED = "00081199"
FAILED = "00081198"
REF_CLASS = "00081150"
REF_INSTANCE = "00081155"
RETRIEVE_URL = "00081190"
FAILURE_REASON = "00081197"

ONE = ("store-one-instance",)


def _in_items(*edits: Any) -> Any:
    def edit(ds: JsonDataset) -> None:
        for item in sequence_items(ds, REFERENCED):
            for e in edits:
                e(item)
    return edit


def _drop_last_reference(ds: JsonDataset) -> None:
    items = sequence_items(ds, REFERENCED)
    if len(items) > 1:
        ds[REFERENCED]["Value"] = items[:-1]


def _invent_failure(ds: JsonDataset) -> None:
    items = sequence_items(ds, REFERENCED)
    if items:
        failed = {REF_CLASS: items[0].get(REF_CLASS), REF_INSTANCE: items[0].get(REF_INSTANCE),
                  FAILURE_REASON: {"vr": "US", "Value": [272]}}
        ds[FAILED] = {"vr": "SQ", "Value": [{k: v for k, v in failed.items() if v is not None}]}


def _unresolvable_url(doc: Any) -> Any:
    ds = doc[0] if isinstance(doc, list) else doc
    map_values(RETRIEVE_URL, lambda url: f"{url}.999")(ds)
    return doc


def _corrupt_sent_pixels(request: Request) -> Request:
    """The server keeps something else than it was sent: one pixel byte of every instance changes."""
    ctype = request.header("content-type") or ""
    if "multipart/related" not in ctype.lower():
        return request
    boundary = boundary_of(ctype)
    sent = split_parts(request.body, boundary)
    return Request(request.method, request.path, request.query, request.headers,
                   join_parts([p.with_body(flip_last_byte(p.body)) for p in sent], boundary))


def _is_metadata_store(request: Request) -> bool:
    return "application/dicom+" in (request.header("content-type") or "").lower()


MUTATIONS = (
    Mutation("store-409-becomes-200", ("store",), "STORE-STUDY-UID-MISMATCH-409",
             "an instance of another study posted to /studies/{study} is answered 200 instead of 409",
             ("store-study-uid-mismatch-409",), response_edit=status_swap(409, 200)),
    Mutation("store-415-becomes-200", ("store",), "STORE-STATUS-415",
             "a body that is not DICOM is answered 200 instead of 415",
             ("store-unsupported-media-type-415",), response_edit=status_swap(415, 200)),
    Mutation("store-200-becomes-202", ("store",), "STORE-STATUS-200",
             "a store where every instance was stored answers 202 (some failed) instead of 200",
             ONE + ("store-several-instances",), response_edit=status_swap(200, 202)),
    Mutation("store-study-resource-refused", ("store",), "STORE-RESOURCE-STUDY",
             "POST /studies/{study} with matching instances answers 409", ("store-to-study-resource",),
             response_edit=status_swap(200, 409), when=path_depth(1)),
    Mutation("store-referenced-sequence-dropped", ("store",), "STORE-RESP-REFERENCED-SOP-SEQUENCE",
             "the response has no Referenced SOP Sequence (0008,1199)", ONE, response_edit=each_ds(drop_tag(REFERENCED))),
    Mutation("store-reference-missing", ("store",), "STORE-RESP-REFERENCED-SOP-SEQUENCE",
             "one of three stored instances is missing from the Referenced SOP Sequence", ("store-several-instances",),
             response_edit=each_ds(_drop_last_reference)),
    Mutation("store-referenced-uid-wrong", ("store",), "STORE-RESP-REFERENCED-SOP-SEQUENCE",
             "the Referenced SOP Instance UID of each item is not the stored instance's", ONE,
             response_edit=each_ds(_in_items(map_values(REF_INSTANCE, lambda v: f"{v}.1")))),
    Mutation("store-referenced-class-wrong", ("store",), "STORE-RESP-MODULE",
             "each Referenced SOP Class UID names Secondary Capture instead of the class sent", ONE,
             response_edit=each_ds(_in_items(map_values(REF_CLASS, lambda v: "1.2.840.10008.5.1.4.1.1.7")))),
    Mutation("store-item-retrieve-url-dropped", ("store",), "STORE-RESP-MODULE",
             "the Referenced SOP Sequence items carry no Retrieve URL", ONE,
             response_edit=each_ds(_in_items(drop_tag(RETRIEVE_URL)))),
    Mutation("store-failure-invented", ("store",), "STORE-RESP-FAILED-SOP-SEQUENCE",
             "a Failed SOP Sequence lists an instance that was stored", ONE, response_edit=each_ds(_invent_failure)),
    Mutation("store-retrieve-url-dropped", ("store",), "STORE-RESP-RETRIEVE-URL",
             "the response has no study Retrieve URL (0008,1190)", ("store-response-retrieve-url",),
             response_edit=each_ds(drop_tag(RETRIEVE_URL))),
    Mutation("store-retrieve-url-vr-ut", ("store",), "STORE-RESP-RETRIEVE-URL",
             "the study Retrieve URL is encoded with VR UT instead of UR", ("store-response-retrieve-url",),
             response_edit=each_ds(set_vr(RETRIEVE_URL, "UT"))),
    Mutation("store-retrieve-url-unresolvable", ("store",), "STORE-RESP-RETRIEVE-URL",
             "the study Retrieve URL names a study that does not exist", ("store-response-saved-url-resolves",),
             response_edit=json_doc(_unresolvable_url)),
    Mutation("store-response-content-type-json", ("store",), "STORE-RESP-CONTENT-TYPE",
             "the response is labelled application/json instead of application/dicom+json", ONE,
             response_edit=content_type("application/json")),
    Mutation("store-response-content-type-missing", ("store",), "STORE-RESP-CONTENT-TYPE",
             "the response body has no Content-Type", ONE, response_edit=content_type(None)),
    Mutation("store-response-truncated-json", ("store",), "JSON-WELL-FORMED",
             "the Store Instances Response is cut in the middle (invalid JSON)", ONE,
             response_edit=ok_only(truncated_json)),
    Mutation("store-sequence-vr-wrong", ("store",), "JSON-VR-TYPE-MAPPING",
             "the Referenced SOP Sequence is labelled VR UN while its value holds items", ONE,
             response_edit=each_ds(set_vr(REFERENCED, "UN"))),
    Mutation("store-keeps-other-pixels", ("store",), "RETRIEVE-INSTANCE-FIDELITY",
             "the server keeps a pixel byte different from the one it was sent", ("store-then-retrieve-round-trip",),
             request_edit=_corrupt_sent_pixels),
    Mutation("store-metadata-bulk-value-altered", ("store",), "STORE-MEDIA-JSON-DEFAULT",
             "a store of Metadata and Bulkdata keeps a pixel value other than the bulk data part it was sent",
             ("store-json-metadata-bulkdata", "store-xml-metadata-bulkdata", "store-json-metadata-three-instances-to-study"),
             request_edit=_corrupt_sent_pixels, when=_is_metadata_store),
)
