"""Credentials given to the harness appear in no artifact and not on the console, in any form.

The proxy forms (bearer, custom header) run behind a proxy that also echoes the credential
back in every response, as a careless server might: the harness must scrub it there too.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest

from conformance.targets.orthanc import OrthancTarget
from tests.tooling.harness import HarnessRun, run_cli, run_harness
from tests.tooling.proxy import MutatingProxy

from .conftest import BASIC_PASSWORD, BASIC_USER

pytestmark = pytest.mark.safety
TOKEN = "tok-3b9d52e0c4a1-secret"
HEADER_NAME, HEADER_VALUE = "X-Site-Token", "hdr-91e4f0aa77-secret"
ENV_TOKEN = "env-5c2a8d1b93-secret"


@dataclass(frozen=True)
class Leak:
    artifact: str
    form: str


def forms_of(*secrets: str) -> dict[str, str]:
    """Each secret as given and as it travels (base64, as in a basic Authorization header)."""
    found: dict[str, str] = {}
    for secret in secrets:
        found[secret] = "plain"
        found[base64.b64encode(secret.encode()).decode()] = "base64"
    return found


def leaks(run: HarnessRun, *secrets: str) -> list[Leak]:
    forms = forms_of(*secrets)
    return [Leak(name, f"{kind} {value[:6]}...") for name, text in run.artifact_texts()
            for value, kind in forms.items() if value in text]


def authenticated(run: HarnessRun) -> bool:
    """The credentials were used for real: cases passed, so the target let the harness in."""
    return sum(c["verdict"] == "pass" for c in run.cases) > 10


def _proxy_run(target: OrthancTarget, tmp: pytest.TempPathFactory, name: str, require: tuple[str, str],
               auth: str) -> HarnessRun:
    with MutatingProxy(target.base_url, require=require, echo_credentials=True) as proxy:
        report = tmp.mktemp(name) / "report"
        run = run_harness(proxy.url_for(target.base_url), report, uri_url=proxy.url_for(target.wado_uri),
                          extra=["--dicomweb-auth", auth, "--alluredir", str(report / "allure-results")])
    # Controls: the secret really travelled, and came back in responses the harness wrote down.
    assert any((require[0].lower(), require[1]) in [(k.lower(), v) for k, v in s.headers] for s in proxy.log.seen)
    assert any("X-Echo-Credentials: " in text and "<redacted>" in text for _, text in run.artifact_texts())
    return run


def test_basic_credentials_appear_in_no_artifact_of_a_command_line_run(orthanc_with_users: OrthancTarget,
                                                                        tmp_path: pytest.TempPathFactory) -> None:
    run = run_cli(orthanc_with_users.base_url, tmp_path / "report", uri_url=orthanc_with_users.wado_uri,
                  args=["--auth", f"basic:{BASIC_USER}:{BASIC_PASSWORD}"])
    assert authenticated(run), run.tail()
    assert (run.report_dir / "allure-results").is_dir() and (run.report_dir / "report.html").is_file()
    assert not leaks(run, BASIC_PASSWORD, f"{BASIC_USER}:{BASIC_PASSWORD}")


def test_a_bearer_token_appears_in_no_artifact(safety_orthanc: OrthancTarget,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    run = _proxy_run(safety_orthanc, tmp_path_factory, "bearer", ("Authorization", f"Bearer {TOKEN}"), f"bearer:{TOKEN}")
    assert authenticated(run), run.tail()
    assert not leaks(run, TOKEN)


def test_a_custom_header_value_appears_in_no_artifact(safety_orthanc: OrthancTarget,
                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    run = _proxy_run(safety_orthanc, tmp_path_factory, "header", (HEADER_NAME, HEADER_VALUE),
                     f"header:{HEADER_NAME}:{HEADER_VALUE}")
    assert authenticated(run), run.tail()
    assert not leaks(run, HEADER_VALUE)


def test_a_secret_read_from_the_environment_appears_in_no_artifact(safety_orthanc: OrthancTarget,
                                                                   tmp_path_factory: pytest.TempPathFactory,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DWC_TEST_TOKEN", ENV_TOKEN)
    run = _proxy_run(safety_orthanc, tmp_path_factory, "env", ("Authorization", f"Bearer {ENV_TOKEN}"),
                     "bearer:env:DWC_TEST_TOKEN")
    assert authenticated(run), run.tail()
    assert not leaks(run, ENV_TOKEN)
