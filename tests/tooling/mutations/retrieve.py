"""Mutations of Retrieve (WADO-RS, PS3.18 §10.4): instances, metadata and frames."""

from __future__ import annotations

import re
from dataclasses import replace

import pydicom

from ..edits import (boundary_of, drop_tag, edit_part10, flip_last_byte, pn_as_string, set_type_param, set_vr,
                     split_parts, truncate_half)
from ..messages import Request, Response
from .base import (Mutation, ResponseEdit, Upstream, content_type, each_ds, each_part, json_doc, ok_only, parts, path_depth,
                   status_swap, truncated_json)

INSTANCE = ("retrieve-instance-default-media",)
SERIES = ("retrieve-series-all-instances",)
METADATA = ("retrieve-metadata-instance-json",)


def _drop_private(ds: pydicom.Dataset) -> None:
    ds.remove_private_tags()


def _other_instance(ds: pydicom.Dataset) -> None:
    ds.SOPInstanceUID = f"{ds.SOPInstanceUID}.1"
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID


def _other_patient_name(ds: pydicom.Dataset) -> None:
    ds.PatientName = "Changed^In^Transit"


def _single_part(response: Response) -> Response:
    """The first part's bytes as a bare application/dicom body instead of multipart/related."""
    first = split_parts(response.body, boundary_of(response.header("content-type") or ""))[0]
    return response.with_header("Content-Type", "application/dicom").with_body(first.body)


def _without_close_delimiter(response: Response) -> Response:
    close = b"--" + boundary_of(response.header("content-type") or "").encode() + b"--"
    at = response.body.rfind(close)
    return response.with_body(response.body[:at]) if at >= 0 else response


def _bare_lf_delimiters(response: Response) -> Response:
    marker = b"--" + boundary_of(response.header("content-type") or "").encode()
    return response.with_body(response.body.replace(b"\r\n" + marker, b"\n" + marker))


def _boundary_param_wrong(response: Response) -> Response:
    ctype = response.header("content-type") or ""
    return response.with_header("Content-Type", re.sub(r'boundary=("[^"]*"|[^;\s]+)', "boundary=not-the-boundary", ctype))


def _type_param(new_type: str) -> ResponseEdit:
    return ok_only(lambda r: r.with_header("Content-Type", set_type_param(r.header("content-type") or "", new_type)))


def _neighbour_frame(request: Request) -> Request:
    """Serve another frame than the one asked for (the last frame number minus one)."""
    def other(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f"/frames/{n - 1 if n > 1 else n + 1}"
    return replace(request, path=re.sub(r"/frames/(\d+)$", other, request.path))


def _any_transfer_syntax(request: Request) -> Request:
    """The server ignores the transfer syntax asked for and sends what it stored."""
    accept = request.header("accept") or ""
    return request.with_header("Accept", re.sub(r"transfer-syntax=[^;,\s]+", "transfer-syntax=*", accept))


def _break_bulkdata_uris(doc: object) -> object:
    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("BulkDataURI"), str):
                node["BulkDataURI"] += "-gone"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(doc)
    return doc


def _drop_bulk_elements(doc: object) -> object:
    """Leave out every attribute the server would have sent as a BulkDataURI (Pixel Data among them)."""
    for ds in doc if isinstance(doc, list) else [doc]:
        if isinstance(ds, dict):
            for tag in [t for t, e in ds.items() if isinstance(e, dict) and "BulkDataURI" in e]:
                del ds[tag]
    return doc


def _metadata_dataset_dropped(request: Request, response: Response, upstream: Upstream) -> Response:
    return json_doc(lambda doc: doc[:-1] if isinstance(doc, list) and len(doc) > 1 else doc)(request, response, upstream)


