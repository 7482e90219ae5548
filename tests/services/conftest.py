"""A double and an engine session per need; notification waits shortened for the harness's own tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.cases.profile import Profile
from conformance.runner.execute import Session
from tests.double import DicomwebDouble, Settings

from .harness import open_session

Opener = Callable[..., tuple[DicomwebDouble, Session]]


@pytest.fixture(scope="module")
def conformant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DicomwebDouble, Session]]:
    """One default (conformant) double and one session for a whole module."""
    with DicomwebDouble() as double:
        session = open_session(double.base_url, tmp_path_factory.mktemp("state"))
        yield double, session
        session.client.close()


@pytest.fixture
def double_with(tmp_path: Path) -> Iterator[Opener]:
    """Start a double with these faults/settings, and a session under this profile."""
    opened: list[tuple[DicomwebDouble, Session]] = []

    def start(faults: Iterable[str] = (), profile: Profile | None = None, **settings: Any) -> tuple[DicomwebDouble, Session]:
        double = DicomwebDouble(Settings(faults=set(faults), **settings)).start()
        session = open_session(double.base_url, tmp_path / f"state{len(opened)}", profile=profile)
        opened.append((double, session))
        return double, session

    yield start
    for double, session in opened:
        session.client.close()
        double.stop()
