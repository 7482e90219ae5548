"""The walk behind `validate_json`: datasets, attributes and values of the DICOM JSON Model (PS3.18 Annex F).

Objects arrive as dicts (from `json.loads`) or as tuples of (name, value) pairs (from `object_pairs_hook=tuple`,
which keeps repeated member names visible). This is the hot path for 50 MB metadata responses, so: locations are
only built when something is reported, the usual attribute shape {"vr", "Value"} skips the general member checks,
and every value found valid once is remembered per VR (metadata repeats the same values thousands of times).
"""

from __future__ import annotations

import binascii
import re

from .findings import WARNING, ModelFinding
from .json_shapes import at, escape, is_bool, json_class, kind, repeated_names
from .rules import RULES
from .values import STRING_CHECKS, check_number, check_pn_group
from .vr import (
    ALL_VRS,
    BINARY_UNIT,
    BINARY_VRS,
    BULKDATA_VRS,
    FIXED_LENGTH_VRS,
    INLINE_BINARY_VRS,
    NUMBER_OR_STRING_VRS,
    NUMBER_VRS,
    RESERVED_ODD_GROUPS,
    STRING_VRS,
    TagInfo,
    tag_info,
)

_MEMBERS = frozenset({"vr", "Value", "BulkDataURI", "InlineBinary"})
_VALUE_MEMBERS = ("Value", "BulkDataURI", "InlineBinary")
_PN_GROUPS = frozenset({"Alphabetic", "Ideographic", "Phonetic"})
_HEX8 = re.compile(r"[0-9A-Fa-f]{8}")
_URI_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
MAX_DEPTH = 100  # sequence nesting; real objects stay far below, and it keeps the recursion bounded

# Dataset key -> TagInfo. Keys repeat across instances, so each distinct key is parsed once per process.
_KEY_CACHE: dict[str, TagInfo] = {}


def _key_info(key: object) -> TagInfo | str:
    """TagInfo of a valid key, or the id of the rule the key breaks."""
    if type(key) is not str or not _HEX8.fullmatch(key):
        return "JSON-TAG-INVALID"
    if key != key.upper():
        return "JSON-TAG-LOWERCASE"
    if len(_KEY_CACHE) > 100_000:
        _KEY_CACHE.clear()
    info = _KEY_CACHE[key] = tag_info(int(key, 16))
    return info


