"""Running one measured child process: wall time, peak RSS and the result line it prints."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULT_PREFIX = "BENCH-RESULT "


class BenchError(Exception):
    """A measurement could not be taken (child failed, server missing...); reported, never a traceback."""


class Unavailable(BenchError):
    """What a measurement needs is not installed here (Orthanc, curl...): skipped, not failed."""


@dataclass(frozen=True)
class ChildRun:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    result: Mapping[str, Any] = field(default_factory=dict)
    started: float = 0.0  # time.perf_counter() when the child was spawned (one clock for all processes)
    cpu_s: float = 0.0  # user + system CPU of the child and the children it waited for (xdist workers)

    def get(self, key: str) -> float:
        if key not in self.result:
            raise BenchError(f"child result has no {key!r}: {dict(self.result)}")
        return float(self.result[key])


def engine_root() -> Path:
    """Where the measured harness comes from: this checkout, or BENCH_ENGINE (a patched copy, see --engine)."""
    return Path(os.environ.get("BENCH_ENGINE") or ROOT)


@functools.lru_cache(maxsize=None)
def _fixtures_shim(engine: Path) -> str:
    """A folder whose conformance_fixtures is the engine's fixtures/ (this checkout's editable
    install maps the name to its own), so an A/B compares the fixtures as well; '' for this checkout."""
    if engine.resolve() == ROOT.resolve():
        return ""
    shim = Path(tempfile.mkdtemp(prefix="bench-fixtures-shim-", dir=os.environ.get("BENCH_SCRATCH")))  # removed with it
    (shim / "conformance_fixtures").symlink_to(engine.resolve() / "fixtures", target_is_directory=True)
    return str(shim)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of measured children: this checkout (or BENCH_ENGINE) importable, bytecode cached.

    Children run as on a user's machine: byte-compiled modules (and pytest's assertion-rewritten
    ones) are cached, under BENCH_PYCACHE when set (the bench sets it to its scratch folder, so
    nothing is written next to the sources), instead of being recompiled on every start.
    """
    env = dict(os.environ)
    paths = [_fixtures_shim(engine_root()), str(engine_root()), str(ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(p for p in paths if p))
    if env.get("BENCH_PYCACHE"):
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = env["BENCH_PYCACHE"]
    env.update(extra or {})
    return env


def run_child(argv: Sequence[str], *, timeout_s: float = 900.0, cwd: Path | None = None,
              env: Mapping[str, str] | None = None, check: bool = True,
              stop: threading.Event | None = None) -> ChildRun:
    """Run ``argv`` to completion through bench/launch.py, which measures its wall time and peak RSS.

    A Python worker's own VmHWM (``vm_hwm_mb`` in its result) is exact and preferred. Setting
    ``stop`` ends the child early (its process group, which holds only what this call started);
    such a run has ``returncode`` -9 and only its start time is known.
    """
    out: list[bytes] = []
    err: list[bytes] = []
    with tempfile.TemporaryDirectory(prefix="bench-launch-") as tmp:
        stats_file = Path(tmp) / "stats.json"
        launcher = [sys.executable, "-I", "-S", str(Path(__file__).with_name("launch.py")), str(stats_file)]
        proc = subprocess.Popen([*launcher, *argv], cwd=cwd or engine_root(), env=child_env(env), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
        readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
                   for s, b in ((proc.stdout, out), (proc.stderr, err))]
        for reader in readers:
            reader.start()
        timer = threading.Timer(timeout_s, lambda: _kill_group(proc.pid))
        timer.start()
        if stop is not None:
            threading.Thread(target=lambda: stop.wait(timeout_s) and proc.poll() is None and _kill_group(proc.pid),
                             daemon=True).start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        for reader in readers:
            reader.join()
        stdout = b"".join(out).decode("utf-8", "replace")
        stderr = b"".join(err).decode("utf-8", "replace")
        if not stats_file.exists():
            raise BenchError(f"{' '.join(argv[:6])} ... did not finish (timeout {timeout_s:g} s?):\n{_tail(stderr)}")
        stats = json.loads(stats_file.read_text())
    if stop is not None and stop.is_set() and "wall_s" not in stats:
        return ChildRun(0.0, 0.0, -9, stdout, stderr, {}, stats["started"])
    result = _result_of(stdout)
    rss = float(result["vm_hwm_mb"]) if "vm_hwm_mb" in result else stats["maxrss_kb"] / 1024.0
    run = ChildRun(stats["wall_s"], rss, int(stats["returncode"]), stdout, stderr, result, stats["started"],
                   stats["cpu_s"])
    if check and run.returncode != 0:
        raise BenchError(f"{' '.join(argv[:6])} ... exited {run.returncode}:\n{_tail(stdout)}\n{_tail(stderr)}")
    return run


def run_worker(module: str, function: str, args: Mapping[str, Any], *, timeout_s: float = 900.0,
               env: Mapping[str, str] | None = None) -> ChildRun:
    """Run ``bench.<module>.<function>(**args)`` in a fresh interpreter (see bench/worker.py)."""
    run = run_child([sys.executable, "-m", "bench.worker", module, function, json.dumps(args)],
                    timeout_s=timeout_s, env=env)
    if not run.result:
        raise BenchError(f"worker {module}.{function} printed no result:\n{_tail(run.stdout)}\n{_tail(run.stderr)}")
    return run


def _result_of(stdout: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return dict(json.loads(line[len(RESULT_PREFIX):]))
    return {}


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # the child's own session: only what we started
    except ProcessLookupError:
        pass


def _tail(text: str, n: int = 2000) -> str:
    return text[-n:]
