"""The Store Instances Response Module read from XML, Failure Reason codes of Table I.2-2, Other Failures,
and Retrieve URLs followed back to the instance that was sent (PS3.18 Annex I, 10.5.3)."""

from __future__ import annotations

import json
from typing import Any

from conformance.checks.store import reason_allowed
from test_checks_retrieve_support import BASE, CORPUS, Data, ctx, instance_parts, response, run

CT = CORPUS.instance("ct1").dataset
URL = BASE + "/studies/s/series/r/instances/" + CT.SOPInstanceUID
NS = 'xmlns="http://dicom.nema.org/PS3.19/models/NativeDICOM"'


def attr(tag: str, vr: str, value: str) -> str:
    return f'<DicomAttribute tag="{tag}" vr="{vr}"><Value number="1">{value}</Value></DicomAttribute>'


def xml_module(items: str, stray_value: bool = False) -> bytes:
    stray = '<Value number="1"/>' if stray_value else ""
    return (f'<?xml version="1.0" encoding="utf-8"?><NativeDicomModel {NS} xml:space="preserve">'
            f'{attr("00081190", "UR", BASE + "/studies/s")}'
            f'<DicomAttribute tag="00081199" vr="SQ">{items}{stray}</DicomAttribute></NativeDicomModel>').encode()


def referenced_item(url: str = URL) -> str:
    return (f'<Item number="1">{attr("00081150", "UI", CT.SOPClassUID)}{attr("00081155", "UI", CT.SOPInstanceUID)}'
            f'{attr("00081190", "UR", url)}</Item>')


def json_module(**sequences: list[dict[str, Any]]) -> bytes:
    ds: dict[str, Any] = {"00081190": {"vr": "UR", "Value": [BASE + "/studies/s"]}}
    ds.update({tag: {"vr": "SQ", "Value": items} for tag, items in sequences.items()})
    return json.dumps(ds).encode()


def store_ctx(body: bytes, media: str = "application/dicom+json", site: dict[str, Any] | None = None) -> Any:
    return ctx(response(200, [("Content-Type", media)], body), url=BASE + "/studies", data=Data({"a": CORPUS.instance("ct1")}), site=site)


def test_an_xml_module_is_read_like_the_json_one() -> None:
    assert run("store_response", store_ctx(xml_module(referenced_item()), "application/dicom+xml"), {"stored": ["a"], "failed": []}) == []


def test_an_xml_sequence_holding_a_value_element_is_reported_plainly() -> None:
    problems = run("store_response", store_ctx(xml_module(referenced_item(), stray_value=True), "application/dicom+xml"), {"stored": ["a"]})
    assert any("holds a Value element" in p for p in problems)


def test_failure_reasons_match_numbers_and_table_codes() -> None:
    assert reason_allowed(0x0122, ["0122"]) and reason_allowed(0xC122, ["C122"])
    assert reason_allowed(0xA9FE, ["A9xx"]) and reason_allowed(0xC001, ["Cxxx"])
    assert not reason_allowed(0xA700, ["A9xx", 0xC000]) and not reason_allowed("290", ["0122"])


def test_a_failed_item_with_the_wrong_reason_code_is_reported() -> None:
    failed = {"00081150": {"vr": "UI", "Value": [CT.SOPClassUID]}, "00081155": {"vr": "UI", "Value": [CT.SOPInstanceUID]},
              "00081197": {"vr": "US", "Value": [0xA700]}}
    problems = run("store_response", store_ctx(json_module(**{"00081198": [failed]})), {"failed": ["a"], "failure_reason": ["0122"]})
    assert problems and "0122" in problems[0] and str(0xA700) in problems[0]


def test_a_failed_item_without_its_sop_references_is_reported() -> None:
    failed = {"00081197": {"vr": "US", "Value": [272]}}
    problems = run("store_response", store_ctx(json_module(**{"00081198": [failed]})), {})
    assert any("Referenced SOP Class UID" in p and "Type 1" in p for p in problems)


def test_other_failures_can_be_required_and_need_a_reason() -> None:
    assert run("store_response", store_ctx(json_module(**{"0008119A": [{"00081197": {"vr": "US", "Value": [0xC000]}}]})),
               {"other_failures": True}) == []
    problems = run("store_response", store_ctx(json_module(**{"0008119A": [{}]})), {"other_failures": True})
    assert any("Other Failures Sequence item 1 lacks" in p for p in problems)


def test_retrieve_urls_are_followed_and_the_instance_compared() -> None:
    item = {"00081150": {"vr": "UI", "Value": [CT.SOPClassUID]}, "00081155": {"vr": "UI", "Value": [CT.SOPInstanceUID]},
            "00081190": {"vr": "UR", "Value": [URL]}}
    headers, body = instance_parts(CORPUS.instance("ct1").data)
    context = store_ctx(json_module(**{"00081199": [item]}), site={URL: (200, headers, body)})
    assert run("store_response", context, {"stored": ["a"], "retrieve": True}) == []
    assert context.followed == [URL]
    headers, body = instance_parts(CORPUS.instance("ct2").data)
    context = store_ctx(json_module(**{"00081199": [item]}), site={URL: (200, headers, body)})
    assert run("store_response", context, {"stored": ["a"], "retrieve": True})


def test_a_retrieve_url_that_does_not_resolve_is_reported() -> None:
    item = {"00081150": {"vr": "UI", "Value": [CT.SOPClassUID]}, "00081155": {"vr": "UI", "Value": [CT.SOPInstanceUID]},
            "00081190": {"vr": "UR", "Value": [URL]}}
    problems = run("store_response", store_ctx(json_module(**{"00081199": [item]})), {"stored": ["a"], "retrieve": True})
    assert problems == [f"a: Retrieve URL {URL} answered 404, expected 200"]


def test_a_failure_response_may_leave_the_module_out_but_a_given_module_is_checked() -> None:
    empty = ctx(response(409, [], b""), url=BASE + "/studies", data=Data({"a": CORPUS.instance("ct1")}))
    assert run("store_response", empty, {"failed": ["a"], "module_optional": True}) == []
    report = ctx(response(409, [("Content-Type", "text/html")], b"<p>no</p>"), url=BASE + "/studies")
    assert run("store_response", report, {"failed": ["a"], "module_optional": True}) == []
    wrong = store_ctx(json_module(**{"00081198": [{"00081197": {"vr": "US", "Value": [272]}}]}))
    assert run("store_response", wrong, {"failed": ["a"], "module_optional": True})
