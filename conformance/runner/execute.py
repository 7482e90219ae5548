"""Run one case: its steps in order, each step's checks, and the verdict.

The verdict follows the harness's three kinds of trouble: a Nonconformance is a
"fail", target trouble (TargetError) is an "error", and a case file mistake
found only at run time is an "error" naming file:line.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..cases.model import Case, Step
from ..checks import REGISTRY
from ..checks.context import CheckContext
from ..checks.registry import messages
from ..errors import CaseFileError, Finding, HarnessError, Nonconformance, TargetError
from ..transport.client import HttpClient
from ..transport.exchange import Exchange
from ..transport.response import BodyFormatError
from .data import CaseData, RunData
from .fresh import fresh_copy
from .render import Renderer
from .save import extract


class NotOffered(Exception):
    """The target does not offer what the case needs (the case is skipped with this reason)."""


@dataclass
class CaseRun:
    """Everything one case did: its exchanges and how it ended."""

    case: Case
    exchanges: list[Exchange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.time)

    def close(self) -> None:
        for ex in self.exchanges:
            if ex.response is not None:
                ex.response.close()


@dataclass
class Session:
    """What a run shares between cases."""

    base_url: str
    client: HttpClient
    data: RunData
    uri_url: str | None = None  # the URI service (WADO-URI) endpoint, when the target has one

    def base_for(self, service: str) -> str:
        if service == "uri":
            if not self.uri_url:
                raise NotOffered("no URI service endpoint given (--uri-url), so WADO-URI cases cannot run")
            return self.uri_url
        return self.base_url


def run_case(case: Case, session: Session, run: CaseRun) -> None:
    """Runs the case; raises Nonconformance on failure, TargetError/CaseFileError on error."""
    session.data.ensure_stored(case.needs)
    data = CaseData(session.data, {name: fresh_copy(session.data.instance(src), name, session.data.run_id, case.id)
                                   for name, src in case.makes})
    for step in case.steps:
        _run_step(case, step, session, data, run)
        if run.findings:
            raise Nonconformance(run.findings)


def _run_step(case: Case, step: Step, session: Session, data: CaseData, run: CaseRun) -> None:
    renderer = Renderer(data, run.variables, f"{case.source.path}:{step.line}")
    base = session.base_for(step.request.service)
    request = renderer.request(step.request, base)
    exchange = Exchange(index=len(run.exchanges), step=step.name, request=request)
    run.exchanges.append(exchange)
    t0 = time.monotonic()
    try:
        exchange.response = session.client.send(request)
    except (TargetError, Nonconformance) as exc:
        exchange.error = str(exc)
        if isinstance(exc, Nonconformance):
            run.findings.extend(Finding(f.check, f.message, f.requirement, exchange.index) for f in exc.findings)
            return
        raise
    finally:
        exchange.duration_s = time.monotonic() - t0
    ctx = CheckContext(exchange=exchange, data=data, base_url=base,
                       variables=run.variables, render=renderer.text)
    for exp in step.expect:
        check = REGISTRY.get(exp.check)
        assert check is not None, exp.check  # the schema admitted only registered checks
        try:
            outcome = messages(check.func(ctx, exp.args))
        except BodyFormatError as exc:
            outcome = [str(exc)]
        except HarnessError:
            raise
        run.findings.extend(Finding(exp.check, m, check.requirement, exchange.index) for m in outcome)
    if run.findings:
        return
    for name, pointer in step.save:
        try:
            run.variables[name] = extract(exchange.response, pointer)
        except LookupError as exc:
            run.findings.append(Finding("save", f"cannot save {name}: {exc}", None, exchange.index))
        except BodyFormatError as exc:
            run.findings.append(Finding("save", f"cannot save {name}: {exc}", None, exchange.index))


__all__ = ["CaseRun", "Session", "run_case", "CaseFileError"]
