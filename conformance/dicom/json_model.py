"""Validator of the DICOM JSON Model, PS3.18 Annex F, to the letter.

`validate_json` walks a parsed document; `validate_json_bytes` also judges the bytes (UTF-8, JSON syntax, duplicate
member names). The walk accepts objects as dicts (from `json.loads`) or as tuples of (name, value) pairs: parsing
with `object_pairs_hook=tuple` costs nothing extra and keeps duplicate names visible, so dataset keys that repeat
show up as keys out of ascending order. Values valid once are remembered per VR, because metadata responses repeat
the same values thousands of times; that keeps a 50 MB document within a small multiple of `json.loads`.
"""

from __future__ import annotations

import binascii
import codecs
import gc
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

from .findings import WARNING, ModelFinding, check_context
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
_MAX_DEPTH = 100  # sequence nesting; real objects stay far below, and it keeps recursion bounded

# Dataset key -> TagInfo, or the rule id that the key breaks. Keys repeat across instances; parse each once.
_KEY_CACHE: dict[str, TagInfo | str] = {}


def _key_info(key: object) -> TagInfo | str:
    if type(key) is not str or not _HEX8.fullmatch(key):
        return "JSON-TAG-INVALID"
    if key != key.upper():
        return "JSON-TAG-LOWERCASE"
    if len(_KEY_CACHE) > 100_000:
        _KEY_CACHE.clear()
    info = _KEY_CACHE[key] = tag_info(int(key, 16))
    return info


def _escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _at(path: str, key: object, *more: object) -> str:
    """JSON pointer of an attribute (and optionally of a member below it), built only when reporting."""
    tail = "".join(f"/{part}" for part in more)
    return f"{path}/{_escape(key)}{tail}"


def _repeated_names(pairs: tuple) -> list[str]:
    seen: set[object] = set()
    return [name for name, _ in pairs if name in seen or seen.add(name)]  # type: ignore[func-returns-value]


