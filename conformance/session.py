"""The run's shared session (client, data, redaction) and running one case item."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import allure
import pytest

from conformance_fixtures import Instance

from .cases.model import Case
from .cases.profile import Profile
from .checks.jsonds import first_value
from .errors import Nonconformance, TargetError
from .multipart import build_related
from .claims import Claims
from .reporting.record import GRADE_PREFIX
from .runner.data import RunData, StoreOutcome
from .runner.execute import CaseRun, NotOffered, Session, run_case
from .transport.auth import parse_auth
from .transport.client import ClientSettings, HttpClient
from .transport.exchange import Exchange, HttpRequest
from .transport.redact import Redactor
from .transport.response import BodyFormatError


@dataclass
class RunSession(Session):
    redactor: Redactor = Redactor()
    read_only: bool = False
    claims: Claims = Claims.default()

    def close(self) -> None:
        self.client.close()


def client_from_config(config: pytest.Config) -> tuple[HttpClient, Any]:
    """The HTTP client the options ask for (timeout, TLS verification, credentials), and the credentials."""
    auth_spec = config.getoption("dicomweb_auth")
    creds = parse_auth(auth_spec) if auth_spec else None
    verify: bool | str = False if config.getoption("dicomweb_insecure") else (config.getoption("dicomweb_ca") or True)
    client = HttpClient(ClientSettings(timeout_s=config.getoption("dicomweb_timeout"), verify=verify),
                        auth=creds.auth() if creds else None)
    return client, creds


def open_session(config: pytest.Config, state: Any) -> RunSession:
    url = config.getoption("dicomweb_url")
    if not url:
        raise TargetError("no target: pass --dicomweb-url URL (or use 'dicomweb-conformance run', which starts a default target)")
    client, creds = client_from_config(config)
    redactor = Redactor(creds.secrets if creds else (), [creds.header_name] if creds and creds.header_name else ())
    read_only = bool(config.getoption("dicomweb_read_only"))
    data = RunData(run_id=state.run_id, state_dir=state.state_dir, read_only=read_only)
    uri_url = config.getoption("dicomweb_uri_url")
    claims = state.claims
    session = RunSession(base_url=url.rstrip("/"), client=client, data=data, redactor=redactor, read_only=read_only,
                         uri_url=uri_url, claims=claims, profile=Profile.from_pairs(config.getoption("dicomweb_profile")),
                         ws_auth=creds.auth() if creds else None)
    data.store_study = lambda study, insts: _store_study(session, study, insts)
    return session


def _store_study(session: RunSession, study: str, instances: tuple[Instance, ...]) -> dict[str, StoreOutcome]:
    """STOW-RS one fixture study; which instances the server says it stored."""
    ctype, body = build_related([({"Content-Type": "application/dicom"}, i.data) for i in instances], type_="application/dicom")
    request = HttpRequest("POST", f"{session.base_url}/studies",
                          (("Accept", "application/dicom+json"), ("Content-Type", ctype)), body, f"seed study {study}")
    exchange = Exchange(index=0, step=f"seed {study}", request=request)
    try:
        exchange.response = session.client.send(request)
    except (TargetError, Nonconformance) as exc:
        exchange.error = str(exc)
        _log_seed(session, exchange)
        raise TargetError(f"storing fixture study {study} failed: {exc}") from None
    _log_seed(session, exchange)
    resp = exchange.response
    if resp.status not in (200, 202):
        return {i.key: StoreOutcome(False, f"STOW-RS of study {study} answered {resp.status}") for i in instances}
    failed: set[str] = set()
    if resp.status == 202:
        try:
            doc = resp.json()
            ds = doc[0] if isinstance(doc, list) else doc
            for item in (ds.get("00081198") or {}).get("Value", []):
                failed.add(str(first_value(item, "00081155")))
        except (BodyFormatError, AttributeError, TypeError):
            pass
    resp.close()
    return {i.key: StoreOutcome(False, f"server listed it as failed (202) when storing study {study}")
            if i.dataset.SOPInstanceUID in failed else StoreOutcome(True) for i in instances}


def _log_seed(session: RunSession, exchange: Exchange) -> None:
    path = Path(session.data.state_dir) / "seeding.log"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(exchange.transcript(session.redactor) + "\n")


def run_item(case: Case, session: RunSession, item: pytest.Item) -> None:
    item.dicomweb_redact = session.redactor.text  # type: ignore[attr-defined]
    if session.read_only and case.writes:
        pytest.skip("read-only run: this case sends requests that change the target")
    if session.read_only and (case.needs or case.makes):
        pytest.skip("read-only run: this case needs fixture data stored on the target")
    allure.dynamic.title(f"{case.id}: {case.title}")
    if case.description:
        allure.dynamic.description(case.description)
    if not session.claims.covers(case.feature):
        pytest.skip(f"not claimed: {case.feature} ({session.claims.source})")
    run = CaseRun(case=case)
    try:
        run_case(case, session, run)
    except NotOffered as exc:
        pytest.skip(str(exc))
    except Nonconformance as found:
        # Findings may quote what a server echoed; pytest, junit and Allure all print the exception.
        exc = Nonconformance([replace(f, message=session.redactor.text(f.message)) for f in found.findings])
        if case.level == "shall":
            raise exc from None
        grade = "warn" if case.level == "should" else "info"
        item.dicomweb_nonconformance = exc  # type: ignore[attr-defined]
        pytest.xfail(GRADE_PREFIX[grade] + "\n".join(session.redactor.text(f.line()) for f in exc.findings))
    finally:
        _attach(run, session, item)
        run.close()


def resource_pattern(path: str) -> str:
    """/studies/${ct1.StudyInstanceUID}/series/... -> /studies/{study}/series/... (for the statement draft)."""
    for keyword, name in (("StudyInstanceUID", "study"), ("SeriesInstanceUID", "series"), ("SOPInstanceUID", "instance")):
        path = re.sub(r"\$\{[^}.]+\." + keyword + r"\}(\.999)?", "{" + name + "}", path)
    return re.sub(r"\$\{vars\.[^}]+\}", "{url}", path) or "/"


def _attach(run: CaseRun, session: RunSession, item: pytest.Item) -> None:
    # Lint findings are legal-but-risky encodings: reported with the case, aggregated in summary.md.
    item.dicomweb_notes = [session.redactor.text(n.line()) for n in run.notes]  # type: ignore[attr-defined]
    item.dicomweb_exchanges = [  # type: ignore[attr-defined]
        {"method": ex.request.method, "resource": resource_pattern(step.request.path),
         "service": step.request.service, "status": ex.response.status if ex.response else None,
         "content_type": (ex.response.header("content-type") or "") if ex.response else ""}
        for ex, step in zip(run.exchanges, run.case.steps)]
    for ex in run.exchanges:
        if ex.response is not None and not getattr(item, "dicomweb_server", ""):
            item.dicomweb_server = session.redactor.text(ex.response.header("server") or "")  # type: ignore[attr-defined]
        name = f"{ex.index + 1}. {ex.request.method} {session.redactor.text(ex.request.url.removeprefix(session.base_url))}"
        allure.attach(ex.transcript(session.redactor) + "\n" + ex.curl(session.redactor) + "\n",
                      name=name[:200], attachment_type=allure.attachment_type.TEXT)
