"""The case model: built once at collection, never a raw dict at run time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["shall", "should", "may"]
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Source:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Expectation:
    check: str
    args: Any
    line: int


@dataclass(frozen=True)
class Body:
    """What a request carries. kind: stow (fixture instances as multipart/related),
    text, json, bytes (hex), multipart (explicit parts)."""

    kind: str
    value: Any
    content_type: str | None = None  # overrides the natural one; "" means send none
    boundary: str | None = None  # multipart bodies: a fixed boundary instead of a fresh one


@dataclass(frozen=True)
class RequestSpec:
    method: str
    path: str
    query: tuple[tuple[str, str | tuple[str, ...]], ...] = ()  # a tuple value is a comma-separated list
    raw_query: str | None = None
    query_encoding: str = "minimal"
    headers: tuple[tuple[str, str], ...] = ()
    body: Body | None = None
    follow_redirects: bool = False
    service: str = "dicomweb"  # which base URL: the RESTful services or the URI service (WADO-URI)


@dataclass(frozen=True)
class Step:
    name: str
    request: RequestSpec
    expect: tuple[Expectation, ...]
    save: tuple[tuple[str, str], ...]  # variable name -> JSON pointer into the response
    line: int


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    transaction: str
    requirements: tuple[str, ...]
    level: Level
    steps: tuple[Step, ...]
    source: Source
    description: str = ""
    feature: str | None = None
    needs: tuple[str, ...] = ()
    makes: tuple[tuple[str, str], ...] = ()  # case-local fresh copies: (name, source fixture key)
    tentative: str | None = None
    edition: str | None = None  # set when a case checks a rule of one edition only
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def service(self) -> str:
        return self.transaction.split(".", 1)[0]

    @property
    def writes(self) -> bool:
        """True if any step could change the target (read-only runs skip such cases)."""
        return any(s.request.method.upper() not in READ_METHODS for s in self.steps)

    @property
    def instance_names(self) -> tuple[str, ...]:
        return self.needs + tuple(name for name, _ in self.makes)
