"""Write results.json, junit.xml and summary.md from the same case records, so they always agree."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import EDITION, __version__
from ..catalog import TRANSACTIONS, Catalog
from ..claims import Claims
from ..expectations import Expectation, Mismatch, compare
from .record import VERDICTS, CaseRecord


@dataclass(frozen=True)
class RunInfo:
    url: str
    started: float
    duration_s: float
    run_id: str
    state_dir: Path
    profile: dict[str, str] = field(default_factory=dict)  # the edition choices the run was made under


def redact_userinfo(url: str) -> str:
    """http://user:secret@host/x -> http://<redacted>@host/x: credentials in a URL stay out of reports."""
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", r"\1<redacted>@", url)


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="seconds")


def results_document(info: RunInfo, records: list[CaseRecord], mismatches: list[Mismatch] | None = None,
                     claims: Claims | None = None) -> dict[str, object]:
    server = next((r.server for r in records if r.server), "")
    doc: dict[str, object] = {
        "harness": {"name": "dicomweb-conformance", "version": __version__},
        "target": {"url": redact_userinfo(info.url), "server": server},
        "edition": EDITION,
        "run_id": info.run_id,
        "started": _iso(info.started),
        "duration_s": round(info.duration_s, 3),
        "counts": dict(Counter(r.verdict for r in records)),
        "cases": [
            {"id": r.id, "title": r.title, "transaction": r.transaction, "requirements": r.requirements,
             "level": r.level, "verdict": r.verdict, "message": r.message, "duration_s": r.duration_s,
             "source": r.source, "findings": r.findings, "violated": r.violated, "notes": r.notes,
             "exchanges": r.exchanges}
            for r in sorted(records, key=lambda r: r.id)
        ],
    }
    if info.profile:
        doc["profile"] = dict(sorted(info.profile.items()))
    if claims is not None:
        doc["claims"] = {"source": claims.source, "claimed": sorted(claims.claimed)}
    if mismatches is not None:
        doc["expectations"] = {"matched": not mismatches, "mismatches": [
            {"case": m.case, "expected": m.expected, "got": m.got, "note": m.note} for m in mismatches]}
    return doc


# XML 1.0 cannot carry most C0 controls, surrogates or U+FFFE/U+FFFF, yet a server's own text
# (an ISO 2022 value with ESC, say) can reach a finding: write those characters as escapes.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode("ascii"), text)


def junit_document(info: RunInfo, records: list[CaseRecord]) -> ET.ElementTree:
    suites = ET.Element("testsuites", name="dicomweb-conformance", time=f"{info.duration_s:.3f}")
    by_tx: dict[str, list[CaseRecord]] = defaultdict(list)
    for r in records:
        by_tx[r.transaction].append(r)
    for tx in sorted(by_tx):
        group = by_tx[tx]
        counts = Counter(r.verdict for r in group)
        suite = ET.SubElement(suites, "testsuite", name=tx, tests=str(len(group)), failures=str(counts["fail"]),
                              errors=str(counts["error"]), skipped=str(counts["skip"]),
                              time=f"{sum(r.duration_s for r in group):.3f}", timestamp=_iso(info.started))
        for r in sorted(group, key=lambda r: r.id):
            tc = ET.SubElement(suite, "testcase", classname=tx, name=r.id, time=f"{r.duration_s:.3f}", file=r.source)
            props = ET.SubElement(tc, "properties")
            ET.SubElement(props, "property", name="requirements", value=" ".join(r.requirements))
            ET.SubElement(props, "property", name="level", value=r.level)
            ET.SubElement(props, "property", name="verdict", value=r.verdict)
            if r.verdict == "fail":
                ET.SubElement(tc, "failure", message=_xml(r.message)).text = _xml("\n".join(r.findings) or r.message)
            elif r.verdict == "error":
                ET.SubElement(tc, "error", message=_xml(r.message)).text = _xml(r.message)
            elif r.verdict == "skip":
                ET.SubElement(tc, "skipped", message=_xml(r.message))
            elif r.verdict in ("warn", "info"):
                # JUnit has no warning outcome: the case passes, and says why it is not clean.
                ET.SubElement(tc, "system-out").text = _xml(f"{r.verdict}: " + "\n".join(r.findings or [r.message]))
    ET.indent(suites)
    return ET.ElementTree(suites)


