"""Coverage of the catalog: for every requirement, the cases that cite it and their verdicts."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..catalog import TRANSACTIONS, Catalog
from .runs import Run

TESTABLE = ("black-box", "needs-fixture")


def coverage(catalog: Catalog, cases: list[Any], runs: list[Run]) -> dict[str, Any]:
    citing: dict[str, list[str]] = defaultdict(list)
    for case in cases:
        for rid in case.requirements:
            citing[rid].append(case.id)
    rows = []
    for rid, req in sorted(catalog.requirements.items()):
        verdicts = {run.name: sorted({run.verdicts[c] for c in citing[rid] if c in run.verdicts}) for run in runs}
        rows.append({"id": rid, "section": req.section, "level": req.level, "transaction": req.transaction,
                     "testable": req.testable, "cases": sorted(citing[rid]), "verdicts": verdicts})
    per_tx: dict[str, dict[str, int]] = defaultdict(lambda: {"shall_testable": 0, "covered": 0})
    for row in rows:
        if row["level"] == "shall" and row["testable"] in TESTABLE:
            per_tx[row["transaction"]]["shall_testable"] += 1
            per_tx[row["transaction"]]["covered"] += bool(row["cases"])
    return {"requirements": rows, "per_transaction": dict(sorted(per_tx.items()))}


def coverage_markdown(report: dict[str, Any]) -> str:
    lines = ["# Requirement coverage (PS3.18 2024e)", "",
             "Testable `shall` requirements cited by at least one case, per transaction.", "",
             "| transaction | testable shall | covered | % |", "|---|---:|---:|---:|"]
    total, covered = 0, 0
    for tx, c in report["per_transaction"].items():
        total += c["shall_testable"]
        covered += c["covered"]
        pct = 100 * c["covered"] / c["shall_testable"] if c["shall_testable"] else 0
        lines.append(f"| {TRANSACTIONS.get(tx, tx)} (`{tx}`) | {c['shall_testable']} | {c['covered']} | {pct:.0f} |")
    lines.append(f"| **total** | {total} | {covered} | {100 * covered / total if total else 0:.0f} |")
    lines += ["", "## Requirements", "", "| id | § | level | testable | cases | verdicts |", "|---|---|---|---|---|---|"]
    for row in report["requirements"]:
        verdicts = "; ".join(f"{k}: {','.join(v)}" for k, v in row["verdicts"].items() if v)
        cases = ", ".join(row["cases"][:4]) + (f" (+{len(row['cases']) - 4})" if len(row["cases"]) > 4 else "")
        lines.append(f"| {row['id']} | {row['section']} | {row['level']} | {row['testable']} | {cases or '—'} | {verdicts} |")
    return "\n".join(lines) + "\n"
