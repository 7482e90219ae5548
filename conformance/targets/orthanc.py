"""The embedded default target: a throw-away Orthanc with the DICOMweb plugin on loopback."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from ..errors import UsageError
from .process import ServerProcess, free_port

ORTHANC_BIN = "/usr/sbin/Orthanc"
PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so"
INSTALL_HINT = ("Orthanc with the DICOMweb plugin is not installed. Install it with:\n"
                "  sudo apt-get update && sudo apt-get install -y orthanc orthanc-dicomweb\n"
                "or point the harness at a server with --target URL.")


def orthanc_available() -> bool:
    return Path(shutil.which("Orthanc") or ORTHANC_BIN).exists() and Path(PLUGIN).exists()


class OrthancTarget:
    """Orthanc in a temporary directory; stopped and removed on exit."""

    def __init__(self, users: dict[str, str] | None = None) -> None:
        if not orthanc_available():
            raise UsageError(INSTALL_HINT)
        self.dir = Path(tempfile.mkdtemp(prefix="dicomweb-orthanc-"))
        self.port = free_port()
        config = {
            "Name": "dicomweb-conformance-default",
            "StorageDirectory": str(self.dir / "storage"),
            "IndexDirectory": str(self.dir / "storage"),
            "Plugins": [PLUGIN],
            "HttpPort": self.port,
            "RemoteAccessAllowed": False,
            "AuthenticationEnabled": bool(users),
            "RegisteredUsers": users or {},
            "DicomServerEnabled": False,
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": True, "WadoRoot": "/wado"},
        }
        (self.dir / "orthanc.json").write_text(json.dumps(config, indent=1))
        self.base_url = f"http://127.0.0.1:{self.port}/dicom-web"
        self.wado_uri = f"http://127.0.0.1:{self.port}/wado"
        probe = f"http://127.0.0.1:{self.port}/system"
        binary = shutil.which("Orthanc") or ORTHANC_BIN
        # Its storage is deleted on stop, so it is killed rather than given 2-5 s to shut down gracefully.
        self.process = ServerProcess("Orthanc", [binary, str(self.dir / "orthanc.json")], probe,
                                     self.dir / "orthanc.log", stop_timeout=20.0, throwaway=True)
        self._users = users

    def start(self) -> "OrthancTarget":
        if self._users:
            user, password = next(iter(self._users.items()))
            self.process.probe_url = self.process.probe_url.replace("http://", f"http://{user}:{password}@")
        self.process.start()
        return self

    def stop(self) -> None:
        self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "OrthancTarget":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
