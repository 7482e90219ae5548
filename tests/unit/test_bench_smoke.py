"""The benchmark suite keeps working: its smoke size runs end to end and writes its files.

Timings are never asserted (machines are shared and noisy); what is checked is that the
measurements complete, that the numbers they compare come from the same inputs, and that
the bookkeeping (ratios, verdicts, files) is right.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bench.context import alternate, ratio_row
from bench.multipart_work import PARSERS, write_body
from bench.proc import ChildRun, run_child
from bench.results import Report, Row, Target, markdown, text_table, write

ROOT = Path(__file__).resolve().parents[2]


def _run(n: float) -> ChildRun:
    return ChildRun(wall_s=n, peak_rss_mb=1.0, returncode=0, stdout="", stderr="")


def test_smoke_run_without_a_server_completes_and_writes_json_and_markdown(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "bench", "--size", "smoke", "--no-server", "-q", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written == [".json", ".md"]
    doc = json.loads(next(tmp_path.glob("*.json")).read_text())
    measured = {row["measurement"] for row in doc["rows"]}
    assert {"multipart", "json_validate", "collect", "startup"} <= measured
    assert all(row["values"] and row["median"] >= 0 for row in doc["rows"])
    assert {s["measurement"] for s in doc["skipped"]} >= {"suite", "retrieve"}  # --no-server
    table = next(tmp_path.glob("*.md")).read_text()
    assert "| measurement | metric | median |" in table


def test_unknown_measurement_name_is_a_usage_error() -> None:
    proc = subprocess.run([sys.executable, "-m", "bench", "no-such-measurement"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "unknown measurement" in proc.stderr and "Traceback" not in proc.stderr


def test_a_ratio_row_divides_samples_of_the_same_repetition() -> None:
    row = ratio_row("m", "a / b", [2.0, 9.0, 4.0], [1.0, 3.0, 4.0], Target("<=", 1.5))
    assert row.values == (2.0, 3.0, 1.0)
    assert (row.median, row.low, row.high) == (2.0, 1.0, 3.0)
    assert row.verdict == "missed"


def test_the_verdict_judges_the_median_against_the_target() -> None:
    assert Row("m", "x", "x", (0.8, 0.95, 2.0), Target(">=", 0.9)).verdict == "met"
    assert Row("m", "x", "MB", (250.0,), Target("<=", 200)).verdict == "missed"
    assert Row("m", "x", "s", (1.0,)).verdict == ""


def test_alternate_rotates_the_order_so_drift_hits_every_variant() -> None:
    order: list[str] = []

    def variant(name: str):  # type: ignore[no-untyped-def]
        return lambda: (order.append(name), _run(1.0))[1]

    runs = alternate(3, {"a": variant("a"), "b": variant("b"), "c": variant("c")})
    assert order == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]
    assert all(len(v) == 3 for v in runs.values())


def test_a_warm_up_runs_each_variant_once_untimed() -> None:
    calls: list[str] = []
    runs = alternate(2, {"a": lambda: (calls.append("a"), _run(1.0))[1]}, warmup=True)
    assert len(calls) == 3 and len(runs["a"]) == 2


def test_results_are_written_as_json_and_markdown_without_overwriting(tmp_path: Path) -> None:
    report = Report(size="smoke", started=datetime(2026, 1, 2, 3, 4, 5))
    report.rows.append(Row("m", "metric with | pipe", "MB/s", (1.0, 2.0, 3.0)))
    first = write(report, tmp_path)
    second = write(report, tmp_path)
    assert first[0].name == "2026-01-02.json" and second[0].name == "2026-01-02-030405.json"
    assert json.loads(first[0].read_text())["rows"][0]["median"] == 2.0
    assert "metric with \\| pipe" in markdown(report)
    assert "1.00–3.00" in text_table(report.rows)


def test_a_childs_peak_rss_is_its_own_not_its_parents() -> None:
    big = run_child([sys.executable, "-c", "x = bytearray(150 << 20); x[::4096] = b'1' * len(x[::4096])"])
    small = run_child([sys.executable, "-c", "pass"])
    assert big.peak_rss_mb > 150
    assert small.peak_rss_mb < 60  # a bare interpreter, even when the test process is larger
    assert big.wall_s > 0 and big.returncode == 0


def test_both_multipart_parsers_see_the_same_parts_of_a_generated_body(tmp_path: Path) -> None:
    body = tmp_path / "body.bin"
    made = write_body(str(body), parts=25, part_bytes=3000)
    data = body.read_bytes()
    assert made["bytes"] == len(data)
    chunks = [data[i:i + 777] for i in range(0, len(data), 777)]
    results = {name: parse(iter(chunks)) for name, parse in PARSERS.items()}
    assert set(results.values()) == {(25, 25 * 3000)}


@pytest.mark.parametrize("bad", [["--reps", "-1"], ["--engine", "/nonexistent"]])
def test_bad_options_are_refused_with_one_line(bad: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "bench", *bad], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
