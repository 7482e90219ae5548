"""Store, search (limit/offset paging) and retrieve of a 1,000-instance study: harness vs plain httpx.

Every operation is timed in its own fresh process, harness and httpx alternating; stores meet
an emptied server each time. The harness side includes the checks a case would run.
"""

from __future__ import annotations

from bench.clients import RETRIEVE_ACCEPT
from bench.context import Context, alternate, ratio_row
from bench.proc import BenchError, ChildRun, run_worker
from bench.results import Row
from bench.studygen import StudySpec

NAME = "study1000"
TITLE = "store, search (paging) and retrieve of a 1,000-instance study"
NEEDS_SERVER = True


def _ok(runs: dict[str, list[ChildRun]], what: str) -> None:
    for name, samples in runs.items():
        problems = [p for s in samples for p in s.result.get("problems", [])]
        if problems:
            raise BenchError(f"{what} via {name}: {problems[:3]}")


def run(ctx: Context) -> None:
    spec = StudySpec(f"study-{ctx.size}", ctx.pick(100, 1000), 64, 64)
    server = ctx.orthanc()
    study = spec.to_json()
    base = server.base_url
    stores = alternate(ctx.reps, {c: (lambda c=c: run_worker("study_work", "store", {"base_url": base, "spec": study, "client": c}))
                                  for c in ("harness", "httpx")}, between=server.wipe, warmup=ctx.warm)
    _ok(stores, "store")
    server.wipe()
    run_worker("studygen", "store", {"base_url": base, "spec": study, "batch": 100})
    searches = alternate(ctx.reps, {c: (lambda c=c: run_worker("study_work", "search", {"base_url": base, "spec": study, "client": c}))
                                    for c in ("harness", "httpx")}, warmup=ctx.warm)
    _ok(searches, "search")
    url = f"{base}/studies/{spec.study_uid}"
    retrieves = alternate(ctx.reps, {
        "harness": lambda: run_worker("clients", "harness_retrieve", {"url": url, "study": study, "expected_bytes": True}),
        "httpx": lambda: run_worker("clients", "httpx_stream", {"url": url, "accept": RETRIEVE_ACCEPT})}, warmup=ctx.warm)
    _ok(retrieves, "retrieve")
    for op, runs in (("store", stores), ("search", searches), ("retrieve", retrieves)):
        seconds = {c: [s.get("seconds") for s in samples] for c, samples in runs.items()}
        ctx.add(Row(NAME, f"{op}: harness seconds", "s", tuple(seconds["harness"])))
        ctx.add(Row(NAME, f"{op}: httpx seconds", "s", tuple(seconds["httpx"])))
        ctx.add(ratio_row(NAME, f"{op}: harness / httpx time", seconds["harness"], seconds["httpx"]))
    first = stores["httpx"][0].result
    ctx.note(NAME, f"{spec.instances} instances of {spec.rows}x{spec.columns}: {first['bytes'] / 1e6:.1f} MB in "
                   f"{first['requests']} STOW-RS requests; search paged {int(searches['harness'][0].get('pages'))} "
                   f"pages of 100 (limit/offset)")
    server.wipe()