class JsonWalker:
    """Collects the findings of one document; `document` is the entry point."""

    def __init__(self, context: str) -> None:
        self.context = context
        self.findings: list[ModelFinding] = []
        # Values already found valid, per VR; scalars only (PN groups are kept under "PN").
        self._ok: dict[str, set[object]] = {vr: set() for vr in (*STRING_VRS, *NUMBER_VRS, *NUMBER_OR_STRING_VRS)}
        self._pn_ok: set[str] = set()
        self._value_checks = {vr: self._strings for vr in STRING_VRS}
        self._value_checks.update({vr: self._numbers for vr in (*NUMBER_VRS, *NUMBER_OR_STRING_VRS)})
        self._value_checks.update({"PN": self._person_names, "SQ": self._sequence})

    def add(self, rule: str, location: str, message: str, severity: str | None = None) -> None:
        self.findings.append(RULES[rule].finding(location, message, severity=severity))

    def document(self, doc: object) -> None:
        if type(doc) is list:
            if self.context == "store-response":
                self.add("JSON-TOP-NOT-OBJECT", "", "expected one dataset object, got an array")
            for index, item in enumerate(doc):
                if type(item) is dict or type(item) is tuple:
                    self.dataset(item, f"/{index}", 0)
                else:
                    self.add("JSON-DATASET-NOT-OBJECT", f"/{index}", f"expected a dataset object, got {kind(item)}")
        elif type(doc) is dict or type(doc) is tuple:
            if self.context in ("search", "metadata"):
                self.add("JSON-TOP-NOT-ARRAY", "", f"{self.context} results are a top-level array, got an object")
            self.dataset(doc, "", 0)
        else:
            self.add("JSON-TOP-LEVEL-TYPE", "", f"expected an object or an array, got {kind(doc)}")

    def dataset(self, obj: dict | tuple, path: str, depth: int) -> None:
        if depth > MAX_DEPTH:
            self.add("JSON-TOO-DEEP", path, f"sequences nested more than {MAX_DEPTH} deep; not validated further")
            return
        pairs = obj.items() if type(obj) is dict else obj
        previous = -1
        keys: dict | None = None  # the dataset's keys, built on the first private element
        cached = _KEY_CACHE.get
        attribute = self.attribute
        ok_sets = self._ok
        for key, attr in pairs:
            info = cached(key) or _key_info(key)
            if type(info) is str:
                detail = "uses lowercase hex digits" if info == "JSON-TAG-LOWERCASE" else "is not 8 hex digits"
                self.add(info, at(path, key), f"attribute name {key!r} {detail}")
                attribute(attr, path, key, None, depth)
                continue
            if info.tag <= previous:
                self._out_of_order(info, previous, path, key)
            else:
                previous = info.tag
            if not info.plain:
                if info.creator_key is not None:
                    if keys is None:
                        keys = obj if type(obj) is dict else dict(obj)
                    if info.creator_key not in keys:
                        message = f"no Private Creator {info.creator_key} for {key}"
                        self.add("JSON-PRIVATE-CREATOR-MISSING", at(path, key), message)
                else:
                    self._special_tag(info, path, key)
            # Fast path, same verdict as attribute(): {"vr": <the tag's VR>, "Value": [<a value seen valid>]}.
            if attr.__class__ is tuple and len(attr) == 2 and not info.is_private_creator:
                try:
                    (first, vr), (second, values) = attr
                    if first == "vr" and second == "Value" and vr in info.acceptable_vrs and values.__class__ is list:
                        ok = ok_sets.get(vr)
                        if ok is not None and len(values) == 1 and values[0] in ok and not is_bool(values[0]):
                            continue
                except (TypeError, ValueError):  # odd shapes: attribute() explains them
                    pass
            attribute(attr, path, key, info, depth)

    def _out_of_order(self, info: TagInfo, previous: int, path: str, key: str) -> None:
        if info.tag == previous:
            self.add("JSON-DUPLICATE-KEY", at(path, key), f"attribute {key} appears twice")
        else:
            self.add("JSON-TAG-ORDER", at(path, key), f"{key} follows {previous:08X}; tags must ascend")

    def _special_tag(self, info: TagInfo, path: str, key: str) -> None:
        """Group lengths, File Meta Information and reserved groups: rules that depend on the tag alone."""
        if info.element == 0:
            self.add("JSON-GROUP-LENGTH", at(path, key), f"{info.display()} is a Group Length attribute")
        elif info.group == 2 and self.context in ("metadata", "store-request"):
            # Normative for Store requests (10.5.1.4), only a Note for Retrieve metadata (10.4.1.1.2): AMB-19.
            severity = WARNING if self.context == "metadata" else None
            self.add("JSON-FILE-META-PRESENT", at(path, key), f"{info.display()} is File Meta Information", severity)
        if info.group in RESERVED_ODD_GROUPS:
            self.add("JSON-PRIVATE-GROUP-RESERVED", at(path, key), f"group {info.group:04X} is reserved (PS3.5 7.1)")

    def attribute(self, attr: object, path: str, key: object, info: TagInfo | None, depth: int) -> None:
        members = None
        if attr.__class__ is tuple and len(attr) == 2:
            (first, vr), (second, values) = attr
            if first != "vr" or second != "Value":  # not the usual {"vr", "Value"} shape from the parser
                members = self._members(attr, path, key)
        else:
            members = self._members(attr, path, key)
            if members is None:
                return
        if members is not None:
            vr, values = members.get("vr"), members.get("Value")
        if vr.__class__ is not str or vr not in ALL_VRS:
            if vr is None:
                self.add("JSON-VR-MISSING", at(path, key), 'attribute object has no "vr"')
            else:
                self.add("JSON-VR-INVALID", at(path, key), f"vr {vr!r} is not a VR of Table F.2.3-1")
            return
        if info is not None:
            if vr not in info.acceptable_vrs:
                expected = " or ".join(sorted(info.dictionary_vrs or ()))
                message = f"{info.display()} has VR {expected} in PS3.6, got {vr}"
                self.add("JSON-VR-DICTIONARY-MISMATCH", at(path, key), message)
            if info.is_private_creator:
                self._creator(vr, values, at(path, key), info)
        if values is None:
            if members is None or "Value" in members:
                self.add("JSON-VALUE-NOT-ARRAY", at(path, key, "Value"), "expected an array, got null")
        else:
            ok = self._ok.get(vr)
            try:  # the common case: one value, already seen and valid
                known = (
                    ok is not None and values.__class__ is list and len(values) == 1 and values[0] in ok
                ) and not is_bool(values[0])
            except (TypeError, KeyError):  # unhashable or not a list: the full check reports it
                known = False
            if not known:
                self.values(values, vr, path, key, depth)
        if members is not None:
            if "BulkDataURI" in members:
                self._bulkdata(members["BulkDataURI"], vr, at(path, key, "BulkDataURI"))
            if "InlineBinary" in members:
                self._inline_binary(members["InlineBinary"], vr, at(path, key, "InlineBinary"))

    def _members(self, attr: object, path: str, key: object) -> dict | None:
        """The attribute's members as a dict, after the structural checks of F.2.2; None if not an object."""
        if type(attr) is tuple:
            members = dict(attr)
            if len(members) != len(attr):
                for name in repeated_names(attr):
                    self.add("JSON-DUPLICATE-KEY", at(path, key), f"member {name!r} appears twice")
        elif type(attr) is dict:
            members = attr
        else:
            self.add("JSON-ATTRIBUTE-NOT-OBJECT", at(path, key), f"expected an attribute object, got {kind(attr)}")
            return None
        for name in members:
            if name not in _MEMBERS:
                self.add("JSON-ATTRIBUTE-UNKNOWN-MEMBER", at(path, key), f"unexpected member {name!r}")
        present = [name for name in _VALUE_MEMBERS if name in members]
        if len(present) > 1:
            message = f"at most one of Value/BulkDataURI/InlineBinary, got {present}"
            self.add("JSON-VALUE-CONFLICT", at(path, key), message)
        return members

    def _creator(self, vr: str, values: object, location: str, info: TagInfo) -> None:
        if vr != "LO":
            self.add("JSON-PRIVATE-CREATOR-VR", location, f"Private Creator {info.display()} must be LO, got {vr}")
        if not (type(values) is list and len(values) == 1 and isinstance(values[0], str) and values[0]):
            self.add("JSON-PRIVATE-CREATOR-VALUE", location, "a Private Creator holds exactly one non-empty name")

    def values(self, values: object, vr: str, path: str, key: object, depth: int) -> None:
        if type(values) is not list:
            self.add("JSON-VALUE-NOT-ARRAY", at(path, key, "Value"), f"expected an array, got {kind(values)}")
            return
        if len(values) < 2 and vr != "SQ":
            if not values or (not values[0] and values[0].__class__ not in (int, float, bool, list)):
                message = f"zero-length attribute has Value {values!r}"
                self.add("JSON-EMPTY-VALUE-NOT-OMITTED", at(path, key, "Value"), message)
                return
        check = self._value_checks.get(vr)
        if check is None:  # OB, OD, OF, OL, OV, OW, UN
            self.add("JSON-BINARY-VR-HAS-VALUE", at(path, key, "Value"), f"{vr} uses InlineBinary or BulkDataURI")
            return
        check(values, vr, path, key, depth)

    def _sequence(self, values: list, vr: str, path: str, key: object, depth: int) -> None:
        if not values:
            self.add("JSON-EMPTY-VALUE-NOT-OMITTED", at(path, key, "Value"), "a sequence without items has no Value")
            return
        location = at(path, key, "Value")
        for index, item in enumerate(values):
            if type(item) is dict or type(item) is tuple:
                self.dataset(item, f"{location}/{index}", depth + 1)
            else:
                self.add("JSON-SQ-ITEM-NOT-OBJECT", f"{location}/{index}", f"item is {kind(item)}")

    def _strings(self, values: list, vr: str, path: str, key: object, depth: int) -> None:
        ok = self._ok[vr]
        for index, value in enumerate(values):
            if value.__class__ is str or isinstance(value, str):  # exact str first: the common case
                if value in ok:
                    continue
                if not value:
                    self.add("JSON-EMPTY-STRING-NOT-NULL", at(path, key, "Value", index), 'empty value as ""')
                    continue
                problem = STRING_CHECKS[vr](value)
                if problem is None:
                    ok.add(value)
                else:
                    self.add("JSON-" + problem[0], at(path, key, "Value", index), problem[1])
            elif value is None:
                if vr == "AT":
                    self.add("JSON-EMPTY-IN-FIXED-LENGTH-VR", at(path, key, "Value", index), "AT values cannot be empty")
            else:
                message = f"{vr} expects a string, got {kind(value)}"
                self.add("JSON-STRING-VR-NOT-STRING", at(path, key, "Value", index), message)

    def _numbers(self, values: list, vr: str, path: str, key: object, depth: int) -> None:
        ok = self._ok[vr]
        strings_allowed = vr in NUMBER_OR_STRING_VRS
        for index, value in enumerate(values):
            cls = value.__class__
            if cls is not bool and cls is not int and cls is not float and cls is not str:
                cls = json_class(value)
            if cls is int or cls is float:
                if value in ok:
                    continue
                problem = check_number(vr, value)
            elif cls is str and strings_allowed:
                if value in ok:
                    continue
                if not value:
                    self.add("JSON-EMPTY-STRING-NOT-NULL", at(path, key, "Value", index), 'empty value as ""')
                    continue
                problem = STRING_CHECKS[vr](value)
            elif value is None:
                if vr in FIXED_LENGTH_VRS:
                    message = f"{vr} values cannot be empty"
                    self.add("JSON-EMPTY-IN-FIXED-LENGTH-VR", at(path, key, "Value", index), message)
                continue
            else:
                rule = "JSON-NUMERIC-STRING-VR-TYPE" if strings_allowed else "JSON-NUMBER-VR-NOT-NUMBER"
                self.add(rule, at(path, key, "Value", index), f"{vr} expects a number, got {kind(value)}")
                continue
            if problem is None:
                ok.add(value)
            else:
                self.add("JSON-" + problem[0], at(path, key, "Value", index), problem[1])

    def _person_names(self, values: list, vr: str, path: str, key: object, depth: int) -> None:
        ok = self._pn_ok
        for index, value in enumerate(values):
            if value is None:
                continue
            if type(value) is tuple:
                pairs, value = value, dict(value)
                if len(value) != len(pairs):
                    for name in repeated_names(pairs):
                        self.add("JSON-DUPLICATE-KEY", at(path, key, "Value", index), f"member {name!r} appears twice")
            elif type(value) is not dict:
                message = f"expected a PN object, got {kind(value)}"
                self.add("JSON-PN-NOT-OBJECT", at(path, key, "Value", index), message)
                continue
            for group, text in value.items():
                if text.__class__ is str and text in ok and group in _PN_GROUPS:
                    continue
                self._person_name_group(group, text, at(path, key, "Value", index, escape(group)))

    def _person_name_group(self, group: object, text: object, where: str) -> None:
        if group not in _PN_GROUPS:
            self.add("JSON-PN-UNKNOWN-GROUP", where, f"{group!r} is not Alphabetic, Ideographic or Phonetic")
        elif not isinstance(text, str):
            self.add("JSON-PN-GROUP-NOT-STRING", where, f"component group is {kind(text)}")
        elif not text:
            self.add("JSON-PN-EMPTY-GROUP", where, "empty component groups are omitted")
        elif "=" in text:
            self.add("JSON-PN-GROUP-DELIMITER", where, f"{text!r} holds several groups; split them at '='")
        else:
            problem = check_pn_group(text)
            if problem is None:
                self._pn_ok.add(text)
            else:
                self.add("JSON-" + problem[0], where, problem[1])

    def _bulkdata(self, uri: object, vr: str, where: str) -> None:
        if vr not in BULKDATA_VRS:
            self.add("JSON-BULKDATA-VR-NOT-ALLOWED", where, f"{vr} may not carry a BulkDataURI")
        if not isinstance(uri, str):
            self.add("JSON-BULKDATA-NOT-STRING", where, f"expected a string, got {kind(uri)}")
            return
        scheme = _URI_SCHEME.match(uri)
        if not _URI_CHARS.fullmatch(uri) or (scheme and scheme.group(1).lower() not in ("http", "https")):
            self.add("JSON-BULKDATA-URI-INVALID", where, f"{uri[:80]!r} is not an HTTP(S) URI reference")

    def _inline_binary(self, data: object, vr: str, where: str) -> None:
        if vr not in INLINE_BINARY_VRS:
            self.add("JSON-INLINEBINARY-VR-NOT-ALLOWED", where, f"{vr} may not carry InlineBinary")
        if not isinstance(data, str):
            self.add("JSON-INLINEBINARY-NOT-STRING", where, f"expected a base64 string, got {kind(data)}")
            return
        try:
            size = len(binascii.a2b_base64(data, strict_mode=True))
        except ValueError as error:  # binascii.Error, and non-ASCII text
            self.add("JSON-INLINEBINARY-NOT-BASE64", where, f"not base64: {error}")
            return
        if size == 0:
            self.add("JSON-EMPTY-VALUE-NOT-OMITTED", where, "zero-length attribute has an empty InlineBinary")
        elif vr in BINARY_UNIT and size % BINARY_UNIT[vr]:
            self.add("JSON-INLINEBINARY-LENGTH", where, f"{size} bytes is not a multiple of {BINARY_UNIT[vr]} for {vr}")


assert BINARY_VRS == INLINE_BINARY_VRS  # F.2.2: the VRs without Value are exactly those with InlineBinary
