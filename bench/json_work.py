"""Worker side of the DICOM JSON measurement: the document and the timed parse/validate paths."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


def build(path: str, megabytes: float) -> dict[str, Any]:
    """Write a Retrieve Metadata document of about ``megabytes`` MB (bench_json_validate's, when present)."""
    try:
        from bench.bench_json_validate import build_metadata
        source = "bench/bench_json_validate.py build_metadata"
    except ImportError:
        build_metadata = _fallback_metadata
        source = "bench/json_work.py fallback generator"
    raw = build_metadata(megabytes)
    Path(path).write_bytes(raw)
    return {"bytes": len(raw), "attributes": raw.count(b'"vr"'), "source": source}


def _fallback_metadata(megabytes: float) -> bytes:
    from pydicom import dcmread
    from pydicom.data import get_testdata_file

    template = dcmread(get_testdata_file("CT_small.dcm")).to_json_dict(
        bulk_data_element_handler=lambda _e: "http://localhost/bulk", bulk_data_threshold=256)
    instances, size, index = [], 2, 0
    while size < megabytes * 1e6:
        item = json.loads(json.dumps(template))
        item["00080018"] = {"vr": "UI", "Value": [f"1.2.826.0.1.3680043.10.1234.{index}"]}
        item["00200013"] = {"vr": "IS", "Value": [index + 1]}
        size += len(json.dumps(item)) + 2
        instances.append(item)
        index += 1
    return json.dumps(instances).encode()


def _loads(raw: bytes) -> object:
    return json.loads(raw)


def _harness_check(raw: bytes) -> object:
    """What the dicom_json check does: Response.json() (UTF-8 decode + json.loads), then validate_json."""
    from conformance.dicom.json_model import validate_json

    return validate_json(json.loads(raw.decode("utf-8")), context="metadata")


def _validate_bytes(raw: bytes) -> object:
    from conformance.dicom.json_model import validate_json_bytes

    return validate_json_bytes(raw, context="metadata")


PATHS = {"json.loads": _loads, "dicom_json check (json + validate_json)": _harness_check,
         "validate_json_bytes": _validate_bytes}


def time_paths(path: str, order: list[str]) -> dict[str, Any]:
    raw = Path(path).read_bytes()
    import conformance.dicom.json_model  # noqa: F401  (import cost is not what is measured)

    out: dict[str, Any] = {"bytes": len(raw)}
    for name in order:
        started = time.perf_counter()
        result = PATHS[name](raw)
        out[name] = time.perf_counter() - started
        if isinstance(result, list):
            out[f"{name} findings"] = len(result)
        del result
    return out
