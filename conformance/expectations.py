"""Known deviations for CI gating (--expect FILE).

    target: Orthanc 1.10.1 + DICOMweb plugin 1.7
    expectations:
      - case: search-studies-zero-matches-204
        verdict: fail
        reason: answers 200 with an empty array for zero matches
        evidence: PS3.18 2024e §8.3.4.4.1

A case without an entry is expected to conform: pass, or a verdict that does not fail the
server (warn, info, skip). A case with an entry must end exactly with that verdict, so a fixed
bug shows up as an unexpected pass and its entry can be removed. An entry naming a case that
did not run is stale and counts as unexpected too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import json

import yaml

from .errors import UsageError
from .settings_file import load_checked_yaml

VERDICTS = ("pass", "fail", "warn", "info", "skip", "error")
CONFORMING = frozenset({"pass", "warn", "info", "skip"})

SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["expectations"],
    "properties": {
        "target": {"type": "string"},
        "expectations": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "required": ["case", "verdict", "reason", "evidence"],
            "properties": {
                "case": {"type": "string"},
                "verdict": {"enum": list(VERDICTS)},
                "reason": {"type": "string", "minLength": 5},
                "evidence": {"type": "string", "minLength": 5, "description": "the section it violates, or a link"},
            },
        }},
    },
}


@dataclass(frozen=True)
class Expectation:
    case: str
    verdict: str
    reason: str
    evidence: str


@dataclass(frozen=True)
class Mismatch:
    case: str
    expected: str
    got: str
    note: str

    def line(self) -> str:
        return f"`{self.case}`: expected {self.expected}, got {self.got} — {self.note}"


def load_expectations(path: str) -> dict[str, Expectation]:
    raw = load_checked_yaml(path, SCHEMA, "--expect")
    out: dict[str, Expectation] = {}
    for entry in raw["expectations"]:
        if entry["case"] in out:
            raise UsageError(f"--expect {path}: case {entry['case']} is listed twice")
        out[entry["case"]] = Expectation(**entry)
    return out


def compare(verdicts: dict[str, str], expected: dict[str, Expectation], known: set[str]) -> list[Mismatch]:
    """Every way the run differs from the expectations (empty: the run matches).

    `known` holds every case id that exists (ran or deselected): an entry for a deselected case
    is not a mismatch, an entry for a case that does not exist at all is stale."""
    out = []
    for case, got in sorted(verdicts.items()):
        exp = expected.get(case)
        if exp is None:
            if got not in CONFORMING:
                out.append(Mismatch(case, "pass", got, "unexpected: not in the expectations file"))
        elif got != exp.verdict:
            note = "fixed? remove the expectation" if got == "pass" else f"expected because: {exp.reason}"
            out.append(Mismatch(case, exp.verdict, got, note))
    for case in sorted(set(expected) - set(verdicts) - known):
        out.append(Mismatch(case, expected[case].verdict, "not run", "stale expectation: no such case ran"))
    return out


def draft_expectations(results: dict[str, Any], catalog: Any, target: str) -> str:
    """An expectations file listing every non-conforming case of a run, each with its message as
    the reason and the cited requirements' sections as evidence. A starting point: review each entry."""
    lines = [f"# Known deviations of {target}, drafted by `dicomweb-conformance expectations` from run "
             f"{results.get('run_id', '')}.",
             "# Each entry: the case, the verdict it ends with, the harness's finding as the reason, and as evidence the",
             "# requirement the failing check names plus those the case cites. Review an entry before relying on it.",
             f"target: {json.dumps(target)}", "expectations:"]
    for case in sorted(results["cases"], key=lambda c: c["id"]):
        if case["verdict"] in CONFORMING:
            continue
        sections = []
        # The rule a check names as broken comes first; then what the case cites.
        for rid in dict.fromkeys([*case.get("violated", []), *case["requirements"]]):
            req = catalog.get(rid)
            if req is not None:
                sections.append(f"{rid} ({req.citation})")
        entry = {"case": case["id"], "verdict": case["verdict"], "reason": case["message"],
                 "evidence": "; ".join(sections) or "see the case's requirements"}
        lines.append("  - " + yaml.safe_dump(entry, sort_keys=False, width=10_000, allow_unicode=True).strip()
                     .replace("\n", "\n    "))
    return "\n".join(lines) + "\n"
