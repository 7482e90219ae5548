"""Retrieve a study of at least 1 GB with the harness and with a plain streaming download.

Usage:
    .venv/bin/python bench/bench_large_retrieve.py [--gigabytes 1.0] [--url BASE_URL]

Without --url a throw-away Orthanc (conformance.targets.orthanc) is started and removed afterwards.
The study is generated deterministically from one template (a 512x512 16-bit CT slice): each instance
gets name-based UIDs (PS3.5 B.2) and its own pixels (the template pattern rolled by the instance
number), and is written on the fly into the STOW-RS bodies, never all at once. It is stored once.

Then two measurements, each in a fresh Python process so peak RSS (ru_maxrss) belongs to it alone:
  * harness: conformance's HttpClient (streams the body to a spool), Response.parts() (one part in
    memory at a time) and the fidelity check of the `instances` check for every part, against the
    instance regenerated from its SOP Instance UID;
  * plain:   httpx streaming GET, bytes counted and dropped.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from pydicom import Dataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance_fixtures.model import Instance  # noqa: E402
from conformance_fixtures.part10 import to_part10  # noqa: E402

SIZE = 512                      # rows = columns of each slice
INSTANCE_BYTES = SIZE * SIZE * 2  # pixel data per instance (the rest is ~1 KB of attributes)
BATCH = 64                      # instances per STOW-RS request (~32 MB)
ACCEPT = 'multipart/related; type="application/dicom"'
NAMESPACE = uuid.UUID("5d1f7a0e-2c39-5b8e-9f41-7a6c3e2b9d10")
MB = 1_000_000


# ---------------------------------------------------------------------------------------------- study


def uid(run: str, name: str) -> str:
    return "2.25." + str(uuid.uuid5(NAMESPACE, f"{run}/{name}").int)


class Study:
    """A generated study: `count` CT slices; instance i is a pure function of (run, i)."""

    def __init__(self, run: str, count: int) -> None:
        self.run, self.count = run, count
        self.study_uid, self.series_uid = uid(run, "study"), uid(run, "series")
        yy, xx = np.mgrid[0:SIZE, 0:SIZE]
        self.base = ((xx * 7 + yy * 3) % 4096).astype("<u2")  # 12-bit texture, different everywhere
        self.index_of = {self.sop_uid(i): i for i in range(count)}  # SOP Instance UID -> instance number

    def sop_uid(self, index: int) -> str:
        return uid(self.run, f"instance/{index}")

    def dataset(self, index: int) -> Dataset:
        ds = Dataset()
        ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, self.sop_uid(index)
        ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = "Bench^Large", f"BENCH-{self.run[:8]}", "", ""
        ds.StudyInstanceUID, ds.StudyDate, ds.StudyTime, ds.StudyID = self.study_uid, "20240101", "120000", "1"
        ds.AccessionNumber, ds.ReferringPhysicianName = "", ""
        ds.SeriesInstanceUID, ds.SeriesNumber, ds.Modality = self.series_uid, 1, "CT"
        ds.InstanceNumber, ds.ImageType = index + 1, ["ORIGINAL", "PRIMARY", "AXIAL"]
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.Rows = ds.Columns = SIZE
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.RescaleIntercept, ds.RescaleSlope = "-1024", "1"
        ds.PixelData = np.roll(self.base, index, axis=1).tobytes()
        ds["PixelData"].VR = "OW"
        return ds

    def instance(self, index: int) -> Instance:
        ds = self.dataset(index)
        data = to_part10(ds, ExplicitVRLittleEndian)
        return Instance(key=f"i{index}", study="bench", series="bench", dataset=ds, data=data,
                        transfer_syntax=ExplicitVRLittleEndian, description="generated",
                        native_pixels=bytes(ds.PixelData))


def stow_body(study: Study, start: int, stop: int, boundary: str) -> Iterator[bytes]:
    """One multipart/related body, produced instance by instance (chunked upload)."""
    for index in range(start, stop):
        yield b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n"
        yield study.instance(index).data
        yield b"\r\n"
    yield b"--" + boundary.encode() + b"--\r\n"


def store(study: Study, base_url: str) -> float:
    """STOW-RS the study in batches; seconds taken."""
    import httpx

    boundary = "bench-" + uuid.uuid5(NAMESPACE, study.run).hex
    headers = {"Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}',
               "Accept": "application/dicom+json"}
    started = time.monotonic()
    with httpx.Client(timeout=httpx.Timeout(600.0), trust_env=False) as client:
        for start in range(0, study.count, BATCH):
            stop = min(start + BATCH, study.count)
            resp = client.post(base_url + "/studies", content=stow_body(study, start, stop, boundary), headers=headers)
            if resp.status_code != 200:
                raise SystemExit(f"STOW-RS of instances {start}..{stop - 1} answered {resp.status_code}: {resp.text[:300]}")
    return time.monotonic() - started


# --------------------------------------------------------------------------------------- measurements


def measure_harness(base_url: str, study: Study) -> dict[str, object]:
    from dataclasses import replace

    from conformance.checks.fidelity import NotPart10, Received, compare_instance, dataset_fingerprint
    from conformance.transport.client import ClientSettings, HttpClient
    from conformance.transport.exchange import HttpRequest

    # The oracle as the harness holds it for a study too large to keep: each instance's identity and a
    # fingerprint of its data set bytes, built before the clock starts (the harness built them when it
    # stored). Without the pixels in memory only a verbatim copy can be judged, so this script demands one.
    expected = {}
    for index in range(study.count):
        inst = study.instance(index)
        del inst.dataset.PixelData
        expected[inst.dataset.SOPInstanceUID] = replace(inst, data=b"", dataset_fingerprint=dataset_fingerprint(inst.data),
                                                        native_pixels=None)
    allowed = frozenset({ExplicitVRLittleEndian})
    client = HttpClient(ClientSettings(timeout_s=1800.0))
    started = time.monotonic()
    resp = client.send(HttpRequest("GET", f"{base_url}/studies/{study.study_uid}", (("Accept", ACCEPT),)))
    downloaded = time.monotonic() - started
    parts, problems, seen = 0, [], set()
    for part in resp.parts():
        parts += 1
        try:
            received = Received(part.body)
            uid, inst = received.identify(expected)
        except NotPart10 as exc:
            problems.append(f"part {parts}: {exc}")
            continue
        if inst is None or uid in seen:
            problems.append(f"part {parts}: unexpected or repeated instance {uid}")
            continue
        seen.add(uid)
        if not received.is_verbatim(inst):
            problems.append(f"part {parts}: {uid} is not the stored data set byte for byte (this script keeps no pixels to compare)")
            continue
        problems += compare_instance(inst, received, allowed).problems
    total = time.monotonic() - started
    size = resp.size
    resp.close()
    client.close()
    missing = study.count - len(seen)
    return {"client": "harness (HttpClient + parts() + fidelity)", "status": resp.status, "bytes": size,
            "parts": parts, "missing": missing, "problems": problems[:5], "problem_count": len(problems),
            "download_s": downloaded, "total_s": total, "peak_rss_mb": _peak_rss_mb()}


def measure_plain(base_url: str, study: Study) -> dict[str, object]:
    import httpx

    started = time.monotonic()
    size = 0
    with httpx.Client(timeout=httpx.Timeout(1800.0), trust_env=False) as client:
        with client.stream("GET", f"{base_url}/studies/{study.study_uid}", headers={"Accept": ACCEPT}) as resp:
            for chunk in resp.iter_bytes():
                size += len(chunk)
            status = resp.status_code
    total = time.monotonic() - started
    return {"client": "plain httpx stream", "status": status, "bytes": size, "download_s": total, "total_s": total,
            "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def child(which: str, base_url: str, run: str, count: int) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--measure", which, "--url", base_url, "--run", run, "--count", str(count)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{which} measurement failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------------- main


def report(rows: list[dict[str, object]], stored_s: float, study: Study) -> None:
    print(f"\nstudy: {study.count} instances of {INSTANCE_BYTES // 1024} KiB pixel data; stored in {stored_s:.1f} s")
    print(f"{'client':<44} {'bytes':>14} {'download MB/s':>14} {'end-to-end MB/s':>16} {'peak RSS MB':>12}")
    for row in rows:
        size = float(row["bytes"])  # type: ignore[arg-type]
        print(f"{row['client']!s:<44} {int(size):>14,} {size / MB / float(row['download_s']):>14.1f} "  # type: ignore[arg-type]
              f"{size / MB / float(row['total_s']):>16.1f} {float(row['peak_rss_mb']):>12.1f}")  # type: ignore[arg-type]
    harness = rows[0]
    print(f"harness: {harness['parts']} parts, {harness['missing']} missing, {harness['problem_count']} fidelity problems"
          + (f": {harness['problems']}" if harness["problem_count"] else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=1.0, help="study size (default 1.0)")
    parser.add_argument("--url", help="DICOMweb base URL of a running server (default: start Orthanc)")
    parser.add_argument("--run", default=None, help="run name: fixes every UID (default: fresh)")
    parser.add_argument("--measure", choices=["harness", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        study = Study(args.run, args.count)
        result = (measure_harness if args.measure == "harness" else measure_plain)(args.url, study)
        print(json.dumps(result))
        return
    count = max(1, -(-int(args.gigabytes * 1024**3) // INSTANCE_BYTES))
    study = Study(args.run or uuid.uuid4().hex, count)
    if args.url:
        _bench(args.url, study)
        return
    from conformance.targets.orthanc import OrthancTarget

    with OrthancTarget() as target:
        _bench(target.base_url, study)


def _bench(base_url: str, study: Study) -> None:
    print(f"storing {study.count} generated instances ({study.count * INSTANCE_BYTES / 1024**3:.2f} GiB of pixels) "
          f"at {base_url}", flush=True)
    stored_s = store(study, base_url)
    rows = [child("harness", base_url, study.run, study.count), child("plain", base_url, study.run, study.count)]
    report(rows, stored_s, study)


if __name__ == "__main__":
    main()
