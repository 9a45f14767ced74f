"""Fixtures of the LMS tests: one Ralph LRS per session, a fresh store and cohort per test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from lms_support import Lrs, start_ralph  # noqa: E402

from recovery_capital.lms import events  # noqa: E402
from recovery_capital.store import Store  # noqa: E402


@pytest.fixture(scope="session")
def lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lrs]:
    running = start_ralph(tmp_path_factory.mktemp("ralph"))
    yield running
    running.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store("sqlite:///" + str(tmp_path / "store.sqlite3"))
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def no_sinks_left() -> Iterator[None]:
    """Each test configures its own sinks; none outlive it."""
    yield
    events.configure(None)
