"""Events emitted by the streaming reader, and the collected ``Part`` of the convenience API."""

from __future__ import annotations

from dataclasses import dataclass, field

from conformance.multipart.headers import PartHeaders


@dataclass(frozen=True, slots=True)
class PartStart:
    """A part's header block has been read completely; body data follows."""

    index: int
    headers: PartHeaders
    body_offset: int = field(default=0, compare=False)  # where the body starts in the whole multipart body


@dataclass(frozen=True, slots=True)
class PartData:
    """A piece of a part's body; a body may arrive as any number of pieces."""

    index: int
    data: bytes


@dataclass(frozen=True, slots=True)
class PartEnd:
    """The delimiter after a part's body was found; ``size`` is the body length in bytes."""

    index: int
    size: int


Event = PartStart | PartData | PartEnd


@dataclass(frozen=True, slots=True)
class Part:
    """One whole part, as collected by ``iter_parts``."""

    index: int
    headers: PartHeaders
    body: bytes
