"""Allure result files: written off the case loop, yet the same files allure-pytest would write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from allure_commons import model2
from allure_commons.logger import AllureFileLogger

from conformance.reporting.allure_files import WRITER, FileWriter, _report_attached_data, _report_item


def _result() -> model2.TestResult:
    return model2.TestResult(uuid="u1", name="studies.search · ünïcode", status=model2.Status.FAILED,
                             statusDetails=model2.StatusDetails(message="status 200, expected 400", trace=""),
                             labels=[model2.Label(name="suite", value="studies")],
                             attachments=[model2.Attachment(name="transcript", source="a-attachment.txt",
                                                            type="text/plain")])


def _only_file(folder: Path) -> Path:
    (path,) = folder.iterdir()
    return path


def test_a_result_is_the_document_allures_own_writer_writes(tmp_path: Path) -> None:
    AllureFileLogger._report_item(AllureFileLogger(str(tmp_path / "own")), _result())
    _report_item(AllureFileLogger(str(tmp_path / "ours")), AllureFileLogger._report_item, _result())
    assert WRITER.flush() == []
    own, ours = _only_file(tmp_path / "own"), _only_file(tmp_path / "ours")
    assert ours.name.endswith("-result.json")
    assert json.loads(ours.read_text(encoding="utf8")) == json.loads(own.read_text(encoding="utf8"))


def test_an_attachment_is_written_byte_for_byte_under_its_name(tmp_path: Path) -> None:
    _report_attached_data(AllureFileLogger(str(tmp_path)), "GET /studies → 200 ünïcode", "a1-attachment.txt")
    assert WRITER.flush() == []
    assert (tmp_path / "a1-attachment.txt").read_text(encoding="utf-8") == "GET /studies → 200 ünïcode"


def test_flush_waits_for_every_queued_file_and_no_temporary_file_remains(tmp_path: Path) -> None:
    writer = FileWriter()
    for n in range(200):
        writer.put(tmp_path / f"{n}.txt", b"x" * 10_000)
    assert writer.flush() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.txt" for n in range(200))


def test_a_file_that_cannot_be_written_is_reported_once_by_flush(tmp_path: Path) -> None:
    writer = FileWriter()
    writer.put(tmp_path / "missing-folder" / "r.json", b"{}")
    writer.put(tmp_path / "ok.json", b"{}")
    errors = writer.flush()
    assert len(errors) == 1 and errors[0].startswith("r.json: ")
    assert (tmp_path / "ok.json").exists() and writer.flush() == []


def test_indented_output_is_left_to_allures_own_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLURE_INDENT_OUTPUT", "1")
    _report_item(AllureFileLogger(str(tmp_path)), AllureFileLogger._report_item, _result())
    assert _only_file(tmp_path).read_text(encoding="utf8").startswith("{\n    ")


def test_allures_own_hooks_reach_the_background_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import allure_commons

    from conformance.reporting import allure_files

    queued: list[str] = []
    real_put = WRITER.put
    monkeypatch.setattr(WRITER, "put", lambda path, data: (queued.append(path.name), real_put(path, data)))
    logger = AllureFileLogger(str(tmp_path))
    allure_commons.plugin_manager.register(logger)
    try:
        allure_files.write_in_background()
        allure_commons.plugin_manager.hook.report_attached_data(body="transcript", file_name="t-attachment.txt")
        allure_commons.plugin_manager.hook.report_result(result=_result())
    finally:
        allure_commons.plugin_manager.unregister(logger)
    assert WRITER.flush() == []
    assert queued[0] == "t-attachment.txt" and queued[1].endswith("-result.json")
    assert (tmp_path / "t-attachment.txt").read_text(encoding="utf-8") == "transcript"
