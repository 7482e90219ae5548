"""The mutation lab: real servers, their baselines, and one harness run per mutation.

Every server runs behind the proxy with all repairs on (no-ops where the server already
conforms). The baseline is one full harness run per server; a mutation is then judged on
the cases it names that passed at baseline, in one run restricted to them. Outcomes are
cached as JSON files under a folder shared by all xdist workers, each computed under a
file lock, so no mutation is run twice in a session however the tests are distributed.
"""

from __future__ import annotations

import fcntl
import json
import queue
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from conformance.targets.orthanc import OrthancTarget
from conformance.targets.tinypacs import TinyPacsTarget
from tests.tooling.casefiles import all_cases
from tests.tooling.forkserver import ForkServer
from tests.tooling.harness import ROOT, HarnessRun, run_harness
from tests.tooling.mutations import Mutation
from tests.tooling.proxy import MutatingProxy
from tests.tooling.repairs import REPAIRS

SERVERS = ("orthanc", "tinypacs")
RANK = {"pass": 0, "info": 1, "warn": 2, "fail": 3}  # how far a verdict is from conforming
JUDGEABLE = ("pass", "info", "warn")


@dataclass(frozen=True)
class Baseline:
    server: str
    run_id: str
    report_dir: Path
    verdicts: dict[str, str]
    sources: dict[str, str]  # case id -> case file (relative to the project root)

    @classmethod
    def of(cls, server: str, run: HarnessRun) -> "Baseline":
        cases = run.cases
        return cls(server, run.results["run_id"], run.report_dir, {c["id"]: c["verdict"] for c in cases},
                   {c["id"]: c["source"].rsplit(":", 1)[0] for c in cases})


@dataclass(frozen=True)
class Outcome:
    mutation: str
    server: str
    judged: tuple[str, ...]  # the mutation's cases that passed at baseline
    caught_by: tuple[str, ...]  # judged cases that no longer pass
    verdicts: dict[str, str]  # verdict of each judged case with the mutation on
    messages: dict[str, str]
    duration_s: float
    problem: str = ""  # the mutated run itself went wrong (no verdict for a judged case)
    touched: int = 0  # exchanges the mutation actually changed (0: it found nothing to break here)

    @property
    def applicable(self) -> bool:
        return bool(self.judged) and self.touched > 0

    @property
    def detected(self) -> bool:
        return bool(self.caught_by)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "Outcome":
        raw = dict(raw)
        raw["judged"], raw["caught_by"] = tuple(raw["judged"]), tuple(raw["caught_by"])
        return cls(**raw)


@cache
def writing_cases() -> frozenset[str]:
    return frozenset(c.id for c in all_cases() if c.writes)


def caught(before: str, after: str) -> bool:
    return after in RANK and RANK[after] > RANK.get(before, 99)


class Launchers:
    """Warm harness launchers, one per concurrent run."""

    def __init__(self) -> None:
        self._idle: queue.SimpleQueue[ForkServer] = queue.SimpleQueue()
        self._all: list[ForkServer] = []
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self) -> Iterator[ForkServer]:
        try:
            launcher = self._idle.get_nowait()
        except queue.Empty:
            launcher = ForkServer(ROOT)
            with self._lock:
                self._all.append(launcher)
        try:
            yield launcher
        finally:
            self._idle.put(launcher)

    def close(self) -> None:
        for launcher in self._all:
            launcher.close()


