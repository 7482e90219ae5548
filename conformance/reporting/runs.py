"""Reading report folders back (for matrix, coverage and the statement draft)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError


@dataclass(frozen=True)
class Run:
    folder: Path
    doc: dict[str, Any]

    @property
    def name(self) -> str:
        server = self.doc.get("target", {}).get("server") or ""
        return f"{server or self.folder.name}"

    @property
    def verdicts(self) -> dict[str, str]:
        return {c["id"]: c["verdict"] for c in self.doc["cases"]}

    @property
    def cases(self) -> dict[str, dict[str, Any]]:
        return {c["id"]: c for c in self.doc["cases"]}


def load_run(folder: str | Path) -> Run:
    path = Path(folder) / "results.json"
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise UsageError(f"{folder}: no results.json (is it a report folder of a run?)") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not valid JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        raise UsageError(f"{path}: not a dicomweb-conformance results file")
    return Run(Path(folder), doc)
