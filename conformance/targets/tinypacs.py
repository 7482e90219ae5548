"""tiny-pacs-dicomweb on loopback (a second real server, used by the harness's own tests)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import UsageError
from .process import ServerProcess, free_port

VENV_ENV = "DICOMWEB_TINYPACS_VENV"
DEFAULT_VENV = Path(__file__).resolve().parents[2] / ".venv-tinypacs"


def tinypacs_binary() -> Path | None:
    venv = Path(os.environ.get(VENV_ENV, DEFAULT_VENV))
    candidate = venv / "bin" / "tiny-pacs"
    if candidate.exists():
        return candidate.absolute()
    found = shutil.which("tiny-pacs")
    return Path(found) if found else None


class TinyPacsTarget:
    def __init__(self) -> None:
        binary = tinypacs_binary()
        if binary is None:
            raise UsageError("tiny-pacs is not installed: python3 -m venv .venv-tinypacs && "
                             ".venv-tinypacs/bin/pip install tiny-pacs-dicomweb 'tiny_pacs[dicomweb]'")
        self.dir = Path(tempfile.mkdtemp(prefix="dicomweb-tinypacs-"))
        self.port, dimse = free_port(), free_port()
        (self.dir / "config.yaml").write_text(
            "ae:\n  ae_title: [TINY_PACS]\n  port: %d\n"
            "components:\n"
            "  Database: {'on': true, driver: sqlite, mode: memory}\n"
            "  InMemoryStorage: {'on': false}\n"
            "  FileStorage: {'on': true, storage_dir: %s}\n"
            "  HttpServer: {'on': true, host: 127.0.0.1, port: %d, allow_remote: false}\n"
            "  DICOMWeb: {'on': true, prefix: /dicomweb, auth: none}\n" % (dimse, self.dir / "storage", self.port))
        self.base_url = f"http://127.0.0.1:{self.port}/dicomweb"
        self.process = ServerProcess("tiny-pacs", [str(binary), "run", "-c", str(self.dir / "config.yaml")],
                                     f"{self.base_url}/studies", self.dir / "tinypacs.log", cwd=self.dir)

    def start(self) -> "TinyPacsTarget":
        self.process.start()
        return self

    def stop(self) -> None:
        self.process.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "TinyPacsTarget":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
