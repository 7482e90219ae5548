"""YAML loading that remembers where each mapping, sequence and key came from.

Case-file errors must point at `file:line`, so the loader keeps line numbers on the
containers it builds (scalars are located through the container that holds them).

Aliases (`*name`) are bounded: an alias makes the loaded value share the anchored node, and
everything after the loader (schema validation, templates) walks the value as a tree, so nested
aliases turn a few lines into billions of nodes (an alias bomb: 8 levels of 9 took 34 s). Only
files that use an alias pay for the check: the constructors notice a node met a second time, and
then one pass over the YAML events adds up what each alias repeats and refuses, at the alias's
line, the alias that takes the total over ALIAS_NODE_LIMIT (or one inside the node it names).
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import CaseFileError


class LineDict(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


# libyaml's parser (present in PyYAML's wheels) is several times faster than the pure-Python one
# and still gives every node its start mark, so line numbers are kept; the constructors stay ours.
_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Nodes the aliases of one file may repeat in all. A few shared request bodies stay far below it;
# expanding this many costs milliseconds downstream. 0 would refuse every alias.
ALIAS_NODE_LIMIT = 10_000


class _Loader(_Base):  # type: ignore[misc, valid-type]
    aliased = False  # set when a node is met a second time: only an alias does that


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    seen = loader.constructed_objects
    for key_node, value_node in node.value:
        if key_node in seen or value_node in seen:
            loader.aliased = True
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in out:
            raise CaseFileError(loader.name, key_node.start_mark.line + 1, f"key {key!r} appears twice in one mapping")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    seen = loader.constructed_objects
    if any(child in seen for child in node.value):
        loader.aliased = True
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _flagging(construct: Any) -> Any:
    def construct_and_flag(loader: _Loader, node: yaml.Node) -> Any:
        loader.aliased = True  # rare containers built by PyYAML's own code: let the alias pass decide
        return construct(loader, node)
    return construct_and_flag


for _tag in ("omap", "pairs", "set"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _flagging(_Loader.yaml_constructors[f"tag:yaml.org,2002:{_tag}"]))

_WHY = ("a {kind} should read top to bottom, and nested aliases can expand a few lines into billions "
        "of nodes (an alias bomb); write the value out instead")


def _check_aliases(text: str, path: str, kind: str) -> None:
    """One pass over the events: refuse the alias that repeats too much, or sits inside its own anchor."""
    events = _Base(text)
    try:
        size: dict[str, int] = {}  # anchor -> nodes its value holds once aliases in it are expanded
        anchor_line: dict[str, int] = {}
        open_nodes: list[list[Any]] = []  # [anchor, nodes so far] of each open mapping or sequence
        repeated = 0
        while events.check_event():
            event = events.get_event()
            if isinstance(event, yaml.AliasEvent):
                name, line = event.anchor, event.start_mark.line + 1
                if name not in size:
                    if name in anchor_line:  # still open: the alias is inside the node it names
                        raise CaseFileError(path, line, f"YAML alias *{name} is inside the node its anchor "
                                            f"&{name} (line {anchor_line[name]}) names: a value cannot contain itself")
                    continue  # undefined: the composer has said so already
                nodes = size[name]
                repeated += nodes
                if repeated > ALIAS_NODE_LIMIT:
                    raise CaseFileError(path, line, f"YAML alias *{name} (anchor &{name} on line {anchor_line[name]}) "
                                        f"takes the nodes repeated through aliases to {repeated:,}, over the limit of "
                                        f"{ALIAS_NODE_LIMIT:,} for a {kind}: {_WHY.format(kind=kind)}")
            elif isinstance(event, yaml.ScalarEvent):
                nodes = 1
                if event.anchor is not None:
                    size[event.anchor], anchor_line[event.anchor] = 1, event.start_mark.line + 1
            elif isinstance(event, yaml.CollectionStartEvent):
                if event.anchor is not None:
                    anchor_line[event.anchor] = event.start_mark.line + 1
                open_nodes.append([event.anchor, 1])
                continue
            elif isinstance(event, yaml.CollectionEndEvent):
                anchor, nodes = open_nodes.pop()
                if anchor is not None:
                    size[anchor] = nodes
            else:
                continue
            if open_nodes:
                open_nodes[-1][1] += nodes
    finally:
        events.dispose()


def load_yaml(text: str, path: str, kind: str = "case file") -> Any:
    """Parse YAML text; syntax errors become CaseFileError with the line. `kind` names the file in messages."""
    loader = _Loader(text)
    loader.name = path
    try:
        try:
            return loader.get_single_data()
        except yaml.constructor.ConstructorError:
            loader.aliased = True  # perhaps "unconstructable recursive node": the alias pass names the alias
            raise
        finally:
            if loader.aliased:  # before anything walks the value: refuse an alias bomb at its alias
                _check_aliases(text, path, kind)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise CaseFileError(path, line, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise CaseFileError(path, None, f"YAML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer too long to convert
        raise CaseFileError(path, None, f"YAML value cannot be read: {str(exc).splitlines()[0][:200]}") from None
    finally:
        loader.dispose()


def line_of(root: Any, path: list[Any] | tuple[Any, ...]) -> int | None:
    """The best line for a JSON-pointer-like path into a loaded document."""
    node, line = root, getattr(root, "line", None)
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
