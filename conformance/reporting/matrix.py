"""The matrix: cases x implementations, for editors comparing servers (or one server over time).

Where implementations disagree on a requirement, the text may be ambiguous: rows whose
verdicts differ are flagged.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from ..catalog import TRANSACTIONS, Catalog
from .runs import Run

COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "warn": "#ef6c00", "info": "#1565c0",
           "skip": "#757575", "error": "#6a1b9a", "-": "#bdbdbd"}


def _rows(runs: list[Run]) -> dict[str, list[tuple[str, dict[str, object]]]]:
    cases: dict[str, dict[str, object]] = {}
    for run in runs:
        for cid, case in run.cases.items():
            cases.setdefault(cid, case)
    by_tx: dict[str, list[tuple[str, dict[str, object]]]] = defaultdict(list)
    for cid in sorted(cases):
        by_tx[str(cases[cid]["transaction"])].append((cid, cases[cid]))
    return dict(sorted(by_tx.items()))


def matrix_markdown(runs: list[Run], catalog: Catalog) -> str:
    names = [r.name for r in runs]
    lines = ["# DICOMweb conformance matrix", "", "| case | requirements | " + " | ".join(names) + " |",
             "|---|---|" + "---|" * len(runs)]
    for tx, rows in _rows(runs).items():
        totals = [sum(1 for cid, _ in rows if r.verdicts.get(cid) == "pass") for r in runs]
        lines.append(f"| **{TRANSACTIONS.get(tx, tx)}** | | " + " | ".join(f"**{t}/{len(rows)} pass**" for t in totals) + " |")
        for cid, case in rows:
            verdicts = [r.verdicts.get(cid, "-") for r in runs]
            flag = " ⚠" if len({v for v in verdicts if v not in ("-", "skip")}) > 1 else ""
            reqs = ", ".join(f"[{rid}]({catalog.get(rid).url})" if catalog.get(rid) else rid
                             for rid in case["requirements"])  # type: ignore[union-attr]
            lines.append(f"| `{cid}`{flag} | {reqs} | " + " | ".join(verdicts) + " |")
    lines += ["", "⚠: the implementations disagree on this case."]
    return "\n".join(lines) + "\n"


def matrix_html(runs: list[Run], catalog: Catalog) -> str:
    esc = html.escape
    head = "".join(f"<th><a href='{esc(str(r.folder.resolve() / 'summary.md'))}'>{esc(r.name)}</a></th>" for r in runs)
    body = []
    for tx, rows in _rows(runs).items():
        totals = "".join(f"<td class=total>{sum(1 for cid, _ in rows if r.verdicts.get(cid) == 'pass')}/{len(rows)}</td>"
                         for r in runs)
        body.append(f"<tr class=tx><th colspan=2>{esc(TRANSACTIONS.get(tx, tx))} <code>{esc(tx)}</code></th>{totals}</tr>")
        for cid, case in rows:
            verdicts = [r.verdicts.get(cid, "-") for r in runs]
            disagree = len({v for v in verdicts if v not in ("-", "skip")}) > 1
            reqs = " ".join(
                f"<a href='{esc(catalog.get(rid).url)}' title='{esc(catalog.get(rid).summary)}'>{esc(rid)}</a>"
                if catalog.get(rid) else esc(rid) for rid in case["requirements"])  # type: ignore[union-attr]
            cells = []
            for run, verdict in zip(runs, verdicts):
                detail = run.cases.get(cid, {}).get("message") or ""
                cells.append(f"<td style='background:{COLOURS.get(verdict, '#999')}' title='{esc(str(detail))}'>"
                             f"{esc(verdict)}</td>")
            cls = " class=disagree" if disagree else ""
            body.append(f"<tr{cls}><td><code>{esc(cid)}</code><br><small>{esc(str(case['title']))}</small></td>"
                        f"<td>{reqs}</td>{''.join(cells)}</tr>")
    return f"""<!doctype html><html><head><meta charset=utf-8><title>DICOMweb conformance matrix</title>
<style>body{{font-family:sans-serif;margin:1.5em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ddd;padding:4px 8px;
font-size:13px;vertical-align:top}}td[style]{{color:#fff;text-align:center;font-weight:bold}}tr.tx th{{background:#eceff1;text-align:left}}
td.total{{background:#eceff1;text-align:center}}tr.disagree td:first-child{{border-left:4px solid #ef6c00}}</style></head>
<body><h1>DICOMweb conformance matrix</h1><p>PS3.18 2024e. Hover a verdict for its message; an orange bar marks cases on which
the implementations disagree.</p><table><tr><th>case</th><th>requirements</th>{head}</tr>{''.join(body)}</table></body></html>
"""


def write_matrix(runs: list[Run], catalog: Catalog, out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md, page = out_dir / "matrix.md", out_dir / "matrix.html"
    md.write_text(matrix_markdown(runs, catalog), encoding="utf-8")
    page.write_text(matrix_html(runs, catalog), encoding="utf-8")
    return md, page
