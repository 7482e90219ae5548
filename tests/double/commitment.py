"""Storage Commitment in the double (PS3.18 §13, Annex J), and the minimal Store (§10.5) it needs.

The double commits to what it holds: instances stored with POST /studies (the harness
seeds its corpus that way) whose SOP Class matches. Everything else fails with Failure
Reason 0112 (no such object instance, PS3.3 C.14.1.1).
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass

import pydicom
from pydicom.errors import InvalidDicomError

from .dicom import Json, first, is_uid, multipart, one_dataset, sorted_ds, split_multipart, to_xml
from .faults import Settings
from .http import DICOM_JSON, DICOM_XML, Reply, Request, choose, content_type, empty, json_reply

NO_SUCH_INSTANCE, CLASS_CONFLICT = 0x0112, 0x0119
REF_SOP, FAILED_SOP, REF_STUDY, FAILED_STUDY = "00081199", "00081198", "00081110", "0008119B"
REF_SERIES, BY_CLASS, REF_INSTANCES = "00081115", "00081112", "0008114A"
CLASS, INSTANCE, REASON, STUDY, SERIES = "00081150", "00081155", "00081197", "0020000D", "0020000E"


@dataclass
class Request_:
    form: str  # flat | tree
    refs: list[tuple[str, str, str, str]]  # (study, series, class, instance)
    result: Json | None = None
    checks: int = 0


def _seq(ds: Json, tag: str) -> list[Json]:
    value = ds.get(tag, {}).get("Value", []) if isinstance(ds.get(tag), dict) else []
    return [i for i in value if isinstance(i, dict)]


def parse_module(ds: Json) -> Request_ | None:
    """A Storage Commitment Request Module (Table J.1-1): a flat or a study-tree list; None if neither."""
    if REF_SOP in ds and _seq(ds, REF_SOP):
        refs = [("", "", str(first(i, CLASS)), str(first(i, INSTANCE))) for i in _seq(ds, REF_SOP)]
        return Request_("flat", refs) if all(r[2] != "None" and r[3] != "None" for r in refs) else None
    if REF_STUDY in ds and _seq(ds, REF_STUDY):
        refs = [(str(first(st, STUDY)), str(first(se, SERIES)), str(first(bc, CLASS)), str(first(i, INSTANCE)))
                for st in _seq(ds, REF_STUDY) for se in _seq(st, REF_SERIES)
                for bc in _seq(se, BY_CLASS) for i in _seq(bc, REF_INSTANCES)]
        return Request_("tree", refs) if refs else None
    return None


class Commitments:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.instances: dict[str, str] = {}  # SOP Instance UID -> SOP Class UID, stored with POST /studies
        self.requests: dict[str, Request_] = {}

    # ----- §10.5, only as far as seeding needs -----

    def store_studies(self, req: Request) -> Reply:
        media, params = content_type(req)
        if media != "multipart/related" or params.get("type", "").lower() != "application/dicom":
            return empty(415)
        parts = split_multipart(req.body, params.get("boundary", ""))
        if parts is None:
            return empty(400)
        refs = []
        for _, data in parts:
            try:
                ds = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True)
            except (InvalidDicomError, ValueError, EOFError):
                continue
            with self.lock:
                self.instances[str(ds.SOPInstanceUID)] = str(ds.SOPClassUID)
            refs.append({CLASS: {"vr": "UI", "Value": [str(ds.SOPClassUID)]},
                         INSTANCE: {"vr": "UI", "Value": [str(ds.SOPInstanceUID)]},
                         "00081190": {"vr": "UR", "Value": [f"{req.base_url}/studies/{ds.StudyInstanceUID}"]}})
        return json_reply(200, [{REF_SOP: {"vr": "SQ", "Value": refs}}])

    # ----- Request (§13.4) and Result Check (§13.5) -----

    def request(self, req: Request, tuid: str) -> Reply:
        if not is_uid(tuid):
            return empty(400)
        ds = one_dataset(req.body) if content_type(req)[0] == DICOM_JSON else None
        parsed = parse_module(ds) if ds is not None else None
        if parsed is None:
            if not self.settings.on("commit-accepts-garbage"):
                return empty(400)  # Table 13.4.3-1: errors in the request
            parsed = Request_("flat", [])
        with self.lock:
            if tuid in self.requests and not self.settings.on("commit-transaction-uid-reuse"):
                return empty(409)  # Table 13.4.3-1: the Transaction UID is in use
            parsed.result = self._result(parsed)
            self.requests[tuid] = parsed
        if self.settings.commitment_async:
            return self._pending()
        return self._answer(req, parsed.result)

    def result_check(self, req: Request, tuid: str) -> Reply:
        with self.lock:
            found = self.requests.get(tuid)
            if found is not None:
                found.checks += 1
        if found is None or found.result is None:
            return json_reply(200, [{}]) if self.settings.on("commit-unknown-result-200") else empty(404)
        if self.settings.commitment_async and found.checks < 2:
            return self._pending()  # §13.5.2: still working
        return self._answer(req, found.result)

    def _pending(self) -> Reply:
        retry = "Wed, 21 Oct 2026 07:28:00 GMT" if self.settings.on("commit-retry-after-date") else "1"
        reply = empty(202).with_header("Retry-After", retry)  # Table 13.4.3-2
        if self.settings.on("commit-202-with-payload"):
            reply.body, reply.headers = b'["working"]', reply.headers + [("Content-Type", "application/json")]
        return reply

    def _answer(self, req: Request, result: Json) -> Reply:
        offers = {"json": DICOM_JSON} if self.settings.on("commit-no-xml") else \
            {"json": DICOM_JSON, "xml": DICOM_XML, "mjson": 'multipart/related; type="application/dicom+json"',
             "mxml": 'multipart/related; type="application/dicom+xml"'}
        chosen = choose(req, offers)  # Table 13.1.3-1
        if chosen is None:
            return empty(406)
        if chosen == "xml":
            return Reply(200, [("Content-Type", DICOM_XML)], to_xml(result))
        if chosen in ("mjson", "mxml"):
            part_type = DICOM_JSON if chosen == "mjson" else DICOM_XML
            data = json.dumps([result]).encode("utf-8") if chosen == "mjson" else to_xml(result)
            ctype, body = multipart([(part_type, data)], part_type)
            return Reply(200, [("Content-Type", ctype)], body)
        reply = json_reply(200, [result])
        reply.omit_length = self.settings.on("commit-no-length")
        return reply

    def _result(self, parsed: Request_) -> Json:
        """The Storage Commitment Response Module (Table J.2-1), in the form of the request."""
        ok, bad = [], []
        for ref in parsed.refs:
            held = self.instances.get(ref[3])
            committed = (held == ref[2]) or self.settings.on("commit-commits-anything")
            if self.settings.on("commit-fails-everything"):
                committed = False
            reason = NO_SUCH_INSTANCE if held is None else CLASS_CONFLICT
            (ok if committed else bad).append((*ref, reason))
        tree = (parsed.form == "tree") != self.settings.on("commit-wrong-form")
        result = _tree(ok, bad) if tree else _flat(ok, bad)
        if self.settings.on("commit-no-failure-reason"):
            result = json.loads(json.dumps(result).replace('"00081197"', '"00081196"'))
        if self.settings.on("commit-echoes-transaction-uid"):
            result["00081195"] = {"vr": "UI", "Value": ["2.25.1"]}
        return sorted_ds(result)


def _item(cls: str, inst: str, reason: int | None) -> Json:
    item = {CLASS: {"vr": "UI", "Value": [cls]}, INSTANCE: {"vr": "UI", "Value": [inst]}}
    if reason is not None:
        item[REASON] = {"vr": "US", "Value": [reason]}
    return item


def _flat(ok: list, bad: list) -> Json:
    out: Json = {}
    if ok:
        out[REF_SOP] = {"vr": "SQ", "Value": [_item(c, i, None) for _, _, c, i, _ in ok]}
    if bad:
        out[FAILED_SOP] = {"vr": "SQ", "Value": [_item(c, i, r) for _, _, c, i, r in bad]}
    return out


def _tree(ok: list, bad: list) -> Json:
    def build(refs: list, failed: bool) -> list[Json]:
        studies: dict[str, dict[str, dict[str, list]]] = {}
        for st, se, c, i, r in refs:
            studies.setdefault(st, {}).setdefault(se, {}).setdefault(c, []).append((i, r))
        return [{STUDY: {"vr": "UI", "Value": [st]}, REF_SERIES: {"vr": "SQ", "Value": [
            {SERIES: {"vr": "UI", "Value": [se]}, BY_CLASS: {"vr": "SQ", "Value": [
                {CLASS: {"vr": "UI", "Value": [c]}, REF_INSTANCES: {"vr": "SQ", "Value": [
                    {INSTANCE: {"vr": "UI", "Value": [i]}, **({REASON: {"vr": "US", "Value": [r]}} if failed else {})}
                    for i, r in insts]}} for c, insts in classes.items()]}} for se, classes in series.items()]}}
            for st, series in studies.items()]
    out: Json = {}
    if ok:
        out[REF_STUDY] = {"vr": "SQ", "Value": build(ok, False)}
    if bad:
        out[FAILED_STUDY] = {"vr": "SQ", "Value": build(bad, True)}
    return out
