"""Validator of the Native DICOM Model (PS3.19 A.1), as application/dicom+xml payloads carry it (PS3.18 8.7.3.2).

The walk names every schema violation with its own rule and adds what a schema cannot say: Table A.1.5-2's
conditions (which content goes with which VR, number sequences, private tags in the gggg00ee form with
privateCreator, keywords that match PS3.6) and the PS3.5 value rules shared with the JSON validator. The RELAX NG
schema (schemas/native_dicom_model.rng) then runs as a backstop: if it rejects a document no rule flagged, the
finding XML-SCHEMA says so. Multipart bodies (one NativeDicomModel per part, F.2.1) are split and checked per part.
"""

from __future__ import annotations

import binascii
import re
from typing import Any

from .findings import ERROR, ModelFinding, check_context
from .rules import RULES
from .values import STRING_CHECKS
from .vr import ALL_VRS, BINARY_UNIT, FIXED_LENGTH_VRS, INLINE_BINARY_VRS, TagInfo, tag_info
from .xml_parse import (
    NATIVE_NS,
    XML_NS,
    element_children,
    looks_multipart,
    parse_xml,
    schema_errors,
    split_multipart,
    split_name,
    stray_text,
)
from .xml_values import check_person_name, check_value

_TAG = re.compile(r"[0-9A-F]{8}")
_NUMBER = re.compile(r"\s*\+?0*[1-9][0-9]*\s*")
_ATTRIBUTE_NAMES = frozenset({"tag", "vr", "keyword", "privateCreator"})
_CONTENT = ("BulkData", "Value", "Item", "PersonName", "InlineBinary")
_WHITESPACE = re.compile(r"\s+")


