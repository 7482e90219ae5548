"""Is a retrieved Part 10 instance the one that was stored? (PS3.18 10.4.3.3.1, 10.5.2)

The oracle is the fixture as sent: every attribute equal (sequences item by item, private
elements included) and the pixels equal, byte for byte when the transfer syntax is unchanged,
decoded value for decoded value when the server transcoded a lossless encoding. Changed values
are allowed only where the instance records them in Original Attributes Sequence (PS3.3 C.12.1).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pydicom
from pydicom import Dataset
from pydicom.dataelem import DataElement
from pydicom.uid import UID

from conformance_fixtures import Instance

from .pixelcodec import decode_pixels, lossy_close

IMPLICIT_LE = "1.2.840.10008.1.2"
EXPLICIT_BE = "1.2.840.10008.1.2.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"
DEFLATED_LE = "1.2.840.10008.1.2.1.99"
NOT_FOR_WEB = {IMPLICIT_LE: "Implicit VR Little Endian", EXPLICIT_BE: "Explicit VR Big Endian"}
PIXEL_DATA = 0x7FE00010
TRAILING_PADDING = 0xFFFCFFFC
MAX_DIFFERENCES = 6


class NotPart10(ValueError):
    """The bytes are not a DICOM Part 10 file."""


@dataclass
class Verdict:
    """The differences found (failures) and what is worth knowing but allowed (notes)."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_part10(body: bytes) -> Dataset:
    """The dataset of a Part 10 file (preamble, DICM, file meta); NotPart10 says why not."""
    _require_prefix(body)
    try:
        return pydicom.dcmread(io.BytesIO(body))
    except Exception as exc:  # pydicom raises many kinds on garbage
        raise NotPart10(f"unreadable Part 10 file: {type(exc).__name__}: {exc}") from None


def _require_prefix(body: bytes) -> None:
    if len(body) < 132 or body[128:132] != b"DICM":
        raise NotPart10(f"{len(body)} bytes without the 128-byte preamble and 'DICM' prefix (PS3.10 7.1)")


class Received:
    """A received Part 10 file: its file meta is read at once, its data set only when needed.

    Parsing the data set is most of the cost of judging a large retrieve; when the data set is
    byte for byte the one that was stored, nothing in it needs to be looked at.
    """

    def __init__(self, body: bytes, dataset: Dataset | None = None) -> None:
        self.body = body
        self._dataset = dataset
        self.meta: Mapping[str, Any] = dataset.file_meta if dataset is not None else _read_meta(body)
        self._verbatim: dict[str, bool] = {}

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            self._dataset = read_part10(self.body)
        return self._dataset

    @property
    def transfer_syntax(self) -> str:
        return str(self.meta.get("TransferSyntaxUID", ""))

    def is_verbatim(self, inst: Instance) -> bool:
        """The same transfer syntax and the same data set bytes as the fixture was stored with."""
        if inst.key not in self._verbatim:
            self._verbatim[inst.key] = self.transfer_syntax == inst.transfer_syntax and self._same_data_set(inst)
        return self._verbatim[inst.key]

    def _same_data_set(self, inst: Instance) -> bool:
        stored = _dataset_bytes(inst.data)
        if len(stored):
            return stored == _dataset_bytes(self.body)
        if inst.dataset_fingerprint is not None:  # the stored bytes were not kept, only their fingerprint
            return dataset_fingerprint(self.body) == inst.dataset_fingerprint
        return False

    def identify(self, candidates: dict[str, Instance]) -> tuple[str, Instance | None]:
        """The SOP Instance UID and which candidate it is: the file meta's UID is trusted only
        when the data set is verbatim that candidate's; otherwise the data set is read."""
        claimed = candidates.get(str(self.meta.get("MediaStorageSOPInstanceUID", "")))
        if claimed is not None and self.is_verbatim(claimed):
            return claimed.dataset.SOPInstanceUID, claimed
        uid = str(self.dataset.get("SOPInstanceUID", ""))
        return uid, candidates.get(uid)


