"""Run one case: its steps in order, each step's checks, and the verdict.

The verdict follows the harness's three kinds of trouble: a Nonconformance is a
"fail", target trouble (TargetError) is an "error", and a case file mistake
found only at run time is an "error" naming file:line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..cases.model import Case, Step
from ..checks import REGISTRY
from ..checks.context import CheckContext
from ..checks.model_auto import model_findings
from ..checks.registry import NotApplicable, messages
from ..errors import CaseFileError, Finding, HarnessError, Nonconformance, TargetError
from ..transport.client import HttpClient
from ..transport.exchange import Exchange, HttpRequest
from ..transport.response import BodyFormatError, Response
from ..cases.profile import Profile
from conformance_fixtures.built import build_object
from .data import CaseData, RunData
from .fresh import fresh_copy
from .render import Renderer, same_origin
from .websocket import run_websocket_step
from .save import extract


class NotOffered(Exception):
    """The target does not offer what the case needs (the case is skipped with this reason)."""


@dataclass
class CaseRun:
    """Everything one case did: its exchanges and how it ended."""

    case: Case
    exchanges: list[Exchange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # interoperability lint: reported, not graded
    variables: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    channels: Any = None  # the case's open WebSocket channels (runner/websocket.py), if any

    def close(self) -> None:
        if self.channels is not None:
            self.channels.close()
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
    profile: Profile = field(default_factory=Profile)  # edition differences the target is tested under
    ws_auth: Any = None  # httpx auth for the event channel's own HTTP/1.1 client
    event_wait_scale: float = 1.0  # multiplies every WebSocket wait (the harness's own tests shorten them)

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
    data.local.update({name: build_object(template, name, session.data.run_id, case.id) for name, template in case.builds})
    if data.local:  # what this case may create on the target, for created-uids.json
        session.data.record_created(sorted({str(uid) for inst in data.local.values() for uid in (
            getattr(inst.dataset, k, None) for k in ("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID")) if uid}))
    for step in case.steps:
        _run_step(case, step, session, data, run)
        if run.findings:
            raise Nonconformance(run.findings)



def _run_step(case: Case, step: Step, session: Session, data: CaseData, run: CaseRun) -> None:
    where = f"{case.source.path}:{step.line}"
    renderer = Renderer(data, run.variables, where, case_id=case.id, profile=session.profile)
    if step.websocket is not None:
        exchange, ctx = run_websocket_step(step, session, data, run, renderer, where)
    else:
        base = session.base_for(step.request.service)
        request = renderer.request(step.request, base)
        exchange = Exchange(index=len(run.exchanges), step=step.name, request=request)
        run.exchanges.append(exchange)
        t0 = time.monotonic()
        try:
            exchange.response = _send(step, session, request, exchange)
        except (TargetError, Nonconformance) as exc:
            exchange.error = str(exc)
            if isinstance(exc, Nonconformance):
                run.findings.extend(Finding(f.check, f.message, f.requirement, exchange.index) for f in exc.findings)
                return
            raise
        finally:
            exchange.duration_s = time.monotonic() - t0
        _skip_if_not_offered(step, exchange)
        ctx = CheckContext(exchange=exchange, data=data, base_url=base,
                           variables=run.variables, render=renderer.text, follow=_follower(step, session, run, base))
    inapplicable: list[str] = []
    for exp in step.expect:
        check = REGISTRY.get(exp.check)
        assert check is not None, exp.check  # the schema admitted only registered checks
        try:
            outcome = messages(check.func(ctx, exp.args))
        except BodyFormatError as exc:
            outcome = [str(exc)]
        except NotApplicable as exc:
            inapplicable.append(f"{exp.check}: {exc}")
            continue
        except HarnessError:
            raise
        run.findings.extend(Finding(exp.check, m, check.requirement, exchange.index) for m in outcome)
    if inapplicable and not run.findings:
        raise NotOffered("nothing to judge: " + "; ".join(inapplicable))
    # an explicit check already judged the model; WebSocket receive steps have no HTTP body
    if exchange.response is not None and not any(exp.check == "dicom_json" for exp in step.expect):
        # Every DICOM JSON/XML body is validated. A case's verdict is about the requirements it cites,
        # so model errors are reported with the case here and graded by the model.* cases, which cite them.
        errors, warnings = model_findings(ctx, case.transaction)
        if case.transaction.startswith("model."):
            run.findings.extend(Finding("model", m, "JSON-WELL-FORMED", exchange.index) for m in errors)
        else:
            run.notes.extend(Finding("model", m, None, exchange.index) for m in errors)
        run.notes.extend(Finding("lint", m, None, exchange.index) for m in warnings)
    if run.findings:
        return
    for name, pointer in step.save:
        try:
            run.variables[name] = extract(exchange.response, pointer)
        except LookupError as exc:
            run.findings.append(Finding("save", f"cannot save {name}: {exc}", None, exchange.index))
        except BodyFormatError as exc:
            run.findings.append(Finding("save", f"cannot save {name}: {exc}", None, exchange.index))


def _send(step: Step, session: Session, request: HttpRequest, exchange: Exchange) -> Response:
    """One request; with `repeat`, sent again while the status asks to wait (e.g. 202, §13.5), honouring
    Retry-After within bounds. Only the last answer is judged; the earlier ones become notes."""
    response = session.client.send(request)
    if step.repeat is None:
        return response
    deadline = time.monotonic() + step.repeat.within
    while response.status == step.repeat.while_status and time.monotonic() < deadline:
        retry = (response.header("retry-after") or "").strip()
        pause = min(float(retry) if retry.isdigit() else 1.0, 5.0, max(deadline - time.monotonic(), 0.0))
        exchange.notes.append(f"answered {response.status}; asking again in {pause:g} s")
        response.close()
        time.sleep(pause)
        response = session.client.send(request)
    return response


def _skip_if_not_offered(step: Step, exchange: Exchange) -> None:
    """An answer the standard allows for an optional part the target does not offer ends the case as a skip."""
    rule, response = step.not_offered, exchange.response
    if rule is None or response is None or response.status not in rule.status:
        return
    if rule.warning is not None and rule.warning.lower() not in ", ".join(response.header_all("warning")).lower():
        return  # the refusal lacks the Warning the standard requires with it: the checks judge it
    raise NotOffered(f"not offered: {exchange.request.method} {step.request.path} answered {response.status} ({rule.reason})")


def _follower(step: Step, session: Session, run: CaseRun, base: str) -> Callable[[str, tuple[tuple[str, str], ...]], Exchange]:
    """GET follow-ups for checks (links found in responses), same origin only, recorded like steps."""
    def follow(url: str, headers: tuple[tuple[str, str], ...]) -> Exchange:
        request = HttpRequest("GET", same_origin(url, base), headers, None, "follow-up of a link in a response")
        exchange = Exchange(index=len(run.exchanges), step=f"{step.name}: follow-up", request=request)
        run.exchanges.append(exchange)
        t0 = time.monotonic()
        try:
            exchange.response = session.client.send(request)
        except (TargetError, Nonconformance) as exc:
            exchange.error = str(exc)
            raise
        finally:
            exchange.duration_s = time.monotonic() - t0
        return exchange
    return follow


__all__ = ["CaseRun", "Session", "run_case", "CaseFileError"]
