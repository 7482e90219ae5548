"""Value Representation facts both models need: Table F.2.3-1 families, F.2.2 bulk/inline rules, PS3.6 lookups."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pydicom import datadict

ALL_VRS = frozenset(
    "AE AS AT CS DA DS DT FL FD IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV".split()
)

# Table F.2.3-1: the JSON data type of each VR.
STRING_VRS = frozenset("AE AS AT CS DA DT LO LT SH ST TM UC UI UR UT".split())
NUMBER_VRS = frozenset("FL FD SL SS UL US".split())
NUMBER_OR_STRING_VRS = frozenset("DS IS SV UV".split())
BINARY_VRS = frozenset("OB OD OF OL OV OW UN".split())

# F.2.2: which VRs may carry a BulkDataURI or an InlineBinary instead of Value.
BULKDATA_VRS = frozenset("DS FL FD IS LT OB OD OF OL OV OW SL SS ST SV UC UL UN US UT UV".split())
INLINE_BINARY_VRS = BINARY_VRS

# PS3.5: the byte size of one value; a binary Value Field is a whole number of them (padding aside, F.1).
BINARY_UNIT = {"OW": 2, "OF": 4, "OL": 4, "OD": 8, "OV": 8}

# VRs whose PS3.5 encoding has a fixed size per value, so a single value can never be empty.
FIXED_LENGTH_VRS = frozenset("AT FL FD SL SS UL US SV UV".split())

INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "US": (0, 0xFFFF),
    "SS": (-0x8000, 0x7FFF),
    "UL": (0, 0xFFFFFFFF),
    "SL": (-0x80000000, 0x7FFFFFFF),
    "SV": (-(2**63), 2**63 - 1),
    "UV": (0, 2**64 - 1),
    "IS": (-(2**31), 2**31 - 1),
}
FL_MAX = 3.4028234663852886e38

# Groups PS3.5 7.1 reserves: odd, but not private.
RESERVED_ODD_GROUPS = frozenset({0x0001, 0x0003, 0x0005, 0x0007, 0xFFFF})


@dataclass(frozen=True, slots=True)
class TagInfo:
    """What the validators need to know about one tag, computed once per distinct tag."""

    tag: int
    group: int
    element: int
    is_private: bool  # odd group, not reserved
    is_private_creator: bool  # (gggg,0010-00FF) in a private group
    creator_block: int  # for private data elements (gggg,xxee): xx; else -1
    dictionary_vrs: frozenset[str] | None  # VRs PS3.6 allows; None when unknown or private
    keyword: str  # "" when unknown
    acceptable_vrs: frozenset[str]  # VRs a model may use: the dictionary's plus UN (PS3.5 6.2.2); all if unknown
    creator_key: str | None  # for private data elements: the 8-hex key of their Private Creator element
    plain: bool  # no tag-level rule applies: not a group length, file meta, private data or reserved element

    def display(self) -> str:
        name = f" {self.keyword}" if self.keyword else ""
        return f"({self.group:04X},{self.element:04X}){name}"


@lru_cache(maxsize=65536)
def tag_info(tag: int) -> TagInfo:
    group, element = tag >> 16, tag & 0xFFFF
    private = bool(group & 1) and group not in RESERVED_ODD_GROUPS
    creator = private and 0x0010 <= element <= 0x00FF
    block = element >> 8 if private and element >= 0x1000 else -1
    vrs: frozenset[str] | None = None
    keyword = ""
    if not private:
        try:
            vrs = frozenset(part.strip() for part in datadict.dictionary_VR(tag).split(" or ")) & ALL_VRS
            keyword = datadict.dictionary_keyword(tag)
        except KeyError:
            pass
    acceptable = (vrs | {"UN"}) if vrs else ALL_VRS
    creator_key = f"{group:04X}00{block:02X}" if block >= 0 else None
    plain = element != 0 and group != 2 and group not in RESERVED_ODD_GROUPS and creator_key is None
    return TagInfo(tag, group, element, private, creator, block, vrs or None, keyword, acceptable, creator_key, plain)


def format_tag(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
