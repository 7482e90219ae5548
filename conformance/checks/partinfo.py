"""What one part of a multipart response says about itself: media type, transfer syntax, location."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..multipart import Part

EXPLICIT_LE = "1.2.840.10008.1.2.1"
# The transfer syntax a part's media type stands for when it carries no transfer-syntax parameter
# (PS3.18 Tables 8.7.3-2, 8.7.3-4 and 8.7.3-5: the default, "D", of each media type).
MEDIA_DEFAULT_TS: dict[str, str] = {
    "application/dicom": EXPLICIT_LE,
    "application/octet-stream": EXPLICIT_LE,
    "image/jpeg": "1.2.840.10008.1.2.4.70",
    "image/dicom-rle": "1.2.840.10008.1.2.5",
    "image/jls": "1.2.840.10008.1.2.4.80",
    "image/jp2": "1.2.840.10008.1.2.4.90",
    "image/jpx": "1.2.840.10008.1.2.4.92",
    "image/jphc": "1.2.840.10008.1.2.4.201",
    "image/jxl": "1.2.840.10008.1.2.4.110",
}
# Media types that may carry a frame in its stored compressed form.
COMPRESSED_MEDIA = frozenset(MEDIA_DEFAULT_TS) - {"application/dicom", "application/octet-stream"}


@dataclass(frozen=True)
class PartInfo:
    number: int                     # 1-based, as messages say it
    body: bytes
    media_type: str | None          # lower case; None when absent or unparseable
    params: dict[str, str] = field(default_factory=dict)
    location: str | None = None     # Content-Location as sent
    problem: str | None = None      # why the Content-Type could not be read

    @property
    def transfer_syntax(self) -> str | None:
        """The transfer-syntax parameter, else the default of the media type (None if unknown)."""
        return self.params.get("transfer-syntax") or MEDIA_DEFAULT_TS.get(self.media_type or "")

    def location_url(self, request_url: str) -> str | None:
        return urljoin(request_url, self.location) if self.location else None


def part_info(part: Part) -> PartInfo:
    number = part.index + 1
    location = part.headers.get("content-location")
    try:
        ct = part.headers.content_type
    except ValueError as exc:
        return PartInfo(number, part.body, None, {}, location, f"part {number} Content-Type is malformed: {exc}")
    if ct is None:
        return PartInfo(number, part.body, None, {}, location, f"part {number} has no Content-Type (PS3.18 8.6.1.2)")
    return PartInfo(number, part.body, ct.media_type, dict(ct.params), location)
