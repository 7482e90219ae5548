"""Allure result files: the faster writer gives allure the same documents its own writer does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from allure_commons.logger import AllureFileLogger
from allure_commons import model2

from conformance.reporting.allure_files import _report_item


def _result() -> model2.TestResult:
    return model2.TestResult(uuid="u1", name="studies.search · ünïcode", status=model2.Status.FAILED,
                      statusDetails=model2.StatusDetails(message="status 200, expected 400", trace=""),
                      labels=[model2.Label(name="suite", value="studies")],
                      attachments=[model2.Attachment(name="transcript", source="a-attachment.txt", type="text/plain")])


def _written(folder: Path, write: object) -> dict[str, object]:
    logger = AllureFileLogger(str(folder))
    write(logger, _result())  # type: ignore[operator]
    (path,) = folder.iterdir()
    assert path.name.endswith("-result.json")
    return json.loads(path.read_text(encoding="utf8"))


def test_the_fast_writer_writes_the_document_allures_own_writer_writes(tmp_path: Path) -> None:
    own = _written(tmp_path / "own", AllureFileLogger._report_item)
    fast = _written(tmp_path / "fast", lambda logger, item: _report_item(logger, AllureFileLogger._report_item, item))
    assert fast == own


def test_indented_output_is_left_to_allures_own_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLURE_INDENT_OUTPUT", "1")
    logger = AllureFileLogger(str(tmp_path))
    _report_item(logger, AllureFileLogger._report_item, _result())
    (path,) = tmp_path.iterdir()
    assert path.read_text(encoding="utf8").startswith("{\n    ")
