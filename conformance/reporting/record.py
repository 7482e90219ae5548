"""One record per case: what results.json, junit.xml and summary.md are all written from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pytest

from ..cases.model import Case
from ..errors import Nonconformance

VERDICTS = ("pass", "fail", "warn", "info", "skip", "error")
# A non-conformance with a "should" requirement is a warning, with a "may" one informative;
# both travel through pytest as xfail with this prefix (they must not fail the run).
GRADE_PREFIX = {"warn": "warn: ", "info": "info: "}


@dataclass(frozen=True)
class CaseRecord:
    id: str
    title: str
    transaction: str
    requirements: list[str]
    level: str
    verdict: str
    message: str
    duration_s: float
    source: str = ""
    findings: list[str] = field(default_factory=list)
    server: str = ""  # the Server header the target sent, if any
    exchanges: list[dict[str, Any]] = field(default_factory=list)  # method, resource pattern, status, content type
    violated: list[str] = field(default_factory=list)  # requirements the failing checks name
    notes: list[str] = field(default_factory=list)  # interoperability lint findings (not graded)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> "CaseRecord":
        return cls(**raw)


def _violated(excinfo: pytest.ExceptionInfo[BaseException] | None, item: pytest.Item) -> list[str]:
    exc = getattr(item, "dicomweb_nonconformance", None) or (excinfo.value if excinfo is not None else None)
    if isinstance(exc, Nonconformance):
        return list(dict.fromkeys(f.requirement for f in exc.findings if f.requirement))
    return []


def _verdict(report: pytest.TestReport, excinfo: pytest.ExceptionInfo[BaseException] | None) -> tuple[str, str, list[str]]:
    wasxfail = getattr(report, "wasxfail", None)
    if wasxfail:
        for grade, prefix in GRADE_PREFIX.items():
            if wasxfail.startswith(prefix):
                findings = wasxfail[len(prefix):].split("\n")
                return grade, findings[0], findings
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return "skip", reason.removeprefix("Skipped: "), []
    if report.passed:
        return "pass", "", []
    if excinfo is not None and isinstance(excinfo.value, Nonconformance):
        findings = [f.line() for f in excinfo.value.findings]
        return "fail", findings[0] if findings else "does not conform", findings
    message = str(excinfo.value) if excinfo is not None else str(report.longrepr).splitlines()[-1]
    if excinfo is not None and not message:
        message = type(excinfo.value).__name__
    return "error", message.splitlines()[0] if message else "error", []


def record_for(case: Case, item: pytest.Item, report: pytest.TestReport,
               excinfo: pytest.ExceptionInfo[BaseException] | None) -> CaseRecord:
    verdict, message, findings = _verdict(report, excinfo)
    redact = getattr(item, "dicomweb_redact", None)
    if redact is not None:
        message, findings = redact(message), [redact(f) for f in findings]
    return CaseRecord(
        id=case.id, title=case.title, transaction=case.transaction, requirements=list(case.requirements),
        level=case.level, verdict=verdict, message=message, duration_s=round(report.duration, 4),
        source=str(case.source), findings=findings, server=getattr(item, "dicomweb_server", "") or "",
        exchanges=getattr(item, "dicomweb_exchanges", []), violated=_violated(excinfo, item),
        notes=getattr(item, "dicomweb_notes", []),
    )
