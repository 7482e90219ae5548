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
from .data import CaseData


class Renderer:
    def __init__(self, data: CaseData, variables: dict[str, Any], where: str) -> None:
        self.data = data
        self.variables = variables
        self.where = where

    def value(self, ref: str) -> str:
        head, _, attr = ref.partition(".")
        if head == "vars":
            return str(self.variables[attr])
        if head == "run":
            return self.data.run_id if attr == "id" else self.data.prefix
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

    def request(self, spec: RequestSpec, base_url: str) -> HttpRequest:
        path = self.text(spec.path)
        if spec.raw_query is not None:
            query = self.text(spec.raw_query)
        else:
            pairs = [(self.text(k), tuple(self.text(x) for x in v) if isinstance(v, tuple) else self.text(v))
                     for k, v in spec.query]
            query = build_query(pairs, spec.query_encoding)  # type: ignore[arg-type]
        url = base_url.rstrip("/") + path + (f"?{query}" if query else "")
        if path.startswith(("http://", "https://")):
            url = same_origin(path, base_url) + (f"?{query}" if query else "")
        if spec.service == "uri" and path in ("", "/") and query:
            url = base_url + f"?{query}"  # WADO-URI: the endpoint itself takes the query
        headers = [(self.text(k), self.text(v)) for k, v in spec.headers]
        body, ctype, summary = self.body(spec.body) if spec.body else (None, None, "")
        if ctype and not any(k.lower() == "content-type" for k, _ in headers):
            headers.append(("Content-Type", ctype))
        return HttpRequest(spec.method, url, tuple(headers), body, summary, spec.follow_redirects)

    def body(self, body: Body) -> tuple[bytes, str | None, str]:
        natural: str | None
        if body.kind == "stow":
            insts = [self.data.instance(k) for k in body.value]
            natural, data = build_related([({"Content-Type": "application/dicom"}, i.data) for i in insts],
                                          boundary=body.boundary, type_="application/dicom")
            summary = f"{len(insts)} DICOM part(s): {', '.join(body.value)}"
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
            data = self.text(json.dumps(body.value)).encode("utf-8")
            natural, summary = "application/dicom+json", "JSON"
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


def same_origin(url: str, base_url: str) -> str:
    """An absolute URL taken from a response (e.g. a RetrieveURL) is followed only on the
    target's own origin: the harness never sends requests anywhere else."""
    a, b = urlsplit(url), urlsplit(base_url)
    if (a.scheme, a.netloc) != (b.scheme, b.netloc):
        raise TargetError(f"refusing to follow {url}: it is not on the target's origin {b.scheme}://{b.netloc}")
    return url


def step_where(step: Step, source_path: str) -> str:
    return f"{source_path}:{step.line}"
