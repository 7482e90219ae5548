"""Case-local fresh copies of fixture instances, for cases that store.

A store case must send instances the target has never seen, so `makes: {a: ct1}`
gives the case an instance `a`: ct1 with new Study/Series/SOP Instance UIDs derived
from the run id and the case id (copies from one source study share a new study,
copies from one series share a new series). PatientID stays run-scoped.
"""

from __future__ import annotations

import copy
import io
import uuid
from dataclasses import replace

import pydicom

from conformance_fixtures import Instance

_NS = uuid.UUID("6c7b1d2e-8f43-4f55-9a0c-3d1e5b7a9c21")


def _uid(run_id: str, case_id: str, what: str) -> str:
    return "2.25.%d" % uuid.uuid5(_NS, f"{run_id}/{case_id}/{what}").int


def fresh_copy(source: Instance, name: str, run_id: str, case_id: str) -> Instance:
    ds = copy.deepcopy(source.dataset)
    ds.StudyInstanceUID = _uid(run_id, case_id, f"study/{source.study}")
    ds.SeriesInstanceUID = _uid(run_id, case_id, f"series/{source.series}")
    ds.SOPInstanceUID = _uid(run_id, case_id, f"instance/{name}")
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    buf = io.BytesIO()
    pydicom.dcmwrite(buf, ds, enforce_file_format=True)
    return replace(source, key=name, study=f"{case_id}/{source.study}", series=f"{case_id}/{source.series}",
                   dataset=ds, data=buf.getvalue(), description=f"fresh copy of {source.key} for {case_id}")
