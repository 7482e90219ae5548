"""The SEG fixture from its cached template is the SEG highdicom builds for the same run, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance_fixtures import corpus, seg_template
from conformance_fixtures.part10 import to_part10
from conformance_fixtures.uids import UidMinter

PLACE = corpus._recipe_of("seg1").place


def _seg_bytes(run_id: str) -> tuple[bytes, frozenset[str]]:
    minter = UidMinter(run_id)
    ds, ts = seg_template.segmentation(corpus.build_segmentation, minter, PLACE)
    return to_part10(ds, ts), minter.minted()


def _direct_bytes(run_id: str) -> tuple[bytes, frozenset[str]]:
    minter = UidMinter(run_id)
    ds, ts = corpus.build_segmentation(minter, PLACE)
    return to_part10(ds, ts), minter.minted()


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(seg_template.CACHE_ENV, str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("run_id", ["run-a", "7f3e0c1d2b4a59687766554433221100"])
def test_the_restamped_seg_is_the_directly_built_one_with_the_same_minted_uids(cache: Path, run_id: str) -> None:
    _seg_bytes("warm-the-cache")
    assert len(list(cache.glob("seg-*.json"))) == 1
    assert _seg_bytes(run_id) == _direct_bytes(run_id)


def test_a_cached_template_spares_building_with_highdicom(cache: Path) -> None:
    _seg_bytes("warm-the-cache")

    def must_not_build(*_: object) -> None:
        raise AssertionError("built again although the template is cached")

    ds, _ = seg_template.segmentation(must_not_build, UidMinter("another-run"), PLACE)  # type: ignore[arg-type]
    assert ds.SOPInstanceUID == UidMinter("another-run").uid("seg1", "SOPInstanceUID")


def test_a_damaged_template_is_built_anew(cache: Path) -> None:
    _seg_bytes("warm-the-cache")
    (path,) = cache.glob("seg-*.json")
    path.write_text("{half a file", encoding="utf-8")
    assert _seg_bytes("run-c") == _direct_bytes("run-c")
    assert path.read_text(encoding="utf-8").startswith('{"names"')


def test_with_the_cache_off_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(seg_template.CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _seg_bytes("run-d") == _direct_bytes("run-d")
    assert list(tmp_path.iterdir()) == []
