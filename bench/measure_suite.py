"""Suite overhead and scaling against the embedded default target (Orthanc).

Overhead: the whole suite (``dicomweb-conformance run``) vs a bare replay of exactly the same
HTTP exchanges with plain httpx. The exchanges are recorded once from a harness run through
bench/httpwatch.py; every timed run then reuses that run id (so the same UIDs, the same
requests) against an emptied server. Scaling: the same suite with 1 and 2 xdist workers.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
import json
import sys
import uuid
from pathlib import Path

from bench.context import Context, alternate, ratio_row
from bench.proc import BenchError, ChildRun, run_child, run_worker
from bench.results import Row, Target
from bench.server import BenchOrthanc

SMOKE_SELECTION = "uri.retrieve"
_RUN_NUMBERS = itertools.count(1)  # report folders are never reused, whichever _Suite asks


class _Suite:
    """Runs the harness CLI on the bench's Orthanc, each run in a fresh report folder."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.server: BenchOrthanc = ctx.orthanc()
        self.run_id = "bench" + uuid.uuid4().hex[:12]
        # Smoke keeps the suite small (one transaction) so the whole smoke run stays under a minute.
        self.selection: tuple[str, ...] = ("--select", SMOKE_SELECTION) if ctx.smoke else ()
        self.recorded_cases = 0
        self.last: ChildRun | None = None

    def harness(self, *extra: str, env: dict[str, str] | None = None) -> ChildRun:
        number = next(_RUN_NUMBERS)
        report = self.ctx.workdir / f"suite-{number}"
        timing = self.ctx.workdir / f"suite-{number}.timing"
        argv = [sys.executable, "-m", "conformance.cli", "run", "--target", self.server.base_url,
                "--uri-url", self.server.uri_url, "--report-dir", str(report), "--no-html", "-q", *self.selection, *extra,
                "--", "--dicomweb-run-id", self.run_id, "-p", "bench.httpwatch"]
        got = run_child(argv, check=False, timeout_s=900, env={"BENCH_TIMING_FILE": str(timing), **(env or {})})
        results = report / "results.json"
        if got.returncode not in (0, 1, 3) or not results.exists():
            raise BenchError(f"harness run exited {got.returncode}:\n{got.stdout[-1500:]}\n{got.stderr[-1500:]}")
        doc = json.loads(results.read_text())
        if not doc["cases"]:
            raise BenchError(f"the harness ran no cases (collection errors?):\n{_problem_lines(got.stdout + got.stderr)}")
        phases = [json.loads(line) for line in timing.read_text().splitlines()] if timing.exists() else []
        first = min((p["first"] for p in phases), default=got.started)
        last = max((p["last"] for p in phases), default=got.started + got.wall_s)
        extra_result = {"cases": len(doc["cases"]), "counts": doc["counts"], "to_first_request": first - got.started,
                        "requests_phase": last - first, "after_last_response": got.started + got.wall_s - last,
                        "requests": sum(p["requests"] for p in phases)}
        return replace(got, result=extra_result)

    def record(self) -> Path:
        path = self.ctx.workdir / f"exchanges-{next(_RUN_NUMBERS)}.jsonl"  # never appends to an older recording
        self.server.wipe()
        got = self.harness(env={"BENCH_RECORD_FILE": str(path)})
        if not path.exists():
            raise BenchError("the recording run sent no requests")
        self.recorded_cases = int(got.result["cases"])
        self.last = got
        self.ctx.log(f"recorded {got.result['requests']} exchanges of {got.result['cases']} cases {got.result['counts']}")
        return path


def _floor_tests(ctx: Context, cases: int) -> list[str]:
    """The floor of any pytest-based harness: as many trivial tests, with an Allure results folder
    (and without the harness's own plugin, Hypothesis's or xdist's)."""
    run_worker("collect_work", "write_inputs", {"root": str(ctx.workdir / "floor"), "cases": cases})
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:dicomweb", "-p", "no:hypothesispytest",
            "-p", "no:xdist", "--alluredir",
            str(ctx.workdir / "floor" / "allure"), "--clean-alluredir", "."]


def _problem_lines(output: str) -> str:
    lines = [line for line in output.splitlines() if "error" in line.lower()]
    return "\n".join(lines[:6]) or output[-1500:]


