"""A pytest plugin (``-p bench.httpwatch``) that watches the harness's HTTP traffic from outside the engine.

- ``BENCH_RECORD_FILE``: append every exchange as sent (method, URL, raw headers, body, status)
  as one JSON line; the recording run only, so the timed runs never pay for it.
- ``BENCH_TIMING_FILE``: at exit, append this process's first-request and last-response times
  (``time.perf_counter``, one clock for all processes) and its request count. This costs a
  clock read per request, so the timed runs carry it to split their time into phases.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time

import httpx
import pytest

_lock = threading.Lock()
_original = httpx.HTTPTransport.handle_request
_times: dict[str, float] = {}
_count = [0]


def _watching(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
    _times.setdefault("first", time.perf_counter())
    record = os.environ.get("BENCH_RECORD_FILE")
    entry = None
    if record:
        body = request.read()
        entry = {"method": request.method, "url": str(request.url),
                 "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in request.headers.raw],
                 "body": base64.b64encode(body).decode("ascii") if body else None}
    response = _original(self, request)
    _times["last"] = time.perf_counter()
    _count[0] += 1
    if record and entry is not None:
        entry["status"] = response.status_code
        with _lock, open(record, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
    return response


def pytest_unconfigure(config: pytest.Config) -> None:
    path = os.environ.get("BENCH_TIMING_FILE")
    if path and _times:
        with _lock, open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({**_times, "requests": _count[0], "pid": os.getpid()}) + "\n")


httpx.HTTPTransport.handle_request = _watching  # type: ignore[method-assign]
