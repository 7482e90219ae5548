"""Running the harness as a user would: a separate pytest process against a URL.

The run's resource use is measured with wait4() on that very process (peak RSS of it and
of any worker it waited for), and a wall-clock limit kills its process group if it hangs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .forkserver import ForkServer

ROOT = Path(__file__).resolve().parents[2]
PYTEST = ROOT / ".venv" / "bin" / "pytest"
# Plugins and rewriting the harness does not need; they cost about 1 s per run.
QUICK = ("-p", "no:hypothesispytest", "--assert=plain")
ARTIFACTS = ("results.json", "junit.xml", "summary.md", "seeding.log", "created-uids.json", "report.html")


@dataclass(frozen=True)
class HarnessRun:
    argv: tuple[str, ...]
    exit_code: int | None  # None: killed at the wall-clock limit
    report_dir: Path
    stdout: str
    stderr: str
    duration_s: float
    peak_rss_mb: float

    @property
    def results(self) -> dict[str, Any]:
        path = self.report_dir / "results.json"
        if not path.exists():
            raise AssertionError(f"no results.json written (exit {self.exit_code}); output tail:\n{self.tail()}")
        return json.loads(path.read_text(encoding="utf-8"))

    @property
    def cases(self) -> list[dict[str, Any]]:
        return list(self.results["cases"])

    def verdicts(self) -> dict[str, str]:
        return {c["id"]: c["verdict"] for c in self.cases}

    def artifact_texts(self) -> Iterator[tuple[str, str]]:
        """(name, text) of every file the run wrote in its report folder, and its console output."""
        yield "stdout", self.stdout
        yield "stderr", self.stderr
        for path in sorted(self.report_dir.rglob("*")):
            if path.is_file():
                yield str(path.relative_to(self.report_dir)), path.read_text(encoding="utf-8", errors="replace")

    def tail(self, n: int = 3000) -> str:
        return (self.stdout[-n:] + "\n--- stderr ---\n" + self.stderr[-n:]).strip()


def harness_argv(url: str, report_dir: Path, *, uri_url: str | None = None, select: Sequence[str] = (),
                 paths: Sequence[str] = ("testcases",), timeout_s: float | None = None, run_id: str | None = None,
                 extra: Sequence[str] = ()) -> list[str]:
    argv = [str(PYTEST), "-p", "no:cacheprovider", *QUICK, "-q", *paths, "--dicomweb-url", url,
            "--dicomweb-report-dir", str(report_dir)]
    if uri_url:
        argv += ["--dicomweb-uri-url", uri_url]
    for term in select:
        argv += ["--dicomweb-select", term]
    if timeout_s is not None:
        argv += ["--dicomweb-timeout", f"{timeout_s:g}"]
    if run_id:
        argv += ["--dicomweb-run-id", run_id]
    return argv + list(extra)


def run_harness(url: str, report_dir: Path, *, wall_limit_s: float = 300.0, seed_from: Path | None = None,
                launcher: "ForkServer | None" = None, **options: Any) -> HarnessRun:
    """Run the harness once in an emptied report folder (seeded from an earlier run's state if asked)."""
    shutil.rmtree(report_dir, ignore_errors=True)
    report_dir.mkdir(parents=True)
    if seed_from is not None:
        reuse_seed(seed_from, report_dir)
    return run_argv(harness_argv(url, report_dir, **options), report_dir, wall_limit_s, launcher)


def run_cli(url: str, report_dir: Path, *, uri_url: str | None = None, args: Sequence[str] = (),
            wall_limit_s: float = 600.0) -> HarnessRun:
    """The command line (`dicomweb-conformance run`), which also writes report.html."""
    shutil.rmtree(report_dir, ignore_errors=True)
    report_dir.mkdir(parents=True)
    argv = [str(ROOT / ".venv" / "bin" / "python"), "-m", "conformance.cli", "run", "--target", url,
            "--report-dir", str(report_dir), "-q", *(["--uri-url", uri_url] if uri_url else []), *args]
    return run_argv(argv, report_dir, wall_limit_s)


def reuse_seed(from_dir: Path, to_dir: Path) -> None:
    """Let a later run of the same run id find the fixture data already stored."""
    state = to_dir / ".state"
    state.mkdir(parents=True, exist_ok=True)
    for seed in (from_dir / ".state").glob("seed-*.json"):
        shutil.copyfile(seed, state / seed.name)


def run_argv(argv: Sequence[str], report_dir: Path, wall_limit_s: float, launcher: "ForkServer | None" = None) -> HarnessRun:
    """Run a command (a pytest one may go through a warm launcher); wait for it, measuring its peak RSS."""
    out_path, err_path = report_dir.parent / f"{report_dir.name}.stdout", report_dir.parent / f"{report_dir.name}.stderr"
    started = time.monotonic()
    if launcher is not None and argv[0] == str(PYTEST):
        code, rss_kb = launcher.run(list(argv[1:]), out_path, err_path, wall_limit_s)
        return HarnessRun(tuple(argv), code, report_dir, out_path.read_text(errors="replace"),
                          err_path.read_text(errors="replace"), time.monotonic() - started, rss_kb / 1024)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(list(argv), cwd=ROOT, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        code, rss_kb = _wait(proc, started + wall_limit_s)
    return HarnessRun(tuple(argv), code, report_dir, out_path.read_text(errors="replace"),
                      err_path.read_text(errors="replace"), time.monotonic() - started, rss_kb / 1024)


def _wait(proc: subprocess.Popen[bytes], deadline: float) -> tuple[int | None, int]:
    killed = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
            return (None if killed else proc.returncode), usage.ru_maxrss
        if time.monotonic() > deadline and not killed:
            os.killpg(proc.pid, signal.SIGKILL)  # the group we started, by its id
            killed = True
        time.sleep(0.02)
