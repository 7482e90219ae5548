"""Loading a user's YAML settings file (claims, expectations) against its JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema

from .cases.yamlsource import load_yaml
from .errors import CaseFileError, UsageError


def load_checked_yaml(path: str, schema: dict[str, Any], option: str) -> Any:
    """The parsed file, or a UsageError naming the option, the file and the first problem."""
    try:
        # The case loader's bounds apply: a settings file is user input as much as a case file is.
        raw = load_yaml(Path(path).read_text(encoding="utf-8"), path, kind="settings file")
    except OSError as exc:
        raise UsageError(f"{option} {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{option} {path}: not UTF-8 text (byte {exc.start})") from None
    except CaseFileError as exc:
        raise UsageError(f"{option} {exc}") from None
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "(top level)"
        raise UsageError(f"{option} {path}: {where}: {errors[0].message}")
    return raw
