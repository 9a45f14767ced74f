"""Fixtures for the educator-tool tests: a small valid course (see ``authoring_support``).

The browser test here uses the session's one Chromium (``browser``/``new_page`` in
``tests/conftest.py``) and the server helpers in ``tests/browser/browser_support.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_support import make_tiny_course


@pytest.fixture()
def tiny_course(tmp_path: Path) -> Path:
    """A valid two-module course in a temporary folder."""
    return make_tiny_course(tmp_path / "course")
