"""The stand-alone benchmark scripts other parts of the project keep in bench/, run as they are.

Each script prints its own numbers; they are copied into the report's notes. A script that is
not there yet is skipped (not failed). The large-retrieve script runs at full size only.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.context import Context
from bench.proc import BenchError, Unavailable, run_child

HERE = Path(__file__).resolve().parent


def _run_script(ctx: Context, name: str, script: str, args: list[str], timeout_s: float) -> None:
    path = HERE / script
    if not path.exists():
        raise Unavailable(f"bench/{script} is not there (yet)")
    got = run_child([sys.executable, str(path), *args], check=False, timeout_s=timeout_s)
    if got.returncode != 0:
        output = (got.stderr or got.stdout).strip().splitlines() or [""]
        # The last line names the error (a traceback's first lines do not); the tail follows for context.
        raise BenchError(f"bench/{script} exited {got.returncode}: {output[-1][:200]}\n" + "\n".join(output[-12:]))
    for line in got.stdout.strip().splitlines()[-25:]:
        ctx.note(name, f"`{line.strip()}`")
    ctx.note(name, f"(bench/{script} {' '.join(args)}: {got.wall_s:.1f} s, peak RSS {got.peak_rss_mb:.0f} MB)")


class _JsonScript:
    NAME = "json_script"
    TITLE = "bench/bench_json_validate.py as it is"
    NEEDS_SERVER = False

    @staticmethod
    def run(ctx: Context) -> None:
        args = ["--megabytes", "2", "--repeat", "1"] if ctx.smoke else ["--megabytes", "50", "--repeat", str(ctx.reps)]
        _run_script(ctx, _JsonScript.NAME, "bench_json_validate.py", args, 900)


class _LargeRetrieveScript:
    NAME = "large_retrieve_script"
    TITLE = "bench/bench_large_retrieve.py as it is (full size only)"
    NEEDS_SERVER = False  # the script brings whatever it needs

    @staticmethod
    def run(ctx: Context) -> None:
        if ctx.smoke:
            raise Unavailable("runs at --size full only")
        _run_script(ctx, _LargeRetrieveScript.NAME, "bench_large_retrieve.py", [], 3600)


MEASUREMENTS = (_JsonScript, _LargeRetrieveScript)
