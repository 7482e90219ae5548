"""Rendering a step: ${...} templates filled from fixture data, run and saved variables, and the
request spec turned into exact bytes (URL, headers, body)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cases.model import Body, RequestSpec
from conformance.errors import CaseFileError, TargetError
from conformance.runner.data import CaseData, RunData
from conformance.runner.fresh import fresh_copy
from conformance.runner.render import Renderer, same_origin
from conformance_fixtures import new_run_id

BASE = "http://127.0.0.1:8042/dicom-web"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> CaseData:
    run = RunData(run_id=new_run_id(), state_dir=tmp_path_factory.mktemp("state"))
    copy = fresh_copy(run.instance("ct1"), "a", run.run_id, "a-case")
    return CaseData(run, {"a": copy})


def renderer(data: CaseData, **variables: object) -> Renderer:
    return Renderer(data, dict(variables), "testcases/x.yaml:12")


# ------------------------------------------------------------------ templates


def test_instance_templates_take_the_fixture_value(data: CaseData) -> None:
    ds = data.instance("ct1").dataset
    assert renderer(data).text("/studies/${ct1.StudyInstanceUID}/series/${ct1.SeriesInstanceUID}") == \
        f"/studies/{ds.StudyInstanceUID}/series/{ds.SeriesInstanceUID}"


def test_fresh_copies_have_their_own_uids(data: CaseData) -> None:
    r = renderer(data)
    assert r.text("${a.SOPInstanceUID}") != r.text("${ct1.SOPInstanceUID}")
    assert r.text("${a.PatientID}") == r.text("${ct1.PatientID}")  # the patient stays run-scoped


def test_multi_valued_attributes_join_with_backslash(data: CaseData) -> None:
    assert renderer(data).text("${ct1.ImageType}") == "\\".join(data.instance("ct1").dataset.ImageType)


def test_file_meta_attributes_are_available(data: CaseData) -> None:
    assert renderer(data).text("${ct1.TransferSyntaxUID}") == str(data.instance("ct1").dataset.file_meta.TransferSyntaxUID)


def test_run_templates_give_the_run_id_and_patient_prefix(data: CaseData) -> None:
    r = renderer(data)
    assert r.text("${run.id}") == data.run_id
    assert r.text("${run.prefix}*") == f"{data.prefix}*"
    assert r.text("${ct1.PatientID}").startswith(data.prefix)


def test_saved_variables_are_filled(data: CaseData) -> None:
    assert renderer(data, study="1.2.3").text("/studies/${vars.study}") == "/studies/1.2.3"


@pytest.mark.filterwarnings("ignore:Invalid value 'NoSuchKeyword':UserWarning")  # pydicom's own remark on `in`
def test_an_attribute_the_fixture_lacks_is_a_case_file_error_at_the_step(data: CaseData) -> None:
    with pytest.raises(CaseFileError) as info:
        renderer(data).text("${ct1.NoSuchKeyword}")
    assert (info.value.path, info.value.line) == ("testcases/x.yaml", 12)
    assert "fixture ct1 has no attribute NoSuchKeyword" in info.value.message


def test_text_without_templates_is_unchanged(data: CaseData) -> None:
    assert renderer(data).text("/studies?x=$notatemplate{") == "/studies?x=$notatemplate{"


# ------------------------------------------------------------------ URL


def test_query_is_filled_then_encoded_by_the_harness(data: CaseData) -> None:
    spec = RequestSpec("GET", "/studies", query=(("PatientName", "${ct1.PatientName}"), ("includefield", ("00100020", "StudyDate"))))
    url = renderer(data).request(spec, BASE).url
    name = str(data.instance("ct1").dataset.PatientName).replace("^", "%5E")
    assert url == f"{BASE}/studies?PatientName={name}&includefield=00100020,StudyDate"


def test_encode_unreserved_applies_to_filled_values(data: CaseData) -> None:
    spec = RequestSpec("GET", "/studies", query=(("PatientID", "AB"),), query_encoding="encode-unreserved")
    assert renderer(data).request(spec, BASE).url == f"{BASE}/studies?PatientID=%41%42"


def test_raw_query_is_filled_but_not_encoded(data: CaseData) -> None:
    spec = RequestSpec("GET", "/studies", raw_query="PatientName=${ct1.PatientName}&uid=1,2")
    url = renderer(data).request(spec, BASE).url
    assert url == f"{BASE}/studies?PatientName={data.instance('ct1').dataset.PatientName}&uid=1,2"


def test_no_query_means_no_question_mark(data: CaseData) -> None:
    assert renderer(data).request(RequestSpec("GET", "/studies"), BASE + "/").url == f"{BASE}/studies"


def test_uri_service_with_an_empty_path_queries_the_endpoint_itself(data: CaseData) -> None:
    spec = RequestSpec("GET", "", query=(("requestType", "WADO"),), service="uri")
    assert renderer(data).request(spec, "http://h/wado").url == "http://h/wado?requestType=WADO"


def test_an_absolute_url_on_the_target_origin_is_followed(data: CaseData) -> None:
    spec = RequestSpec("GET", "${vars.url}")
    url = renderer(data, url="http://127.0.0.1:8042/dicom-web/studies/1.2").request(spec, BASE).url
    assert url == "http://127.0.0.1:8042/dicom-web/studies/1.2"


@pytest.mark.parametrize("elsewhere", ["http://127.0.0.1:9999/studies/1", "https://127.0.0.1:8042/studies/1",
                                       "http://example.org/studies/1"])
def test_an_absolute_url_on_another_origin_is_refused(elsewhere: str) -> None:
    with pytest.raises(TargetError, match="not on the target's origin"):
        same_origin(elsewhere, BASE)


# ------------------------------------------------------------------ headers and bodies


def test_headers_are_filled_and_kept_in_order(data: CaseData) -> None:
    spec = RequestSpec("GET", "/x", headers=(("Accept", "multipart/related; type=\"application/dicom\""), ("X-Run", "${run.id}")))
    assert renderer(data).request(spec, BASE).headers == (("Accept", 'multipart/related; type="application/dicom"'),
                                                          ("X-Run", data.run_id))


def test_a_stow_body_is_multipart_related_of_the_instances_part10_bytes(data: CaseData) -> None:
    spec = RequestSpec("POST", "/studies", body=Body("stow", ("a", "ct2"), boundary="fixed-b"))
    req = renderer(data).request(spec, BASE)
    assert req.header("content-type") == 'multipart/related; type="application/dicom"; boundary=fixed-b'
    assert req.body is not None
    assert req.body.startswith(b"--fixed-b\r\n")
    assert req.body.rstrip(b"\r\n").endswith(b"--fixed-b--")
    assert data.instance("a").data in req.body and data.instance("ct2").data in req.body
    assert req.body_summary == "2 DICOM part(s): a, ct2"


def test_a_given_content_type_replaces_the_natural_one_and_can_name_the_boundary(data: CaseData) -> None:
    spec = RequestSpec("POST", "/studies", body=Body("stow", ("a",), content_type="multipart/related; boundary={boundary}",
                                                     boundary="b1"))
    assert renderer(data).request(spec, BASE).header("content-type") == "multipart/related; boundary=b1"


def test_an_empty_content_type_sends_none(data: CaseData) -> None:
    spec = RequestSpec("POST", "/studies", body=Body("text", "hello", content_type=""))
    assert renderer(data).request(spec, BASE).header("content-type") is None


def test_a_content_type_header_in_the_case_wins_over_the_body(data: CaseData) -> None:
    spec = RequestSpec("POST", "/studies", headers=(("content-type", "application/x-odd"),), body=Body("text", "x"))
    req = renderer(data).request(spec, BASE)
    assert [v for k, v in req.headers if k.lower() == "content-type"] == ["application/x-odd"]


@pytest.mark.parametrize("body, content, ctype", [
    (Body("text", "run ${run.id}"), None, "text/plain"),
    (Body("hex", "00 ff 10"), b"\x00\xff\x10", None),
    (Body("empty", True), b"", None),
])
def test_simple_bodies(data: CaseData, body: Body, content: bytes | None, ctype: str | None) -> None:
    req = renderer(data).request(RequestSpec("POST", "/x", body=body), BASE)
    assert req.body == (content if content is not None else f"run {data.run_id}".encode())
    assert req.header("content-type") == ctype


def test_a_json_body_is_dicom_json_with_filled_values(data: CaseData) -> None:
    body = Body("json", [{"00100020": {"vr": "LO", "Value": ["${ct1.PatientID}"]}}])
    req = renderer(data).request(RequestSpec("POST", "/x", body=body), BASE)
    assert req.header("content-type") == "application/dicom+json"
    assert json.loads(req.body or b"") == [{"00100020": {"vr": "LO", "Value": [data.instance("ct1").dataset.PatientID]}}]


def test_a_json_body_stays_valid_json_whatever_the_filled_value(data: CaseData) -> None:
    # ImageType holds backslashes once joined; a saved variable may hold quotes.
    body = Body("json", {"a": "${ct1.ImageType}", "b": 'say "${vars.q}"', "c": ["${vars.q}"]})
    req = renderer(data, q='x"y\\z').request(RequestSpec("POST", "/x", body=body), BASE)
    assert json.loads(req.body or b"") == {"a": "ORIGINAL\\PRIMARY\\AXIAL", "b": 'say "x"y\\z"', "c": ['x"y\\z']}


def test_explicit_parts_take_instances_hex_and_filled_text(data: CaseData) -> None:
    parts = ({"headers": {"Content-Type": "application/dicom"}, "instance": "a"},
             {"headers": {"Content-Type": "application/octet-stream"}, "hex": "0102"},
             {"headers": {"Content-Type": "text/plain", "X-Run": "${run.id}"}, "text": "id ${run.id}"})
    req = renderer(data).request(RequestSpec("POST", "/studies", body=Body("parts", parts, boundary="pb")), BASE)
    body = req.body or b""
    assert data.instance("a").data in body
    assert b"\r\n\r\n\x01\x02\r\n--pb" in body
    assert f"X-Run: {data.run_id}".encode() in body and f"id {data.run_id}".encode() in body
    assert req.body_summary == "3 explicit part(s)"


def test_method_and_follow_redirects_pass_through(data: CaseData) -> None:
    req = renderer(data).request(RequestSpec("DELETE", "/x", follow_redirects=True), BASE)
    assert (req.method, req.follow_redirects, req.body) == ("DELETE", True, None)


def test_rendering_reads_no_files_and_stores_nothing(data: CaseData) -> None:
    # Rendering is pure: the run's state folder stays empty (storing happens in ensure_stored).
    renderer(data).request(RequestSpec("POST", "/studies", body=Body("stow", ("ct1",))), BASE)
    assert list(Path(data.run.state_dir).iterdir()) == []
