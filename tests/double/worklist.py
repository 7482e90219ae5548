"""The Worklist service of the double: Create, Retrieve, Update, Change State, Request Cancellation
(PS3.18 §11.4-§11.8) and the workitem state machine PS3.4 Annex CC gives them (via §11.7.2).
Search lives in search.py, subscriptions in subscriptions.py.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from .dicom import Json, first, is_uid, multipart, new_uid, one_dataset, sorted_ds, to_xml
from .events import Notifier
from .faults import Settings
from .http import DICOM_JSON, DICOM_XML, MULTIPART_XML, Reply, Request, choose, content_type, empty, json_reply

SOP_INSTANCE_UID, SOP_CLASS_UID, TRANSACTION_UID = "00080018", "00080016", "00081195"
STATE, LABEL, PRIORITY, START, READINESS = "00741000", "00741204", "00741200", "00404005", "00404041"
PERFORMED = "00741216"
UPS_PUSH = "1.2.840.10008.5.1.4.34.6.1"
FINAL = ("COMPLETED", "CANCELED")
# Warning texts of §11.6.3.2 (Update) and §11.7.3.2 (Change State)
NOT_CLAIMED = "The target URI did not reference a claimed Workitem."
UPDATE_CONFLICT = "The submitted request is inconsistent with the current state of the Workitem."
TUID_MISSING = "The Transaction UID is missing."
TUID_INCORRECT = "The Transaction UID is incorrect."
STATE_CONFLICT = "The submitted request is inconsistent with the state of the UPS Instance."


@dataclass
class Workitem:
    uid: str
    ds: Json  # what a retrieve shows: never the Transaction UID (§11.5.2)
    transaction_uid: str | None = None

    @property
    def state(self) -> str:
        return str(first(self.ds, STATE))

    def set_state(self, state: str) -> None:
        self.ds[STATE] = {"vr": "CS", "Value": [state]}


class Workitems:
    def __init__(self, settings: Settings, notifier: Notifier) -> None:
        self.settings = settings
        self.notifier = notifier
        self.lock = threading.RLock()
        self.items: dict[str, Workitem] = {}

    def get(self, uid: str) -> Workitem | None:
        with self.lock:
            return self.items.get(uid)

    def all(self) -> list[Workitem]:
        with self.lock:
            return sorted(self.items.values(), key=lambda w: w.uid)

    # ----- Create (§11.4) -----

    def create(self, req: Request) -> Reply:
        if content_type(req)[0] != DICOM_JSON:
            return empty(415)  # §8.5: a payload media type the service does not take
        ds = one_dataset(req.body)
        lenient = self.settings.on("create-accepts-any-payload")
        if ds is None and not lenient:
            return self._bad(req, "the payload is not one DICOM JSON workitem (§11.4.1.4)")
        ds = ds if ds is not None else {STATE: {"vr": "CS", "Value": ["SCHEDULED"]}}
        if not req.raw_query and self.settings.on("create-needs-query-uid"):
            return self._bad(req, "the UID goes in the query")
        uid = self._create_uid(req, ds) or (new_uid() if lenient else None)
        if uid is None or not is_uid(uid):
            return self._bad(req, "no valid Workitem UID in the query or the dataset (§11.4.1.1)")
        problem = None if self.settings.on("create-accepts-invalid") or lenient else _ncreate_problem(ds)
        if problem:
            return self._bad(req, problem)
        with self.lock:
            if uid in self.items and not self.settings.on("create-duplicate-accepted"):
                return empty(409)  # Table 11.4.3-1: the workitem already exists; it is added only once (§11.4.2)
            stored = {k: v for k, v in ds.items() if k != TRANSACTION_UID}
            stored[SOP_INSTANCE_UID] = {"vr": "UI", "Value": [uid]}
            stored.setdefault(SOP_CLASS_UID, {"vr": "UI", "Value": [UPS_PUSH]})
            item = Workitem(uid, sorted_ds(stored))
            item.set_state("IN PROGRESS" if self.settings.on("create-not-scheduled") else "SCHEDULED")  # §11.4.2
            self.items[uid] = item
        reply = Reply(200 if self.settings.on("create-status-200") else 201)  # Table 11.4.3-1
        if not self.settings.on("create-no-location"):
            reply.with_header("Location", f"{req.base_url}/workitems/{uid}")  # §11.4.2
        if self.settings.on("create-with-payload"):
            reply = json_reply(reply.status, [item.ds]).with_header("Location", f"{req.base_url}/workitems/{uid}")
        self.notifier.created(uid, item.ds)
        return reply

    def _create_uid(self, req: Request, ds: Json) -> str | None:
        """§11.4.1.1: the Workitem target takes ?{workitem}; the Worklist target takes the UID in the dataset."""
        in_dataset = first(ds, SOP_INSTANCE_UID)
        if not req.raw_query:
            return in_dataset
        if self.settings.create_query == "named":
            uid = dict(req.query).get("workitem")
        else:
            uid = req.raw_query.split("&", 1)[0]
        if self.settings.on("create-ignores-query-uid"):
            return new_uid()
        if uid is not None and in_dataset is not None and in_dataset != uid:
            return None
        return uid

    # ----- Retrieve (§11.5) -----

    def retrieve(self, req: Request, uid: str) -> Reply:
        item = self.get(uid)
        if item is None:
            return empty(204 if self.settings.on("retrieve-unknown-204") else 404)  # Table 11.5.3-1
        if item.state == "COMPLETED" and self.settings.on("retrieve-final-server-error"):
            return empty(500)
        offers = {"json": DICOM_JSON} if self.settings.on("retrieve-no-xml") else {"json": DICOM_JSON, "xml": MULTIPART_XML}
        chosen = choose(req, offers)
        if chosen is None:
            return empty(406)
        ds = dict(item.ds)
        if self.settings.on("retrieve-leaks-transaction-uid") and item.transaction_uid:
            ds[TRANSACTION_UID] = {"vr": "UI", "Value": [item.transaction_uid]}
        if chosen == "xml":  # Table 11.1.3-1: one workitem per part
            ctype, body = multipart([(DICOM_XML, to_xml(ds))], DICOM_XML)
            reply = Reply(200, [("Content-Type", ctype)], body)
        else:
            media = "application/json" if self.settings.on("retrieve-wrong-media-type") else DICOM_JSON
            reply = json_reply(200, [sorted_ds(ds)], media)
        reply.with_header("Content-Location", f"{req.base_url}/workitems/{uid}")  # Table 11.5.3-2
        reply.omit_length = self.settings.on("worklist-no-length")
        return reply

    # ----- Update (§11.6) -----

    def update(self, req: Request, uid: str) -> Reply:
        item = self.get(uid)
        if item is None:
            return empty(200) if self.settings.on("update-unknown-200") else self._refuse(req, 404, NOT_CLAIMED)
        if content_type(req)[0] != DICOM_JSON:
            return empty(415)
        ds = one_dataset(req.body)
        if ds is None:
            return self._refuse(req, 400, UPDATE_CONFLICT)
        with self.lock:
            if item.state in FINAL and not self.settings.on("update-final-allowed"):
                return self._refuse(req, 400, UPDATE_CONFLICT)  # §11.6.2
            given = self._transaction_uid(req)
            if item.state == "IN PROGRESS" and given != item.transaction_uid \
                    and not self.settings.on("update-ignores-transaction-uid"):
                return self._refuse(req, 400, NOT_CLAIMED)  # Table 11.6.3-1: missing or incorrect Transaction UID
            # A SCHEDULED workitem takes updates without a Transaction UID (§11.6.2 -> PS3.4 CC.2.6.3).
            if item.state == "SCHEDULED" and self.settings.on("update-scheduled-conflict"):
                return self._refuse(req, 409, UPDATE_CONFLICT)
            forbidden = [k for k in (STATE, TRANSACTION_UID) if k in ds]
            if forbidden and not self.settings.on("update-state-allowed"):
                return self._refuse(req, 400, UPDATE_CONFLICT)  # state changes go through §11.7
            if first(ds, SOP_INSTANCE_UID) not in (None, uid):
                return self._refuse(req, 400, UPDATE_CONFLICT)
            if not self.settings.on("update-not-applied"):
                item.ds = sorted_ds({**item.ds, **{k: v for k, v in ds.items() if k != TRANSACTION_UID}})
        return empty(200)  # §11.6.3.3: no payload

    def _transaction_uid(self, req: Request) -> str | None:
        """The Transaction UID query parameter, spelled as the double's edition setting says (§11.6.1)."""
        name = self.settings.transaction_uid_param
        if name == "bare":
            first_part = req.raw_query.split("&", 1)[0]
            return first_part if first_part and "=" not in first_part else None
        return dict(req.query).get(name)

    # ----- Change State (§11.7; PS3.4 CC.1.1, CC.2.1.3) -----

    def change_state(self, req: Request, uid: str) -> Reply:
        item = self.get(uid)
        if item is None:
            return empty(200) if self.settings.on("state-unknown-200") else self._refuse(req, 404, STATE_CONFLICT)
        ds = one_dataset(req.body)
        if ds is None:
            return self._refuse(req, 400, STATE_CONFLICT)
        wanted, tuid = first(ds, STATE), first(ds, TRANSACTION_UID)
        if wanted not in ("IN PROGRESS", "COMPLETED", "CANCELED") and not self.settings.on("state-accepts-illegal-value"):
            return self._refuse(req, 400, STATE_CONFLICT)  # §11.7.1.4: the legal values
        ignore_tuid, anything = self.settings.on("state-ignores-transaction-uid"), self.settings.on("state-any-transition")
        if tuid is None and not ignore_tuid:
            return self._refuse(req, 400, TUID_MISSING)
        with self.lock:
            current = item.state
            reclaim = anything and wanted == "IN PROGRESS"  # the fault hands the workitem to any claimer
            if current != "SCHEDULED" and tuid != item.transaction_uid and not ignore_tuid and not reclaim:
                return self._refuse(req, 400, TUID_INCORRECT)
            if current in FINAL and wanted == current:
                reply = empty(200)  # §11.7.3.2: already there; a warning, not a failure
                if not self.settings.on("state-no-warning"):
                    reply.warn(req.base_url, f"The UPS is already in the requested state of {current}.")
                return reply
            allowed = (current == "SCHEDULED" and wanted == "IN PROGRESS") or (current == "IN PROGRESS" and wanted in FINAL) \
                or (self.settings.on("state-accepts-illegal-value") and wanted not in ("IN PROGRESS", *FINAL))
            if wanted == "COMPLETED" and PERFORMED not in item.ds:
                allowed = False  # CC.2.1.3: final state requirements (the performed procedure) not met
            if not allowed and not anything:
                return self._refuse(req, 409, STATE_CONFLICT)
            if current == "SCHEDULED" or reclaim:
                item.transaction_uid = tuid  # the user agent minted it when claiming (§11.7.1.4)
            item.set_state(wanted)
        self.notifier.state_changed(uid, item.ds)
        if self.settings.on("state-with-payload"):
            return json_reply(200, [item.ds])
        return empty(200)  # §11.7.3.3: no payload

    # ----- Request Cancellation (§11.8; PS3.4 CC.2.2.3) -----

    def request_cancellation(self, req: Request, uid: str) -> Reply:
        item = self.get(uid)
        if item is None:
            return empty(202) if self.settings.on("cancel-unknown-202") else empty(404)
        info: Json = {}
        if req.body:
            ds = one_dataset(req.body)
            if ds is None and not self.settings.on("cancel-accepts-garbage"):
                return empty(400)  # Table 11.8.3-1: a problem with the syntax
            info = {k: v for k, v in (ds or {}).items() if k in ("00741238", "0074100C", "0074100A", "00741236")}
        accepted = 200 if self.settings.on("cancel-status-200") else 202
        state = item.state
        if state == "CANCELED":
            reply = empty(accepted)
            if not self.settings.on("cancel-no-warning"):
                reply.warn(req.base_url, "The UPS is already in the requested state of CANCELED.")  # Table 11.8.3-2
            return reply
        if state == "SCHEDULED" and self.settings.on("cancel-scheduled-server-error"):
            return empty(500)
        if state in ("SCHEDULED", "COMPLETED") and not (state == "COMPLETED" and self.settings.on("cancel-final-accepted")):
            return empty(409)  # Table 11.8.3-1 names SCHEDULED and COMPLETED as conflicting states
        self.notifier.cancel_requested(uid, item.ds, info)
        return empty(accepted)

    # ----- helpers -----

    def _refuse(self, req: Request, status: int, text: str) -> Reply:
        reply = empty(status)
        quiet = self.settings.on("update-no-warning") if text in (NOT_CLAIMED, UPDATE_CONFLICT) \
            else self.settings.on("state-no-warning")
        return reply if quiet else reply.warn(req.base_url, text)

    def _bad(self, req: Request, reason: str) -> Reply:
        return Reply(400, [("Content-Type", "text/plain")], reason.encode("utf-8"))  # a Status Report (§8.6.3)


def _ncreate_problem(ds: Json) -> str | None:
    """The N-CREATE rules of PS3.4 Table CC.2.5-3 that §11.4.1.4 points to, as far as the double checks them."""
    if first(ds, STATE) != "SCHEDULED":
        return "Procedure Step State must be SCHEDULED on creation"
    for tag, name in ((LABEL, "Procedure Step Label"), (PRIORITY, "Scheduled Procedure Step Priority"),
                      (START, "Scheduled Procedure Step Start DateTime"), (READINESS, "Input Readiness State")):
        if first(ds, tag) in (None, ""):
            return f"{name} is required on creation"
    if first(ds, PRIORITY) not in ("HIGH", "MEDIUM", "LOW"):
        return "Scheduled Procedure Step Priority must be HIGH, MEDIUM or LOW"
    if TRANSACTION_UID in ds:
        return "a Transaction UID is not allowed on creation"
    return None
