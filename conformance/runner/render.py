"""Filling a step's templates and turning its request spec into exact bytes."""

from __future__ import annotations

import json
from typing import Any

from pydicom.multival import MultiValue

from ..cases.model import Body, RequestSpec, Step
from ..cases.parse import TEMPLATE
from urllib.parse import urlsplit

from ..errors import CaseFileError, TargetError
from ..multipart import build_related
from ..transport.exchange import HttpRequest
from ..transport.query import build_query
from ..cases.profile import Profile
from conformance_fixtures.built import case_aet, case_uid
from .data import CaseData
from .dicom_body import dataset_json, keyword_json, with_instance_uid
from .stow_metadata import NotSendableAsMetadata, json_payload, xml_payload


class Renderer:
    def __init__(self, data: CaseData, variables: dict[str, Any], where: str, case_id: str = "",
                 profile: Profile | None = None) -> None:
        self.data = data
        self.variables = variables
        self.where = where
        self.case_id = case_id
        self.profile = profile or Profile()

    def value(self, ref: str) -> str:
        head, _, attr = ref.partition(".")
        if head == "vars":
            return str(self.variables[attr])
        if head == "run":
            return self.data.run_id if attr == "id" else self.data.prefix
        if head == "uid":
            return case_uid(self.data.run_id, self.case_id, f"uid/{attr}")
        if head == "aet":
            return case_aet(self.data.run_id, self.case_id, attr)
        inst = self.data.instance(head)
        ds = inst.dataset
        if attr in ds:
            value = ds.data_element(attr).value  # type: ignore[union-attr]
        elif ds.file_meta is not None and attr in ds.file_meta:
            value = ds.file_meta.data_element(attr).value  # type: ignore[union-attr]
        else:
            path, _, line = self.where.rpartition(":")
            raise CaseFileError(path, int(line) if line.isdigit() else None, f"${{{ref}}}: fixture {head} has no attribute {attr}")
        if isinstance(value, (list, MultiValue)):
            return "\\".join(str(v) for v in value)
        return str(value)

    def text(self, text: str) -> str:
        return TEMPLATE.sub(lambda m: self.value(m.group(1)), text)

    def fill(self, value: Any) -> Any:
        """Templates filled in every string (keys too) of a JSON-like value."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.fill(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.fill(v) for v in value]
        return value

    def request(self, spec: RequestSpec, base_url: str) -> HttpRequest:
        path = self.text(spec.path)
        if spec.raw_query is not None:
            query = self.text(spec.raw_query)
        else:
            pairs = [(self.text(k), tuple(self.text(x) for x in v) if isinstance(v, tuple) else self.text(v))
                     for k, v in spec.query]
            pairs += self._named_uid(spec)
            query = build_query(pairs, spec.query_encoding)  # type: ignore[arg-type]
        query = self._bare_uid(spec, query)
        if path.startswith(("ws://", "wss://")):
            path = http_url_of(path, base_url)  # the event channel URL, asked for over plain HTTP
        url = base_url.rstrip("/") + path + (f"?{query}" if query else "")
        if path.startswith(("http://", "https://")):
            url = same_origin(path, base_url) + (f"?{query}" if query else "")
        if spec.service == "uri" and path in ("", "/") and query:
            url = base_url + f"?{query}"  # WADO-URI: the endpoint itself takes the query
        headers = [(self.text(k), self.text(v)) for k, v in spec.headers]
        body, ctype, summary = self.body(spec.body, self._uid_in_dataset(spec), base_url) if spec.body else (None, None, "")
        if ctype and not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", ctype))
        return HttpRequest(spec.method, url, tuple(headers), body, summary, spec.follow_redirects)

    def _form(self, spec: RequestSpec) -> str:
        if spec.form == "query" and self.profile.ups_create == "query-named":
            return "query-named"  # a case pinned to the query form, spelled as the target reads ?{workitem}
        if spec.form:
            return spec.form
        return self.profile.ups_create if spec.workitem_uid is not None else self.profile.ups_transaction_uid

    def _named_uid(self, spec: RequestSpec) -> list[tuple[str, str]]:
        """query-named create (?workitem=) and the named Transaction UID spellings (§11.6.1, profile)."""
        if spec.workitem_uid is not None and self._form(spec) == "query-named":
            return [("workitem", self.text(spec.workitem_uid))]
        if spec.transaction_uid is not None and self._form(spec) != "bare":
            return [(self._form(spec), self.text(spec.transaction_uid))]
        return []

    def _bare_uid(self, spec: RequestSpec, query: str) -> str:
        """The RFC 6570 reading of ?{workitem} and ?{transaction-uid}: the UID itself is the query."""
        uid = spec.workitem_uid if self._form(spec) == "query" else spec.transaction_uid if self._form(spec) == "bare" else None
        if uid is None:
            return query
        return self.text(uid) + (f"&{query}" if query else "")

    def _uid_in_dataset(self, spec: RequestSpec) -> str | None:
        if spec.workitem_uid is not None and self._form(spec) == "dataset":
            return self.text(spec.workitem_uid)
        return None

    def body(self, body: Body, instance_uid: str | None = None, base_url: str = "") -> tuple[bytes, str | None, str]:
        natural: str | None
        if body.kind == "stow":
            insts = [self.data.instance(k) for k in body.value]
            natural, data = build_related([({"Content-Type": "application/dicom"}, i.data) for i in insts],
                                          boundary=body.boundary, type_="application/dicom")
            summary = f"{len(insts)} DICOM part(s): {', '.join(body.value)}"
        elif body.kind in ("stow_json", "stow_xml"):
            insts = [self.data.instance(k) for k in body.value]
            build = json_payload if body.kind == "stow_json" else xml_payload
            try:
                natural, data = build(insts, base_url, boundary=body.boundary)
            except NotSendableAsMetadata as exc:
                path, _, line = self.where.rpartition(":")
                raise CaseFileError(path, int(line) if line.isdigit() else None, f"body {body.kind}: {exc}") from None
            form = "DICOM JSON" if body.kind == "stow_json" else "DICOM XML"
            summary = f"{len(insts)} instance(s) as {form} metadata plus bulk data: {', '.join(body.value)}"
        elif body.kind == "parts":
            parts = []
            for p in body.value:
                headers = {self.text(k): self.text(str(v)) for k, v in p.get("headers", {}).items()}
                if "instance" in p:
                    content = self.data.instance(p["instance"]).data
                elif "hex" in p:
                    content = bytes.fromhex(p["hex"])
                else:
                    content = self.text(p.get("text", "")).encode("utf-8")
                parts.append((headers, content))
            natural, data = build_related(parts, boundary=body.boundary, type_="application/dicom")
            summary = f"{len(parts)} explicit part(s)"
        elif body.kind == "json":
            # Fill the strings, then serialise: a filled value with '\\' or '"' stays valid JSON.
            data = json.dumps(self.fill(body.value)).encode("utf-8")
            natural, summary = "application/dicom+json", "JSON"
        elif body.kind in ("dataset", "workitem"):
            doc = [keyword_json(body.value, self.text, self.where)] if body.kind == "dataset" \
                else [dataset_json(self.data.instance(body.value).dataset)]
            if instance_uid is not None:
                doc = with_instance_uid(doc, instance_uid)
            data = json.dumps(doc).encode("utf-8")
            natural, summary = "application/dicom+json", f"DICOM JSON {body.kind}"
        elif body.kind == "hex":
            data, natural, summary = bytes.fromhex(body.value), None, "raw bytes"
        elif body.kind == "empty":
            data, natural, summary = b"", None, "empty"
        else:
            data, natural, summary = self.text(body.value).encode("utf-8"), "text/plain", "text"
        ctype = natural
        if body.content_type is not None:
            boundary = natural.split("boundary=")[-1].strip('"') if natural and "boundary=" in natural else ""
            ctype = body.content_type.replace("{boundary}", boundary) or None
        return data, ctype, summary


def http_url_of(url: str, base_url: str) -> str:
    """ws://host/path -> http://host/path (wss -> https); a URL without authority takes the base URL's.
    Only the target's own host is contacted (any port: the channel may listen apart, §8.10.4)."""
    parts, base = urlsplit(url), urlsplit(base_url)
    scheme = "https" if parts.scheme == "wss" else "http"
    netloc = parts.netloc or base.netloc
    if (parts.hostname or base.hostname) != base.hostname:
        raise TargetError(f"refusing to open {url}: it is not on the target's host {base.hostname}")
    return f"{scheme}://{netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def same_origin(url: str, base_url: str) -> str:
    """An absolute URL taken from a response (e.g. a RetrieveURL) is followed only on the
    target's own origin: the harness never sends requests anywhere else."""
    a, b = urlsplit(url), urlsplit(base_url)
    if (a.scheme, a.netloc) != (b.scheme, b.netloc):
        raise TargetError(f"refusing to follow {url}: it is not on the target's origin {b.scheme}://{b.netloc}")
    return url


def step_where(step: Step, source_path: str) -> str:
    return f"{source_path}:{step.line}"
