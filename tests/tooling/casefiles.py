"""What the tests need to know about the case files, read with plain YAML (not the harness's loader)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .harness import ROOT

CASES_DIR = ROOT / "testcases"


@dataclass(frozen=True)
class CaseInfo:
    id: str
    file: Path
    steps: int
    writes: bool  # some step sends a method that can change the target
    needs_data: bool  # needs fixture data stored on the target, or makes fresh copies to store


def all_cases() -> list[CaseInfo]:
    found = []
    for path in sorted(CASES_DIR.rglob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in doc.get("cases") or []:
            steps = case.get("steps") or []
            writes = any((s.get("request") or {}).get("method", "GET").upper() not in ("GET", "HEAD", "OPTIONS")
                         for s in steps)
            needs_data = bool(case.get("needs") or case.get("makes"))
            found.append(CaseInfo(str(case.get("id")), path, len(steps), writes, needs_data))
    return found


def one_per_file() -> list[CaseInfo]:
    """A spread of the suite: the first case of every case file."""
    seen: dict[Path, CaseInfo] = {}
    for case in all_cases():
        seen.setdefault(case.file, case)
    return list(seen.values())
