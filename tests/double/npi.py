"""Non-Patient Instances in the double (PS3.18 §12): Retrieve, Store and Search per category."""

from __future__ import annotations

import io
import threading

import pydicom
from pydicom.errors import InvalidDicomError

from .dicom import Json, multipart, sorted_ds, split_multipart, to_xml
from .faults import Settings
from .http import DICOM_JSON, DICOM_XML, MULTIPART_XML, Reply, Request, choose, content_type, empty, json_reply
from .search import run_search

CATEGORIES = {  # Table 12.1.1-1 -> the storage SOP classes of PS3.4 Table GG.3-1 the double files under it
    "color-palettes": {"1.2.840.10008.5.1.4.39.1"},
    "defined-procedure-protocols": {"1.2.840.10008.5.1.4.1.1.200.1", "1.2.840.10008.5.1.4.1.1.200.2",
                                    "1.2.840.10008.5.1.4.1.1.200.3", "1.2.840.10008.5.1.4.1.1.200.4"},
    "hanging-protocols": {"1.2.840.10008.5.1.4.38.1"},
    "implant-templates": {"1.2.840.10008.5.1.4.43.1", "1.2.840.10008.5.1.4.44.1", "1.2.840.10008.5.1.4.45.1"},
    "inventories": {"1.2.840.10008.5.1.4.1.1.201.1"},
}
SUMMARY = ("00080016", "00080018", "00080012", "00080013", "00080070", "00700080", "00700081")


def _summary(ds: pydicom.Dataset) -> Json:
    full = ds.to_json_dict(bulk_data_threshold=1 << 30, bulk_data_element_handler=lambda _: "")
    return sorted_ds({k: v for k, v in full.items() if k in SUMMARY})


class NonPatient:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.stored: dict[str, dict[str, bytes]] = {name: {} for name in CATEGORIES}  # category -> uid -> Part 10

    def search(self, req: Request, name: str) -> Reply:
        """§12.6: Table 8.3.4-1 parameters over the category's instances; §8.3.4.4.1 paging and 204."""
        with self.lock:
            items = [_summary(pydicom.dcmread(io.BytesIO(b), stop_before_pixels=True)) for b in self.stored[name].values()]
        s = self.settings
        return run_search(req, items, ignore_matching=s.on("npi-search-ignores-matching"), empty_200=s.on("npi-search-empty-200"),
                          bad_ok=s.on("npi-search-bad-parameter-200"), xml=not s.on("npi-no-xml"), json=not s.on("npi-no-json"))

    def retrieve(self, req: Request, name: str, uid: str) -> Reply:
        """§12.4.2: the instance in an Acceptable DICOM Media Type (Table 12.1.3-1), or 404 / 406."""
        with self.lock:
            data = self.stored[name].get(uid)
        if data is None:
            return empty(200) if self.settings.on("npi-retrieve-unknown-200") else empty(404)  # Table 12.4.3-1
        offers = {"dicom": "application/dicom"}
        if not self.settings.on("npi-no-json"):
            offers["json"] = DICOM_JSON
        if not self.settings.on("npi-no-xml"):
            offers["xml"] = MULTIPART_XML
        chosen = choose(req, offers)  # Table 12.1.3-1
        if chosen is None:
            if not self.settings.on("npi-retrieve-ignores-accept"):
                return empty(406)
            chosen = "dicom"
        if self.settings.on("npi-retrieve-changes-data"):
            ds = pydicom.dcmread(io.BytesIO(data))
            ds.ContentDescription = "changed by the double"
            out = io.BytesIO()
            pydicom.dcmwrite(out, ds, enforce_file_format=True)
            data = out.getvalue()
        ds = pydicom.dcmread(io.BytesIO(data))
        if chosen == "dicom":
            media = "application/octet-stream" if self.settings.on("npi-retrieve-octet-stream") else "application/dicom"
            return Reply(200, [("Content-Type", media)], data)
        full = sorted_ds(ds.to_json_dict(bulk_data_threshold=1 << 30, bulk_data_element_handler=lambda _: ""))
        if chosen == "xml":
            ctype, body = multipart([(DICOM_XML, to_xml({k: v for k, v in full.items() if v.get("vr") not in ("OW", "OB")}))],
                                    DICOM_XML)
            return Reply(200, [("Content-Type", ctype)], body)
        return json_reply(200, [full])

    def store(self, req: Request, name: str, uid: str | None) -> Reply:
        """§12.5: one or more instances in multipart/related (or one application/dicom); 415 for other types."""
        if not self.settings.npi_store:
            return empty(405).with_header("Allow", "GET")  # Store is optional (Table 12.2-1)
        media, params = content_type(req)
        if media == "multipart/related" and params.get("type", "").lower() == "application/dicom":
            parts = split_multipart(req.body, params.get("boundary", ""))
            bodies = [data for _, data in parts] if parts is not None else None
        elif media == "application/dicom":
            bodies = [req.body]
        elif self.settings.on("npi-store-accepts-text"):
            bodies = []
        else:
            return empty(415)  # Table 12.5.3-1
        if not bodies and not self.settings.on("npi-store-accepts-text"):
            return empty(400)
        stored, failed = [], []
        for data in bodies or []:
            try:
                ds = pydicom.dcmread(io.BytesIO(data))
            except (InvalidDicomError, ValueError, EOFError):
                failed.append(("", "", 0xC000))
                continue
            cls, inst = str(ds.SOPClassUID), str(ds.SOPInstanceUID)
            if cls not in CATEGORIES[name] or (uid is not None and inst != uid):
                # Annex I.2.2: 0122 SOP Class not supported (here: not of this category); A900 does not match
                failed.append((cls, inst, 0x0122 if cls not in CATEGORIES[name] else 0xA900))
                continue
            with self.lock:
                self.stored[name][inst] = data
            stored.append((cls, inst))
        if not stored:
            return _store_response(400 if bodies else 200, req, name, stored, failed, self.settings)
        status = 201 if self.settings.on("npi-store-201") else 200  # Table 12.5.3-1
        return _store_response(status, req, name, stored, failed, self.settings)


def _store_response(status: int, req: Request, name: str, stored: list[tuple[str, str]],
                    failed: list[tuple[str, str, int]], settings: Settings) -> Reply:
    """A Store Instances Response (Annex I) as the response payload of §12.5.3.3."""
    doc: Json = {}
    if stored:
        doc["00081199"] = {"vr": "SQ", "Value": [
            {"00081150": {"vr": "UI", "Value": [c]}, "00081155": {"vr": "UI", "Value": [i]},
             "00081190": {"vr": "UR", "Value": [f"{req.base_url}/{name}/{i}"]}} for c, i in stored]}
    if failed:
        doc["00081198"] = {"vr": "SQ", "Value": [
            {"00081150": {"vr": "UI", "Value": [c]}, "00081155": {"vr": "UI", "Value": [i]},
             "00081197": {"vr": "US", "Value": [r]}} for c, i, r in failed]}
    reply = json_reply(status, [sorted_ds(doc)])
    if settings.on("npi-store-no-content-type"):
        reply.headers = [(k, v) for k, v in reply.headers if k.lower() != "content-type"]
    return reply
