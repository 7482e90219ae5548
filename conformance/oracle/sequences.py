"""Sequence Matching (PS3.4 C.2.2.2.6).

In QIDO-RS a sequence key is written as a dotted path, e.g.
``RequestAttributesSequence.RequestedProcedureID=P1`` (PS3.18 §8.3.4.1). All paths under one
sequence form the single query Item that C.2.2.2.6 describes: the entity matches when at least
one of its Items matches *every* Item Key (recursively for nested sequences). A sequence key
with no Item Keys (an empty value on the sequence itself) is universal.

C.2.2.2.6 requires "at least one" Item, so an entity without Items fails even when all Item
Keys are universal; servers differ on that corner, so the oracle refuses it rather than guess.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydicom.dataset import Dataset

from .elements import describe, element_values, is_multi_valued, sequence_items, vr_of
from .errors import OracleUnsupported
from .matching import KeyKind, MatchOptions, classify, match_values
from .outcome import NO_MATCH, Outcome, all_of, any_of

__all__ = ["ItemKeys", "match_sequence"]

ItemKeys = tuple[tuple[tuple[int, ...], str], ...]  # paths relative to the sequence -> values


def _is_universal(path: tuple[int, ...], value: str, options: MatchOptions) -> bool:
    leaf = path[-1]
    vr = vr_of(leaf)
    if vr in (None, "SQ"):
        return value == ""
    return classify(value, vr, options, multi_valued=is_multi_valued(leaf)) is KeyKind.UNIVERSAL


def match_sequence(
    items: Sequence[Dataset] | None, keys: ItemKeys, options: MatchOptions
) -> Outcome:
    """Outcome of one query Item (``keys``) against the Items of a stored sequence."""
    if not items:
        if all(_is_universal(path, value, options) for path, value in keys):
            raise OracleUnsupported(
                "a sequence key whose Item Keys are all universal, against an entity with no "
                "Items: PS3.4 C.2.2.2.6 asks for a matching Item, servers differ"
            )
        return NO_MATCH
    return any_of(_match_item(item, keys, options) for item in items)


def _match_item(item: Dataset, keys: ItemKeys, options: MatchOptions) -> Outcome:
    outcomes: list[Outcome] = []
    nested: dict[int, list[tuple[tuple[int, ...], str]]] = {}
    for path, value in keys:
        head = path[0]
        if len(path) > 1:
            nested.setdefault(head, []).append((path[1:], value))
            continue
        vr = vr_of(head)
        if vr == "SQ" and value == "":
            continue  # universal on a nested sequence
        if vr is None or vr == "SQ":
            raise OracleUnsupported(f"cannot match item key {describe(head)}={value!r}")
        multi = is_multi_valued(head)
        outcomes.append(
            match_values(element_values(item, head), value, vr, options, multi_valued=multi)
        )
    for head, sub_keys in nested.items():
        outcomes.append(match_sequence(sequence_items(item, head), tuple(sub_keys), options))
    return all_of(outcomes)
