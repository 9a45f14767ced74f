"""The ``course`` fixture: the small course of :mod:`programme_support` in a fresh folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from programme_support import write_course


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return write_course(tmp_path / "course")
