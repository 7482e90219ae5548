"""Shared stand-ins for the search check tests: a stored corpus, responses built from it."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from pydicom import Dataset

import conformance_fixtures as cf
from conformance.checks import REGISTRY
from conformance.checks.context import CheckContext
from conformance.checks.registry import messages
from conformance.multipart import build_related
from conformance.transport.exchange import Exchange, HttpRequest
from conformance.transport.response import Response

BASE = "http://h/dicom-web"
CORPUS = cf.build_corpus("search-check-tests")
STUDY_KEYWORDS = ("StudyDate", "StudyTime", "AccessionNumber", "ReferringPhysicianName", "PatientName",
                  "PatientID", "PatientBirthDate", "PatientSex", "StudyInstanceUID", "StudyID")


@dataclass
class StoredData:
    """What CaseData offers the checks: the corpus and the datasets the server holds."""

    corpus: cf.Corpus = CORPUS
    missing: tuple[str, ...] = ()

    def stored_datasets(self) -> list[Dataset]:
        return [i.dataset for i in self.corpus.instances if i.key not in self.missing]


def uid(key: str, keyword: str) -> str:
    return str(CORPUS.instance(key).dataset.data_element(keyword).value)


def element_json(ds: Dataset, keyword: str) -> tuple[str, Any]:
    sub = Dataset()
    if "SpecificCharacterSet" in ds:
        sub.SpecificCharacterSet = ds.SpecificCharacterSet
    sub.add(ds[keyword])
    (key, value), = ((k, v) for k, v in sub.to_json_dict().items() if k != "00080005")
    return key, value


def study_doc(key: str, *, drop: tuple[str, ...] = (), extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A study result as a conforming server would write it for fixture instance `key`'s study."""
    ds = CORPUS.instance(key).dataset
    doc = dict(element_json(ds, k) for k in STUDY_KEYWORDS if k not in drop)
    members = CORPUS.in_study(CORPUS.instance(key).study)
    computed = {
        "00080061": {"vr": "CS", "Value": sorted({str(i.dataset.Modality) for i in members})},
        "00201206": {"vr": "IS", "Value": [len({i.series for i in members})]},
        "00201208": {"vr": "IS", "Value": [len(members)]},
    }
    doc.update({k: v for k, v in computed.items() if k not in drop})
    doc.update(extra or {})
    return dict(sorted(doc.items()))


def uid_doc(level_key: str, value: str) -> dict[str, Any]:
    return {level_key: {"vr": "UI", "Value": [value]}}


def json_response(docs: list[dict[str, Any]], status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(docs).encode() if status != 204 else b""
    hdrs = [("Content-Type", "application/dicom+json")] if body else []
    return make_response(status, body, hdrs + (headers or []))


def xml_response(parts: list[bytes]) -> Response:
    ctype, body = build_related([({"Content-Type": "application/dicom+xml"}, p) for p in parts],
                                type_="application/dicom+xml")
    return make_response(200, body, [("Content-Type", ctype), ("Content-Length", str(len(body)))])


def make_response(status: int, body: bytes, headers: list[tuple[str, str]]) -> Response:
    return Response(status=status, reason="", http_version="HTTP/1.1", headers=headers,
                    spool=io.BytesIO(body), size=len(body), elapsed_s=0.0)


def context(path: str, params: list[tuple[str, str]], response: Response, *, data: StoredData | None = None,
            variables: dict[str, Any] | None = None) -> CheckContext:
    query = "&".join(f"{k}={quote(v, safe='*,')}" for k, v in params)
    url = f"{BASE}{path}" + (f"?{query}" if query else "")
    exchange = Exchange(index=0, step="s", request=HttpRequest("GET", url, ()), response=response)
    return CheckContext(exchange=exchange, data=data or StoredData(), base_url=BASE,  # type: ignore[arg-type]
                        variables=variables if variables is not None else {})


def run(name: str, ctx: CheckContext, arg: Any) -> list[str]:
    check = REGISTRY.get(name)
    assert check is not None, name
    return messages(check.func(ctx, arg))


@dataclass
class Pages:
    """A paged search replayed step by step against one shared variables dict."""

    path: str
    params: list[tuple[str, str]]
    variables: dict[str, Any] = field(default_factory=dict)

    def step(self, docs: list[dict[str, Any]], check: str, spec: dict[str, Any], **paging: str) -> list[str]:
        params = self.params + [(k, v) for k, v in paging.items()]
        response = json_response(docs) if docs else json_response([], status=204)
        return run(check, context(self.path, params, response, variables=self.variables), spec)
