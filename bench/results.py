"""Result rows (median and spread of repeated samples), targets, and the table and files they make."""

from __future__ import annotations

import json
import platform
import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Target:
    op: str  # "<=" or ">="
    value: float

    def met_by(self, x: float) -> bool:
        return x <= self.value if self.op == "<=" else x >= self.value

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass(frozen=True)
class Row:
    """One metric: its samples, one per repetition (each from a fresh process)."""

    measurement: str
    metric: str
    unit: str
    values: tuple[float, ...]
    target: Target | None = None
    note: str = ""

    @property
    def is_ratio(self) -> bool:
        return self.unit == "x"

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "met" if self.target.met_by(self.median) else "missed"

    def to_json(self) -> dict[str, object]:
        doc = asdict(self)
        doc.update(target=str(self.target) if self.target else None, median=self.median, low=self.low,
                   high=self.high, verdict=self.verdict, values=list(self.values))
        return doc


@dataclass(frozen=True)
class Skipped:
    measurement: str
    reason: str


@dataclass
class Report:
    size: str
    started: datetime
    rows: list[Row] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0

    def note(self, measurement: str, text: str) -> None:
        self.notes.setdefault(measurement, []).append(text)


def fmt(x: float, unit: str) -> str:
    if unit == "x":
        return f"{x:.2f}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}" if abs(x) < 1 else f"{x:.2f}"


def _cells(row: Row) -> list[str]:
    spread = f"{fmt(row.low, row.unit)}–{fmt(row.high, row.unit)}" if len(row.values) > 1 else "(1 run)"
    return [row.measurement, row.metric, fmt(row.median, row.unit), spread, row.unit, len(row.values).__str__(),
            str(row.target) if row.target else "", row.verdict]


HEADER = ["measurement", "metric", "median", "spread (min–max)", "unit", "runs", "target", "verdict"]


def text_table(rows: list[Row]) -> str:
    cells = [HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(HEADER))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(report: Report) -> str:
    lines = [f"# Benchmark results {report.started:%Y-%m-%d %H:%M}", "",
             f"- size: `{report.size}`; total {report.seconds:.1f} s; {_machine()}",
             "- each metric: median of the runs (each in a fresh process) and min–max; ratios are paired, "
             "taken side by side in the same run", "",
             "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in report.rows]
    if report.skipped:
        lines += ["", "## Skipped", ""] + [f"- `{s.measurement}`: {s.reason}" for s in report.skipped]
    if report.notes:
        lines += ["", "## Notes", ""]
        for name, texts in report.notes.items():
            lines += [f"- `{name}`: {t}" for t in texts]
    return "\n".join(lines) + "\n"


def _machine() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs, {platform.machine()}"


def write(report: Report, out_dir: Path) -> tuple[Path, Path]:
    """results/<date>.json and .md; a second run on the same day gets a time suffix, never overwrites."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{report.started:%Y-%m-%d}"
    if (out_dir / f"{stem}.json").exists() or (out_dir / f"{stem}.md").exists():
        stem = f"{report.started:%Y-%m-%d-%H%M%S}"
    doc = {"size": report.size, "started": report.started.isoformat(timespec="seconds"), "seconds": round(report.seconds, 2),
           "machine": _machine(), "rows": [r.to_json() for r in report.rows],
           "skipped": [asdict(s) for s in report.skipped], "notes": report.notes}
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(markdown(report), encoding="utf-8")
    return json_path, md_path
