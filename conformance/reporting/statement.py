"""A conformance statement draft (in the spirit of PS3.2) from what a run observed.

It reports what was seen, not what the vendor intends: resources that answered, media types
returned, query keys and matching that worked, limits met. Vendors start their text from it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..catalog import TRANSACTIONS, Catalog
from .runs import Run


def _observed(run: Run) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    out: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    for case in run.doc["cases"]:
        for ex in case.get("exchanges", []):
            key = (ex["method"], ex["resource"])
            slot = out[case["transaction"]].setdefault(key, {"statuses": set(), "types": set(), "pass": 0, "fail": 0})
            if ex.get("status") is not None:
                slot["statuses"].add(ex["status"])
            if ex.get("content_type"):
                slot["types"].add(ex["content_type"].split(";")[0].strip().lower())
            slot["pass" if case["verdict"] == "pass" else "fail"] += 1
    return out


def statement_markdown(run: Run, catalog: Catalog) -> str:
    target = run.doc.get("target", {})
    lines = [f"# Conformance statement draft: {target.get('server') or 'DICOMweb origin server'}", "",
             f"Observed by dicomweb-conformance {run.doc['harness']['version']} against {target.get('url', '')}",
             f"on {run.doc.get('started', '')}, checking PS3.18 {run.doc.get('edition', '')}. Edit before publishing:",
             "this describes behaviour seen in one run, not intent.", ""]
    by_tx: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in run.doc["cases"]:
        by_tx[case["transaction"]].append(case)
    observed = _observed(run)
    for tx in sorted(by_tx):
        cases = by_tx[tx]
        passed = [c for c in cases if c["verdict"] == "pass"]
        lines += [f"## {TRANSACTIONS.get(tx, tx)}", "",
                  f"{len(passed)} of {len(cases)} cases conform.", "", "| method | resource | statuses seen | media types returned |",
                  "|---|---|---|---|"]
        for (method, resource), slot in sorted(observed.get(tx, {}).items()):
            lines.append(f"| {method} | `{resource}` | {', '.join(map(str, sorted(slot['statuses'])))} | "
                         f"{', '.join(sorted(slot['types'])) or '—'} |")
        keys = sorted({c["id"] for c in passed})
        if keys:
            lines += ["", "Behaviour confirmed by passing cases:", ""]
            lines += [f"- {c['title']} (`{c['id']}`)" for c in sorted(passed, key=lambda c: c["id"])]
        failing = [c for c in cases if c["verdict"] in ("fail", "warn")]
        if failing:
            lines += ["", "Deviations observed (document or fix):", ""]
            for c in sorted(failing, key=lambda c: c["id"]):
                cites = ", ".join(f"§{catalog.get(r).section}" for r in c["requirements"] if catalog.get(r))
                lines.append(f"- `{c['id']}` ({c['verdict']}; {cites}): {c['message']}")
        not_offered = [c for c in cases if c["verdict"] == "skip"]
        if not_offered:
            lines += ["", f"Not claimed or not offered: {len(not_offered)} case(s) skipped."]
        lines.append("")
    return "\n".join(lines)
