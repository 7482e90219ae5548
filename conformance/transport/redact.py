"""Keep credentials out of everything the harness writes.

Header values known to carry secrets are replaced, and every secret string the
user gave (passwords, tokens, custom header values) is scrubbed from any text,
because a server may echo them back in a body or a header.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable

REDACTED = "<redacted>"
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "x-auth-token"})


class Redactor:
    def __init__(self, secrets: Iterable[str] = (), secret_headers: Iterable[str] = ()) -> None:
        values = {s for s in secrets if s and len(s) >= 3}
        # Basic credentials travel base64-encoded; scrub that form too.
        for s in list(values):
            values.add(base64.b64encode(s.encode()).decode())
        self._secrets = sorted(values, key=len, reverse=True)
        self._headers = SECRET_HEADERS | {h.lower() for h in secret_headers}

    def add_secret(self, value: str) -> None:
        if value and value not in self._secrets:
            self._secrets.append(value)
            self._secrets.sort(key=len, reverse=True)

    def header(self, name: str, value: str) -> str:
        if name.lower() in self._headers:
            return REDACTED
        return self.text(value)

    def headers(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(k, self.header(k, v)) for k, v in pairs]

    def text(self, text: str) -> str:
        for s in self._secrets:
            if s in text:
                text = text.replace(s, REDACTED)
        return text
