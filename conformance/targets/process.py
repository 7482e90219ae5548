"""Starting and stopping a local server process we own (by PID, never by name)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from ..errors import TargetError


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """A child process serving HTTP on loopback; ready when `probe_url` answers."""

    def __init__(self, name: str, argv: Sequence[str], probe_url: str, log: Path, cwd: Path | None = None,
                 stop_timeout: float = 15.0, throwaway: bool = False) -> None:
        self.name, self.argv, self.probe_url, self.log, self.cwd = name, list(argv), probe_url, log, cwd
        self.stop_timeout = stop_timeout
        # A server whose storage is deleted right after it stops loses nothing by being killed,
        # and a graceful stop can take seconds (Orthanc's HTTP server: about 2 s).
        self.throwaway = throwaway
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, ready_timeout: float = 30.0) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(self.log, "ab") as out:
                self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT, cwd=self.cwd,
                                             start_new_session=True)
        except OSError as exc:
            raise TargetError(f"cannot start {self.name} ({self.argv[0]}): {exc.strerror}") from None
        deadline = time.monotonic() + ready_timeout
        # One plain-HTTP client for the whole wait: every new httpx client loads the CA bundle.
        with httpx.Client(timeout=1.0, verify=False, trust_env=False) as probe:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise TargetError(f"{self.name} exited with status {self.proc.returncode} while starting; see {self.log}")
                try:
                    probe.get(self.probe_url, headers={"Accept": "application/dicom+json"})
                    return
                except httpx.HTTPError:
                    time.sleep(0.1)
        self.stop()
        raise TargetError(f"{self.name} did not answer at {self.probe_url} within {ready_timeout:g} s; see {self.log}")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        if self.throwaway:
            proc.kill()
            proc.wait(5)
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)

    def __enter__(self) -> "ServerProcess":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
