"""The store_response check: a Store Instances Response (PS3.18 Annex I, §10.5.3) in DICOM JSON.

Stored instances are in the Referenced SOP Sequence (0008,1199) with SOP Class, SOP Instance
and Retrieve URL; failed ones in the Failed SOP Sequence (0008,1198) with a Failure Reason."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

import pytest
from pydicom import Dataset

from conformance.checks import REGISTRY
from conformance.checks.context import CheckContext
from conformance.checks.registry import messages
from conformance.transport.exchange import Exchange, HttpRequest
from conformance.transport.response import BodyFormatError, Response

CT = "1.2.840.10008.5.1.4.1.1.2"
MR = "1.2.840.10008.5.1.4.1.1.4"


@dataclass
class Inst:
    dataset: Dataset


class Data:
    """Stands in for CaseData: the instances a case sent, by key."""

    def __init__(self) -> None:
        self.by_key: dict[str, Inst] = {}
        for key, uid, cls in (("a", "2.25.1", CT), ("b", "2.25.2", CT), ("c", "2.25.3", MR)):
            ds = Dataset()
            ds.SOPInstanceUID, ds.SOPClassUID = uid, cls
            self.by_key[key] = Inst(ds)

    def instance(self, key: str) -> Inst:
        return self.by_key[key]


def ref(uid: str, cls: str, url: str | None = "http://h/studies/1/series/2/instances/x") -> dict[str, Any]:
    item: dict[str, Any] = {"00081150": {"vr": "UI", "Value": [cls]}, "00081155": {"vr": "UI", "Value": [uid]}}
    if url is not None:
        item["00081190"] = {"vr": "UR", "Value": [url]}
    return item


def failed(uid: str, cls: str, reason: int | None = 0xA700) -> dict[str, Any]:
    item: dict[str, Any] = {"00081150": {"vr": "UI", "Value": [cls]}, "00081155": {"vr": "UI", "Value": [uid]}}
    if reason is not None:
        item["00081197"] = {"vr": "US", "Value": [reason]}
    return item


def store_body(referenced: list[dict[str, Any]] | None = None, failures: list[dict[str, Any]] | None = None) -> Any:
    ds: dict[str, Any] = {"00081190": {"vr": "UR", "Value": ["http://h/studies/1"]}}
    if referenced is not None:
        ds["00081199"] = {"vr": "SQ", "Value": referenced}
    if failures is not None:
        ds["00081198"] = {"vr": "SQ", "Value": failures}
    return ds


def one_problem(problems: list[str], *fragments: str) -> None:
    """Exactly one problem, and it names every fragment (wording is the check's own)."""
    assert len(problems) == 1, problems
    for fragment in fragments:
        assert fragment in problems[0], (fragment, problems[0])


def check(body: Any, spec: dict[str, Any]) -> list[str]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = Response(status=200, reason="OK", http_version="HTTP/1.1", headers=[("Content-Type", "application/dicom+json")],
                        spool=io.BytesIO(raw), size=len(raw), elapsed_s=0.0)
    exchange = Exchange(index=0, step="store", request=HttpRequest("POST", "http://h/studies", ()), response=response)
    context = CheckContext(exchange=exchange, data=Data(), base_url="http://h")  # type: ignore[arg-type]
    found = REGISTRY.get("store_response")
    assert found is not None
    return messages(found.func(context, spec))


def test_all_stored_and_none_failed_passes() -> None:
    body = store_body([ref("2.25.1", CT), ref("2.25.2", CT)])
    assert check(body, {"stored": ["a", "b"], "failed": []}) == []


def test_a_response_array_of_one_dataset_is_accepted() -> None:
    assert check([store_body([ref("2.25.1", CT)])], {"stored": ["a"]}) == []


def test_a_stored_instance_missing_from_the_referenced_sequence_is_reported() -> None:
    one_problem(check(store_body([ref("2.25.1", CT)]), {"stored": ["a", "b"]}), "b ", "(0008,1199)")


def test_a_wrong_sop_class_in_the_reference_is_reported() -> None:
    one_problem(check(store_body([ref("2.25.3", CT)]), {"stored": ["c"]}), "c:", CT, MR)


def test_a_reference_without_retrieve_url_is_reported() -> None:
    one_problem(check(store_body([ref("2.25.1", CT, url=None)]), {"stored": ["a"]}), "(0008,1190)")


def test_a_module_without_its_top_level_retrieve_url_is_reported() -> None:
    body = store_body([ref("2.25.1", CT)])
    del body["00081190"]
    one_problem(check(body, {"stored": ["a"]}), "(0008,1190)")


def test_a_failed_instance_listed_with_a_failure_reason_passes() -> None:
    assert check(store_body([ref("2.25.1", CT)], [failed("2.25.3", MR)]), {"stored": ["a"], "failed": ["c"]}) == []


def test_a_failed_item_without_failure_reason_is_reported() -> None:
    one_problem(check(store_body(None, [failed("2.25.3", MR, reason=None)]), {"failed": ["c"]}), "(0008,1197)")


def test_a_failed_instance_missing_from_the_failed_sequence_is_reported() -> None:
    one_problem(check(store_body([ref("2.25.1", CT)], []), {"stored": ["a"], "failed": ["c"]}), "c ", "(0008,1198)")


def test_a_specific_failure_reason_can_be_required() -> None:
    body = store_body(None, [failed("2.25.3", MR, reason=0xA700)])
    assert check(body, {"failed": ["c"], "failure_reason": 0xA700}) == []
    one_problem(check(body, {"failed": ["c"], "failure_reason": 0xC000}), "c:", str(0xA700), str(0xC000))


def test_an_empty_failed_list_means_nothing_may_fail() -> None:
    body = store_body([ref("2.25.1", CT)], [failed("2.25.2", CT)])
    one_problem(check(body, {"stored": ["a"], "failed": []}), "Failed SOP Sequence", "1 instance")


def test_a_referenced_instance_the_case_did_not_expect_stored_is_reported() -> None:
    body = store_body([ref("2.25.1", CT)], [failed("2.25.3", MR)])
    one_problem(check(body, {"stored": [], "failed": ["c"]}), "Referenced SOP Sequence", "2.25.1")


def test_more_than_one_response_dataset_is_a_body_format_error_for_the_runner_to_report() -> None:
    with pytest.raises(BodyFormatError, match="2"):
        check([store_body([]), store_body([])], {"stored": []})


def test_every_problem_is_reported_not_only_the_first() -> None:
    body = store_body([ref("2.25.1", CT, url=None)])
    assert len(check(body, {"stored": ["a", "b"], "failed": ["c"]})) == 3


def test_malformed_items_are_ignored_not_crashed_on() -> None:
    body = store_body(["not an item", ref("2.25.1", CT)])  # type: ignore[list-item]
    body["00081198"] = {"vr": "SQ", "Value": "not a list"}
    assert check(body, {"stored": ["a"], "failed": []}) == []


def test_the_check_breaks_the_store_response_requirement_by_default() -> None:
    found = REGISTRY.get("store_response")
    assert found is not None and found.requirement == "STORE-RESP-MODULE"


def test_a_body_that_is_not_dicom_json_is_a_body_format_error_for_the_runner_to_report() -> None:
    with pytest.raises(BodyFormatError, match="not valid JSON"):
        check(b"{not json", {"stored": []})
    with pytest.raises(BodyFormatError, match="not a DICOM JSON array"):
        check(b'"text"', {"stored": []})
