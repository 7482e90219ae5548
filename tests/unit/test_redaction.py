"""Credentials never reach anything the harness writes: transcripts, curl lines, case records.

A server may echo what it received (a body quoting the Authorization header, a token in an
error message), so secrets are scrubbed from all text, not only from known header names.
"""

from __future__ import annotations

import base64
import io
from types import SimpleNamespace

import pytest

from conformance.cases.model import Case, RequestSpec, Source, Step
from conformance.errors import Finding, Nonconformance, TargetError, UsageError
from conformance.reporting.record import record_for
from conformance.transport.auth import parse_auth
from conformance.transport.exchange import Exchange, HttpRequest
from conformance.transport.redact import REDACTED, Redactor
from conformance.transport.response import Response

USER, PASSWORD, TOKEN, API_KEY = "alice", "pa55-w0rd", "tok-9f8e7d", "key-1234abcd"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def session_redactor(spec: str) -> Redactor:
    """The redactor as the session builds it from --dicomweb-auth."""
    creds = parse_auth(spec)
    return Redactor(creds.secrets, [creds.header_name] if creds.header_name else ())


def response(body: bytes, headers: list[tuple[str, str]], status: int = 200) -> Response:
    return Response(status=status, reason="OK", http_version="HTTP/1.1", headers=headers,
                    spool=io.BytesIO(body), size=len(body), elapsed_s=0.01)


def leaks(text: str, *secrets: str) -> list[str]:
    forms = [s for secret in secrets for s in (secret, b64(secret))]
    return [s for s in forms if s in text]


# ------------------------------------------------------------------ the redactor


@pytest.mark.parametrize("name", ["Authorization", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
                                  "X-Api-Key", "X-Auth-Token"])
def test_secret_headers_are_replaced_whatever_their_value(name: str) -> None:
    assert Redactor().header(name, "anything at all") == REDACTED


def test_a_custom_auth_header_is_replaced() -> None:
    redactor = Redactor([API_KEY], ["X-Tenant-Key"])
    assert redactor.header("x-tenant-key", "abc") == REDACTED


def test_other_headers_pass_but_secrets_inside_them_are_scrubbed() -> None:
    redactor = Redactor([TOKEN])
    assert redactor.header("Content-Type", "application/dicom+json") == "application/dicom+json"
    assert redactor.header("X-Echo", f"Bearer {TOKEN}") == f"Bearer {REDACTED}"


def test_secrets_and_their_base64_forms_are_scrubbed_from_text() -> None:
    redactor = Redactor([TOKEN])
    assert redactor.text(f"a {TOKEN} b {b64(TOKEN)} c") == f"a {REDACTED} b {REDACTED} c"


def test_longer_secrets_are_scrubbed_before_their_substrings() -> None:
    redactor = Redactor(["abc", "abcdef"])
    assert redactor.text("xabcdefx") == f"x{REDACTED}x"


def test_added_secrets_are_scrubbed_too() -> None:
    redactor = Redactor()
    redactor.add_secret("late-secret")
    assert redactor.text("see late-secret") == f"see {REDACTED}"


@pytest.mark.parametrize("user", ["bob", "alice", "carol7"])  # every alignment of the password in base64
def test_basic_credentials_as_sent_on_the_wire_are_scrubbed(user: str) -> None:
    # Basic sends base64("user:password"): a server that echoes the header leaks that form.
    redactor = session_redactor(f"basic:{user}:{PASSWORD}")
    on_the_wire = b64(f"{user}:{PASSWORD}")
    assert redactor.text(f"you sent Authorization: Basic {on_the_wire}") == f"you sent Authorization: Basic {REDACTED}"
    assert leaks(redactor.text(f"user {user}, password {PASSWORD}"), user, PASSWORD) == []


def test_secrets_from_environment_variables_are_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DWC_TEST_TOKEN", TOKEN)
    creds = parse_auth("bearer:env:DWC_TEST_TOKEN")
    assert creds.secrets[0] == TOKEN
    assert Redactor(creds.secrets).text(TOKEN) == REDACTED


def test_an_unset_environment_variable_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DWC_NOT_SET", raising=False)
    with pytest.raises(UsageError, match="DWC_NOT_SET"):
        parse_auth("bearer:env:DWC_NOT_SET")


