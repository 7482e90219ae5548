"""Collection and start-up: 5,000 generated YAML cases vs 5,000 trivial Python tests; command to first request.

Collection runs ``pytest --collect-only`` in fresh processes with the same plugins loaded
(the harness plugin is an entry point, so it loads for the Python tests too); an empty
folder gives the start-up cost, so the per-case cost can be told apart from it.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
import time

from bench.context import Context, alternate, ratio_row
from bench.proc import BenchError, ChildRun, run_child, run_worker
from bench.results import Row

COLLECTED_RE = re.compile(r"(\d+) tests? collected")


class _Collect:
    NAME = "collect"
    TITLE = "collecting 5,000 YAML cases vs 5,000 Python tests"
    NEEDS_SERVER = False

    @staticmethod
    def run(ctx: Context) -> None:
        cases = ctx.pick(100, 5000)
        root = ctx.workdir / "collect"
        run_worker("collect_work", "write_inputs", {"root": str(root), "cases": cases})

        def collect(sub: str, expect: int) -> ChildRun:
            argv = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "."]
            got = run_child(argv, cwd=root / sub, check=False)
            found = COLLECTED_RE.search(got.stdout)
            count = int(found.group(1)) if found else 0
            if count != expect or got.returncode not in (0, 5):
                raise BenchError(f"collecting {sub}: {count} items (expected {expect}), exit {got.returncode}:\n"
                                 f"{got.stdout[-1500:]}{got.stderr[-1500:]}")
            return got

        runs = alternate(ctx.reps, {"yaml": lambda: collect("yaml", cases), "python": lambda: collect("python", cases),
                                    "empty": lambda: collect("empty", 0)}, warmup=ctx.warm)
        wall = {k: [r.wall_s for r in v] for k, v in runs.items()}
        name = _Collect.NAME
        ctx.add(Row(name, f"{cases} YAML cases: command seconds", "s", tuple(wall["yaml"])))
        ctx.add(Row(name, f"{cases} Python tests: command seconds", "s", tuple(wall["python"])))
        ctx.add(Row(name, "no tests (start-up only): command seconds", "s", tuple(wall["empty"])))
        ctx.add(ratio_row(name, "YAML / Python, whole command", wall["yaml"], wall["python"]))
        # Per-item cost from CPU time: wall-clock differences of separate runs are too noisy on a shared machine.
        cpu = {k: [r.cpu_s for r in v] for k, v in runs.items()}
        # On a loaded machine the start-up run can cost more CPU than a 100-test run; such a repetition
        # says nothing about per-item cost, so it is left out rather than reported as a negative cost.
        net = [(y - e, p - e) for y, p, e in zip(cpu["yaml"], cpu["python"], cpu["empty"]) if y > e and p > e]
        if net:
            net_yaml, net_py = [y for y, _ in net], [p for _, p in net]
            ctx.add(ratio_row(name, "YAML / Python, CPU time, start-up subtracted", net_yaml, net_py))
            ctx.add(Row(name, "CPU per YAML case", "ms", tuple(1000 * n / cases for n in net_yaml)))
            ctx.add(Row(name, "CPU per Python test", "ms", tuple(1000 * n / cases for n in net_py)))
        if len(net) < len(cpu["empty"]):
            ctx.note(name, f"{len(cpu['empty']) - len(net)} of {len(cpu['empty'])} repetitions left out of the "
                           "per-item CPU figures: start-up CPU exceeded the collection run's (machine noise)")
        ctx.add(Row(name, f"{cases} YAML cases: peak RSS", "MB", tuple(r.peak_rss_mb for r in runs["yaml"])))


class _FirstRequest:
    """A loopback listener that notes when the first request arrives and answers every request 503."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.first: float | None = None
        self.seen = threading.Event()
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                data = conn.recv(65536)
                if data and self.first is None:
                    self.first = time.perf_counter()
                    self.seen.set()
                conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass

    def reset(self) -> None:
        self.first = None
        self.seen = threading.Event()

    def close(self) -> None:
        self._stop = True
        self.sock.close()


class _Startup:
    NAME = "startup"
    TITLE = "time from command to first request"
    NEEDS_SERVER = False

    @staticmethod
    def run(ctx: Context) -> None:
        listener = _FirstRequest()
        base = f"http://127.0.0.1:{listener.port}"
        try:
            def first_request(argv: list[str]) -> float:
                listener.reset()
                got = run_child(argv, check=False, timeout_s=300, stop=listener.seen)  # stopped at the first request
                if listener.first is None:
                    errors = [line for line in (got.stdout + got.stderr).splitlines() if "error" in line.lower()]
                    raise BenchError(f"{' '.join(argv[1:4])} sent no request: " + (" | ".join(errors[:4]) or got.stderr[-800:]))
                return listener.first - got.started

            report = ctx.workdir / "startup-report"
            harness = [sys.executable, "-m", "conformance.cli", "run", "--target", f"{base}/dicom-web",
                       "--uri-url", f"{base}/wado", "--report-dir", str(report), "--no-html", "-q"]
            plain = [sys.executable, "-c", f"import httpx; httpx.get('{base}/dicom-web/studies')"]
            samples: dict[str, list[float]] = {"harness": [], "httpx": []}
            if ctx.warm:
                first_request(harness)  # untimed: warms the bytecode caches
            for rep in range(ctx.reps):
                for name in (("harness", "httpx") if rep % 2 == 0 else ("httpx", "harness")):
                    samples[name].append(first_request(harness if name == "harness" else plain))
        finally:
            listener.close()
        name = _Startup.NAME
        ctx.add(Row(name, "harness run: command to first request", "s", tuple(samples["harness"])))
        ctx.add(Row(name, "python -c 'httpx.get(...)': command to first request", "s", tuple(samples["httpx"])))
        ctx.add(ratio_row(name, "harness / plain httpx, time to first request", samples["harness"], samples["httpx"]))
        ctx.note(name, "the harness's first request is the STOW-RS of the fixture corpus, after collecting "
                       "every case and building the corpus")


MEASUREMENTS = (_Collect, _Startup)
