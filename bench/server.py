"""The bench's own Orthanc: started once per bench run, emptied between measured runs."""

from __future__ import annotations

import httpx

from conformance.errors import HarnessError
from conformance.targets.orthanc import OrthancTarget, orthanc_available

from bench.proc import BenchError, Unavailable


class BenchOrthanc:
    """A throw-away Orthanc (the harness's embedded default target) with a REST wipe between runs."""

    def __init__(self) -> None:
        if not orthanc_available():
            raise Unavailable("Orthanc with the DICOMweb plugin is not installed (./dev setup installs it)")
        self._target = OrthancTarget()
        self.base_url = self._target.base_url  # .../dicom-web
        self.uri_url = self._target.wado_uri
        self.root = f"http://127.0.0.1:{self._target.port}"

    def start(self) -> "BenchOrthanc":
        try:
            self._target.start()
        except HarnessError as exc:
            raise BenchError(f"cannot start Orthanc: {exc}") from None
        return self

    def stop(self) -> None:
        self._target.stop()

    def wipe(self) -> int:
        """Delete every study (Orthanc's own REST API), so the next run meets an empty server."""
        with httpx.Client(base_url=self.root, timeout=120.0, trust_env=False) as client:
            ids = client.get("/studies").raise_for_status().json()
            for orthanc_id in ids:
                client.delete(f"/studies/{orthanc_id}").raise_for_status()
        return len(ids)

    def study_count(self) -> int:
        with httpx.Client(base_url=self.root, timeout=30.0, trust_env=False) as client:
            return len(client.get("/studies").raise_for_status().json())
