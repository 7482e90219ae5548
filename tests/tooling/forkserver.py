"""A warm harness launcher: runs `pytest ARGS` in a forked copy of a process that has already
imported the harness, so each of the mutation suite's many short runs skips ~2 s of start-up.

Each run is still a separate process with its own fresh pytest session (pytest.main in a
child made by fork()), exactly the command a user types, minus the import time. The server
is single-threaded, so forking it is safe. Protocol on stdin/stdout, one JSON object per
line: a request {"argv", "cwd", "stdout", "stderr"} is answered by {"pid"} at once and by
{"code", "maxrss_kb"} when the child ends.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any


def _warm_up() -> None:
    """Import and cache what every run needs. Best effort: a refactored engine only makes this slower."""
    import pytest  # noqa: F401

    for step in ("import conformance.plugin, conformance.session, conformance.runner.execute, conformance.checks",
                 "from conformance.catalog import load_catalog; load_catalog(())",
                 "from conformance.cases.parse import _validator; _validator()",
                 "import conformance_fixtures as f; f.build_corpus(f.new_run_id())",
                 "import allure_pytest.plugin, xdist.plugin, PIL.Image",
                 # every installed pytest plugin, as pytest.main would load them
                 "import importlib.metadata as m; [e.load() for e in m.entry_points(group='pytest11')]"):
        try:
            exec(step, {})  # noqa: S102 (fixed strings, warm-up only)
        except Exception:  # noqa: BLE001
            pass


def serve() -> None:
    _warm_up()
    gc.freeze()  # the warm heap is never collected again: children's gc.collect() stays cheap
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(json.dumps({"pid": pid}), flush=True)
        _, status, usage = os.wait4(pid, 0)
        print(json.dumps({"code": os.waitstatus_to_exitcode(status), "maxrss_kb": usage.ru_maxrss}), flush=True)


def _child(request: dict[str, Any]) -> None:
    code = 70
    try:
        os.setsid()  # its own process group, like a subprocess started with start_new_session
        os.chdir(request["cwd"])
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        import pytest

        code = int(pytest.main(request["argv"]))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class ForkServer:
    """One warm launcher process; runs one harness at a time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.tooling.forkserver"], cwd=root, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=1)

    def run(self, argv: list[str], stdout: Path, stderr: Path, wall_limit_s: float) -> tuple[int | None, int]:
        """(exit code or None if killed at the limit, peak RSS in KiB)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"argv": argv, "cwd": str(self.root), "stdout": str(stdout),
                                          "stderr": str(stderr)}) + "\n")
        self.proc.stdin.flush()
        pid = json.loads(self.proc.stdout.readline())["pid"]
        killed = not select.select([self.proc.stdout], [], [], wall_limit_s)[0]
        if killed:
            os.killpg(pid, signal.SIGKILL)  # the child we started, by its id
        done = json.loads(self.proc.stdout.readline())
        return (None if killed else done["code"]), done["maxrss_kb"]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


if __name__ == "__main__":
    serve()
