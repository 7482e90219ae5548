"""Person Name (PN) matching with the latitude PS3.4 gives servers.

* C.2.2.2.1: for PN a server "may perform literal matching that is either case-sensitive, or
  insensitive to some or all aspects of case, position, accent, or other character encoding
  variants". So an exact, case-sensitive match must be returned; a match that only holds after
  folding case/accents may or may not be.
* C.2.2.2.4: Wild Card Matching of PN is implementation dependent; its Note on names with
  several component groups ("=" separates alphabetic, ideographic and phonetic groups) warns
  that a server may match the whole value literally or each group separately.
* PS3.18 §8.3.4.2 / PS3.4 C.2.2.2.1.1: fuzzy semantic matching is server-defined; the oracle
  only knows that everything matching literally must still match (a lower bound).

The oracle therefore evaluates a PN key under every reading above: MATCH when the strictest
reading matches, NO_MATCH when even the loosest does not, EITHER otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .outcome import MATCH, NO_MATCH, Latitude, Outcome, either

__all__ = ["match_person_name", "wildcard_regex"]


def wildcard_regex(pattern: str) -> re.Pattern[str]:
    """C.2.2.2.4: "*" matches any run of characters (even none), "?" exactly one character."""
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.DOTALL)


def _same(value: str, pattern: str, wildcard: bool) -> bool:
    if wildcard:
        return wildcard_regex(pattern).fullmatch(value) is not None
    return value == pattern


def _identity(text: str) -> str:
    return text


def _folded(text: str) -> str:
    """Loosest literal reading: no case, no accents, no trailing empty components or groups."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    groups = [group.rstrip(" ").rstrip("^").rstrip(" ") for group in bare.split("=")]
    while groups and not groups[-1]:
        groups.pop()
    return "=".join(groups)


def _whole(value: str, key: str, wildcard: bool, norm: Callable[[str], str]) -> bool:
    return _same(norm(value), norm(key), wildcard)


def _per_group(value: str, key: str, wildcard: bool, norm: Callable[[str], str]) -> bool:
    value_groups = value.split("=")
    for index, key_group in enumerate(key.split("=")):
        if not key_group:
            continue  # an empty group in the key constrains nothing
        stored = value_groups[index] if index < len(value_groups) else ""
        if not _same(norm(stored), norm(key_group), wildcard):
            return False
    return True


def match_person_name(value: str, key: str, *, wildcard: bool, fuzzy: bool) -> Outcome:
    """Outcome of one PN key (single value or wildcard) against one stored PN value."""
    whole = _whole(value, key, wildcard, _identity)
    grouped = _per_group(value, key, wildcard, _identity)
    if whole and grouped:
        return MATCH
    if whole or grouped:
        if wildcard:
            return either(Latitude.PN_GROUPS, Latitude.PN_WILDCARD)
        return either(Latitude.PN_GROUPS)
    loose = _whole(value, key, wildcard, _folded) or _per_group(value, key, wildcard, _folded)
    if loose:
        reasons = [Latitude.PN_CASE]
        if wildcard:
            reasons.append(Latitude.PN_WILDCARD)
        if fuzzy:
            reasons.append(Latitude.FUZZY)
        return either(*reasons)
    if fuzzy:
        return either(Latitude.FUZZY)
    return NO_MATCH
