"""YAML loading that remembers where each mapping, sequence and key came from.

Case-file errors must point at `file:line`, so the loader keeps line numbers on the
containers it builds (scalars are located through the container that holds them).
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


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in out:
            raise CaseFileError(loader.name, key_node.start_mark.line + 1, f"key {key!r} appears twice in one mapping")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, path: str) -> Any:
    """Parse YAML text; syntax errors become CaseFileError with the line."""
    loader = _Loader(text)
    loader.name = path
    try:
        return loader.get_single_data()
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
