"""The engine's additions for the other services, as rules: case-file checks, where worklist UIDs
go under each profile, keyword payloads, and what a bad profile option gets."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

import pytest

from conformance.cases.model import Body, RequestSpec
from conformance.cases.parse import CaseParser
from conformance.cases.profile import Profile, parse_variant
from conformance.catalog import load_catalog
from conformance.errors import CaseFileError, TargetError, UsageError
from conformance.runner.data import CaseData, RunData
from conformance.runner.dicom_body import keyword_json
from conformance.runner.render import Renderer, http_url_of
from conformance_fixtures import new_run_id
from conformance_fixtures.built import build_object, case_aet, case_uid

BASE = "http://127.0.0.1:8042/dicomweb"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> CaseData:
    run = RunData(run_id=new_run_id(), state_dir=tmp_path_factory.mktemp("state"))
    return CaseData(run, {"w": build_object("ups-basic", "w", run.run_id, "a-case")})


def render(data: CaseData, spec: RequestSpec, **profile: str):
    pairs = [(k.replace("_", "-"), v) for k, v in profile.items()]
    return Renderer(data, {}, "testcases/x.yaml:3", case_id="a-case", profile=Profile.from_pairs(pairs)).request(spec, BASE)


def create(**kw: str) -> RequestSpec:
    return RequestSpec(method="POST", path="/workitems", workitem_uid="${w.SOPInstanceUID}", body=Body("workitem", "w"), **kw)


# ------------------------------------------------------------------ where the worklist UIDs go

def test_by_default_the_workitem_uid_travels_in_the_dataset_and_not_in_the_query(data: CaseData) -> None:
    request = render(data, create())
    (doc,) = json.loads(request.body)
    assert request.url == BASE + "/workitems"
    assert doc["00080018"] == {"vr": "UI", "Value": [data.instance("w").dataset.SOPInstanceUID]}
    assert request.header("content-type") == "application/dicom+json"


def test_the_query_form_sends_the_bare_uid_and_keeps_it_out_of_the_dataset(data: CaseData) -> None:
    uid = data.instance("w").dataset.SOPInstanceUID
    request = render(data, create(), ups_create="query")
    assert request.url == f"{BASE}/workitems?{uid}"
    assert "00080018" not in json.loads(request.body)[0]


def test_the_query_named_form_sends_workitem_equals_uid(data: CaseData) -> None:
    uid = data.instance("w").dataset.SOPInstanceUID
    assert render(data, create(), ups_create="query-named").url == f"{BASE}/workitems?workitem={uid}"


def test_a_case_pinned_to_the_query_form_follows_the_profile_spelling_of_it(data: CaseData) -> None:
    uid = data.instance("w").dataset.SOPInstanceUID
    assert render(data, create(form="query")).url == f"{BASE}/workitems?{uid}"
    assert render(data, create(form="query"), ups_create="query-named").url == f"{BASE}/workitems?workitem={uid}"
    assert render(data, create(form="dataset"), ups_create="query").url == f"{BASE}/workitems"


@pytest.mark.parametrize("spelling, query", [("transaction-uid", "transaction-uid={t}"), ("bare", "{t}"),
                                             ("Transaction-uid", "Transaction-uid={t}"), ("transaction", "transaction={t}")])
def test_the_transaction_uid_is_spelled_as_the_profile_says(data: CaseData, spelling: str, query: str) -> None:
    spec = RequestSpec(method="POST", path="/workitems/1.2.3", transaction_uid="${uid.t}", body=Body("dataset", {"ProcedureStepLabel": "x"}))
    t = case_uid(data.run_id, "a-case", "uid/t")
    assert render(data, spec, ups_transaction_uid=spelling).url == f"{BASE}/workitems/1.2.3?" + query.format(t=t)


def test_generated_uids_and_ae_titles_are_stable_within_a_case_and_valid(data: CaseData) -> None:
    r = Renderer(data, {}, "x.yaml:1", case_id="a-case")
    assert r.text("${uid.t}") == r.text("${uid.t}") != r.text("${uid.u}")
    aet = r.text("${aet.sub}")
    assert aet == case_aet(data.run_id, "a-case", "sub") and len(aet) <= 16 and aet.isalnum()


def test_event_channel_urls_are_asked_for_over_http_on_the_targets_host_only() -> None:
    assert http_url_of("ws://127.0.0.1:9000/events/x", BASE) == "http://127.0.0.1:9000/events/x"
    assert http_url_of("wss:/events/x", "https://h.example/dicomweb") == "https://h.example/events/x"
    with pytest.raises(TargetError, match="not on the target's host"):
        http_url_of("ws://elsewhere.example/events/x", BASE)


# ------------------------------------------------------------------ keyword payloads

def test_keyword_payloads_get_dictionary_vrs_typed_values_and_ascending_tags() -> None:
    doc = keyword_json({"ProcedureStepState": "IN PROGRESS", "TransactionUID": "${x}", "FailureReason": "274",
                        "PatientName": "A^B", "ReferencedSOPSequence": [{"ReferencedSOPInstanceUID": "1.2"}], "AdmissionID": ""},
                       lambda s: s.replace("${x}", "1.2.3"), "x.yaml:1")
    assert list(doc) == sorted(doc)
    assert doc["00081195"] == {"vr": "UI", "Value": ["1.2.3"]}
    assert doc["00081197"] == {"vr": "US", "Value": [274]}
    assert doc["00100010"] == {"vr": "PN", "Value": [{"Alphabetic": "A^B"}]}
    assert doc["00081199"]["Value"] == [{"00081155": {"vr": "UI", "Value": ["1.2"]}}]
    assert doc["00380010"] == {"vr": "LO"}  # empty: no Value member (F.2.5)


def test_an_unknown_keyword_in_a_payload_is_a_case_file_error() -> None:
    with pytest.raises(CaseFileError, match="'NoSuchKeyword' is not a DICOM keyword"):
        keyword_json({"NoSuchKeyword": "1"}, str, "x.yaml:1")


def test_built_workitems_carry_no_empty_value_members(data: CaseData) -> None:
    request = render(data, create())
    text = request.body.decode()
    assert '"Value": []' not in text


# ------------------------------------------------------------------ case files

def parse(tmp_path: Path, steps: str, extra: str = "") -> list:
    text = textwrap.dedent("""\
        transaction: notifications
        cases:
          - id: x-case
            title: a case to parse
            requirements: [NOTIFY-KEEP-OPEN]
            level: shall
        """) + textwrap.indent(textwrap.dedent(extra), "    ") + "    steps:\n" + textwrap.indent(textwrap.dedent(steps), "      ")
    path = tmp_path / "c.yaml"
    path.write_text(text)
    return CaseParser(load_catalog(), lambda: frozenset({"ct1"})).parse_file(path, "c.yaml")


def test_a_websocket_open_needs_a_subscription_url_or_an_ae_title(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="needs 'subscription'"):
        parse(tmp_path, "- websocket: {open: ch}\n  expect: []\n")


def test_event_checks_belong_to_receive_steps_only(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="event checks belong to a websocket receive step"):
        parse(tmp_path, "- websocket: {open: ch, aet: A}\n  expect: [events: {count: 0}]\n")
    with pytest.raises(CaseFileError, match="takes only event checks"):
        parse(tmp_path, "- websocket: {receive: ch}\n  expect: [status: 200]\n")


def test_a_pinned_form_must_fit_the_uid_it_places(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="not a create form"):
        parse(tmp_path, "- request: {method: POST, path: /workitems, workitem_uid: '1.2', form: bare}\n  expect: []\n")
    with pytest.raises(CaseFileError, match="needs workitem_uid or transaction_uid"):
        parse(tmp_path, "- request: {path: /workitems, form: query}\n  expect: []\n")


def test_a_built_object_may_not_shadow_a_fixture_key(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="'ct1' is already a fixture key"):
        parse(tmp_path, "- request: {path: /}\n  expect: []\n", "builds: {ct1: ups-basic}\n")


def test_a_well_formed_websocket_case_parses_into_steps_with_actions(tmp_path: Path) -> None:
    (case,) = parse(tmp_path, """\
        - websocket: {open: ch, aet: "${aet.sub}"}
          expect: [status: 101]
        - websocket: {receive: ch, count: 2, within: 4}
          expect: [events: {count: 2}]
        - request: {path: /workitems}
          not_offered: {status: [404], reason: "the worklist is optional here"}
          repeat: {while_status: 202, within: 3}
          expect: []
        """)
    open_, receive, http = case.steps
    assert (open_.websocket.action, open_.request.path) == ("open", "/ws/subscribers/${aet.sub}")
    assert (receive.websocket.count, receive.websocket.within) == (2, 4.0)
    assert http.not_offered.status == (404,) and http.repeat.while_status == 202
    assert not case.writes


# ------------------------------------------------------------------ the profile option

def test_a_bad_profile_option_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="expected KEY=VALUE"):
        parse_variant("ups-create")
    with pytest.raises(argparse.ArgumentTypeError, match="unknown profile key 'nope'"):
        parse_variant("nope=1")
    with pytest.raises(UsageError, match="not one of dataset, query, query-named"):
        Profile.from_pairs([("ups-create", "path")])
    assert parse_variant("notification-path=ws-subscribers") == ("notification-path", "ws-subscribers")
