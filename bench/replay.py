"""Worker: replay recorded exchanges with a plain httpx client, the baseline of the suite overhead.

The same requests, in the same order, on one keep-alive connection like the harness's; each
response body is read whole (``client.send`` without streaming) and then dropped.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any


def replay(path: str) -> dict[str, Any]:
    started = time.perf_counter()
    import httpx

    entries = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
    requests = [httpx.Request(e["method"], e["url"], headers=[tuple(h) for h in e["headers"]],
                              content=base64.b64decode(e["body"]) if e["body"] else None) for e in entries]
    ready = time.perf_counter()
    statuses = []
    size = 0
    with httpx.Client(timeout=60.0, trust_env=False) as client:
        for request in requests:
            response = client.send(request)
            size += len(response.content)
            statuses.append(response.status_code)
    done = time.perf_counter()
    mismatched = sum(1 for e, s in zip(entries, statuses) if e["status"] != s)
    return {"exchanges": len(entries), "bytes": size, "loop_seconds": done - ready, "setup_seconds": ready - started,
            "status_mismatches": mismatched}