class _XmlWalker:
    def __init__(self, context: str, prefix: str) -> None:
        self.context = context
        self.prefix = prefix
        self.namespace = ""
        self.findings: list[ModelFinding] = []
        self.keywordless: list[str] = []

    def add(self, rule: str, location: str, message: str) -> None:
        self.findings.append(RULES[rule].finding(self.prefix + location, message))

    def document(self, root: Any) -> None:
        namespace, local = split_name(root.tag)
        self.namespace = namespace or ""
        if local != "NativeDicomModel":
            self.add("XML-ROOT", f"/{local}", f"root element is {local!r}, expected NativeDicomModel")
            return
        if namespace == "":
            self.add("XML-NAMESPACE-MISSING", "/NativeDicomModel", f"no default namespace {NATIVE_NS}")
        elif namespace != NATIVE_NS:
            self.add("XML-NAMESPACE", "/NativeDicomModel", f"namespace {namespace!r}, expected {NATIVE_NS}")
            return
        if root.get(f"{{{XML_NS}}}space") != "preserve":
            self.add("XML-SPACE-PRESERVE", "/NativeDicomModel", 'xml:space="preserve" is missing')
        for name in root.attrib:
            self._unexpected_attribute(name, "/NativeDicomModel", allowed=frozenset())
        self.dataset(root, "/NativeDicomModel")
        if self.keywordless:
            message = f"{len(self.keywordless)} attribute(s) known to PS3.6 lack a keyword, first {self.keywordless[0]}"
            self.add("XML-KEYWORD-MISSING", "/NativeDicomModel", message)

    def _unexpected_attribute(self, name: str, location: str, allowed: frozenset[str]) -> None:
        namespace, local = split_name(name)
        if namespace == "" and local not in allowed:
            self.add("XML-UNEXPECTED-ATTRIBUTE", location, f"attribute {local!r} is not in the schema")
        elif namespace and namespace != XML_NS:
            self.add("XML-FOREIGN-ATTRIBUTE", location, f"attribute {name!r} comes from another namespace")

    def _is_ours(self, element: Any, local: str) -> bool:
        namespace, name = split_name(element.tag)
        return namespace == self.namespace and name == local

    def dataset(self, element: Any, path: str) -> None:
        if stray_text(element):
            self.add("XML-UNEXPECTED-TEXT", path, f"text {stray_text(element)[:40]!r} between DicomAttributes")
        seen: set[tuple[str, str | None]] = set()
        for position, child in enumerate(element_children(element), 1):
            if not self._is_ours(child, "DicomAttribute"):
                self.add("XML-UNEXPECTED-ELEMENT", path, f"{split_name(child.tag)[1]!r} where DicomAttribute belongs")
                continue
            self.attribute(child, path, position, seen)

    def attribute(self, element: Any, path: str, position: int, seen: set[tuple[str, str | None]]) -> None:
        tag, vr = element.get("tag"), element.get("vr")
        location = f"{path}/DicomAttribute[@tag='{tag}']" if tag else f"{path}/DicomAttribute[{position}]"
        for name in element.attrib:
            self._unexpected_attribute(name, location, _ATTRIBUTE_NAMES)
        info = self._tag(element, tag, location, seen)
        if vr is None:
            self.add("XML-VR-MISSING", location, "vr is required by the A.1.6 schema")
        elif vr not in ALL_VRS:
            self.add("XML-VR-INVALID", location, f"vr {vr!r} is not one of the schema's VRs")
            vr = None
        elif info is not None and vr not in info.acceptable_vrs:
            expected = " or ".join(sorted(info.dictionary_vrs or ()))
            self.add("XML-VR-DICTIONARY-MISMATCH", location, f"{info.display()} has VR {expected} in PS3.6, got {vr}")
        self.content(element, vr, location)

    def _tag(self, element: Any, tag: str | None, location: str, seen: set) -> TagInfo | None:
        creator = element.get("privateCreator")
        if tag is None:
            self.add("XML-TAG-MISSING", location, "DicomAttribute has no tag")
            return None
        if not _TAG.fullmatch(tag):
            self.add("XML-TAG-INVALID", location, f"tag {tag!r} is not eight uppercase hexadecimal characters")
            return None
        info = tag_info(int(tag, 16))
        if (tag, creator) in seen:
            self.add("XML-DUPLICATE-TAG", location, f"{tag} appears twice" + (f" for {creator!r}" if creator else ""))
        seen.add((tag, creator))
        if info.element == 0:
            self.add("XML-GROUP-LENGTH", location, f"{info.display()} is a Group Length attribute")
        if info.is_private:
            if info.element > 0xFF:
                message = f"private data element {tag} must be written gggg00ee with privateCreator"
                self.add("XML-PRIVATE-TAG-FORM", location, message)
            elif creator is None and not info.is_private_creator and info.element != 0:
                self.add("XML-PRIVATE-CREATOR-MISSING", location, f"private data element {tag} has no privateCreator")
        elif creator is not None:
            self.add("XML-PRIVATE-CREATOR-NOT-ALLOWED", location, f"{info.display()} is not a private data element")
        self._keyword(element.get("keyword"), info, location)
        return info

    def _keyword(self, keyword: str | None, info: TagInfo, location: str) -> None:
        if not info.keyword or info.is_private:
            return
        if keyword is None:
            self.keywordless.append(info.display())
        elif keyword.strip() != info.keyword:
            self.add("XML-KEYWORD-MISMATCH", location, f"keyword {keyword!r}, PS3.6 says {info.keyword!r}")

    def content(self, element: Any, vr: str | None, location: str) -> None:
        if stray_text(element):
            self.add("XML-UNEXPECTED-TEXT", location, f"text {stray_text(element)[:40]!r} outside a Value element")
        groups: dict[str, list[Any]] = {}
        for child in element_children(element):
            namespace, local = split_name(child.tag)
            if namespace != self.namespace or local not in _CONTENT:
                self.add("XML-UNEXPECTED-ELEMENT", location, f"{local!r} is not DicomAttribute content")
                continue
            groups.setdefault(local, []).append(child)
        kinds = [kind for kind in _CONTENT if kind in groups]
        if len(kinds) > 1:
            self.add("XML-CONTENT-CONFLICT", location, f"at most one kind of content, got {kinds}")
        for single in ("BulkData", "InlineBinary"):
            if len(groups.get(single, ())) > 1:
                self.add("XML-CONTENT-CONFLICT", location, f"more than one {single}")
        if "Value" in groups:
            self._values(groups["Value"], vr, location)
        if "Item" in groups:
            self._items(groups["Item"], vr, location)
        if "PersonName" in groups:
            self._person_names(groups["PersonName"], vr, location)
        for bulk in groups.get("BulkData", ()):
            self._bulkdata(bulk, location)
        for inline in groups.get("InlineBinary", ()):
            self._inline_binary(inline, vr, location)

    def _numbers(self, elements: list[Any], kind: str, location: str) -> None:
        out_of_sequence = False
        for position, element in enumerate(elements, 1):
            number = element.get("number")
            if number is None or not _NUMBER.fullmatch(number):
                self.add("XML-NUMBER-INVALID", f"{location}/{kind}[{position}]", f"number {number!r} is not positive")
            elif int(number) != position:
                out_of_sequence = True
            for name in element.attrib:
                self._unexpected_attribute(name, f"{location}/{kind}[{position}]", frozenset({"number"}))
        if out_of_sequence:
            numbers = [element.get("number") for element in elements]
            self.add("XML-NUMBER-SEQUENCE", location, f"{kind} numbers {numbers} do not run 1..{len(elements)}")

    def _values(self, values: list[Any], vr: str | None, location: str) -> None:
        if vr in ("SQ", "PN"):
            self.add("XML-VALUE-FOR-SQ-OR-PN", location, f"{vr} uses {'Item' if vr == 'SQ' else 'PersonName'}")
        self._numbers(values, "Value", location)
        for position, value in enumerate(values, 1):
            where = f"{location}/Value[{position}]"
            if element_children(value):
                self.add("XML-UNEXPECTED-ELEMENT", where, "Value holds text only")
                continue
            text = value.text or ""
            if not text and vr in FIXED_LENGTH_VRS:
                self.add("XML-EMPTY-IN-FIXED-LENGTH-VR", where, f"{vr} values cannot be empty")
            elif text and vr is not None and vr not in ("SQ", "PN"):
                problem = check_value(vr, text)
                if problem is not None:
                    self.add("XML-" + problem[0], where, problem[1])

    def _items(self, items: list[Any], vr: str | None, location: str) -> None:
        if vr is not None and vr != "SQ":
            self.add("XML-ITEM-VR-NOT-SQ", location, f"Item in a {vr} attribute")
        self._numbers(items, "Item", location)
        for position, item in enumerate(items, 1):
            self.dataset(item, f"{location}/Item[{position}]")

    def _person_names(self, names: list[Any], vr: str | None, location: str) -> None:
        if vr is not None and vr != "PN":
            self.add("XML-PERSONNAME-VR-NOT-PN", location, f"PersonName in a {vr} attribute")
        self._numbers(names, "PersonName", location)
        for position, name in enumerate(names, 1):
            where = f"{location}/PersonName[{position}]"
            for rule, sub_location, message in check_person_name(name, self.namespace):
                self.add(rule, where + sub_location, message)

    def _bulkdata(self, bulk: Any, location: str) -> None:
        where = f"{location}/BulkData"
        uri, uuid = bulk.get("uri"), bulk.get("uuid")
        for name in bulk.attrib:
            self._unexpected_attribute(name, where, frozenset({"uri", "uuid"}))
        if (uri is None) == (uuid is None):
            self.add("XML-BULKDATA-REFERENCE", where, "exactly one of uri and uuid is required")
        elif uri is None and self.context == "metadata":
            self.add("XML-BULKDATA-URI-MISSING", where, "Retrieve Metadata responses reference bulk data by uri")
        if element_children(bulk) or stray_text(bulk):
            self.add("XML-UNEXPECTED-ELEMENT", where, "BulkData is empty")

    def _inline_binary(self, inline: Any, vr: str | None, location: str) -> None:
        where = f"{location}/InlineBinary"
        if vr is not None and vr not in INLINE_BINARY_VRS:
            self.add("XML-INLINEBINARY-VR-NOT-ALLOWED", where, f"{vr} may not carry InlineBinary")
        if element_children(inline):
            self.add("XML-UNEXPECTED-ELEMENT", where, "InlineBinary holds base64 text only")
            return
        text = _WHITESPACE.sub("", inline.text or "")  # xsd:base64Binary allows whitespace
        try:
            size = len(binascii.a2b_base64(text, strict_mode=True))
        except ValueError as error:
            self.add("XML-INLINEBINARY-NOT-BASE64", where, f"not base64: {error}")
            return
        if vr in BINARY_UNIT and size % BINARY_UNIT[vr]:
            self.add("XML-INLINEBINARY-LENGTH", where, f"{size} bytes is not a multiple of {BINARY_UNIT[vr]} for {vr}")


def _validate_document(body: bytes, context: str, prefix: str) -> list[ModelFinding]:
    parsed = parse_xml(body)
    if parsed.root is None:
        return [RULES["XML-SYNTAX"].finding(prefix or "/", parsed.error)]
    walker = _XmlWalker(context, prefix)
    walker.document(parsed.root)
    if not any(finding.severity == ERROR for finding in walker.findings):
        for error in schema_errors(parsed.root, walker.namespace)[:1]:
            walker.add("XML-SCHEMA", "/NativeDicomModel", f"RELAX NG: {error}")
    return walker.findings


def validate_xml_bytes(raw: bytes | bytearray | memoryview, *, context: str = "generic") -> list[ModelFinding]:
    """Findings for a NativeDicomModel document, or a multipart/related body of them; never raises for bad input."""
    check_context(context)
    data = bytes(raw)
    if not looks_multipart(data):
        return _validate_document(data, context, "")
    bodies, problem = split_multipart(data)
    if problem:
        return [RULES["XML-MULTIPART"].finding("/", f"cannot split the multipart body: {problem}")]
    findings: list[ModelFinding] = []
    for number, body in enumerate(bodies, 1):
        findings.extend(_validate_document(body, context, f"/part[{number}]"))
    return findings
