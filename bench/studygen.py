"""Deterministic generated studies for the scale measurements (large retrieve, 1,000 instances).

Same spec, same bytes: UIDs are name-based (PS3.5 B.2, "2.25." + UUID v5). Pixel data cycles
through a few patterns that are shared between datasets, so the *expected* side of a check
(datasets without Part 10 bytes) stays small however large the study is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import httpx
import numpy as np
from pydicom import Dataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

from conformance.multipart import build_related
from conformance_fixtures.model import Instance
from conformance_fixtures.part10 import to_part10

NAMESPACE = uuid.UUID("0b4e1d36-61d2-5a5f-a0f4-3b9e8f0c1d77")
PATTERNS = 4


@dataclass(frozen=True)
class StudySpec:
    name: str        # part of every UID: different names never share a UID
    instances: int
    rows: int
    columns: int

    @property
    def study_uid(self) -> str:
        return _uid(self.name, "study")

    @property
    def series_uid(self) -> str:
        return _uid(self.name, "series")

    @property
    def pixel_bytes(self) -> int:
        return self.rows * self.columns * 2

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "instances": self.instances, "rows": self.rows, "columns": self.columns}


def _uid(*parts: object) -> str:
    return "2.25." + str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))).int)


@lru_cache(maxsize=16)
def _pattern(rows: int, columns: int, k: int) -> bytes:
    yy, xx = np.mgrid[0:rows, 0:columns]
    return ((xx * (k + 1) + yy * 3 + k * 997) % 4096).astype("<u2").tobytes()


def dataset(spec: StudySpec, index: int) -> Dataset:
    ds = Dataset()
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = _uid(spec.name, "instance", index)
    ds.PatientName = "BENCH^LARGE"
    ds.PatientID = f"BENCH-{spec.name}"[:64]
    ds.StudyInstanceUID = spec.study_uid
    ds.SeriesInstanceUID = spec.series_uid
    ds.FrameOfReferenceUID = _uid(spec.name, "for")
    ds.StudyDate, ds.StudyTime, ds.StudyID, ds.AccessionNumber = "20240101", "120000", "1", ""
    ds.ReferringPhysicianName = ""
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = "CT", 1, index + 1
    ds.PatientBirthDate, ds.PatientSex, ds.PositionReferenceIndicator = "", "O", ""
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.ImagePositionPatient = ["0", "0", str(index)]
    ds.ImageOrientationPatient = ["1", "0", "0", "0", "1", "0"]
    ds.PixelSpacing, ds.SliceThickness, ds.KVP = ["0.5", "0.5"], "1", "120"
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = spec.rows, spec.columns
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
    ds.PixelData = _pattern(spec.rows, spec.columns, index % PATTERNS)
    ds["PixelData"].VR = "OW"
    return ds


def instances(spec: StudySpec, *, with_data: bool) -> Iterator[Instance]:
    """The study's instances in order; without data, only the expected datasets (cheap)."""
    for index in range(spec.instances):
        ds = dataset(spec, index)
        data = to_part10(ds, ExplicitVRLittleEndian)
        fingerprint = None
        if not with_data:  # keep only a fingerprint of the bytes: a large study does not fit in memory
            from conformance.checks.fidelity import dataset_fingerprint

            fingerprint, data = dataset_fingerprint(data), b""
        yield Instance(key=f"i{index}", study=spec.name, series=f"{spec.name}.1", dataset=ds, data=data,
                       transfer_syntax=ExplicitVRLittleEndian, description=f"{spec.name} instance {index + 1}",
                       dataset_fingerprint=fingerprint)


class StudyData:
    """What a retrieve check needs of the expected study: ``instance(key)``.

    Without ``with_data`` the instances carry datasets and a fingerprint of their data set bytes but
    not the bytes (small, whatever the study's size); the fidelity checks recognise a byte-identical
    data set from the fingerprint, and compare attribute by attribute otherwise.
    """

    def __init__(self, spec: StudySpec, with_data: bool = False) -> None:
        self._by_key = {i.key: i for i in instances(spec, with_data=with_data)}

    def instance(self, key: str) -> Instance:
        return self._by_key[key]

    def keys(self) -> list[str]:
        return list(self._by_key)


def stow_batches(spec: StudySpec, batch: int) -> Iterator[tuple[str, bytes, int]]:
    """(content type, body, instance count) for STOW-RS requests of ``batch`` instances each."""
    pending: list[Instance] = []
    for inst in instances(spec, with_data=True):
        pending.append(inst)
        if len(pending) == batch:
            yield (*build_related([({"Content-Type": "application/dicom"}, i.data) for i in pending],
                                  type_="application/dicom"), len(pending))
            pending = []
    if pending:
        yield (*build_related([({"Content-Type": "application/dicom"}, i.data) for i in pending],
                              type_="application/dicom"), len(pending))


def store(base_url: str, spec: dict[str, int | str], batch: int = 16) -> dict[str, float]:
    """Worker: STOW-RS the whole study with plain httpx (the bench's set-up, not a measurement)."""
    import time

    study = StudySpec(**spec)  # type: ignore[arg-type]
    sent = 0
    started = time.perf_counter()
    with httpx.Client(timeout=600.0, trust_env=False) as client:
        for ctype, body, _count in stow_batches(study, batch):
            r = client.post(f"{base_url}/studies", content=body,
                            headers={"Content-Type": ctype, "Accept": "application/dicom+json"})
            if r.status_code != 200:
                raise SystemExit(f"STOW-RS answered {r.status_code}: {r.text[:500]}")
            sent += len(body)
    return {"seconds": time.perf_counter() - started, "bytes": sent}