@pytest.mark.parametrize("spec", ["basic:onlyuser", "bearer:", "header:NoValue", "digest:a:b"])
def test_malformed_auth_specs_are_usage_errors_that_do_not_echo_the_secret(spec: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_auth(spec)
    assert "onlyuser" not in str(info.value)


# ------------------------------------------------------------------ transcripts and curl lines


@pytest.fixture(params=[f"basic:{USER}:{PASSWORD}", f"bearer:{TOKEN}", f"header:X-Api-Key:{API_KEY}"])
def auth_spec(request: pytest.FixtureRequest) -> str:
    return request.param


def secrets_of(spec: str) -> tuple[str, ...]:
    return parse_auth(spec).secrets


def echoing_exchange(spec: str) -> Exchange:
    """A request that carries every secret in headers and URL, answered by a server that echoes them all."""
    secrets = secrets_of(spec)
    everything = " ".join(secrets + tuple(b64(s) for s in secrets))
    request = HttpRequest(
        "GET", f"http://127.0.0.1:1/studies?token={secrets[0]}",
        (("Authorization", f"Bearer {secrets[0]}"), ("Cookie", "sid=12345"), ("X-Api-Key", secrets[-1]),
         ("Accept", "application/dicom+json")),
    )
    exchange = Exchange(index=0, step="search", request=request)
    exchange.response = response(
        f'{{"error": "bad credentials {everything}"}}'.encode(),
        [("Content-Type", "application/json"), ("Set-Cookie", "sid=12345"), ("X-Echo", everything)],
        status=401,
    )
    exchange.error = f"server said {everything}"
    exchange.notes.append(f"note with {everything}")
    return exchange


def test_transcripts_never_show_a_secret(auth_spec: str) -> None:
    exchange = echoing_exchange(auth_spec)
    text = exchange.transcript(session_redactor(auth_spec))
    assert leaks(text, *secrets_of(auth_spec)) == []
    assert "sid=12345" not in text
    assert "Authorization: <redacted>" in text and "Cookie: <redacted>" in text
    assert "Accept: application/dicom+json" in text  # everything else stays readable


def test_curl_lines_never_show_a_secret(auth_spec: str) -> None:
    exchange = echoing_exchange(auth_spec)
    line = exchange.curl(session_redactor(auth_spec))
    assert line.startswith("curl -sS -X GET")
    assert leaks(line, *secrets_of(auth_spec)) == []
    assert "sid=12345" not in line


def test_transcript_of_a_failed_exchange_scrubs_the_error() -> None:
    exchange = Exchange(index=0, step="s", request=HttpRequest("GET", "http://h/x", ()))
    exchange.error = f"cannot connect: token {TOKEN} refused"
    assert TOKEN not in exchange.transcript(Redactor([TOKEN]))


# ------------------------------------------------------------------ case records


CASE = Case(id="c", title="a case", transaction="studies.search", requirements=("R-1",), level="shall",
            steps=(Step("s", RequestSpec("GET", "/studies"), (), (), 1),), source=Source("t.yaml", 1))


def raised(exc: BaseException) -> pytest.ExceptionInfo[BaseException]:
    try:
        raise exc
    except BaseException:
        return pytest.ExceptionInfo.from_current()


def report(outcome: str) -> SimpleNamespace:
    return SimpleNamespace(passed=outcome == "passed", skipped=outcome == "skipped", failed=outcome == "failed",
                           longrepr=None, duration=0.5, wasxfail=None)


def item_for(redactor: Redactor, server: str = "") -> SimpleNamespace:
    return SimpleNamespace(dicomweb_redact=redactor.text, dicomweb_server=server)


def test_record_findings_and_message_are_scrubbed() -> None:
    exc = Nonconformance([Finding("header", f"X-Echo: 'Bearer {TOKEN}', expected 'x'"),
                          Finding("body", f"body quotes {b64(TOKEN)}")])
    record = record_for(CASE, item_for(Redactor([TOKEN])), report("failed"), raised(exc))
    assert record.verdict == "fail"
    assert leaks(record.message + "\n".join(record.findings), TOKEN) == []
    assert len(record.findings) == 2


def test_record_error_message_is_scrubbed() -> None:
    exc = TargetError(f"cannot connect with token {TOKEN}")
    record = record_for(CASE, item_for(Redactor([TOKEN])), report("failed"), raised(exc))
    assert record.verdict == "error"
    assert TOKEN not in record.message
