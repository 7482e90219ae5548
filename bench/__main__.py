"""``python -m bench [--size smoke|full] [--reps N] [--out DIR] [names...]``: run, print the table, write results.

Every measurement runs its variants side by side in fresh subprocesses, several times; the
results are medians with min–max spread, and the ratios of paired samples. Targets are
reported (met / missed), never asserted: shared machines are noisy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import ModuleType

from bench.ab import run_ab
from bench.context import SIZES, Context
from bench.proc import BenchError, Unavailable
from bench.results import Report, Skipped, text_table, write

# Order matters a little: server-free measurements first, the biggest last.
MODULES = ("measure_multipart", "measure_json", "measure_collect", "measure_suite", "measure_study",
           "measure_retrieve", "measure_external")
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def measurements() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for name in MODULES:
        module = importlib.import_module(f"bench.{name}")
        for measurement in getattr(module, "MEASUREMENTS", (module,)):
            found[measurement.NAME] = measurement
    return found


def _parser(known: dict[str, ModuleType]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", metavar="NAME", help="measurements to run (default: all): " + ", ".join(known))
    p.add_argument("--size", choices=SIZES, default="full", help="smoke: tiny inputs, < 60 s in all (CI); full: the real sizes")
    p.add_argument("--reps", type=int, default=0, help="runs per variant (default: 1 for smoke, 5 for full)")
    p.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for <date>.json and <date>.md")
    p.add_argument("--engine", type=Path, metavar="DIR",
                   help="measure the harness in DIR (a patched copy of this checkout) instead of this one")
    p.add_argument("--ab", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                   help="A/B: run the measurements on two copies of the harness, interleaved (judging a patch)")
    p.add_argument("--no-server", action="store_true", help="skip the measurements that need Orthanc")
    p.add_argument("--list", action="store_true", help="list the measurements and exit")
    p.add_argument("--quiet", "-q", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    known = measurements()
    ns = _parser(known).parse_args(argv)
    if ns.list:
        for name, m in known.items():
            print(f"{name:18} {'(Orthanc) ' if m.NEEDS_SERVER else ''}{m.TITLE}")
        return 0
    unknown = [n for n in ns.names if n not in known]
    if unknown:
        print(f"python -m bench: unknown measurement(s) {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    if ns.reps < 0:
        print("python -m bench: --reps must be positive", file=sys.stderr)
        return 2
    for engine in ([ns.engine] if ns.engine else []) + list(ns.ab or []):
        if not (engine / "conformance" / "plugin.py").exists():
            print(f"python -m bench: {engine}: no conformance/plugin.py there (want a copy of this checkout)", file=sys.stderr)
            return 2
    if ns.engine is not None:
        os.environ["BENCH_ENGINE"] = str(ns.engine.resolve())
    chosen = [known[n] for n in (ns.names or known)]
    report = Report(size=ns.size, started=datetime.now())
    workdir = Path(tempfile.mkdtemp(prefix="dicomweb-bench-"))
    os.environ.setdefault("BENCH_PYCACHE", str(workdir / "pycache"))
    os.environ.setdefault("BENCH_SCRATCH", str(workdir))
    # The SEG fixture template (fixtures/seg_template.py) is cached in the bench's own folder: the
    # first (warm-up) run builds it, as a user's first run does, and the user's cache is left alone.
    os.environ.setdefault("DICOMWEB_CONFORMANCE_CACHE", str(workdir / "cache"))
    reps = ns.reps or (1 if ns.size == "smoke" else 5)
    ctx = Context(size=ns.size, reps=reps, workdir=workdir, report=report, verbose=not ns.quiet)
    started = time.perf_counter()
    failed = 0
    try:
        if ns.ab:
            chosen = [m for m in chosen if not (m.NEEDS_SERVER and ns.no_server)]
            run_ab(chosen, (ns.ab[0].resolve(), ns.ab[1].resolve()), reps,
                   lambda sub: Context(size=ns.size, reps=1, workdir=workdir, report=sub, verbose=not ns.quiet), report)
            chosen = []
        for m in chosen:
            if m.NEEDS_SERVER and ns.no_server:
                report.skipped.append(Skipped(m.NAME, "--no-server"))
                continue
            ctx.log(f"{m.NAME}: {m.TITLE}")
            t0 = time.perf_counter()
            try:
                m.run(ctx)
            except BenchError as exc:
                failed += not isinstance(exc, Unavailable)
                report.skipped.append(Skipped(m.NAME, str(exc).strip().splitlines()[0][:300]))
                ctx.log(f"{m.NAME}: not measured: {exc}")
            ctx.log(f"{m.NAME}: {time.perf_counter() - t0:.1f} s")
    except KeyboardInterrupt:
        print("python -m bench: interrupted", file=sys.stderr)
        return 130
    finally:
        ctx.close()
        shutil.rmtree(workdir, ignore_errors=True)
    report.seconds = time.perf_counter() - started
    print(text_table(report.rows))
    for s in report.skipped:
        print(f"not measured: {s.measurement}: {s.reason}")
    json_path, md_path = write(report, ns.out)
    print(f"\n{len(report.rows)} rows in {report.seconds:.1f} s; wrote {json_path} and {md_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
