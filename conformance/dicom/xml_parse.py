"""Reading Native DICOM Model payloads: safe XML parsing, multipart splitting, and the RELAX NG schema.

lxml is used when installed (it brings RELAX NG and line numbers); otherwise the standard library parser reads
the document and the schema backstop is skipped. Parsing never resolves external entities or touches the network.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

try:  # optional: RELAX NG validation and line numbers
    from lxml import etree as lxml_etree
except ImportError:  # pragma: no cover - exercised only where lxml is missing
    lxml_etree = None

NATIVE_NS = "http://dicom.nema.org/PS3.19/models/NativeDICOM"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA_PATH = Path(__file__).with_name("schemas") / "native_dicom_model.rng"
_BOUNDARY_LINE = re.compile(rb"--([^\r\n]{1,200}?)[ \t]*\r?\n")


@dataclass(frozen=True)
class Parsed:
    root: Any | None  # an lxml or ElementTree element
    error: str  # why parsing failed, "" when it did not
    uses_lxml: bool


def parse_xml(body: bytes) -> Parsed:
    if lxml_etree is not None:
        parser = lxml_etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            return Parsed(lxml_etree.fromstring(body, parser), "", True)
        except lxml_etree.XMLSyntaxError as error:
            line, column = error.position
            return Parsed(None, f"line {line} column {column}: {error.msg}", True)
    try:
        return Parsed(ElementTree.fromstring(body), "", False)
    except ElementTree.ParseError as error:
        line, column = error.position
        return Parsed(None, f"line {line} column {column}: {error}", False)


def split_name(tag: object) -> tuple[str | None, str]:
    """(namespace, local name) of an element or attribute name; (None, "") for comments, PIs and entities."""
    if not isinstance(tag, str):
        return None, ""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def element_children(element: Any) -> list[Any]:
    return [child for child in element if isinstance(child.tag, str)]


def stray_text(element: Any) -> str:
    """Non-whitespace character data directly inside the element (its text and its children's tails)."""
    pieces = [element.text or ""] + [child.tail or "" for child in element]
    return "".join(pieces).strip()


def looks_multipart(raw: bytes) -> bool:
    return raw.lstrip(b"\r\n\t ").startswith(b"--")


def split_multipart(raw: bytes) -> tuple[list[bytes], str]:
    """Bodies of a multipart/related payload (boundary read from its first line), or ([], why not)."""
    data = raw.lstrip(b"\r\n\t ")
    match = _BOUNDARY_LINE.match(data)
    if match is None:
        return [], "no boundary line at the start"
    delimiter = b"--" + match.group(1)
    chunks = data.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        return [], f"no closing delimiter {delimiter.decode('latin-1')}--"
    bodies = []
    for number, chunk in enumerate(chunks[1:-1], 1):
        chunk = chunk.split(b"\n", 1)[1] if b"\n" in chunk else b""  # the rest of the delimiter line
        head, separator, body = chunk.partition(b"\r\n\r\n")
        if not separator:
            head, separator, body = chunk.partition(b"\n\n")
        if not separator:
            return [], f"part {number} has no blank line after its headers"
        bodies.append(body[:-2] if body.endswith(b"\r\n") else body.rstrip(b"\n"))
    return bodies, ""


@lru_cache(maxsize=2)
def _schema(namespace: str) -> Any:
    text = SCHEMA_PATH.read_bytes()
    if namespace != NATIVE_NS:
        text = text.replace(f'ns="{NATIVE_NS}"'.encode(), f'ns="{namespace}"'.encode(), 1)
    return lxml_etree.RelaxNG(lxml_etree.fromstring(text))


def schema_errors(root: Any, namespace: str) -> list[str]:
    """RELAX NG errors of a parsed document ([] when valid or when lxml is unavailable)."""
    if lxml_etree is None or not isinstance(root, lxml_etree._Element) or namespace not in ("", NATIVE_NS):
        return []
    schema = _schema(namespace)
    if schema.validate(root):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]


def schema_available() -> bool:
    return lxml_etree is not None