class _JsonWalker:
    def __init__(self, context: str) -> None:
        self.context = context
        self.findings: list[ModelFinding] = []
        self._ok: dict[str, set[object]] = {vr: set() for vr in ALL_VRS}  # values already found valid

    def add(self, rule: str, location: str, message: str, severity: str | None = None) -> None:
        self.findings.append(RULES[rule].finding(location, message, severity=severity))

    def document(self, doc: object) -> None:
        kind = type(doc)
        if kind is list:
            if self.context == "store-response":
                self.add("JSON-TOP-NOT-OBJECT", "", "expected one dataset object, got an array")
            for index, item in enumerate(doc):
                if type(item) is dict or type(item) is tuple:
                    self.dataset(item, f"/{index}", 0)
                else:
                    self.add("JSON-DATASET-NOT-OBJECT", f"/{index}", f"expected a dataset object, got {_kind(item)}")
        elif kind is dict or kind is tuple:
            if self.context in ("search", "metadata"):
                self.add("JSON-TOP-NOT-ARRAY", "", f"{self.context} results are a top-level array, got an object")
            self.dataset(doc, "", 0)
        else:
            self.add("JSON-TOP-LEVEL-TYPE", "", f"expected an object or an array, got {_kind(doc)}")

    def dataset(self, obj: dict | tuple, path: str, depth: int) -> None:
        if depth > _MAX_DEPTH:
            self.add("JSON-TOO-DEEP", path, f"sequences nested more than {_MAX_DEPTH} deep; not validated further")
            return
        pairs = obj.items() if type(obj) is dict else obj
        previous = -1
        keys: dict | None = obj if type(obj) is dict else None
        file_meta_seen = False
        for key, attr in pairs:
            info = _KEY_CACHE.get(key) if type(key) is str else None
            if info is None:
                info = _key_info(key)
            if type(info) is str:
                detail = "uses lowercase hex digits" if info == "JSON-TAG-LOWERCASE" else "is not 8 hex digits"
                self.add(info, f"{path}/{_escape(key)}", f"attribute name {key!r} {detail}")
                self.attribute(attr, path, key, None, depth)
                continue
            tag = info.tag
            if tag <= previous:
                if tag == previous:
                    self.add("JSON-DUPLICATE-KEY", f"{path}/{key}", f"attribute {key} appears twice")
                else:
                    self.add("JSON-TAG-ORDER", f"{path}/{key}", f"{key} follows {previous:08X}; ascending order")
            else:
                previous = tag
            if info.element == 0:
                self.add("JSON-GROUP-LENGTH", f"{path}/{key}", f"{info.display()} is a Group Length attribute")
            elif info.group == 2 and not file_meta_seen and self.context in ("metadata", "store-request"):
                file_meta_seen = True
                self._file_meta(f"{path}/{key}", info)
            if info.is_private or info.group in RESERVED_ODD_GROUPS:
                keys = self._private(obj, keys, path, key, info)
            self.attribute(attr, path, key, info, depth)

    def _file_meta(self, location: str, info: TagInfo) -> None:
        # Normative for Store requests (10.5.1.4); only a Note for Retrieve metadata (10.4.1.1.2): see AMB-19.
        severity = WARNING if self.context == "metadata" else None
        self.add("JSON-FILE-META-PRESENT", location, f"{info.display()} is File Meta Information", severity)

    def _private(self, obj: dict | tuple, keys: dict | None, path: str, key: str, info: TagInfo) -> dict | None:
        if info.group in RESERVED_ODD_GROUPS:
            self.add("JSON-PRIVATE-GROUP-RESERVED", f"{path}/{key}", f"group {info.group:04X} is reserved")
        elif info.creator_block >= 0:
            keys = keys if keys is not None else dict(obj)
            creator = f"{info.group:04X}00{info.creator_block:02X}"
            if creator not in keys:
                self.add("JSON-PRIVATE-CREATOR-MISSING", f"{path}/{key}", f"no Private Creator {creator} for {key}")
        return keys

    def attribute(self, attr: object, path: str, key: object, info: TagInfo | None, depth: int) -> None:
        # Hot path: one call per attribute. Locations are only built when something is reported.
        if type(attr) is tuple:
            pairs = attr
            attr = dict(pairs)
            if len(attr) != len(pairs):
                for name in _repeated_names(pairs):
                    self.add("JSON-DUPLICATE-KEY", _at(path, key), f"member {name!r} appears twice")
        elif type(attr) is not dict:
            self.add("JSON-ATTRIBUTE-NOT-OBJECT", _at(path, key), f"expected an attribute object, got {_kind(attr)}")
            return
        vr = attr.get("vr")
        if len(attr) != 2 or "Value" not in attr:
            self._members(attr, _at(path, key))
        if vr.__class__ is not str or vr not in ALL_VRS:
            if vr is None:
                self.add("JSON-VR-MISSING", _at(path, key), "attribute object has no \"vr\"")
            else:
                self.add("JSON-VR-INVALID", _at(path, key), f"vr {vr!r} is not a VR of Table F.2.3-1")
            return
        if info is not None:
            expected = info.dictionary_vrs
            if expected is not None and vr not in expected and vr != "UN":
                allowed = " or ".join(sorted(expected))
                message = f"{info.display()} has VR {allowed} in PS3.6, got {vr}"
                self.add("JSON-VR-DICTIONARY-MISMATCH", _at(path, key), message)
            if info.is_private_creator:
                self._creator(vr, attr, _at(path, key), info)
        value = attr.get("Value")
        if value is not None:
            self.values(value, vr, path, key, depth)
        elif "Value" in attr:
            self.add("JSON-VALUE-NOT-ARRAY", _at(path, key, "Value"), "expected an array, got null")
        if "BulkDataURI" in attr:
            self._bulkdata(attr["BulkDataURI"], vr, _at(path, key))
        if "InlineBinary" in attr:
            self._inline_binary(attr["InlineBinary"], vr, _at(path, key))

    def _members(self, attr: dict, location: str) -> None:
        for name in attr:
            if name not in _MEMBERS:
                self.add("JSON-ATTRIBUTE-UNKNOWN-MEMBER", location, f"unexpected member {name!r}")
        present = [name for name in _VALUE_MEMBERS if name in attr]
        if len(present) > 1:
            self.add("JSON-VALUE-CONFLICT", location, f"at most one of Value/BulkDataURI/InlineBinary, got {present}")

    def _creator(self, vr: str, attr: dict, location: str, info: TagInfo) -> None:
        if vr != "LO":
            self.add("JSON-PRIVATE-CREATOR-VR", location, f"Private Creator {info.display()} must be LO, got {vr}")
        value = attr.get("Value")
        if not (type(value) is list and len(value) == 1 and type(value[0]) is str and value[0]):
            self.add("JSON-PRIVATE-CREATOR-VALUE", location, "a Private Creator holds exactly one non-empty name")

    def values(self, values: object, vr: str, path: str, key: object, depth: int) -> None:
        if type(values) is not list:
            self.add("JSON-VALUE-NOT-ARRAY", _at(path, key, "Value"), f"expected an array, got {_kind(values)}")
            return
        if vr in BINARY_VRS:
            self.add("JSON-BINARY-VR-HAS-VALUE", _at(path, key, "Value"), f"{vr} uses InlineBinary or BulkDataURI")
            return
        if len(values) < 2 and (not values or (vr != "SQ" and _is_empty_value(values[0]))):
            message = f"zero-length attribute has Value {values!r}"
            self.add("JSON-EMPTY-VALUE-NOT-OMITTED", _at(path, key, "Value"), message)
            return
        if vr in STRING_VRS:
            self._strings(values, vr, path, key)
        elif vr in NUMBER_VRS or vr in NUMBER_OR_STRING_VRS:
            self._numbers(values, vr, path, key)
        elif vr == "PN":
            self._person_names(values, _at(path, key, "Value"))
        else:  # SQ
            location = _at(path, key, "Value")
            for index, item in enumerate(values):
                if type(item) is dict or type(item) is tuple:
                    self.dataset(item, f"{location}/{index}", depth + 1)
                else:
                    self.add("JSON-SQ-ITEM-NOT-OBJECT", f"{location}/{index}", f"item is {_kind(item)}")

    def _strings(self, values: list, vr: str, path: str, key: object) -> None:
        ok = self._ok[vr]
        check = STRING_CHECKS[vr]
        for index, value in enumerate(values):
            if type(value) is str:
                if value in ok:
                    continue
                if not value:
                    self.add("JSON-EMPTY-STRING-NOT-NULL", _at(path, key, "Value", index), "empty value as \"\"")
                    continue
                problem = check(value)
                if problem is None:
                    ok.add(value)
                else:
                    self.add("JSON-" + problem[0], _at(path, key, "Value", index), problem[1])
            elif value is None:
                if vr == "AT":
                    self.add("JSON-EMPTY-IN-FIXED-LENGTH-VR", _at(path, key, "Value", index), "AT values cannot be empty")
            else:
                self.add("JSON-STRING-VR-NOT-STRING", _at(path, key, "Value", index), f"{vr} expects a string, got {_kind(value)}")

    def _numbers(self, values: list, vr: str, path: str, key: object) -> None:
        ok = self._ok[vr]
        strings_allowed = vr in NUMBER_OR_STRING_VRS
        for index, value in enumerate(values):
            kind = type(value)
            if kind is int or kind is float:
                if value in ok:
                    continue
                problem = check_number(vr, value)
            elif kind is str and strings_allowed:
                if value in ok:
                    continue
                if not value:
                    self.add("JSON-EMPTY-STRING-NOT-NULL", _at(path, key, "Value", index), "empty value as \"\"")
                    continue
                problem = STRING_CHECKS[vr](value)
            elif value is None:
                if vr in FIXED_LENGTH_VRS:
                    self.add("JSON-EMPTY-IN-FIXED-LENGTH-VR", _at(path, key, "Value", index), f"{vr} values cannot be empty")
                continue
            else:
                rule = "JSON-NUMERIC-STRING-VR-TYPE" if strings_allowed else "JSON-NUMBER-VR-NOT-NUMBER"
                self.add(rule, _at(path, key, "Value", index), f"{vr} expects a number, got {_kind(value)}")
                continue
            if problem is None:
                ok.add(value)
            else:
                self.add("JSON-" + problem[0], _at(path, key, "Value", index), problem[1])

    def _person_names(self, values: list, location: str) -> None:
        ok = self._ok["PN"]
        for index, value in enumerate(values):
            if value is None:
                continue
            if type(value) is tuple:
                pairs = value
                value = dict(pairs)
                for name in _repeated_names(pairs) if len(value) != len(pairs) else ():
                    self.add("JSON-DUPLICATE-KEY", f"{location}/{index}", f"member {name!r} appears twice")
            elif type(value) is not dict:
                self.add("JSON-PN-NOT-OBJECT", f"{location}/{index}", f"expected a PN object, got {_kind(value)}")
                continue
            for group, text in value.items():
                where = f"{location}/{index}/{_escape(group)}"
                if group not in _PN_GROUPS:
                    self.add("JSON-PN-UNKNOWN-GROUP", where, f"{group!r} is not Alphabetic, Ideographic or Phonetic")
                elif type(text) is not str:
                    self.add("JSON-PN-GROUP-NOT-STRING", where, f"component group is {_kind(text)}")
                elif text in ok:
                    continue
                elif not text:
                    self.add("JSON-PN-EMPTY-GROUP", where, "empty component groups are omitted")
                elif "=" in text:
                    self.add("JSON-PN-GROUP-DELIMITER", where, f"{text!r} holds several groups; split at '='")
                else:
                    problem = check_pn_group(text)
                    if problem is None:
                        ok.add(text)
                    else:
                        self.add("JSON-" + problem[0], where, problem[1])

    def _bulkdata(self, uri: object, vr: str, location: str) -> None:
        where = location + "/BulkDataURI"
        if vr not in BULKDATA_VRS:
            self.add("JSON-BULKDATA-VR-NOT-ALLOWED", where, f"{vr} may not carry a BulkDataURI")
        if type(uri) is not str:
            self.add("JSON-BULKDATA-NOT-STRING", where, f"expected a string, got {_kind(uri)}")
            return
        scheme = _URI_SCHEME.match(uri)
        if not _URI_CHARS.fullmatch(uri) or (scheme and scheme.group(1).lower() not in ("http", "https")):
            self.add("JSON-BULKDATA-URI-INVALID", where, f"{uri[:80]!r} is not an HTTP(S) URI reference")

    def _inline_binary(self, data: object, vr: str, location: str) -> None:
        where = location + "/InlineBinary"
        if vr not in INLINE_BINARY_VRS:
            self.add("JSON-INLINEBINARY-VR-NOT-ALLOWED", where, f"{vr} may not carry InlineBinary")
        if type(data) is not str:
            self.add("JSON-INLINEBINARY-NOT-STRING", where, f"expected a base64 string, got {_kind(data)}")
            return
        try:
            size = len(binascii.a2b_base64(data, strict_mode=True))
        except ValueError as error:
            self.add("JSON-INLINEBINARY-NOT-BASE64", where, f"not base64: {error}")
            return
        if size == 0:
            self.add("JSON-EMPTY-VALUE-NOT-OMITTED", where, "zero-length attribute has an empty InlineBinary")
        elif size % BINARY_UNIT.get(vr, 1):
            self.add("JSON-INLINEBINARY-LENGTH", where, f"{size} bytes is not a multiple of {BINARY_UNIT[vr]} for {vr}")


