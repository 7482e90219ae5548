"""Retrieve throughput and memory: a large generated study, harness vs plain httpx vs curl.

The harness side is its own HttpClient (streamed to a spool) plus the checks a study retrieve
case runs (multipart framing, every part compared with the stored instance). Variants with
httpcore's read size raised to 1 MiB show what that private knob gives (tooling.md §4).
"""

from __future__ import annotations

import shutil
from dataclasses import replace

from bench.clients import RETRIEVE_ACCEPT
from bench.context import Context, alternate, ratio_row, throughput
from bench.proc import BenchError, ChildRun, run_child, run_worker
from bench.results import Row, Target
from bench.studygen import StudySpec

NAME = "retrieve"
TITLE = "retrieve throughput and memory (large study)"
NEEDS_SERVER = True
ONE_MIB = 1 << 20


def _curl(url: str) -> ChildRun:
    run = run_child(["curl", "-sS", "-o", "/dev/null", "-H", f"Accept: {RETRIEVE_ACCEPT}",
                     "-w", "%{size_download} %{time_total}", url])
    size, seconds = run.stdout.split()
    return replace(run, result={"bytes": float(size), "seconds": float(seconds)})


def run(ctx: Context) -> None:
    spec = StudySpec(f"retrieve-{ctx.size}", ctx.pick(48, 1024), 512, 1024)
    server = ctx.orthanc()
    server.wipe()
    ctx.log(f"storing the {spec.instances}-instance study (~{spec.instances * spec.pixel_bytes / 1e6:.0f} MB)")
    stored = run_worker("studygen", "store", {"base_url": server.base_url, "spec": spec.to_json()})
    url = f"{server.base_url}/studies/{spec.study_uid}"
    study = spec.to_json()
    variants = {
        "httpx": lambda: run_worker("clients", "httpx_stream", {"url": url}),
        "httpx 1 MiB reads": lambda: run_worker("clients", "httpx_stream", {"url": url, "read_bytes": ONE_MIB}),
        "httpx + spool file": lambda: run_worker("clients", "httpx_stream", {"url": url, "spool": True}),
        "harness transport": lambda: run_worker("clients", "harness_retrieve", {"url": url, "checks": False}),
        "harness transport, 1 MiB reads": lambda: run_worker(
            "clients", "harness_retrieve", {"url": url, "checks": False, "read_bytes": ONE_MIB}),
        "harness + checks": lambda: run_worker("clients", "harness_retrieve", {"url": url, "study": study}),
        "harness + checks, 1 MiB reads": lambda: run_worker(
            "clients", "harness_retrieve", {"url": url, "study": study, "read_bytes": ONE_MIB}),
    }
    if shutil.which("curl"):
        variants["curl"] = lambda: _curl(url)
    else:
        ctx.note(NAME, "curl is not installed: no curl row")
    ctx.log(f"retrieving {stored.get('bytes') / 1e6:.0f} MB, {len(variants)} clients x {ctx.reps} runs")
    runs = alternate(ctx.reps, variants, warmup=ctx.warm)
    for name, samples in runs.items():
        problems = [p for s in samples for p in s.result.get("problems", [])]
        if problems:
            raise BenchError(f"{name}: the checks found problems in a correct study: {problems[:3]}")
    mbps = {name: [throughput(s) for s in samples] for name, samples in runs.items()}
    for name, values in mbps.items():
        ctx.add(Row(NAME, f"{name} MB/s", "MB/s", tuple(values)))
    for name, samples in runs.items():
        target = Target("<=", 200) if name.startswith("harness") else None
        ctx.add(Row(NAME, f"{name} peak RSS", "MB", tuple(s.peak_rss_mb for s in samples), target))
    base = mbps["httpx"]
    ctx.add(ratio_row(NAME, "harness + checks / httpx throughput", mbps["harness + checks"], base, Target(">=", 0.9)))
    ctx.add(ratio_row(NAME, "harness transport / httpx throughput", mbps["harness transport"], base, Target(">=", 0.9)))
    ctx.add(ratio_row(NAME, "harness transport (1 MiB reads) / httpx", mbps["harness transport, 1 MiB reads"], base,
                      Target(">=", 0.9)))
    ctx.add(ratio_row(NAME, "harness + checks (1 MiB reads) / httpx", mbps["harness + checks, 1 MiB reads"], base,
                      Target(">=", 0.9)))
    ctx.add(ratio_row(NAME, "httpx 1 MiB reads / httpx", mbps["httpx 1 MiB reads"], base))
    ctx.add(ratio_row(NAME, "httpx + spool file / httpx (what spooling alone costs)", mbps["httpx + spool file"], base))
    ctx.add(ratio_row(NAME, "harness transport / (httpx + spool file)", mbps["harness transport"], mbps["httpx + spool file"]))
    if "curl" in mbps:
        ctx.add(ratio_row(NAME, "curl / httpx", mbps["curl"], base))
    fetch = [s.get("fetch_seconds") / s.get("seconds") for s in runs["harness + checks"]]
    ctx.add(Row(NAME, "harness: share of time in download+spool", "x", tuple(fetch)))
    ctx.note(NAME, "the expected side holds datasets and a fingerprint (length, CRC-32) of each stored data set, not "
                   "the bytes (1 GB would not fit the memory target): a part is recognised as verbatim from its file "
                   "meta and fingerprint, a re-encoded one would be compared attribute by attribute")
    ctx.note(NAME, f"study: {spec.instances} instances of {spec.rows}x{spec.columns}x16 bit, "
                   f"{stored.get('bytes') / 1e6:.0f} MB stored by STOW-RS in {stored.get('seconds'):.1f} s")
    server.wipe()
