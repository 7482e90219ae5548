"""A/B mode (``--ab BEFORE AFTER``): the same measurements on two copies of the harness, interleaved.

Used to judge an engine patch: each repetition runs every chosen measurement once per engine
(order alternating), so machine drift hits both alike; the results are, per metric, the two
medians and the paired ratio after / before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from bench.context import Context, ratios
from bench.proc import BenchError
from bench.results import Report, Row, Skipped

LABELS = ("before", "after")


def run_ab(chosen: list[ModuleType], engines: tuple[Path, Path], reps: int,
           make_context: Callable[[Report], Context], report: Report) -> None:
    samples: dict[tuple[str, str, str], dict[str, list[float]]] = {}
    saved = os.environ.get("BENCH_ENGINE")
    try:
        for rep in range(reps):
            order = [0, 1] if rep % 2 == 0 else [1, 0]
            for which in order:
                os.environ["BENCH_ENGINE"] = str(engines[which])
                sub = Report(size=report.size, started=report.started)
                ctx = make_context(sub)
                ctx.reps = 1
                try:
                    for m in chosen:
                        ctx.log(f"A/B run {rep + 1}/{reps}, {LABELS[which]}: {m.NAME}")
                        try:
                            m.run(ctx)
                        except BenchError as exc:
                            sub.skipped.append(Skipped(f"{m.NAME} [{LABELS[which]}]", str(exc).strip().splitlines()[0][:300]))
                finally:
                    ctx.close()
                for row in sub.rows:
                    key = (row.measurement, row.metric, row.unit)
                    samples.setdefault(key, {label: [] for label in LABELS})[LABELS[which]] += list(row.values)
                report.skipped += sub.skipped
                for name, notes in sub.notes.items():
                    for text in notes:
                        if text not in report.notes.get(name, []):
                            report.note(name, text)
    finally:
        if saved is None:
            os.environ.pop("BENCH_ENGINE", None)
        else:
            os.environ["BENCH_ENGINE"] = saved
    for (measurement, metric, unit), got in samples.items():
        before, after = got["before"], got["after"]
        if not before or len(before) != len(after):
            continue
        report.rows.append(Row(measurement, f"{metric} [before]", unit, tuple(before)))
        report.rows.append(Row(measurement, f"{metric} [after]", unit, tuple(after)))
        if all(b != 0 for b in before):
            report.rows.append(Row(measurement, f"{metric}: after / before", "x", ratios(after, before)))
    report.note("ab", f"before = {engines[0]}, after = {engines[1]}; {reps} interleaved runs each")