def _is_empty_value(value: object) -> bool:
    return value is None or value == "" or ((type(value) is dict or type(value) is tuple) and not value)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is bool:
        return "a boolean"
    if type(value) in (int, float):
        return f"the number {value!r}"
    if type(value) is str:
        return f"the string {value[:40]!r}"
    if type(value) is list:
        return "an array"
    return "an object" if type(value) in (dict, tuple) else type(value).__name__


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building millions of small containers triggers the cyclic GC again and again; none of them form cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_json(doc: object, *, context: str = "generic") -> list[ModelFinding]:
    """Findings for a parsed DICOM JSON document (a dataset object, or an array of them)."""
    check_context(context)
    walker = _JsonWalker(context)
    try:
        walker.document(doc)
    except RecursionError:
        walker.add("JSON-TOO-DEEP", "", "the document nests too deeply to validate")
    return walker.findings


def validate_json_bytes(raw: bytes | bytearray | memoryview | str, *, context: str = "generic") -> list[ModelFinding]:
    """Findings for a DICOM JSON payload as received: never raises for bad input."""
    check_context(context)
    findings: list[ModelFinding] = []
    if isinstance(raw, str):
        text = raw
    else:
        data = bytes(raw)
        if data.startswith(codecs.BOM_UTF8):
            findings.append(RULES["JSON-UTF8-BOM"].finding("", "payload starts with a UTF-8 byte order mark"))
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"byte {error.start} is not UTF-8 ({error.reason})"
            return [*findings, RULES["JSON-NOT-UTF8"].finding("", message)]
    with _gc_paused():
        try:
            doc = json.loads(text, object_pairs_hook=tuple)
        except json.JSONDecodeError as error:
            message = f"line {error.lineno} column {error.colno}: {error.msg}"
            return [*findings, RULES["JSON-SYNTAX"].finding("", message)]
        except (ValueError, RecursionError) as error:
            return [*findings, RULES["JSON-SYNTAX"].finding("", f"cannot parse: {error}")]
        findings.extend(validate_json(doc, context=context))
        del doc  # freed while the collector is still paused: no cycles, plain refcounting
    return findings
