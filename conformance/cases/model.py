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
    """What a request carries. kind: stow (fixture instances as multipart/related), stow_json and
    stow_xml (the same as metadata plus bulk data), text, json, bytes (hex), multipart (explicit parts)."""

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
    # Worklist UIDs whose place differs between editions: put where the target's profile says
    # (runner/profile.py), or where `form` pins it for a case that checks one edition's form.
    workitem_uid: str | None = None  # Create Workitem (§11.4.1.1): dataset or query
    transaction_uid: str | None = None  # Update Workitem (§11.6.1): the Transaction UID query parameter
    form: str | None = None


@dataclass(frozen=True)
class WsAction:
    """A WebSocket step (PS3.18 §8.10): open an event channel, receive on it, or close it.
    open: the URL is `subscription` (a Subscribe response's Content-Location) or, with the
    ws-subscribers profile, {base}/ws/subscribers/{aet}. receive: wait until `count` events
    arrived or `within` seconds passed; without count, collect for the whole `within` window."""

    action: str  # open | receive | close
    channel: str
    subscription: str | None = None
    aet: str | None = None
    within: float = 5.0
    count: int | None = None


@dataclass(frozen=True)
class NotOfferedRule:
    """A response that shows the target does not offer an optional part: the case is skipped with `reason`."""

    status: tuple[int, ...]
    reason: str
    warning: str | None = None  # also required in the Warning header, when given


@dataclass(frozen=True)
class Repeat:
    """Send the request again while the status is `while_status` (e.g. 202 Accepted), for at most `within` s."""

    while_status: int
    within: float = 30.0


@dataclass(frozen=True)
class Step:
    name: str
    request: RequestSpec
    expect: tuple[Expectation, ...]
    save: tuple[tuple[str, str], ...]  # variable name -> JSON pointer into the response
    line: int
    websocket: WsAction | None = None  # set for WebSocket steps (request is then the channel's GET)
    not_offered: NotOfferedRule | None = None
    repeat: Repeat | None = None


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
    builds: tuple[tuple[str, str], ...] = ()  # case-local objects built from templates (workitems, NPI): (name, template)

    @property
    def service(self) -> str:
        return self.transaction.split(".", 1)[0]

    @property
    def writes(self) -> bool:
        """True if any step could change the target (read-only runs skip such cases)."""
        return any(s.request.method.upper() not in READ_METHODS for s in self.steps)

    @property
    def instance_names(self) -> tuple[str, ...]:
        return self.needs + tuple(name for name, _ in self.makes) + tuple(name for name, _ in self.builds)
