"""Reading attribute values out of stored pydicom datasets, in the form the matcher wants.

A value is ``None`` when the attribute is absent, ``()`` when it is present with zero length,
and otherwise a tuple of strings, one per value (PS3.5 §6.4 multi-valued attributes). Strings
keep their original text (pydicom keeps the stored text of IS/DS), so literal matching sees
what was stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydicom.datadict import dictionary_has_tag, dictionary_VM, dictionary_VR, keyword_for_tag
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue
from pydicom.sequence import Sequence as DicomSequence

from .errors import OracleUnsupported

__all__ = ["Values", "vr_of", "is_multi_valued", "element_values", "sequence_items", "describe"]

Values = tuple[str, ...] | None

# PS3.6 lists a few attributes with a choice of VR; for matching, only the numeric kind matters.
_NUMERIC_CHOICES = {"US or SS": "SS", "US or SS or OW": "SS", "US or OW": "US"}


def describe(tag: int) -> str:
    """'PatientName (0010,0010)' for messages."""
    keyword = keyword_for_tag(tag)
    text = f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
    return f"{keyword} {text}" if keyword else text


def vr_of(tag: int) -> str | None:
    """The PS3.6 VR of a tag, or None for tags the dictionary does not know (e.g. private)."""
    if not dictionary_has_tag(tag):
        return None
    vr = str(dictionary_VR(tag))
    return _NUMERIC_CHOICES.get(vr, vr)


def is_multi_valued(tag: int) -> bool:
    """True when PS3.6 allows more than one value (VM other than "1")."""
    return dictionary_has_tag(tag) and str(dictionary_VM(tag)) != "1"


def element_values(dataset: Dataset, tag: int) -> Values:
    if tag not in dataset:
        return None
    element = dataset[tag]
    if element.VR == "SQ":
        raise OracleUnsupported(f"{describe(tag)} is a sequence; match it through its items")
    value = element.value
    if value is None or value == "" or value == b"":
        return ()
    if isinstance(value, bytes):
        raise OracleUnsupported(f"{describe(tag)} holds binary data the oracle cannot compare")
    if isinstance(value, (MultiValue, list, tuple)):
        return tuple("" if item is None else str(item) for item in value)
    return (str(value),)


def sequence_items(dataset: Dataset, tag: int) -> Sequence[Dataset] | None:
    if tag not in dataset:
        return None
    value = dataset[tag].value
    if value is None or value == "":
        return ()
    if not isinstance(value, DicomSequence):
        raise OracleUnsupported(f"{describe(tag)} is not stored as a sequence")
    return tuple(value)
