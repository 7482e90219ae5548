"""Subscriptions and Workitem Event Reports (PS3.18 §11.10-§11.13; PS3.4 CC.2.3, CC.2.4 as cited there).

Who hears about what: a subscription to one workitem, a Worklist subscription (every
workitem, now and later), a Filtered Worklist subscription (those matching the filter).
Reports go to the subscriber's open channels at once; nothing is queued for a subscriber
without an open channel (the 2024e text promises no queueing).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from .dicom import Json, first, sorted_ds
from .faults import Settings
from .ws import BINARY, TEXT, Channels

UPS_EVENT_SOP_CLASS = "1.2.840.10008.5.1.4.34.6.4"
UPS_PUSH_SOP_CLASS = "1.2.840.10008.5.1.4.34.6.1"
STATE_REPORT, CANCEL_REQUESTED = 1, 2
FINAL = ("COMPLETED", "CANCELED")


@dataclass
class Global:
    kind: str  # worklist | filtered
    filter: list[tuple[str, str]] = field(default_factory=list)


def matches_filter(ds: Json, pairs: list[tuple[str, str]]) -> bool:
    """§11.10.1.2: the filter is a list of matching keys, read as C-FIND single value / wildcard matching (§8.3.4.1)."""
    import fnmatch

    for tag, value in pairs:
        got = first(ds, tag)
        if got is None or not fnmatch.fnmatchcase(str(got), value):
            return False
    return True


class Notifier:
    def __init__(self, settings: Settings, channels: Channels) -> None:
        self.settings = settings
        self.channels = channels
        self.lock = threading.RLock()
        self.per_workitem: dict[str, set[str]] = {}  # aet -> workitem UIDs
        self.globals: dict[tuple[str, str], Global] = {}  # (aet, kind) -> the global subscription
        self.message_id = 0
        self._held: dict[str, list[bytes]] = {}

    # ----- subscribing (§11.10, CC.2.3.3) -----

    def subscribe(self, aet: str, uid: str, ds: Json) -> None:
        with self.lock:
            self.per_workitem.setdefault(aet, set()).add(uid)
        self._initial(aet, uid, ds)

    def subscribe_global(self, aet: str, kind: str, pairs: list[tuple[str, str]], workitems: list[tuple[str, Json]]) -> None:
        """A global subscription also subscribes the AE to every existing (filter-matching) workitem."""
        with self.lock:
            self.globals[(aet, kind)] = Global(kind, pairs)
        for uid, ds in workitems:
            if first(ds, "00741000") in FINAL:
                continue
            if kind == "filtered" and not self.settings.on("events-filter-ignored") and not matches_filter(ds, pairs):
                continue
            self.subscribe(aet, uid, ds)

    def _initial(self, aet: str, uid: str, ds: Json) -> None:
        """CC.2.3.3: a new subscriber gets a State Report of the workitem's current state."""
        if not self.settings.on("events-no-initial-report"):
            self._send(aet, self._report(STATE_REPORT, uid, ds))

    # ----- unsubscribing and suspending (§11.11, §11.12) -----

    def unsubscribe(self, aet: str, uid: str) -> bool:
        with self.lock:
            found = uid in self.per_workitem.get(aet, set())
            if found and not self.settings.on("unsubscribe-keeps-sending"):
                self.per_workitem[aet].discard(uid)
            return found

    def unsubscribe_global(self, aet: str, kind: str) -> bool:
        """§11.11: removing the Worklist subscription also stops the reports of the workitems it brought."""
        with self.lock:
            if (aet, kind) not in self.globals:
                return False
            if not self.settings.on("unsubscribe-keeps-sending"):
                del self.globals[(aet, kind)]
                self.per_workitem.pop(aet, None)
            return True

    def suspend(self, aet: str, kind: str) -> bool:
        """§11.12: no new workitems for this subscriber; its workitem subscriptions stay."""
        with self.lock:
            if (aet, kind) not in self.globals:
                return False
            if not self.settings.on("suspend-keeps-subscribing"):
                del self.globals[(aet, kind)]
            if self.settings.on("suspend-drops-workitem-subscriptions"):
                self.per_workitem.pop(aet, None)
            return True

    def has_global(self, aet: str, kind: str) -> bool:
        with self.lock:
            return (aet, kind) in self.globals

    # ----- events (§11.13, CC.2.4.3) -----

    def created(self, uid: str, ds: Json) -> None:
        if self.settings.on("events-global-ignores-new"):
            return
        with self.lock:
            subscribers = [(aet, g) for (aet, _), g in self.globals.items()]
        for aet, g in subscribers:
            if g.kind == "filtered" and not self.settings.on("events-filter-ignored") and not matches_filter(ds, g.filter):
                continue
            self.subscribe(aet, uid, ds)

    def state_changed(self, uid: str, ds: Json) -> None:
        if not self.settings.on("events-state-not-reported"):
            self._to_subscribers(uid, self._report(STATE_REPORT, uid, ds))

    def cancel_requested(self, uid: str, ds: Json, info: Json) -> None:
        """CC.2.2.3: subscribers (the owner among them) hear of the request; the state does not change."""
        if not self.settings.on("events-no-cancel-requested"):
            self._to_subscribers(uid, self._report(CANCEL_REQUESTED, uid, ds, info))

    def _to_subscribers(self, uid: str, payload: bytes) -> None:
        with self.lock:
            aets = [aet for aet, uids in self.per_workitem.items() if uid in uids]
        for aet in aets:
            self._send(aet, payload)

    def _report(self, kind: int, uid: str, ds: Json, extra: Json | None = None) -> bytes:
        """The N-EVENT-REPORT fields (§11.13) and the event information of PS3.4 Table CC.2.4-1."""
        with self.lock:
            self.message_id = (self.message_id % 65535) + 1
            message_id = self.message_id
        sop_class = UPS_PUSH_SOP_CLASS if self.settings.on("events-wrong-sop-class") else UPS_EVENT_SOP_CLASS
        report: dict[str, Any] = {
            "00000002": {"vr": "UI", "Value": [sop_class]},
            "00000110": {"vr": "US", "Value": [message_id]},
            "00001000": {"vr": "UI", "Value": [uid]},
            "00001002": {"vr": "US", "Value": [kind]},
        }
        if kind == STATE_REPORT:
            if not self.settings.on("events-missing-state"):
                report["00741000"] = {"vr": "CS", "Value": [first(ds, "00741000")]}
            report["00404041"] = {"vr": "CS", "Value": [first(ds, "00404041") or "READY"]}
        report.update(extra or {})
        return json.dumps(sorted_ds(report)).encode("utf-8")

    def _send(self, aet: str, payload: bytes) -> None:
        if self.settings.on("events-reordered"):
            self._hold(aet, payload)
            return
        opcode = BINARY if self.settings.on("ws-binary-frames") else TEXT
        for channel in self.channels.of(aet):
            channel.send(opcode, payload)

    def _hold(self, aet: str, payload: bytes) -> None:
        """The reorder fault: reports wait 0.3 s and then go out newest first."""
        with self.lock:
            first_held = aet not in self._held
            self._held.setdefault(aet, []).append(payload)
        if first_held:
            threading.Timer(0.3, self._flush, args=(aet,)).start()

    def _flush(self, aet: str) -> None:
        with self.lock:
            held = self._held.pop(aet, [])
        for payload in reversed(held):
            for channel in self.channels.of(aet):
                channel.send(TEXT, payload)
