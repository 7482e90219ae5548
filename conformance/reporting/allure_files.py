"""Allure result files, written off the case loop.

allure-pytest writes every result, container and attachment synchronously, one file each, and
serialises results with ``json.dump`` (always the pure-Python encoder). A suite run writes some
1,300 such files. Here the documents are serialised with ``json.dumps`` (the C encoder) and the
files are written by one background thread: file system calls release the GIL, so the next case
runs meanwhile. The files and their content are what allure-pytest itself would write, each
appearing whole (written under a temporary name, then renamed), and all of them are on disk
before pytest returns (``flush`` at unconfigure, before the HTML report is generated).
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import uuid
from functools import partial
from pathlib import Path
from typing import Any


class FileWriter:
    """One thread writing (path, bytes) pairs in order; ``flush`` waits until all are on disk."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Path, bytes]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.errors: list[str] = []

    def put(self, path: Path, data: bytes) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="allure-file-writer", daemon=True)
                self._thread.start()
        self._queue.put((path, data))

    def flush(self) -> list[str]:
        """Wait for every queued file; the errors met so far (each said once)."""
        self._queue.join()
        errors, self.errors = self.errors, []
        return errors

    def _run(self) -> None:
        while True:
            path, data = self._queue.get()
            try:
                tmp = path.with_name(path.name + ".tmp")
                tmp.write_bytes(data)
                os.replace(tmp, path)  # a reader never sees half a file
            except OSError as exc:
                self.errors.append(f"{path.name}: {exc.strerror or exc}")
            finally:
                self._queue.task_done()


WRITER = FileWriter()


def write_in_background() -> None:
    """Route every registered AllureFileLogger's writes through WRITER (no-op without allure-pytest)."""
    try:
        import allure_commons
        from allure_commons.logger import AllureFileLogger
    except ImportError:
        return
    manager = allure_commons.plugin_manager
    for plugin in manager.get_plugins():
        if type(plugin) is AllureFileLogger and "_report_item" not in vars(plugin):
            plugin._report_item = partial(_report_item, plugin, AllureFileLogger._report_item)
            # pluggy holds the method it registered, so the attachment hook is redirected there.
            for impl in manager.hook.report_attached_data.get_hookimpls():
                if impl.plugin is plugin:
                    impl.function = partial(_report_attached_data, plugin)


def flush() -> None:
    """Every Allure file is on disk when this returns; failures to write are said on stderr."""
    errors = WRITER.flush()
    if errors:
        shown = "; ".join(errors[:3]) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else "")
        print(f"dicomweb-conformance: {len(errors)} Allure result file(s) could not be written: {shown}",
              file=sys.stderr)


def _report_item(logger: Any, original: Any, item: Any) -> None:
    if os.environ.get("ALLURE_INDENT_OUTPUT"):  # asks for the indented form only json.dump gives
        WRITER.flush()  # keep the order of files
        original(logger, item)
        return
    from attr import asdict

    filename = item.file_pattern.format(prefix=uuid.uuid4())
    data = asdict(item, filter=lambda _, v: v or v is False)
    WRITER.put(logger._report_dir / filename, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _report_attached_data(logger: Any, body: str | bytes, file_name: str) -> None:
    WRITER.put(logger._report_dir / file_name, body.encode("utf-8") if isinstance(body, str) else bytes(body))
