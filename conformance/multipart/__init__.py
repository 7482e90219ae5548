"""Streaming multipart/related reading and building (RFC 2046 §5.1.1, RFC 2387).

``MultipartReader`` is a push parser with bounded memory that reports framing problems
precisely as ``MultipartError``; ``iter_parts`` collects whole parts; ``build_related`` makes
request bodies; ``ContentType`` and ``boundary_of`` handle the header side.
"""

from conformance.multipart.builder import build_related
from conformance.multipart.collect import iter_parts
from conformance.multipart.errors import MultipartError
from conformance.multipart.events import Event, Part, PartData, PartEnd, PartStart
from conformance.multipart.headers import PartHeaders
from conformance.multipart.media_type import ContentType, boundary_of, check_boundary
from conformance.multipart.reader import MultipartReader

__all__ = [
    "ContentType",
    "Event",
    "MultipartError",
    "MultipartReader",
    "Part",
    "PartData",
    "PartEnd",
    "PartHeaders",
    "PartStart",
    "boundary_of",
    "build_related",
    "check_boundary",
    "iter_parts",
]
