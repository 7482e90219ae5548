"""Running the shipped cases of the other services against the double, in process.

The engine itself runs each case (run_case), exactly as the pytest plugin does, minus the
claims gate: the double offers every service. Verdicts are the harness's own: pass, fail
(Nonconformance), skip (NotOffered) and error (any harness or target trouble).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conformance.cases.model import Case
from conformance.cases.parse import CaseParser
from conformance.cases.profile import Profile
from conformance.catalog import load_catalog
from conformance.errors import HarnessError, Nonconformance
from conformance.multipart import build_related
from conformance.plugin import _fixture_keys
from conformance.runner.data import RunData, StoreOutcome
from conformance.runner.execute import CaseRun, NotOffered, Session, run_case
from conformance.transport.client import ClientSettings, HttpClient
from conformance.transport.exchange import HttpRequest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("worklist", "notifications", "capabilities", "npi", "storage-commitment")


@lru_cache(maxsize=1)
def service_cases() -> tuple[Case, ...]:
    parser = CaseParser(load_catalog(), _fixture_keys)
    files = sorted(f for s in SERVICES for f in (ROOT / "testcases" / s).rglob("*.yaml"))
    return tuple(case for f in files for case in parser.parse_file(f, str(f.relative_to(ROOT))))


def case_by_id(case_id: str) -> Case:
    found = [c for c in service_cases() if c.id == case_id]
    assert found, f"no case {case_id}"
    return found[0]


@dataclass(frozen=True)
class Verdict:
    outcome: str  # pass | fail | skip | error
    message: str


def open_session(base_url: str, state_dir: Path, profile: Profile | None = None, scale: float = 0.3) -> Session:
    client = HttpClient(ClientSettings(timeout_s=10.0))
    data = RunData(run_id=uuid.uuid4().hex, state_dir=state_dir)
    session = Session(base_url=base_url, client=client, data=data, profile=profile or Profile(), event_wait_scale=scale)

    def store_study(study: str, instances: tuple) -> dict[str, StoreOutcome]:
        ctype, body = build_related([({"Content-Type": "application/dicom"}, i.data) for i in instances], type_="application/dicom")
        request = HttpRequest("POST", f"{base_url}/studies", (("Accept", "application/dicom+json"), ("Content-Type", ctype)), body)
        response = client.send(request)
        response.close()
        return {i.key: StoreOutcome(response.status == 200, f"seeding answered {response.status}") for i in instances}

    data.store_study = store_study
    return session


def verdict(case: Case, session: Session) -> Verdict:
    run = CaseRun(case=case)
    try:
        run_case(case, session, run)
    except Nonconformance as exc:
        return Verdict("fail", str(exc))
    except NotOffered as exc:
        return Verdict("skip", str(exc))
    except HarnessError as exc:
        return Verdict("error", f"{type(exc).__name__}: {exc}")
    finally:
        run.close()
    return Verdict("pass", "")
