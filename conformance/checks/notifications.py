"""Checks on the event channel (PS3.18 §8.10) and on Workitem Event Reports (§11.13).

A WebSocket receive step hands its checks an EventContext: the events that arrived on
the channel during the step, in arrival order. Event checks judge those events; the
HTTP checks judge the channel's opening handshake like any response.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import HarnessError
from .context import CheckContext
from .jsonds import first_value
from .registry import Outcome, check

UPS_EVENT_SOP_CLASS = "1.2.840.10008.5.1.4.34.6.4"  # the Affected SOP Class of UPS event reports (§11.13 example)
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
AFFECTED_SOP_CLASS, AFFECTED_SOP_INSTANCE, EVENT_TYPE = "00000002", "00001000", "00001002"
STATE, READINESS = "00741000", "00404041"
EVENT_NAMES = {1: "UPS State Report", 2: "UPS Cancel Requested", 3: "UPS Progress Report", 4: "SCP Status Change",
               5: "UPS Assigned"}


@dataclass(frozen=True)
class ReceivedEvent:
    """One thing that happened on a channel: a text or binary frame, or the channel closing."""

    kind: str  # text | binary | closed
    payload: str  # the text, the bytes as hex, or the close code and reason
    at: float  # seconds since the channel opened

    def dataset(self) -> dict[str, Any] | None:
        if self.kind != "text":
            return None
        try:
            doc = json.loads(self.payload)
        except json.JSONDecodeError:
            return None
        return doc if isinstance(doc, dict) else None

    def line(self) -> str:
        ds = self.dataset()
        if ds is None:
            return f"{self.at:6.2f} s  {self.kind}: {self.payload[:120]}"
        kind = first_value(ds, EVENT_TYPE)
        return (f"{self.at:6.2f} s  event {kind} ({EVENT_NAMES.get(kind, '?')}) for {first_value(ds, AFFECTED_SOP_INSTANCE)}"
                f"{'; state ' + str(first_value(ds, STATE)) if STATE in ds else ''}")


@dataclass
class EventContext(CheckContext):
    events: list[ReceivedEvent] = field(default_factory=list)
    waited_s: float = 0.0


def _events(ctx: CheckContext) -> EventContext:
    if not isinstance(ctx, EventContext):
        raise HarnessError("an event check ran outside a websocket receive step (the case loader should have refused this)")
    return ctx


def _frame_problems(events: list[ReceivedEvent]) -> list[str]:
    """§8.10.5.1.1: every event report is a text frame whose payload is one DICOM JSON dataset."""
    problems = []
    for ev in events:
        if ev.kind == "binary":
            problems.append(f"at {ev.at:.2f} s a binary frame arrived; event reports are text frames (opcode %x1)")
        elif ev.kind == "text" and ev.dataset() is None:
            problems.append(f"at {ev.at:.2f} s a text frame that is not a DICOM JSON dataset object: {ev.payload[:80]!r}")
    return problems


@check("events", {"type": "object", "additionalProperties": False, "properties": {
    "count": {"type": "integer", "minimum": 0, "description": "exactly this many event reports arrived (0: nothing arrived)"},
    "workitem": {"type": "string", "description": "count only reports about this workitem (Affected SOP Instance UID)"},
    "open": {"type": "boolean", "description": "true: the channel must still be open at the end of the step"}}},
    requirement="NOTIFY-TEXT-FRAME-JSON")
def events(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """The events that arrived during the receive step: their number (optionally about one workitem), valid text frames, and whether the channel stayed open."""
    ectx = _events(ctx)
    problems = _frame_problems(ectx.events)
    frames = [e for e in ectx.events if e.kind != "closed"]
    if "workitem" in spec:
        uid = ctx.render(spec["workitem"])
        frames = [e for e in frames if (e.dataset() or {}).get(AFFECTED_SOP_INSTANCE, {}).get("Value", [None])[0] == uid]
    if "count" in spec and len(frames) != spec["count"]:
        about = f" about {ctx.render(spec['workitem'])}" if "workitem" in spec else ""
        shown = "; ".join(e.line() for e in frames[:3])
        problems.append(f"{len(frames)} event report(s){about} within {ectx.waited_s:.1f} s, expected {spec['count']}"
                        + (f": {shown}" if shown else ""))
    closed = [e for e in ectx.events if e.kind == "closed"]
    if spec.get("open") and closed:
        problems.append(f"the channel closed at {closed[0].at:.2f} s ({closed[0].payload}); the origin server keeps it open (§8.10.4.2)")
    return problems


def _report_problems(ds: dict[str, Any], uid: str) -> list[str]:
    """The fields every Workitem Event Report carries (§11.13; PS3.4 Table CC.2.4-1 for State Reports)."""
    problems = []
    if first_value(ds, AFFECTED_SOP_CLASS) != UPS_EVENT_SOP_CLASS:
        problems.append(f"Affected SOP Class UID (0000,0002) is {first_value(ds, AFFECTED_SOP_CLASS)!r}, expected {UPS_EVENT_SOP_CLASS}")
    if first_value(ds, AFFECTED_SOP_INSTANCE) != uid:
        problems.append(f"Affected SOP Instance UID (0000,1000) is {first_value(ds, AFFECTED_SOP_INSTANCE)!r}")
    kind = first_value(ds, EVENT_TYPE)
    if kind not in EVENT_NAMES:
        problems.append(f"Event Type ID (0000,1002) is {kind!r}, not one of {sorted(EVENT_NAMES)}")
    if kind == 1:
        for key, name in ((STATE, "Procedure Step State (0074,1000)"), (READINESS, "Input Readiness State (0040,4041)")):
            if first_value(ds, key) is None:
                problems.append(f"a UPS State Report without {name}")
    return problems


def _matches(ds: dict[str, Any], want: dict[str, Any], render: Any) -> bool:
    if "type" in want and first_value(ds, EVENT_TYPE) != want["type"]:
        return False
    if "state" in want and first_value(ds, STATE) != want["state"]:
        return False
    from .jsonds import tag_key

    return all(str(first_value(ds, tag_key(k))) == render(str(v)) for k, v in want.get("attributes", {}).items())


_PATTERN = {"type": "object", "additionalProperties": False, "properties": {
    "type": {"type": "integer", "minimum": 1, "maximum": 5, "description": "Event Type ID (1 state report, 2 cancel requested, ...)"},
    "state": {"enum": ["SCHEDULED", "IN PROGRESS", "COMPLETED", "CANCELED"]},
    "attributes": {"type": "object", "additionalProperties": {"type": ["string", "number"]},
                   "description": "keyword or tag -> first value the report must carry"}}}


@check("event_reports", {"type": "object", "required": ["workitem"], "additionalProperties": False, "properties": {
    "workitem": {"type": "string", "description": "the workitem the reports are about; reports about others are ignored"},
    "sequence": {"type": "array", "items": _PATTERN, "description": "reports that must arrive, in this order"},
    "exact": {"type": "boolean", "description": "true: no other report about the workitem arrived"}}},
    requirement="NOTIFY-UPS-EVENT-REPORTS")
def event_reports(ctx: CheckContext, spec: dict[str, Any]) -> Outcome:
    """Workitem Event Reports about one workitem arrived as text frames with the N-EVENT-REPORT fields (Affected SOP Class/Instance UID, Event Type ID; state and readiness in State Reports), matching the given patterns in the given order."""
    ectx = _events(ctx)
    uid = ctx.render(spec["workitem"])
    problems = _frame_problems(ectx.events)
    reports = [ds for e in ectx.events if (ds := e.dataset()) is not None and first_value(ds, AFFECTED_SOP_INSTANCE) == uid]
    for i, ds in enumerate(reports):
        problems += [f"report {i + 1} about the workitem: {p}" for p in _report_problems(ds, uid)]
    wanted = spec.get("sequence", [])
    position = 0
    for ds in reports:
        if position < len(wanted) and _matches(ds, wanted[position], ctx.render):
            position += 1
    if position < len(wanted):
        got = "; ".join(f"type {first_value(d, EVENT_TYPE)} state {first_value(d, STATE)}" for d in reports) or "none"
        problems.append(f"expected report {position + 1} ({wanted[position]}) did not arrive in order within "
                        f"{ectx.waited_s:.1f} s; reports about the workitem: {got}")
    elif spec.get("exact") and len(reports) != len(wanted):
        problems.append(f"{len(reports)} reports about the workitem arrived, expected exactly {len(wanted)}")
    return problems


@check("websocket_accept", {"const": True}, requirement="NOTIFY-UPGRADE-RESPONSE-HEADERS")
def websocket_accept(ctx: CheckContext, _: bool) -> Outcome:
    """The opening handshake answer carries Upgrade: websocket, Connection: Upgrade and the Sec-WebSocket-Accept that RFC 6455 §4.2.2 derives from the key sent."""
    key = ctx.exchange.request.header("sec-websocket-key")
    if key is None:
        raise HarnessError("websocket_accept needs a request that sent Sec-WebSocket-Key")
    want = base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode("ascii")
    problems = []
    got = ctx.response.header("sec-websocket-accept")
    if got != want:
        problems.append(f"Sec-WebSocket-Accept is {got!r}, expected {want!r} for the key sent")
    if (ctx.response.header("upgrade") or "").lower() != "websocket":
        problems.append(f"Upgrade is {ctx.response.header('upgrade')!r}, expected websocket")
    if "upgrade" not in (ctx.response.header("connection") or "").lower():
        problems.append(f"Connection is {ctx.response.header('connection')!r}, expected Upgrade")
    return problems
