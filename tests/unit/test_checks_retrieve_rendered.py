"""Rendered and thumbnail checks (PS3.18 8.3.5.1, 8.7.4, 10.4.1.1.4), XML metadata parts, and the
when_status wrapper for outcomes the standard leaves to the server."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from conformance.checks.rendered import jpeg_process
from test_checks_retrieve_support import BASE, CORPUS, ctx, multipart, response, run

OTHER = BASE + "/other"


def image_bytes(pixels: np.ndarray, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels.astype(np.uint8)).save(out, format=fmt, **options)
    return out.getvalue()


RAMP = np.tile(np.arange(64, dtype=np.uint8) * 4, (32, 1))  # 64 wide, 32 high, brighter to the right


def image_ctx(body: bytes, site: dict[str, object] | None = None) -> object:
    return ctx(response(200, [("Content-Type", "image/png")], body), site=site, accept="image/png")  # type: ignore[arg-type]


def test_image_size_format_and_bounds() -> None:
    body = image_bytes(RAMP)
    assert run("image", image_ctx(body), {"format": "png", "width": 64, "height": 32, "max_width": 64}) == []
    problems = run("image", image_ctx(body), {"format": "jpeg", "max_height": 16})
    assert problems == ["image is png, expected jpeg", "image height 32 px exceeds 16"]


def test_uniform_and_not_uniform_read_the_pixels() -> None:
    white = image_bytes(np.full((8, 8), 255))
    assert run("image", image_ctx(white), {"format": "png", "uniform": 255}) == []
    assert run("image", image_ctx(white), {"format": "png", "not_uniform": True}) == ["every pixel is 255: nothing was drawn"]
    assert run("image", image_ctx(image_bytes(RAMP)), {"format": "png", "uniform": 0})


def test_icc_profile_presence_is_read_from_the_image() -> None:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    with_icc = image_bytes(np.zeros((8, 8, 3)), icc_profile=profile)
    assert run("image", image_ctx(with_icc), {"format": "png", "icc_profile": "present"}) == []
    assert run("image", image_ctx(image_bytes(np.zeros((8, 8)))), {"format": "png", "icc_profile": "present"})


def test_jpeg_process_tells_baseline_from_progressive() -> None:
    assert jpeg_process(image_bytes(RAMP, "JPEG")) == 0xC0
    progressive = image_bytes(RAMP, "JPEG", progressive=True)
    assert jpeg_process(progressive) == 0xC2
    jpeg_ctx = ctx(response(200, [("Content-Type", "image/jpeg")], progressive))
    assert "not baseline" in run("image", jpeg_ctx, {"format": "jpeg", "jpeg_baseline": True})[0]


def test_a_body_that_is_no_image_is_reported() -> None:
    assert "not a decodable image" in run("image", image_ctx(b"<html>"), {"format": "png"})[0]


def test_image_compare_recognises_mirrors_and_differences() -> None:
    site = {OTHER: (200, [("Content-Type", "image/png")], image_bytes(RAMP))}
    mirrored = image_ctx(image_bytes(RAMP[:, ::-1]), site)
    assert run("image_compare", mirrored, {"path": "/other", "relation": "mirrored-horizontally"}) == []
    assert run("image_compare", image_ctx(image_bytes(RAMP[:, ::-1]), site), {"path": "/other", "relation": "same"})
    assert run("image_compare", image_ctx(image_bytes(RAMP), site), {"path": "/other", "relation": "same"}) == []
    assert run("image_compare", image_ctx(image_bytes(RAMP), site), {"path": "/other", "relation": "differs"}) == ["the two renderings are identical"]


def test_image_compare_sends_list_values_comma_separated() -> None:
    target = OTHER + "?viewport=64,64"
    context = image_ctx(image_bytes(RAMP), {target: (200, [], image_bytes(RAMP))})
    assert run("image_compare", context, {"path": "/other", "query": {"viewport": [64, 64]}, "relation": "same"}) == []
    assert context.followed == [target]


def test_same_support_passes_all_or_none_and_names_the_gaps() -> None:
    ok = (200, [], b"x")
    everything = ctx(response(200), site={BASE + "/a": ok, BASE + "/b": (302, [], b"")})
    assert run("same_support", everything, {"paths": ["/a", "/b"]}) == []
    assert run("same_support", ctx(response(404)), {"paths": ["/a", "/b"]}) == []
    problems = run("same_support", ctx(response(200), site={BASE + "/a": ok}), {"paths": ["/a", "/b"]})
    assert problems and "not offered: /b -> 404" in problems[0]


# ------------------------------------------------------------------ XML metadata


def test_xml_metadata_parts_are_compared_with_what_was_stored() -> None:
    sr = CORPUS.instance("sr1").dataset
    xml = ('<?xml version="1.0"?><NativeDicomModel xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM">'
           f'<DicomAttribute tag="00080018" vr="UI"><Value number="1">{sr.SOPInstanceUID}</Value></DicomAttribute>'
           '</NativeDicomModel>').encode()
    headers, body = multipart([({"Content-Type": "application/dicom+xml"}, xml)], "application/dicom+xml")
    problems = run("metadata_xml_of", ctx(response(200, headers, body)), ["sr1"])
    assert problems and all(p.startswith("sr1:") for p in problems) and any("missing" in p for p in problems)
    assert run("metadata_xml_of", ctx(response(200, headers, body)), ["ct1"])[-1].startswith("no metadata part for ct1")


# ------------------------------------------------------------------ when_status


def test_when_status_applies_its_expectations_only_on_the_listed_statuses() -> None:
    spec = {"status": [200], "expect": [{"body": "empty"}]}
    assert run("when_status", ctx(response(406, [], b"refused")), spec) == []
    assert run("when_status", ctx(response(200, [], b"content")), spec) == ["body: body has 7 bytes, expected none"]
