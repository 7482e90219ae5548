"""What "the harness survived a hostile server" means, checked on one finished run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.tooling.casefiles import all_cases
from tests.tooling.harness import HarnessRun, run_harness
from tests.tooling.hostile.modes import Mode
from tests.tooling.hostile.server import HostileServer

RSS_LIMIT_MB = 600.0
# Per case, beyond its requests' own timeouts (scheduling on a busy 2-core machine).
CASE_SLACK_S = 1.5
# The first case of each harness process also builds the fixture corpus and waits for the seeding lock.
SETUP_SLACK_S = 15.0
MEDIAN_SLACK_S = 0.5  # the typical case: its requests' timeouts and hardly anything more
BAD_VERDICTS = ("fail", "error", "warn", "info")
# What a traceback looks like once pytest has formatted it, besides Python's own header.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|harness bug|^\S+\.py:\d+: \w+(Error|Exception)\b", re.MULTILINE)


def answered_benignly(case: dict[str, Any]) -> bool:
    """Every request of the case went to the one path the hostile server answers well (storing)."""
    exchanges = case.get("exchanges") or []
    return bool(exchanges) and all(e.get("method") == "POST" and e.get("resource") == "/studies" for e in exchanges)


@dataclass(frozen=True)
class HostileRun:
    mode: Mode
    run: HarnessRun
    timeout_s: float
    requests_seen: int
    connections: int
    processes: int  # harness processes that ran cases (xdist workers, or 1)


def run_hostile(mode: Mode, report_dir: Path, *, timeout_s: float, select: tuple[str, ...] = (),
                workers: int = 0, wall_limit_s: float = 600.0) -> HostileRun:
    with HostileServer(mode.behaviour, mode.seeding) as server:
        url, uri = server.url, server.uri_url
        if mode.scheme == "https":
            url, uri = url.replace("http://", "https://"), uri.replace("http://", "https://")
        extra = ["-n", str(workers)] if workers else []
        run = run_harness(url, report_dir, uri_url=uri, timeout_s=timeout_s, select=[",".join(select)] if select else [],
                          extra=extra, wall_limit_s=wall_limit_s)
        return HostileRun(mode, run, timeout_s, server.requests, server.connections, max(1, workers))


def problems(hostile: HostileRun, vacuous: frozenset[str] = frozenset()) -> list[str]:
    """Everything that is wrong with how the harness came through; empty when it survived.

    `vacuous`: cases that pass against a server offering nothing at all (404 everywhere); a
    hostile server may let those pass too without anything being wrong.
    """
    run, found = hostile.run, []
    if run.exit_code is None:
        return [f"killed after {run.duration_s:.0f} s: the run did not finish by itself"]
    if run.exit_code not in (0, 1):
        found.append(f"pytest exit code {run.exit_code} (interrupted or internal error)")
    if not (run.report_dir / "results.json").exists():
        return found + [f"no results.json; output tail: {run.tail(800)}"]
    steps = {c.id: c.steps for c in all_cases()}

    def requests(case: dict[str, Any]) -> int:  # a check may send requests of its own (e.g. following URIs)
        return max(steps.get(case["id"], 1), len(case.get("exchanges") or []))

    over = sorted(((c["duration_s"] - requests(c) * hostile.timeout_s, c["id"]) for c in run.cases), reverse=True)
    for extra, case_id in over[:hostile.processes]:  # one first case per process pays the set-up
        if extra > SETUP_SLACK_S:
            found.append(f"{case_id}: {extra:.1f} s beyond its requests' timeouts, more than the {SETUP_SLACK_S:g} s set-up")
    for extra, case_id in over[hostile.processes:]:
        if extra > CASE_SLACK_S:
            found.append(f"{case_id}: {extra:.1f} s beyond its requests' timeouts ({hostile.timeout_s:g} s each)")
    for case in run.cases:
        verdict, message = case["verdict"], case["message"]
        if verdict == "skip" and message.startswith(("not claimed", "not offered")) and "\n" not in message:
            continue  # an optional feature the user did not claim, or that the server showed it does not offer
        if verdict == "pass" and (hostile.mode.lenient or answered_benignly(case) or case["id"] in vacuous):
            continue  # a case that looks only at what this well-framed answer gets right
        if verdict not in BAD_VERDICTS:
            found.append(f"{case['id']}: verdict {verdict} ({message[:120]})")
        if not message.strip() or "\n" in message:
            found.append(f"{case['id']}: message is not one line: {message[:200]!r}")
    durations = sorted(c["duration_s"] for c in run.cases if c["verdict"] != "skip")
    if durations and durations[len(durations) // 2] > hostile.timeout_s * 2 + MEDIAN_SLACK_S:
        found.append(f"the median case took {durations[len(durations) // 2]:.2f} s with a {hostile.timeout_s:g} s timeout")
    found += [f"a traceback in {name}: {m.group(0)!r}" for name, text in run.artifact_texts()
              if (m := TRACEBACK.search(text))]
    if run.peak_rss_mb > RSS_LIMIT_MB:
        found.append(f"peak RSS {run.peak_rss_mb:.0f} MB exceeds {RSS_LIMIT_MB:.0f} MB")
    return found


def summary(hostile: HostileRun) -> str:
    from collections import Counter

    run = hostile.run
    counts = Counter(c["verdict"] for c in run.cases) if (run.report_dir / "results.json").exists() else Counter()
    longest = max((c["duration_s"] for c in run.cases), default=0.0) if counts else 0.0
    passed = [c["id"] for c in run.cases if c["verdict"] == "pass" and not answered_benignly(c)] if counts else []
    return (f"{hostile.mode.name}: {run.duration_s:.1f} s, peak RSS {run.peak_rss_mb:.0f} MB, "
            f"longest case {longest:.2f} s, {dict(counts)}, {hostile.requests_seen} requests on "
            f"{hostile.connections} connections"
            + (f"; passed against it: {', '.join(passed)}" if passed else ""))
