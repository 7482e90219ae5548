"""Worker functions shared by measurements: the harness's client and plain httpx doing the same request.

Each returns a dict (bytes, seconds, ...) that bench/worker.py prints for the parent.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

RETRIEVE_ACCEPT = 'multipart/related; type="application/dicom"'


def set_read_size(read_bytes: int | None) -> None:
    """httpcore reads the socket in fixed pieces (a private class attribute, 64 KiB); tooling.md §4."""
    if read_bytes:
        from httpcore._sync.http11 import HTTP11Connection

        HTTP11Connection.READ_NUM_BYTES = int(read_bytes)


def httpx_stream(url: str, accept: str = RETRIEVE_ACCEPT, read_bytes: int | None = None,
                 spool: bool = False) -> dict[str, Any]:
    """The plain baseline: stream the body and throw it away (or, with ``spool``, write it to a
    temporary file spooled like the harness's, to show what spooling alone costs)."""
    import tempfile

    set_read_size(read_bytes)
    with httpx.Client(timeout=600.0, trust_env=False) as client:
        started = time.perf_counter()
        size = 0
        sink = tempfile.SpooledTemporaryFile(max_size=8 << 20) if spool else None
        with client.stream("GET", url, headers={"Accept": accept}) as resp:
            for chunk in resp.iter_raw():
                size += len(chunk)
                if sink is not None:
                    sink.write(chunk)
        if sink is not None:
            sink.close()
        seconds = time.perf_counter() - started
    return {"bytes": size, "seconds": seconds, "status": resp.status_code}


def harness_retrieve(url: str, study: dict[str, Any] | None = None, accept: str = RETRIEVE_ACCEPT,
                     read_bytes: int | None = None, checks: bool = True, expected_bytes: bool = False) -> dict[str, Any]:
    """The harness's path: its HttpClient (stream to spool), then the checks a retrieve case runs.

    With ``study`` the ``instances`` check compares every part with the expected dataset, as
    ``retrieve-study-all-instances`` does for the fixture studies.
    """
    set_read_size(read_bytes)
    from conformance.checks import REGISTRY
    from conformance.checks.context import CheckContext
    from conformance.checks.registry import messages
    from conformance.transport.client import ClientSettings, HttpClient
    from conformance.transport.exchange import Exchange, HttpRequest

    from bench.studygen import StudyData, StudySpec

    expected = StudyData(StudySpec(**study), with_data=expected_bytes) if study else None
    client = HttpClient(ClientSettings(timeout_s=600.0))
    request = HttpRequest("GET", url, (("Accept", accept),))
    started = time.perf_counter()
    exchange = Exchange(index=0, step="retrieve", request=request, response=client.send(request))
    fetched = time.perf_counter() - started
    problems: list[str] = []
    if checks:
        ctx = CheckContext(exchange=exchange, data=expected, base_url=url)  # type: ignore[arg-type]
        wanted: dict[str, Any] = {"type": "application/dicom"}
        if expected is not None:
            wanted["parts"] = len(expected.keys())
        problems += list(messages(REGISTRY.get("multipart").func(ctx, wanted)))  # type: ignore[union-attr]
        if expected is not None:
            problems += list(messages(REGISTRY.get("instances").func(ctx, expected.keys())))  # type: ignore[union-attr]
    seconds = time.perf_counter() - started
    assert exchange.response is not None
    size = exchange.response.size
    exchange.response.close()
    client.close()
    return {"bytes": size, "seconds": seconds, "fetch_seconds": fetched, "problems": problems[:5],
            "status": exchange.response.status}