class _Overhead:
    NAME = "suite"
    TITLE = "suite overhead: harness vs plain httpx replay of the same exchanges"
    NEEDS_SERVER = True

    @staticmethod
    def run(ctx: Context) -> None:
        suite = _Suite(ctx)
        exchanges = suite.record()
        floor = _floor_tests(ctx, suite.recorded_cases)
        # Smoke only keeps this working: the recording run stands in for the timed harness run.
        recorded = suite.last
        assert recorded is not None
        if ctx.smoke:
            ctx.smoke_reuse["suite, 1 worker"] = recorded
        harness = (lambda: recorded) if ctx.smoke else suite.harness
        runs = alternate(ctx.reps, {"harness": harness,
                                    "replay": lambda: run_worker("replay", "replay", {"path": str(exchanges)}),
                                    "floor": lambda: run_child(floor, cwd=ctx.workdir / "floor" / "python")},
                         between=suite.server.wipe, warmup=ctx.warm)
        h, r, f = runs["harness"], runs["replay"], runs["floor"]
        mismatches = {int(x.get("status_mismatches")) for x in r}
        name = _Overhead.NAME
        ctx.add(Row(name, "harness run: whole command", "s", tuple(x.wall_s for x in h)))
        ctx.add(Row(name, "replay: whole command", "s", tuple(x.wall_s for x in r)))
        ctx.add(ratio_row(name, "harness / replay, whole command", [x.wall_s for x in h], [x.wall_s for x in r],
                          Target("<=", 1.5)))
        ctx.add(Row(name, "harness run: CPU (user+system)", "s", tuple(x.cpu_s for x in h)))
        ctx.add(Row(name, "replay: CPU (user+system)", "s", tuple(x.cpu_s for x in r)))
        ctx.add(ratio_row(name, "harness / replay, CPU time", [x.cpu_s for x in h], [x.cpu_s for x in r]))
        ctx.add(Row(name, "harness: command to first request", "s", tuple(x.get("to_first_request") for x in h)))
        ctx.add(Row(name, "harness: first request to last response", "s", tuple(x.get("requests_phase") for x in h)))
        ctx.add(Row(name, "harness: last response to exit (reports)", "s", tuple(x.get("after_last_response") for x in h)))
        ctx.add(Row(name, "replay: request loop", "s", tuple(x.get("loop_seconds") for x in r)))
        ctx.add(ratio_row(name, "harness / replay, request phase only", [x.get("requests_phase") for x in h],
                          [x.get("loop_seconds") for x in r], Target("<=", 1.5)))
        ctx.add(Row(name, "harness run: peak RSS", "MB", tuple(x.peak_rss_mb for x in h)))
        ctx.add(Row(name, "floor: pytest + allure, as many trivial tests: whole command", "s", tuple(x.wall_s for x in f)))
        ctx.add(ratio_row(name, "floor / replay, whole command", [x.wall_s for x in f], [x.wall_s for x in r]))
        ctx.add(ratio_row(name, "floor / replay, CPU time", [x.cpu_s for x in f], [x.cpu_s for x in r]))
        first = h[0].result
        scope = f"--select {SMOKE_SELECTION}" if ctx.smoke else "the whole suite"
        ctx.note(name, "harness = `dicomweb-conformance run --no-html` (results.json, junit, summary and Allure results "
                       "are written; the Node-generated HTML report is not part of it)")
        ctx.note(name, f"{scope}: {first['cases']} cases, {int(r[0].get('exchanges'))} exchanges per run "
                       f"(verdicts {first['counts']}); replay status mismatches: {sorted(mismatches)}")


class _Scaling:
    NAME = "scaling"
    TITLE = "scaling: the suite with 1 vs 2 xdist workers"
    NEEDS_SERVER = True

    @staticmethod
    def run(ctx: Context) -> None:
        suite = _Suite(ctx)
        reused = ctx.smoke_reuse.get("suite, 1 worker")
        one_worker = (lambda: reused) if reused is not None else suite.harness
        runs = alternate(ctx.reps, {"1 worker": one_worker, "2 workers": lambda: suite.harness("-n", "2")},
                         between=suite.server.wipe, warmup=ctx.warm)
        one, two = runs["1 worker"], runs["2 workers"]
        name = _Scaling.NAME
        ctx.add(Row(name, "1 worker: whole command", "s", tuple(x.wall_s for x in one)))
        ctx.add(Row(name, "2 workers: whole command", "s", tuple(x.wall_s for x in two)))
        ctx.add(ratio_row(name, "speed-up 1 -> 2 workers, whole command", [x.wall_s for x in one], [x.wall_s for x in two]))
        ctx.add(Row(name, "2 workers: first request to last response", "s", tuple(x.get("requests_phase") for x in two)))
        ctx.add(ratio_row(name, "speed-up 1 -> 2 workers, request phase", [x.get("requests_phase") for x in one],
                          [x.get("requests_phase") for x in two]))
        ctx.note(name, f"{one[0].result['cases']} cases; the machine has {__import__('os').cpu_count()} CPUs "
                       "shared by the harness, its workers and Orthanc")


MEASUREMENTS = (_Overhead, _Scaling)
