"""What every measurement gets: the size, repetitions, a scratch folder, the shared Orthanc, the report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.proc import ChildRun
from bench.results import Report, Row, Target
from bench.server import BenchOrthanc

SIZES = ("smoke", "full")


@dataclass
class Context:
    size: str
    reps: int
    workdir: Path
    report: Report
    verbose: bool = True
    # Smoke only: runs one measurement made that another may reuse instead of repeating (keeps smoke short).
    smoke_reuse: dict[str, ChildRun] = field(default_factory=dict, repr=False)
    _orthanc: BenchOrthanc | None = field(default=None, repr=False)

    @property
    def smoke(self) -> bool:
        return self.size == "smoke"

    @property
    def warm(self) -> bool:
        """Whether to run each variant once untimed first (full size; smoke only keeps things working)."""
        return not self.smoke

    def pick(self, smoke: int, full: int) -> int:
        return smoke if self.smoke else full

    def orthanc(self) -> BenchOrthanc:
        """The bench's Orthanc, started on first use (raises BenchError when it is not installed)."""
        if self._orthanc is None:
            self.log("starting Orthanc (the embedded default target)")
            self._orthanc = BenchOrthanc().start()
        return self._orthanc

    def close(self) -> None:
        if self._orthanc is not None:
            self._orthanc.stop()
            self._orthanc = None

    def log(self, text: str) -> None:
        if self.verbose:
            print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)

    def add(self, row: Row) -> Row:
        self.report.rows.append(row)
        return row

    def note(self, measurement: str, text: str) -> None:
        self.report.note(measurement, text)


def alternate(reps: int, variants: dict[str, Callable[[], ChildRun]],
              between: Callable[[], object] | None = None, warmup: bool = False) -> dict[str, list[ChildRun]]:
    """Run the variants side by side, rotating their order each repetition (drift hits all alike).

    ``warmup`` first runs each variant once, untimed: bytecode caches and the page cache are then
    as warm for the first timed run as for the last.
    """
    names = list(variants)
    runs: dict[str, list[ChildRun]] = {n: [] for n in names}
    for name in names if warmup else ():
        if between is not None:
            between()
        variants[name]()
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            if between is not None:
                between()
            runs[name].append(variants[name]())
    return runs


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> tuple[float, ...]:
    """Per-repetition ratios of paired samples (same repetition, same conditions)."""
    return tuple(a / b for a, b in zip(numerators, denominators, strict=True))


def ratio_row(measurement: str, metric: str, numerators: Sequence[float], denominators: Sequence[float],
              target: Target | None = None, note: str = "") -> Row:
    return Row(measurement, metric, "x", ratios(numerators, denominators), target, note)


def throughput(run: ChildRun, seconds_key: str = "seconds") -> float:
    """MB/s (10^6 bytes) from a worker result with 'bytes' and a seconds field."""
    return run.get("bytes") / 1e6 / run.get(seconds_key)
