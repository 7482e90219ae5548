"""Running one measured child process: wall time, peak RSS (from wait4) and its result line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULT_PREFIX = "BENCH-RESULT "


class BenchError(Exception):
    """A measurement could not be taken (child failed, server missing...); reported, never a traceback."""


@dataclass(frozen=True)
class ChildRun:
    wall_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    result: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> float:
        if key not in self.result:
            raise BenchError(f"child result has no {key!r}: {dict(self.result)}")
        return float(self.result[key])


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    env.update(extra or {})
    return env


def run_child(argv: Sequence[str], *, timeout_s: float = 900.0, cwd: Path = ROOT,
              env: Mapping[str, str] | None = None, check: bool = True) -> ChildRun:
    """Run ``argv`` to completion; the child is reaped with wait4 so its own peak RSS is known."""
    out: list[bytes] = []
    err: list[bytes] = []
    started = time.perf_counter()
    proc = subprocess.Popen(list(argv), cwd=cwd, env=child_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out), (proc.stderr, err))]
    for reader in readers:
        reader.start()
    timer = threading.Timer(timeout_s, lambda: _kill_group(proc.pid))
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; stop Popen from waiting again
    for reader in readers:
        reader.join()
    stdout = b"".join(out).decode("utf-8", "replace")
    stderr = b"".join(err).decode("utf-8", "replace")
    run = ChildRun(wall, usage.ru_maxrss / 1024.0, proc.returncode, stdout, stderr, _result_of(stdout))
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
