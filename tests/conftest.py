"""Shared test set-up: every test run writes to its own throw-away store, never the user's."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # Notebook kernels (nbval) inherit the environment, so this keeps them off the real store too.
    if "RECOVERY_CAPITAL_STORE" not in os.environ:
        folder = tempfile.mkdtemp(prefix="rc-test-store-")
        os.environ["RECOVERY_CAPITAL_STORE"] = f"sqlite:///{folder}/store.sqlite3"
    os.environ.setdefault("RECOVERY_CAPITAL_COURSE_DIR", str(ROOT))
    os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def root() -> Path:
    """The repository root (the course folder the modules live in)."""
    return ROOT