INSTANCE_MUTATIONS = (
    Mutation("retrieve-instance-byte-flipped", ("retrieve",), "RETRIEVE-INSTANCE-FIDELITY",
             "one pixel byte of the retrieved instance differs from what was stored", INSTANCE,
             response_edit=each_part(flip_last_byte)),
    Mutation("retrieve-instance-truncated", ("retrieve",), "RETRIEVE-INSTANCE-FIDELITY",
             "the retrieved Part 10 file is cut in half", INSTANCE, response_edit=each_part(truncate_half)),
    Mutation("retrieve-patient-name-changed", ("retrieve",), "RETRIEVE-INSTANCE-FIDELITY",
             "the retrieved instance carries another Patient's Name", ("retrieve-instance-explicit-vr-le",),
             response_edit=each_part(lambda b: edit_part10(b, _other_patient_name))),
    Mutation("retrieve-wrong-instance", ("retrieve",), "RETRIEVE-INSTANCE-RESOURCE",
             "the part holds an instance other than the one asked for", ("retrieve-instance-any-transfer-syntax",),
             response_edit=each_part(lambda b: edit_part10(b, _other_instance))),
    Mutation("retrieve-private-attributes-dropped", ("retrieve",), "GEN-COMPOSITE-CONFORM",
             "private attributes are removed from the retrieved instance", ("retrieve-instance-private-attributes-kept",),
             response_edit=each_part(lambda b: edit_part10(b, _drop_private))),
    Mutation("retrieve-series-part-dropped", ("retrieve",), "RETRIEVE-SERIES-ALL-INSTANCES",
             "a series retrieve leaves out one instance", SERIES, response_edit=parts(lambda ps: ps[:-1]), when=path_depth(2)),
    Mutation("retrieve-series-part-duplicated", ("retrieve",), "RETRIEVE-SERIES-ALL-INSTANCES",
             "a series retrieve sends one instance twice", SERIES, response_edit=parts(lambda ps: ps + ps[:1]),
             when=path_depth(2)),
    Mutation("retrieve-study-part-dropped", ("retrieve",), "RETRIEVE-STUDY-ALL-INSTANCES",
             "a study retrieve leaves out one instance", ("retrieve-study-all-instances",),
             response_edit=parts(lambda ps: ps[1:]), when=path_depth(1)),
    Mutation("retrieve-type-param-wrong", ("retrieve",), "MEDIA-MULTIPART-TYPE-BOUNDARY",
             "the multipart type parameter says application/octet-stream for DICOM parts", INSTANCE,
             response_edit=_type_param("application/octet-stream")),
    Mutation("retrieve-part-content-type-wrong", ("retrieve",), "MEDIA-PART-HEADERS",
             "each part is labelled application/octet-stream", INSTANCE,
             response_edit=parts(lambda ps: [p.with_content_type("application/octet-stream") for p in ps])),
    Mutation("retrieve-part-content-type-missing", ("retrieve",), "MEDIA-PART-HEADERS",
             "parts carry no Content-Type", INSTANCE,
             response_edit=parts(lambda ps: [p.without_header("Content-Type") for p in ps])),
    Mutation("retrieve-single-part-instead-of-multipart", ("retrieve",), "RETRIEVE-MEDIA-INSTANCE-DEFAULT",
             "a multipart/related request is answered with a bare application/dicom body", INSTANCE,
             response_edit=ok_only(_single_part)),
    Mutation("retrieve-part-transfer-syntax-mislabelled", ("retrieve",), "MEDIA-CONTENT-TYPE-PARAMS",
             "each DICOM part claims transfer-syntax=JPEG Baseline while encoded otherwise", INSTANCE,
             response_edit=parts(lambda ps: [p.with_content_type("application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50")
                                             for p in ps])),
    Mutation("retrieve-transfer-syntax-ignored", ("retrieve",), "RETRIEVE-TS-PARAMETER",
             "transfer-syntax=Explicit VR Little Endian is ignored: the stored RLE instance comes back as stored",
             ("retrieve-ts-explicit-le-from-rle1",), request_edit=_any_transfer_syntax,
             when=lambda r: "transfer-syntax=1.2.840.10008.1.2.1" in (r.header("accept") or "")),
    Mutation("retrieve-close-delimiter-missing", ("retrieve",), "MEDIA-MULTIPART-SYNTAX",
             "the multipart body ends without its close delimiter", INSTANCE, response_edit=ok_only(_without_close_delimiter)),
    Mutation("retrieve-delimiters-bare-lf", ("retrieve",), "MEDIA-MULTIPART-SYNTAX",
             "boundary delimiters are preceded by LF instead of CRLF", INSTANCE, response_edit=ok_only(_bare_lf_delimiters)),
    Mutation("retrieve-boundary-param-wrong", ("retrieve",), "MEDIA-MULTIPART-TYPE-BOUNDARY",
             "the boundary parameter does not match the body's delimiters", INSTANCE,
             response_edit=ok_only(_boundary_param_wrong)),
    Mutation("retrieve-unknown-instance-200", ("retrieve",), "RETRIEVE-STATUS-404",
             "an instance the server does not hold is answered 200", ("retrieve-instance-unknown-404",),
             response_edit=status_swap(404, 200)),
    Mutation("retrieve-unknown-study-200", ("retrieve",), "RETRIEVE-STATUS-404",
             "a study the server does not hold is answered 200", ("retrieve-study-unknown-404",),
             response_edit=status_swap(404, 200), when=path_depth(1)),
    Mutation("retrieve-unknown-series-204", ("retrieve",), "RETRIEVE-STATUS-404",
             "a series the server does not hold is answered 204", ("retrieve-series-unknown-404",),
             response_edit=status_swap(404, 204), when=path_depth(2)),
)

