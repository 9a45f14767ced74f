"""Fixtures for the educator-tool tests: a small valid course (see ``authoring_support``), and
the browser fixtures of ``tests/browser``, reused rather than copied."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from authoring_support import make_tiny_course

# The browser test reuses the browser-test helpers and fixtures (one Chromium, fresh contexts)
# from tests/browser/ rather than copying them.
BROWSER_TESTS = Path(__file__).resolve().parents[1] / "browser"
sys.path.insert(0, str(BROWSER_TESTS))
_spec = importlib.util.spec_from_file_location("browser_fixtures", BROWSER_TESTS / "conftest.py")
assert _spec is not None and _spec.loader is not None
browser_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_fixtures)
browser = browser_fixtures.browser
dialogs = browser_fixtures.dialogs
new_page = browser_fixtures.new_page


@pytest.fixture()
def tiny_course(tmp_path: Path) -> Path:
    """A valid two-module course in a temporary folder."""
    return make_tiny_course(tmp_path / "course")
