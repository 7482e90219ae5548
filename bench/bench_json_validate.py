"""Time DICOM JSON validation of a ~50 MB metadata response against json.loads of the same bytes.

Usage: .venv/bin/python bench/bench_json_validate.py [--megabytes 50] [--repeat 3]

The document is a Retrieve Metadata response built from pydicom's test files (CT, MR, RT plan, ...), one dataset
per instance with per-instance UIDs, numbers and positions, bulk data replaced by BulkDataURIs, as a server would
send for a large series. Two ratios are printed:
  * default: both sides as a caller sees them (json.loads with the cyclic GC on; the validator pauses the GC
    itself while it builds and walks the document, since nothing it builds has cycles);
  * strict: json.loads with the GC also paused, which isolates the cost of the validation walk.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import sys
import time
from pathlib import Path

import pydicom
from pydicom.data import get_testdata_file

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conformance.dicom.json_model import validate_json_bytes  # noqa: E402

SOURCES = ("CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "SC_rgb.dcm", "JPEG2000.dcm")


def _templates() -> list[dict]:
    templates = []
    for name in SOURCES:
        dataset = pydicom.dcmread(get_testdata_file(name))
        templates.append(
            dataset.to_json_dict(
                bulk_data_element_handler=lambda element: "https://pacs.example/studies/1/series/2/instances/3/bulk",
                bulk_data_threshold=256,
            )
        )
    return templates


def _per_instance_attributes(index: int) -> dict[str, dict]:
    """What differs between the instances of a series: identifiers, positions, times, window settings."""
    z = round(-80.0 + index * 0.625, 3)
    seconds = f"{index % 60:02d}"
    return {
        "00080013": {"vr": "TM", "Value": [f"1200{seconds}.{index % 1000:03d}"]},
        "00080018": {"vr": "UI", "Value": [f"1.2.826.0.1.3680043.10.1234.{index}"]},
        "00080032": {"vr": "TM", "Value": [f"1159{seconds}.{index % 997:03d}"]},
        "00080033": {"vr": "TM", "Value": [f"1201{seconds}"]},
        "00200012": {"vr": "IS", "Value": [index // 100 + 1]},
        "00200013": {"vr": "IS", "Value": [index + 1]},
        "00200032": {"vr": "DS", "Value": [-125.5, -130.25, z]},
        "00201041": {"vr": "DS", "Value": [z]},
        "00281050": {"vr": "DS", "Value": [40 + index % 50]},
        "00281051": {"vr": "DS", "Value": [400 + index % 70]},
        "00283000": {"vr": "SQ", "Value": [{"00283002": {"vr": "US", "Value": [4096, index % 4096, 16]}}]},
    }


def build_metadata(megabytes: float) -> bytes:
    templates = _templates()
    target = int(megabytes * 1_000_000)
    instances: list[dict] = []
    size = 2
    index = 0
    while size < target:
        instance = copy.deepcopy(templates[index % len(templates)])
        instance.update(_per_instance_attributes(index))
        instance = dict(sorted(instance.items()))
        size += len(json.dumps(instance)) + 2
        instances.append(instance)
        index += 1
    return json.dumps(instances).encode()


def _best(function, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def _loads_without_gc(raw: bytes) -> None:
    gc.disable()
    try:
        json.loads(raw)
    finally:
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)

    raw = build_metadata(options.megabytes)
    findings = validate_json_bytes(raw, context="metadata")
    attributes = raw.count(b'"vr"')
    print(f"document: {len(raw) / 1e6:.1f} MB, {attributes} attributes, {len(findings)} findings")

    loads_default = _best(lambda: json.loads(raw), options.repeat)
    loads_no_gc = _best(lambda: _loads_without_gc(raw), options.repeat)
    validate = _best(lambda: validate_json_bytes(raw, context="metadata"), options.repeat)
    print(f"json.loads (GC on):        {loads_default:7.3f} s")
    print(f"json.loads (GC paused):    {loads_no_gc:7.3f} s")
    print(f"validate_json_bytes:       {validate:7.3f} s")
    print(f"ratio default (vs GC on):  {validate / loads_default:5.2f}x")
    print(f"ratio strict (vs GC off):  {validate / loads_no_gc:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