class LiveServer:
    """One real target started by this process, and its baseline behind the repairing proxy."""

    def __init__(self, name: str, work: Path, launchers: Launchers) -> None:
        self.name, self.work, self.launchers = name, work, launchers
        self.target: Any = OrthancTarget() if name == "orthanc" else TinyPacsTarget()
        self.target.start()
        self.uri_url: str | None = getattr(self.target, "wado_uri", None)
        self._lazy = threading.Lock()
        self._raw: Baseline | None = None
        self._direct: Baseline | None = None
        run = self.run(REPAIRS, self.work / f"{name}-baseline")
        if "during collection" in run.stdout or not (run.report_dir / "results.json").exists():
            self.stop()
            raise RuntimeError(f"the baseline run against {name} did not collect every case:\n{run.tail()}")
        self.baseline = Baseline.of(name, run)

    def raw(self) -> Baseline:
        """A full run behind the proxy with no layer at all (what the server itself answers)."""
        with self._lazy:
            if self._raw is None:
                self._raw = Baseline.of(self.name, self.run((), self.work / f"{self.name}-raw"))
            return self._raw

    def direct(self) -> Baseline:
        """A full run straight against the server, no proxy."""
        with self._lazy:
            if self._direct is None:
                report = self.work / f"{self.name}-direct"
                with self.launchers.borrow() as launcher:
                    run = run_harness(self.target.base_url, report, uri_url=self.uri_url, launcher=launcher)
                self._direct = Baseline.of(self.name, run)
            return self._direct

    def proxy(self, layers: tuple[Mutation, ...]) -> MutatingProxy:
        return MutatingProxy(self.target.base_url, layers)

    def run(self, layers: tuple[Mutation, ...], report_dir: Path, **options: Any) -> HarnessRun:
        return self.run_counted(layers, report_dir, **options)[0]

    def run_counted(self, layers: tuple[Mutation, ...], report_dir: Path, **options: Any) -> tuple[HarnessRun, Counter[str]]:
        """A harness run behind the proxy, and how many exchanges each layer changed."""
        with self.proxy(layers) as proxy, self.launchers.borrow() as launcher:
            uri = proxy.url_for(self.uri_url) if self.uri_url else None
            run = run_harness(proxy.url_for(self.target.base_url), report_dir, uri_url=uri, launcher=launcher, **options)
            return run, proxy.changed

    def run_cases(self, layers: tuple[Mutation, ...], cases: tuple[str, ...], report_dir: Path,
                  baseline: Baseline) -> tuple[HarnessRun, Counter[str]]:
        """Run only these cases; when none of them writes, they reuse the baseline's stored fixture data
        (a case that stores gets a fresh run id, so it never stores the same UIDs twice)."""
        options: dict[str, Any] = {"select": [",".join(cases)], "paths": sorted({baseline.sources[c] for c in cases})}
        if not set(cases) & writing_cases():
            options.update(seed_from=baseline.report_dir, run_id=baseline.run_id)
        return self.run_counted(layers, report_dir, **options)

    def stop(self) -> None:
        self.target.stop()


class MutationLab:
    def __init__(self, shared: Path, work: Path) -> None:
        self.shared, self.work = shared, work
        self.shared.mkdir(parents=True, exist_ok=True)
        self.work.mkdir(parents=True, exist_ok=True)
        self._servers: dict[str, LiveServer] = {}
        self._failed: dict[str, str] = {}
        self._start_lock = threading.Lock()
        self.launchers = Launchers()

    def server(self, name: str) -> LiveServer:
        with self._start_lock:
            if name in self._failed:  # fail fast: do not start the server again for every mutation
                raise RuntimeError(self._failed[name])
            if name not in self._servers:
                try:
                    self._servers[name] = LiveServer(name, self.work, self.launchers)
                except Exception as exc:
                    self._failed[name] = f"{type(exc).__name__}: {exc}"
                    raise
            return self._servers[name]

    def outcome(self, server: str, mutation: Mutation) -> Outcome:
        path = self.shared / f"{server}--{mutation.name}.json"
        with _file_lock(path.with_suffix(".lock")):
            if path.exists():
                return Outcome.from_json(json.loads(path.read_text()))
            result = self._measure(server, mutation)
            path.write_text(json.dumps(result.to_json(), indent=1))
            return result

    def _measure(self, server: str, mutation: Mutation) -> Outcome:
        live = self.server(server)
        base = live.baseline
        judged = tuple(c for c in mutation.cases if base.verdicts.get(c) in JUDGEABLE)
        if not judged:
            return Outcome(mutation.name, server, (), (), {}, {}, 0.0)
        run, changed = live.run_cases(REPAIRS + (mutation,), judged, self.work / f"{server}-{mutation.name}", base)
        after = {c["id"]: c for c in run.cases} if (run.report_dir / "results.json").exists() else {}
        verdicts = {c: after[c]["verdict"] if c in after else "missing" for c in judged}
        problem = "" if all(c in after for c in judged) else f"no verdict for every judged case (exit {run.exit_code}): " + \
            " | ".join(line for line in run.stdout.splitlines() if "error" in line.lower())[-600:]
        return Outcome(mutation.name, server, judged, tuple(c for c in judged if caught(base.verdicts[c], verdicts[c])),
                       verdicts, {c: after[c]["message"] for c in judged if c in after}, round(run.duration_s, 2), problem,
                       changed[mutation.name])

    def close(self) -> None:
        for live in self._servers.values():
            live.stop()
        self.launchers.close()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def measure_all(lab: MutationLab, pairs: list[tuple[str, Mutation]], threads: int = 2) -> dict[tuple[str, str], Outcome]:
    """Every (server, mutation) outcome, computing the missing ones a few at a time."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = {(s, m.name): pool.submit(lab.outcome, s, m) for s, m in pairs}
        return {key: f.result() for key, f in futures.items()}
