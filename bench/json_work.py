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


def _loads(raw: bytes) -> float:
    started = time.perf_counter()
    json.loads(raw)
    return time.perf_counter() - started


def _harness_check(raw: bytes) -> float:
    """The registered ``dicom_json`` check on a response holding these bytes: Response.json(), then the model walk."""
    from conformance.checks import REGISTRY
    from conformance.checks.context import CheckContext
    from conformance.checks.registry import messages
    from conformance.transport.exchange import Exchange, HttpRequest
    from conformance.transport.response import Response

    spool = Response.new_spool()  # filled before the clock starts: the transport's part is measured elsewhere
    spool.write(raw)
    response = Response(status=200, reason="OK", http_version="HTTP/1.1",
                        headers=[("Content-Type", "application/dicom+json")], spool=spool, size=len(raw), elapsed_s=0.0)
    exchange = Exchange(index=0, step="metadata", request=HttpRequest("GET", "http://bench/metadata", ()), response=response)
    ctx = CheckContext(exchange=exchange, data=None, base_url="http://bench")  # type: ignore[arg-type]
    check = REGISTRY.get("dicom_json")
    assert check is not None
    started = time.perf_counter()
    problems = list(messages(check.func(ctx, {"context": "metadata"})))
    seconds = time.perf_counter() - started
    response.close()
    if problems:
        raise SystemExit(f"the dicom_json check found problems in the generated document: {problems[:3]}")
    return seconds


def _validate_bytes(raw: bytes) -> float:
    from conformance.dicom.json_model import validate_json_bytes

    started = time.perf_counter()
    findings = validate_json_bytes(raw, context="metadata")
    seconds = time.perf_counter() - started
    if any(f.severity == "error" for f in findings):
        raise SystemExit(f"validate_json_bytes found errors in the generated document: {findings[:3]}")
    return seconds


PATHS = {"json.loads": _loads, "dicom_json check": _harness_check, "validate_json_bytes": _validate_bytes}


def time_paths(path: str, order: list[str]) -> dict[str, Any]:
    raw = Path(path).read_bytes()
    import conformance.checks  # noqa: F401  (import cost is not what is measured)

    out: dict[str, Any] = {"bytes": len(raw)}
    for name in order:
        out[name] = PATHS[name](raw)
    return out
