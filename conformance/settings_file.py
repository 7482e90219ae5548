"""Loading a user's YAML settings file (claims, expectations) against its JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import UsageError


def load_checked_yaml(path: str, schema: dict[str, Any], option: str) -> Any:
    """The parsed file, or a UsageError naming the option, the file and the first problem."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{option} {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{option} {path}: not YAML: {exc}") from None
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        where = "/".join(map(str, errors[0].absolute_path)) or "(top level)"
        raise UsageError(f"{option} {path}: {where}: {errors[0].message}")
    return raw
