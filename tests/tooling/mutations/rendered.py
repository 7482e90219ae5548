"""Mutations of rendered resources (PS3.18 §10.4.1.1.3, §8.3.5.1) and of the URI service (§9)."""

from __future__ import annotations

from urllib.parse import urlencode

from ..edits import Part, edit_part10, flip_last_byte, image_size, join_parts, reencode_image, truncate_half
from ..messages import Request, Response
from .base import Mutation, answer, body, content_type, content_type_params, drop_param, has_param, ok_only, status_swap

JPEG = ("rendered-instance-jpeg",)
URI_DICOM = ("uri-retrieve-dicom",)
URI_PARAMS = ("uri-retrieve-dicom-no-media-params",)


def _shrunk(data: bytes) -> bytes:
    width, height = image_size(data)
    fmt = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
    return reencode_image(data, fmt, (max(1, width * 3 // 4), max(1, height * 3 // 4)))


def _ask_jpeg(request: Request) -> Request:
    return request.with_header("Accept", "image/jpeg")


def _uri_ask_jpeg(request: Request) -> Request:
    """A URI request for image/png reaches the server as one for image/jpeg (contentType and Accept)."""
    pairs = [(k, "image/jpeg" if k == "contentType" else v) for k, v in request.query_pairs()]
    return request.with_query(urlencode(pairs)).with_header("Accept", "image/jpeg")


def _wrapped_in_multipart(response: Response) -> Response:
    boundary = "wrapped-by-proxy"
    wrapped = join_parts([Part(b"Content-Type: application/dicom", response.body)], boundary)
    return response.with_header("Content-Type", f'multipart/related; type="application/dicom"; boundary={boundary}') \
        .with_body(wrapped)


def _other_instance(data: bytes) -> bytes:
    def edit(ds: object) -> None:
        ds.SOPInstanceUID = f"{ds.SOPInstanceUID}.1"  # type: ignore[attr-defined]
    return edit_part10(data, edit)


RENDERED_MUTATIONS = (
    Mutation("rendered-jpeg-is-png", ("rendered",), "RENDER-MEDIA-IMAGE-JPEG-DEFAULT",
             "an image/jpeg response holds PNG bytes", JPEG, response_edit=body(lambda b: reencode_image(b, "PNG"))),
    Mutation("rendered-labelled-png", ("rendered",), "RENDER-CONTENT-TYPE",
             "a JPEG rendering is labelled image/png", JPEG, response_edit=content_type("image/png")),
    Mutation("rendered-resized", ("rendered",), "RENDER-NO-VIEWPORT-NATIVE-SIZE",
             "without a viewport the image is scaled to 3/4 of its size", JPEG, response_edit=body(_shrunk)),
    Mutation("rendered-viewport-ignored", ("rendered",), "RENDER-VIEWPORT-SCALING",
             "the viewport parameter is ignored", ("rendered-viewport-scales",),
             request_edit=drop_param("viewport"), when=has_param("viewport")),
    Mutation("rendered-bad-quality-200", ("rendered",), "RENDER-QUALITY-RANGE-400",
             "quality=0 is accepted with 200 instead of 400", ("rendered-quality-out-of-range-400",),
             response_edit=status_swap(400, 200)),
    Mutation("rendered-transfer-syntax-param", ("rendered",), "MEDIA-RENDERED-NO-TS-PARAM",
             "the rendered Content-Type carries a transfer-syntax parameter", ("rendered-no-transfer-syntax-param",),
             response_edit=content_type_params("; transfer-syntax=1.2.840.10008.1.2.4.50")),
    Mutation("rendered-image-truncated", ("rendered",), "RENDER-RESOURCES",
             "the rendered frame is cut in half and cannot be decoded", ("rendered-frame-jpeg",),
             response_edit=body(truncate_half)),
    Mutation("rendered-png-not-honoured", ("rendered",), "RENDER-MEDIA-IMAGE-GIF-PNG",
             "Accept: image/png is answered with a JPEG", ("rendered-instance-png",), request_edit=_ask_jpeg),
    Mutation("rendered-frame-missing", ("rendered",), "RENDER-RESOURCES",
             "frame rendering answers 404", ("rendered-frame-jpeg",), response_edit=answer(404),
             when=lambda r: "/frames/" in r.path),
)

URI_MUTATIONS = (
    Mutation("uri-unknown-object-200", ("uri",), "URI-STATUS-404",
             "an unknown object is answered 200", ("uri-unknown-object-404",), response_edit=status_swap(404, 200)),
    Mutation("uri-content-type-octet-stream", ("uri",), "URI-DICOM-RESPONSE",
             "a DICOM object is labelled application/octet-stream", URI_DICOM,
             response_edit=content_type("application/octet-stream")),
    Mutation("uri-charset-param", ("uri",), "URI-NO-TS-MEDIA-PARAM",
             "the Content-Type of a DICOM object carries a charset parameter", URI_PARAMS,
             response_edit=content_type_params("; charset=utf-8")),
    Mutation("uri-transfer-syntax-param", ("uri",), "URI-NO-TS-MEDIA-PARAM",
             "the Content-Type of a DICOM object carries a transfer-syntax parameter", URI_PARAMS,
             response_edit=content_type_params("; transfer-syntax=1.2.840.10008.1.2.1")),
    Mutation("uri-byte-flipped", ("uri",), "URI-DICOM-RESPONSE",
             "one pixel byte of the returned object differs from what was stored", URI_DICOM,
             response_edit=body(flip_last_byte)),
    Mutation("uri-file-truncated", ("uri",), "URI-DICOM-RESPONSE",
             "the returned Part 10 file is cut in half", URI_DICOM, response_edit=body(truncate_half)),
    Mutation("uri-wrong-object", ("uri",), "URI-PARAMS-REQUIRED",
             "another object than the one named by objectUID is returned", URI_DICOM, response_edit=body(_other_instance)),
    Mutation("uri-content-type-dropped", ("uri",), "URI-RESP-HEADERS",
             "a DICOM object comes back without Content-Type", ("uri-retrieve-dicom-response-headers",),
             response_edit=content_type(None)),
    Mutation("uri-png-answered-as-jpeg", ("uri",), "URI-RENDERED-CONTENTTYPE-CHARSET",
             "contentType=image/png is answered with a JPEG", ("uri-rendered-png",), request_edit=_uri_ask_jpeg,
             when=lambda r: ("contentType", "image/png") in r.query_pairs()),
    Mutation("uri-multipart-wrapped", ("uri",), "URI-DICOM-RESPONSE",
             "the object comes wrapped in multipart/related instead of as one application/dicom body", URI_DICOM,
             response_edit=ok_only(_wrapped_in_multipart)),
)

MUTATIONS = RENDERED_MUTATIONS + URI_MUTATIONS
