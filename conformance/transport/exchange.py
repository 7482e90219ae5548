"""One HTTP exchange: the exact request, the streamed response, and its transcript."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .redact import Redactor
from .response import Response

TEXTUAL = ("json", "xml", "text/", "html", "problem")
SHOWN_BODY = 4096


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None = None
    body_summary: str = ""
    follow_redirects: bool = False

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class Exchange:
    index: int
    step: str
    request: HttpRequest
    response: Response | None = None
    error: str | None = None
    started: float = field(default_factory=time.time)
    duration_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    def transcript(self, redactor: Redactor) -> str:
        req = self.request
        lines = [f"# exchange {self.index + 1}: {self.step}", f"{req.method} {redactor.text(req.url)}"]
        lines += [f"{k}: {redactor.header(k, v)}" for k, v in req.headers]
        if req.body is not None:
            lines += ["", f"[request body: {len(req.body)} bytes{'; ' + req.body_summary if req.body_summary else ''}]"]
        lines.append("")
        resp = self.response
        if resp is None:
            lines.append(f"[no response: {redactor.text(self.error or 'unknown')}]")
        else:
            lines.append(f"{resp.http_version} {resp.status} {resp.reason}")
            lines += [f"{k}: {redactor.header(k, v)}" for k, v in resp.headers]
            lines += ["", f"[response body: {resp.size} bytes, {resp.elapsed_s:.3f} s]"]
            ctype = (resp.header("content-type") or "").lower()
            if resp.size and any(t in ctype for t in TEXTUAL):
                head = resp.head(SHOWN_BODY).decode("utf-8", errors="replace")
                lines.append(redactor.text(head) + ("\n[... truncated]" if resp.size > SHOWN_BODY else ""))
            if self.error:
                lines.append(f"[then: {redactor.text(self.error)}]")
        lines += [f"note: {redactor.text(n)}" for n in self.notes]
        return "\n".join(lines) + "\n"

    def curl(self, redactor: Redactor) -> str:
        """A command that reproduces the request (secrets replaced)."""
        parts = ["curl", "-sS", "-X", self.request.method, repr(redactor.text(self.request.url))]
        for k, v in self.request.headers:
            parts += ["-H", repr(f"{k}: {redactor.header(k, v)}")]
        if self.request.body is not None:
            parts += ["--data-binary", "@request-body.bin"]
        return " ".join(parts)