def summary_markdown(info: RunInfo, records: list[CaseRecord], catalog: Catalog,
                     mismatches: list[Mismatch] | None = None, claims: Claims | None = None) -> str:
    counts = Counter(r.verdict for r in records)
    lines = [
        "# DICOMweb conformance summary", "",
        f"- target: {info.url}",
        f"- edition: PS3.18 {EDITION}; harness {__version__}; run {info.run_id}",
        f"- started {_iso(info.started)}, {info.duration_s:.1f} s",
        f"- cases: {len(records)} — " + ", ".join(f"{counts[v]} {v}" for v in VERDICTS), "",
        "## Per transaction", "",
        "| transaction | cases | " + " | ".join(VERDICTS) + " |", "|---|---:|" + "---:|" * len(VERDICTS),
    ]
    by_tx: dict[str, Counter[str]] = defaultdict(Counter)
    for r in records:
        by_tx[r.transaction][r.verdict] += 1
    for tx in sorted(by_tx):
        c = by_tx[tx]
        lines.append(f"| {TRANSACTIONS.get(tx, tx)} (`{tx}`) | {sum(c.values())} | " + " | ".join(str(c[v]) for v in VERDICTS) + " |")
    lines.append(f"| **total** | {len(records)} | " + " | ".join(str(counts[v]) for v in VERDICTS) + " |")
    notes = _notes_by_rule(records)
    for kind, title in (("model", "DICOM model errors seen in responses (graded by the model.* cases)"),
                        ("lint", "Interoperability lint (legal, but known to break clients; not graded)")):
        rows = {rule: v for (k, rule), v in notes.items() if k == kind}
        if rows:
            lines += ["", f"## {title}", "", "| rule | cases | example |", "|---|---:|---|"]
            for rule, (count, example) in sorted(rows.items()):
                lines.append(f"| {rule} | {count} | {_one_line(example)} |")
    if info.profile:
        lines[6:6] = ["- profile: " + ", ".join(f"{k}={v}" for k, v in sorted(info.profile.items()))]
    if claims is not None:
        lines[6:6] = [f"- claims: {claims.source}: " + (", ".join(sorted(claims.claimed)) or "no optional features")]
    if mismatches is not None:
        lines += ["", "## Expectations", ""]
        if not mismatches:
            lines.append("Every verdict matches the expectations file.")
        for m in mismatches:
            lines.append(f"- {m.line()}")
    for verdict, title in (("fail", "Failures (the server does not conform to a 'shall')"),
                           ("warn", "Warnings (a 'should' is not met)"),
                           ("info", "Informative (a 'may' behaves differently)"),
                           ("error", "Errors (target or harness trouble)")):
        bad = sorted((r for r in records if r.verdict == verdict), key=lambda r: r.id)
        if not bad:
            continue
        lines += ["", f"## {title}", ""]
        for r in bad:
            cites = ", ".join(f"{rid} (§{catalog.get(rid).section})" if catalog.get(rid) else rid for rid in r.requirements)
            lines.append(f"- `{r.id}` [{r.level}; {cites}]: {_one_line(r.message)}")
    return "\n".join(lines) + "\n"


def _notes_by_rule(records: list[CaseRecord]) -> dict[tuple[str, str], tuple[int, str]]:
    """(kind, rule) -> (how many cases saw it, an example); kind is "model" or "lint"."""
    out: dict[tuple[str, str], tuple[int, str]] = {}
    for r in records:
        for key, note in {(_kind_of(n), _rule_of(n)): n for n in r.notes}.items():
            count, example = out.get(key, (0, note))
            out[key] = (count + 1, example)
    return out


def _kind_of(note: str) -> str:
    return "model" if "] model: " in note or note.startswith("model: ") else "lint"


_RULE_ID = re.compile(r"\b(?:LINT|JSON|XML)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


def _rule_of(note: str) -> str:
    # "[exchange 1] lint: /0/00080005: LINT-CHARSET-NOT-UTF8: message" -> the rule id
    match = _RULE_ID.search(note)
    return match.group(0) if match else "lint"


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."


def write_artifacts(report_dir: Path, info: RunInfo, records: list[CaseRecord], catalog: Catalog, *,
                    expectations: dict[str, Expectation] | None = None, known_ids: set[str] | None = None,
                    claims: Claims | None = None) -> None:
    report_dir.mkdir(parents=True, exist_ok=True)
    mismatches = None
    if expectations is not None:
        verdicts = {r.id: r.verdict for r in records}
        mismatches = compare(verdicts, expectations, (known_ids or set()) | set(verdicts))
    doc = results_document(info, records, mismatches, claims)
    (report_dir / "results.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    junit_document(info, records).write(report_dir / "junit.xml", encoding="utf-8", xml_declaration=True)
    (report_dir / "summary.md").write_text(summary_markdown(info, records, catalog, mismatches, claims), encoding="utf-8")
    seed_state = info.state_dir / f"seed-{info.run_id}.json"
    if seed_state.exists():
        state = json.loads(seed_state.read_text())
        fresh = info.state_dir / f"created-{info.run_id}.txt"
        by_cases = sorted(set(fresh.read_text(encoding="ascii").split())) if fresh.exists() else []
        created = {"run_id": info.run_id, "uids": sorted(set(state.get("created_uids", [])) | set(by_cases)),
                   "fixture_uids": state.get("created_uids", []), "case_uids": by_cases,
                   "stored": state.get("outcomes", {})}
        (report_dir / "created-uids.json").write_text(json.dumps(created, indent=1) + "\n", encoding="utf-8")
    seed_log = info.state_dir / "seeding.log"
    if seed_log.exists() and seed_log.parent != report_dir:
        shutil.copyfile(seed_log, report_dir / "seeding.log")