METADATA_MUTATIONS = (
    Mutation("metadata-attribute-dropped", ("metadata",), "RETRIEVE-METADATA-ALL-ATTRIBUTES",
             "instance metadata lacks PatientName", METADATA, response_edit=each_ds(drop_tag("00100010"))),
    Mutation("metadata-vr-changed", ("metadata",), "RETRIEVE-METADATA-ALL-ATTRIBUTES",
             "Modality is returned with VR LO instead of CS", METADATA, response_edit=each_ds(set_vr("00080060", "LO"))),
    Mutation("metadata-pn-as-string", ("metadata",), "JSON-PN-OBJECT",
             "a PN value with three component groups is a bare string", ("retrieve-metadata-person-name-groups",),
             response_edit=each_ds(pn_as_string("00100010"))),
    Mutation("metadata-private-creator-dropped", ("metadata",), "JSON-PRIVATE-CREATOR",
             "the Private Creator of private elements is missing", ("retrieve-metadata-private-creator",),
             response_edit=each_ds(drop_tag("00090010"))),
    Mutation("metadata-dataset-dropped", ("metadata",), "RETRIEVE-METADATA-RESOURCES",
             "series metadata leaves out one instance", ("retrieve-metadata-series-json",),
             response_edit=_metadata_dataset_dropped),
    Mutation("metadata-content-type-json", ("metadata",), "RETRIEVE-MEDIA-METADATA-JSON-DEFAULT",
             "metadata is labelled application/json", METADATA, response_edit=content_type("application/json")),
    Mutation("metadata-truncated-json", ("metadata",), "JSON-WELL-FORMED",
             "the metadata document is cut in the middle", METADATA, response_edit=ok_only(truncated_json)),
    Mutation("metadata-bulkdata-uri-broken", ("metadata",), "RETRIEVE-BULKDATA-URI",
             "every BulkDataURI in the metadata names a resource that does not exist", ("retrieve-bulkdata-uris-ct1",),
             response_edit=json_doc(_break_bulkdata_uris)),
    Mutation("metadata-bulk-elements-dropped", ("metadata",), "RETRIEVE-METADATA-ALL-ATTRIBUTES",
             "attributes with bulk data (Pixel Data, Encapsulated Document) are left out of the metadata altogether",
             ("retrieve-metadata-rle1-pixel-data-present", "retrieve-metadata-pdf1-encapsulated-document-present"),
             response_edit=json_doc(_drop_bulk_elements)),
    Mutation("metadata-unknown-200", ("metadata",), "RETRIEVE-STATUS-404",
             "metadata of an unknown study is answered 200", ("retrieve-metadata-unknown-404",),
             response_edit=status_swap(404, 200)),
)

FRAME_MUTATIONS = (
    Mutation("frames-reordered", ("frames",), "RETRIEVE-FRAMES-ORDER",
             "frames of a frame list come back in reverse order", ("retrieve-frame-list-order",),
             response_edit=parts(lambda ps: ps[::-1])),
    Mutation("frames-part-dropped", ("frames",), "RETRIEVE-FRAMES-RESOURCE",
             "the last frame of a frame list is left out", ("retrieve-frame-list-order",),
             response_edit=parts(lambda ps: ps[:-1])),
    Mutation("frames-byte-flipped", ("frames",), "RETRIEVE-FRAMES-RESOURCE",
             "one byte of each frame differs from the stored pixels",
             ("retrieve-frame-last", "retrieve-frame-of-single-frame-image"), response_edit=each_part(flip_last_byte)),
    Mutation("frames-neighbour-served", ("frames",), "RETRIEVE-FRAMES-RESOURCE",
             "the frame before the one asked for is served", ("retrieve-frame-last",), request_edit=_neighbour_frame),
    Mutation("frames-type-param-dicom", ("frames",), "MEDIA-MULTIPART-TYPE-BOUNDARY",
             "the multipart type parameter says application/dicom for raw frames",
             ("retrieve-frame-multipart-type-parameter",),
             response_edit=_type_param("application/dicom")),
    Mutation("frames-part-media-type-jpeg", ("frames",), "RETRIEVE-MEDIA-BULKDATA-OCTET-STREAM",
             "uncompressed frame parts are labelled image/jpeg", ("retrieve-frame-multipart-type-parameter",),
             response_edit=parts(lambda ps: [p.with_content_type("image/jpeg") for p in ps])),
    Mutation("frames-unknown-instance-200", ("frames",), "RETRIEVE-STATUS-404",
             "frames of an unknown instance are answered 200", ("retrieve-frames-unknown-instance-404",),
             response_edit=status_swap(404, 200)),
)

MUTATIONS = INSTANCE_MUTATIONS + METADATA_MUTATIONS + FRAME_MUTATIONS