# The file meta elements the checks read (PS3.10 Table 7.1-1), by element number in group 0002.
_META_KEYWORDS = {0x0002: "MediaStorageSOPClassUID", 0x0003: "MediaStorageSOPInstanceUID", 0x0010: "TransferSyntaxUID"}
_LONG_VRS = frozenset({b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"})


def _read_meta(body: bytes) -> Mapping[str, Any]:
    """The identifying file meta elements, read directly: the group is always explicit VR little
    endian (PS3.10 7.1), and a pydicom read per part costs more than downloading a 1 MB part.
    Anything unusual in the group is left to pydicom, which says precisely what is wrong."""
    _require_prefix(body)
    meta: dict[str, str] = {}
    pos, end = 132, len(body)
    while pos + 8 <= end and body[pos:pos + 2] == b"\x02\x00":
        element = int.from_bytes(body[pos + 2:pos + 4], "little")
        vr = body[pos + 4:pos + 6]
        if vr in _LONG_VRS:
            length, start = int.from_bytes(body[pos + 8:pos + 12], "little"), pos + 12
        elif vr.isalpha() and vr.isupper():
            length, start = int.from_bytes(body[pos + 6:pos + 8], "little"), pos + 8
        else:
            return _read_meta_with_pydicom(body)
        if length == 0xFFFFFFFF or start + length > end:
            return _read_meta_with_pydicom(body)
        if element in _META_KEYWORDS:
            meta[_META_KEYWORDS[element]] = body[start:start + length].rstrip(b"\0 ").decode("ascii", "replace")
        pos = start + length
    if "TransferSyntaxUID" not in meta:
        return _read_meta_with_pydicom(body)
    return meta


def _read_meta_with_pydicom(body: bytes) -> Mapping[str, Any]:
    end = len(body)
    if body[132:136] == b"\x02\x00\x00\x00" and len(body) >= 144:  # (0002,0000) group length, PS3.10 7.1
        end = min(end, 144 + int.from_bytes(body[140:144], "little"))
    try:
        return pydicom.dcmread(io.BytesIO(body[:end]), stop_before_pixels=True).file_meta
    except Exception as exc:  # pydicom raises many kinds on garbage
        raise NotPart10(f"unreadable Part 10 file meta: {type(exc).__name__}: {exc}") from None


def compare_instance(inst: Instance, received: Received, allowed: frozenset[str] | None = None) -> Verdict:
    """Compare a received instance with fixture `inst`; `allowed` limits its transfer syntax."""
    verdict = Verdict()
    ts = received.transfer_syntax
    identical = received.is_verbatim(inst)
    # A verbatim data set carries the stored identifiers; only a re-encoded one must be read.
    ids = inst.dataset if identical else received.dataset
    _check_file_meta(received.meta, ids, ts, verdict)
    if ts == inst.transfer_syntax:
        verdict.notes.append("data set byte-identical to what was stored" if identical
                             else "same transfer syntax; the data set was re-encoded (values compared)")
    if allowed is not None and ts not in allowed:
        verdict.problems.append(f"transfer syntax {ts or 'missing'}, expected {' or '.join(sorted(allowed))}")
    if identical:
        return verdict  # the same bytes in the same encoding: every attribute and pixel is equal
    got = received.dataset
    coerced = _recorded_coercions(got)
    verdict.problems += _compare_items(inst.dataset, got, "", coerced, verdict.notes)[:MAX_DIFFERENCES]
    if PIXEL_DATA in inst.dataset:
        _compare_pixels(inst, got, ts, verdict)
    return verdict


def _check_file_meta(meta: Mapping[str, Any], got: Dataset, ts: str, verdict: Verdict) -> None:
    if not ts:
        verdict.problems.append("file meta lacks Transfer Syntax UID (0002,0010)")
    elif ts in NOT_FOR_WEB:
        verdict.problems.append(f"encoded in {NOT_FOR_WEB[ts]}, which DICOMweb must not use (PS3.18 8.7.3.4)")
    if str(meta.get("MediaStorageSOPInstanceUID", "")) != str(got.get("SOPInstanceUID", "")):
        verdict.problems.append("file meta Media Storage SOP Instance UID differs from SOP Instance UID (PS3.10 7.1)")
    if str(meta.get("MediaStorageSOPClassUID", "")) != str(got.get("SOPClassUID", "")):
        verdict.problems.append("file meta Media Storage SOP Class UID differs from SOP Class UID (PS3.10 7.1)")


def dataset_fingerprint(part10: bytes) -> tuple[int, int]:
    """What `Instance.dataset_fingerprint` holds: length and CRC-32 of the data set bytes after the
    file meta. The question is whether a server changed them by mistake, not whether someone
    forged them: CRC-32 catches every burst of up to 32 changed bits and misses other changes
    with odds of 2^-32, and runs several times faster than a cryptographic digest (or the download)."""
    data = _dataset_bytes(part10)
    return len(data), zlib.crc32(data)


def _dataset_bytes(part10: bytes) -> memoryview:
    """Everything after the file meta group (preamble, DICM, group 0002 with its group length);
    a view, not a copy: instances can be hundreds of megabytes."""
    if len(part10) < 144:
        return memoryview(b"")
    group_length = int.from_bytes(part10[140:144], "little")
    return memoryview(part10)[144 + group_length:]


def _recorded_coercions(got: Dataset) -> dict[int, DataElement]:
    """Original values a server recorded when it coerced attributes (PS3.3 C.12.1.1.9)."""
    recorded: dict[int, DataElement] = {}
    for item in got.get("OriginalAttributesSequence", []) or []:
        for modified in item.get("ModifiedAttributesSequence", []) or []:
            for element in modified:
                recorded[int(element.tag)] = element
    return recorded


def _compare_items(sent: Dataset, got: Dataset, prefix: str, coerced: dict[int, DataElement],
                   notes: list[str]) -> list[str]:
    problems = []
    for element in sent:
        tag = int(element.tag)
        if tag in (PIXEL_DATA, TRAILING_PADDING) or tag & 0xFFFF == 0:
            continue  # pixels are compared apart; group lengths are encoding, not content
        label = f"{prefix}{element.tag} {element.keyword or 'private'}"
        other = got.get(tag)
        if other is None:
            problems.append(f"{label} missing")
            continue
        if element.VR == "SQ":
            problems += _compare_sequences(element, other, label, coerced, notes)
        elif not _same_value(element, other):
            if not prefix and tag in coerced and _same_value(element, coerced[tag]):
                notes.append(f"{label} coerced to {_show(other)}; the original value is recorded")
            else:
                problems.append(f"{label} is {_show(other)}, stored {_show(element)}")
    if not prefix:
        extra = [str(e.tag) for e in got if int(e.tag) not in sent and int(e.tag) & 0xFFFF and int(e.tag) != TRAILING_PADDING]
        if extra:
            notes.append(f"{len(extra)} attribute(s) added by the server: {', '.join(extra[:5])}")
    return problems


def _compare_sequences(element: DataElement, other: DataElement, label: str,
                       coerced: dict[int, DataElement], notes: list[str]) -> list[str]:
    items, got_items = list(element.value or []), list(other.value or []) if other.VR == "SQ" else []
    if len(items) != len(got_items):
        return [f"{label} has {len(got_items)} item(s), stored {len(items)}"]
    problems = []
    for index, (item, got_item) in enumerate(zip(items, got_items)):
        problems += _compare_items(item, got_item, f"{label}[{index}].", coerced, notes)
    return problems


def _same_value(element: DataElement, other: DataElement) -> bool:
    a, b = element.value, other.value
    if isinstance(a, (bytes, bytearray)) and isinstance(b, (bytes, bytearray)):
        return bytes(a) == bytes(b) or bytes(a).rstrip(b"\0 ") == bytes(b).rstrip(b"\0 ")
    if a == b:
        return True
    return _text(a) == _text(b)


def _text(value: object) -> str:
    """Values as text without padding, so '5' and IS(5), or 'A ' and 'A', compare equal."""
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(_text(v) for v in value)  # type: ignore[union-attr]
    return str(value).strip(" \0") if value is not None else ""


def _show(value: object) -> str:
    raw = value.value if isinstance(value, DataElement) else value
    if isinstance(raw, (bytes, bytearray)):
        return f"{len(raw)} bytes"
    return repr(str(raw)[:60])


def _compare_pixels(inst: Instance, got: Dataset, ts: str, verdict: Verdict) -> None:
    element = got.get(PIXEL_DATA)
    if element is None:
        verdict.problems.append("Pixel Data (7FE0,0010) missing")
        return
    received = bytes(element.value or b"")
    if ts == inst.transfer_syntax:
        if received != bytes(inst.dataset.PixelData):
            verdict.problems.append(f"Pixel Data differs from what was stored ({len(received)} bytes, "
                                    f"stored {len(inst.dataset.PixelData)}) though the transfer syntax is unchanged")
        return
    decoded = _received_pixels(got, ts, received, verdict)
    if decoded is None:
        return
    if inst.native_pixels is not None:
        if decoded != inst.native_pixels:
            verdict.problems.append(f"decoded Pixel Data ({len(decoded)} bytes) differs from the stored pixels "
                                    f"({len(inst.native_pixels)} bytes) after transcoding to {ts}")
        else:
            verdict.notes.append(f"transcoded from {inst.transfer_syntax} to {ts}; pixels equal")
        return
    stored = decode_pixels(inst.dataset, inst.transfer_syntax)
    if stored is None:
        verdict.notes.append(f"stored lossy {inst.transfer_syntax} pixels cannot be decoded here; not compared")
    elif not lossy_close(stored, decoded, int(inst.dataset.get("BitsAllocated", 8))):
        verdict.problems.append(f"Pixel Data after transcoding lossy {inst.transfer_syntax} to {ts} is not the stored image")
    else:
        verdict.notes.append(f"lossy pixels transcoded to {ts}; within decoder tolerance of the stored image")


def _received_pixels(got: Dataset, ts: str, received: bytes, verdict: Verdict) -> bytes | None:
    if ts and not UID(ts).is_encapsulated:
        if ts == EXPLICIT_BE:
            bits = int(got.get("BitsAllocated", 8) or 8)
            return received if bits <= 8 else np.frombuffer(received, f">u{bits // 8}").astype(f"<u{bits // 8}").tobytes()
        return received
    decoded = decode_pixels(got, ts)
    if decoded is None:
        verdict.notes.append(f"no decoder here for {ts}; transcoded pixels not compared")
    return decoded
