"""Values inside Native DICOM Model elements: Value text by VR, and the PersonName structure (PS3.19 A.1.5/A.1.6)."""

from __future__ import annotations

import re
from typing import Any

from .values import STRING_CHECKS, Problem, check_number
from .xml_parse import element_children, split_name, stray_text

_INTEGER_VRS = frozenset("SL SS UL US SV UV".split())
_FLOAT_VRS = frozenset({"FL", "FD"})
_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
_DECIMAL = re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*")
_SPECIAL_FLOATS = frozenset({"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"})
_GROUPS = ("Alphabetic", "Ideographic", "Phonetic")
_COMPONENTS = ("FamilyName", "GivenName", "MiddleName", "NamePrefix", "NameSuffix")
_CONTROL = re.compile(r"[\x00-\x1a\x1c-\x1f\x7f]")


def check_value(vr: str, text: str) -> Problem:
    """One non-empty Value's text. Binary numeric VRs are written as decimal text; the rest as in PS3.5."""
    if vr in _INTEGER_VRS:
        if _INTEGER.fullmatch(text):
            return check_number(vr, int(text))
        if _DECIMAL.fullmatch(text):
            return "NUMBER-NOT-INTEGER", f"{vr} value {text!r} is not an integer"
        return "NUMBER-FORMAT", f"{vr} value {text!r} is not a number"
    if vr in _FLOAT_VRS:
        if text.strip().lower() in _SPECIAL_FLOATS:
            return None  # NaN and infinities are IEEE values a Value element can name, unlike a JSON number
        if _DECIMAL.fullmatch(text):
            return check_number(vr, float(text))
        return "NUMBER-FORMAT", f"{vr} value {text!r} is not a number"
    check = STRING_CHECKS.get(vr)
    return check(text) if check else None  # OB..UN with Value: Table A.1.5-2 does not say how to read it


def check_person_name(name: Any, namespace: str) -> list[tuple[str, str, str]]:
    """(rule, location below the PersonName, message) for one PersonName element."""
    problems: list[tuple[str, str, str]] = []
    if stray_text(name):
        problems.append(("XML-UNEXPECTED-TEXT", "", "PersonName holds component groups, not text"))
    last = -1
    for child in element_children(name):
        child_namespace, local = split_name(child.tag)
        order = _GROUPS.index(local) if child_namespace == namespace and local in _GROUPS else -1
        if order <= last:
            problems.append(("XML-UNEXPECTED-ELEMENT", f"/{local}", "expected Alphabetic, Ideographic, Phonetic in order"))
            continue
        last = order
        problems.extend(_component_group(child, local, namespace))
    return problems


def _component_group(group: Any, group_name: str, namespace: str) -> list[tuple[str, str, str]]:
    problems: list[tuple[str, str, str]] = []
    if stray_text(group):
        problems.append(("XML-UNEXPECTED-TEXT", f"/{group_name}", "component groups hold name components, not text"))
    components = [""] * len(_COMPONENTS)
    last = -1
    for child in element_children(group):
        child_namespace, local = split_name(child.tag)
        where = f"/{group_name}/{local}"
        order = _COMPONENTS.index(local) if child_namespace == namespace and local in _COMPONENTS else -1
        if order <= last or element_children(child):
            problems.append(("XML-UNEXPECTED-ELEMENT", where, f"expected {', '.join(_COMPONENTS)} in order, text only"))
            continue
        last = order
        text = child.text or ""
        components[order] = text
        problem = _component_problem(text)
        if problem:
            problems.append((problem[0], where, problem[1]))
    joined = "^".join(components).rstrip("^")
    if len(joined) > 64:
        problems.append(("XML-VALUE-TOO-LONG", f"/{group_name}", f"component group is {len(joined)} characters, max 64"))
    return problems


def _component_problem(text: str) -> tuple[str, str] | None:
    if "\\" in text:
        return "XML-STRING-BACKSLASH", f"name component {text[:40]!r} contains a backslash"
    if "^" in text or "=" in text:
        return "XML-PN-COMPONENT-DELIMITER", f"name component {text[:40]!r} contains a PS3.5 delimiter"
    if _CONTROL.search(text):
        return "XML-CONTROL-CHAR", f"name component {text[:40]!r} contains a control character"
    return None
