"""Small helpers about JSON values for the DICOM JSON walk: pointers, type names for messages, Python's quirks."""

from __future__ import annotations


def escape(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def at(path: str, key: object, *more: object) -> str:
    """JSON pointer of an attribute (and optionally of members below it)."""
    tail = "".join(f"/{part}" for part in more)
    return f"{path}/{escape(key)}{tail}"


def repeated_names(pairs: tuple) -> list[object]:
    seen: set[object] = set()
    repeated = []
    for name, _ in pairs:
        if name in seen:
            repeated.append(name)
        seen.add(name)
    return repeated


def is_bool(value: object) -> bool:
    """True and False hash like 1 and 0, so a set of valid numbers would wave them through."""
    return value is True or value is False


def json_class(value: object) -> type:
    """The JSON type a str/int/float subclass (e.g. pydicom's UID) stands for; bool stays bool."""
    for cls in (bool, int, float, str):
        if isinstance(value, cls):
            return cls
    return type(value)


def kind(value: object) -> str:
    """How a JSON value reads in a message."""
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
