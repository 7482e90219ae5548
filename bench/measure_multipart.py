"""Multipart parsing, from memory and from the wire: the harness's reader vs python-multipart.

Two bodies: large parts (1 MiB) and many small parts (10 KiB). From memory, each fresh process
times every parser once on the same bytes (order rotated per run). From the wire, a local
sendfile server serves the body and each variant downloads it in its own process; "raw" is the
download alone, so parse costs show as the gap to it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.context import Context, alternate, ratio_row
from bench.proc import BenchError, child_env, run_worker
from bench.results import Row

NAME = "multipart"
TITLE = "multipart parsing, memory and wire, vs python-multipart"
NEEDS_SERVER = False
MEMORY_VARIANTS = ["conformance parts", "python-multipart parts", "conformance events", "python-multipart events"]
WIRE_VARIANTS = ["raw", "conformance parts", "python-multipart parts", "harness"]


def _bodies(ctx: Context) -> dict[str, tuple[int, int]]:
    scale = ctx.pick(16, 256)  # MiB of part payload per body
    return {"large parts": (scale, 1 << 20), "small parts": (scale * 100, 10 << 10)}


def run(ctx: Context) -> None:
    files: dict[str, Path] = {}
    for label, (parts, part_bytes) in _bodies(ctx).items():
        path = ctx.workdir / f"multipart-{label.split()[0]}.bin"
        made = run_worker("multipart_work", "write_body", {"path": str(path), "parts": parts, "part_bytes": part_bytes})
        files[label] = path
        ctx.note(NAME, f"{label}: {parts} parts x {part_bytes // 1024} KiB = {made.get('bytes') / 1e6:.0f} MB")
    for label, path in files.items():
        _memory(ctx, label, path)
    _wire(ctx, files)


def _memory(ctx: Context, label: str, path: Path) -> None:
    for chunk_kib in ((64,) if ctx.smoke else (64, 1024)):
        samples: dict[str, list[float]] = {v: [] for v in MEMORY_VARIANTS}
        for rep in range(ctx.reps):
            order = MEMORY_VARIANTS[rep % 4:] + MEMORY_VARIANTS[:rep % 4]
            got = run_worker("multipart_work", "parse_memory", {"path": str(path), "variants": order, "chunk": chunk_kib << 10})
            for v in MEMORY_VARIANTS:
                samples[v].append(got.get("bytes") / 1e6 / got.get(v))
        where = f"memory, {label}, {chunk_kib} KiB chunks"
        for v in MEMORY_VARIANTS:
            ctx.add(Row(NAME, f"{where}: {v} MB/s", "MB/s", tuple(samples[v])))
        ctx.add(ratio_row(NAME, f"{where}: conformance / python-multipart (parts)",
                          samples["conformance parts"], samples["python-multipart parts"]))


def _wire(ctx: Context, files: dict[str, Path]) -> None:
    port_file = ctx.workdir / "wire-port"
    names = {label.split()[0]: path for label, path in files.items()}
    server = subprocess.Popen([sys.executable, "-m", "bench.multipart_work", str(port_file),
                               *(f"{n}={p}" for n, p in names.items())], env=child_env(), start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while not port_file.exists() or not port_file.read_text():
            if time.monotonic() > deadline or server.poll() is not None:
                raise BenchError("the local multipart server did not start")
            time.sleep(0.05)
        port = int(port_file.read_text())
        for label in files:
            url = f"http://127.0.0.1:{port}/{label.split()[0]}"
            runs = alternate(ctx.reps, {v: (lambda v=v: run_worker("multipart_work", "parse_wire", {"url": url, "variant": v}))
                                        for v in WIRE_VARIANTS}, warmup=ctx.warm)
            mbps = {v: [s.get("bytes") / 1e6 / s.get("seconds") for s in samples] for v, samples in runs.items()}
            for v in WIRE_VARIANTS:
                ctx.add(Row(NAME, f"wire, {label}: {v} MB/s", "MB/s", tuple(mbps[v])))
            ctx.add(ratio_row(NAME, f"wire, {label}: conformance / python-multipart (parts)",
                              mbps["conformance parts"], mbps["python-multipart parts"]))
            ctx.add(ratio_row(NAME, f"wire, {label}: harness (spool, then parts) / raw download",
                              mbps["harness"], mbps["raw"]))
    finally:
        server.terminate()
        server.wait(10)
