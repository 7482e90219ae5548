"""Credentials from the command line: basic, bearer, or a custom header.

Forms: ``basic:USER:PASSWORD``, ``bearer:TOKEN``, ``header:NAME:VALUE``. Any secret may be
written ``env:VARIABLE`` to keep it out of shell history and process lists.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from dataclasses import dataclass

import httpx

from ..errors import UsageError


@dataclass(frozen=True)
class Credentials:
    kind: str
    secrets: tuple[str, ...]
    header_name: str | None = None

    def auth(self) -> httpx.Auth:
        if self.kind == "basic":
            return httpx.BasicAuth(self.secrets[0], self.secrets[1])
        name = "Authorization" if self.kind == "bearer" else self.header_name or ""
        value = f"Bearer {self.secrets[0]}" if self.kind == "bearer" else self.secrets[0]
        return _HeaderAuth(name, value)


class _HeaderAuth(httpx.Auth):
    def __init__(self, name: str, value: str) -> None:
        self.name, self.value = name, value

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self.name] = self.value
        yield request


def _secret(value: str) -> str:
    if value.startswith("env:"):
        name = value[4:]
        if name not in os.environ:
            raise UsageError(f"--auth refers to environment variable {name}, which is not set")
        return os.environ[name]
    return value


def parse_auth(spec: str) -> Credentials:
    kind, _, rest = spec.partition(":")
    if kind == "basic":
        user, sep, password = rest.partition(":")
        if not sep or not user:
            raise UsageError("--auth basic needs basic:USER:PASSWORD")
        user, password = _secret(user), _secret(password)
        # "user:password" is listed too: Basic sends its base64 form, which the redactor must scrub.
        return Credentials("basic", (user, password, f"{user}:{password}"))
    if kind == "bearer":
        if not rest:
            raise UsageError("--auth bearer needs bearer:TOKEN")
        return Credentials("bearer", (_secret(rest),))
    if kind == "header":
        name, sep, value = rest.partition(":")
        if not sep or not name:
            raise UsageError("--auth header needs header:NAME:VALUE")
        return Credentials("header", (_secret(value),), header_name=name)
    raise UsageError(f"--auth: unknown kind {kind!r}; use basic:USER:PASSWORD, bearer:TOKEN or header:NAME:VALUE")
