"""Worker side of the 1,000-instance study: store, search with limit/offset paging, retrieve.

Each operation exists twice: through the harness (its HttpClient, then the checks a case would
run: DICOM JSON model, store response, multipart and instance fidelity) and with plain httpx.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from bench.studygen import StudyData, StudySpec, stow_batches


def _harness_client() -> Any:
    from conformance.transport.client import ClientSettings, HttpClient

    return HttpClient(ClientSettings(timeout_s=600.0))


def _check(name: str, ctx: Any, arg: Any) -> list[str]:
    from conformance.checks import REGISTRY
    from conformance.checks.registry import messages

    return list(messages(REGISTRY.get(name).func(ctx, arg)))  # type: ignore[union-attr]


def _context(exchange: Any, data: Any, base_url: str) -> Any:
    from conformance.checks.context import CheckContext

    return CheckContext(exchange=exchange, data=data, base_url=base_url)


def store(base_url: str, spec: dict[str, Any], client: str, batch: int = 100) -> dict[str, Any]:
    study = StudySpec(**spec)
    bodies = list(stow_batches(study, batch))  # built before the clock starts: the same bytes for both clients
    keys = [f"i{n}" for n in range(study.instances)]
    problems: list[str] = []
    started = time.perf_counter()
    if client == "httpx":
        with httpx.Client(timeout=600.0, trust_env=False) as plain:
            for ctype, body, _ in bodies:
                r = plain.post(f"{base_url}/studies", content=body,
                               headers={"Content-Type": ctype, "Accept": "application/dicom+json"})
                r.json()
                if r.status_code != 200:
                    problems.append(f"status {r.status_code}")
    else:
        from conformance.transport.exchange import Exchange, HttpRequest

        data = StudyData(study)
        harness = _harness_client()
        at = 0
        for ctype, body, count in bodies:
            request = HttpRequest("POST", f"{base_url}/studies",
                                  (("Accept", "application/dicom+json"), ("Content-Type", ctype)), body)
            exchange = Exchange(0, "store", request, harness.send(request))
            ctx = _context(exchange, data, base_url)
            problems += _check("status", ctx, 200)
            problems += _check("dicom_json", ctx, {"context": "store-response"})
            problems += _check("store_response", ctx, {"stored": keys[at:at + count], "failed": []})
            at += count
            exchange.response.close()
        harness.close()
    return {"seconds": time.perf_counter() - started, "bytes": sum(len(b) for _, b, _ in bodies),
            "requests": len(bodies), "problems": problems[:5]}


def search(base_url: str, spec: dict[str, Any], client: str, limit: int = 100) -> dict[str, Any]:
    """Page through the study's instances with limit/offset until a short page."""
    study = StudySpec(**spec)
    url = f"{base_url}/studies/{study.study_uid}/instances"
    found: list[str] = []
    problems: list[str] = []
    pages = 0
    started = time.perf_counter()
    if client == "httpx":
        with httpx.Client(timeout=600.0, trust_env=False) as plain:
            while True:
                page = plain.get(url, params={"limit": limit, "offset": len(found)},
                                 headers={"Accept": "application/dicom+json"}).json()
                pages += 1
                found += [d["00080018"]["Value"][0] for d in page]
                if len(page) < limit:
                    break
    else:
        from conformance.transport.exchange import Exchange, HttpRequest

        harness = _harness_client()
        while True:
            request = HttpRequest("GET", f"{url}?limit={limit}&offset={len(found)}", (("Accept", "application/dicom+json"),))
            exchange = Exchange(0, "search", request, harness.send(request))
            ctx = _context(exchange, None, base_url)
            problems += _check("status", ctx, 200)
            problems += _check("dicom_json", ctx, {"context": "search"})
            page = exchange.response.json()
            exchange.response.close()
            pages += 1
            found += [d["00080018"]["Value"][0] for d in page]
            if len(page) < limit:
                break
        harness.close()
    seconds = time.perf_counter() - started
    if len(set(found)) != study.instances:
        problems.append(f"paging found {len(set(found))} distinct instances of {study.instances}")
    return {"seconds": seconds, "pages": pages, "results": len(found), "problems": problems[:5]}
