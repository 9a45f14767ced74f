"""Shared test set-up: every test run writes to its own throw-away store, never the user's."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# the browser helpers (server start-up, Chromium flags) are shared by tests/browser and
# tests/authoring; the Chromium fixtures below are defined once here, so a session has one
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "tests"))  # waiting.until, shared by the asyncio tests


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


def _uses_a_browser(item: pytest.Item) -> bool:
    return (
        item.get_closest_marker("browser") is not None or "browser" in Path(str(item.fspath)).parts
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the real-browser tests last.

    Playwright's sync API keeps an event loop running in the main thread for as long as the
    session's Chromium is open; tests that run their own asyncio loop must come before it.
    """
    items.sort(key=_uses_a_browser)  # stable: the order within each group is kept


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the session; each test opens its own contexts."""
    from browser_support import CHROMIUM, CHROMIUM_ARGS, unavailable

    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing: run scripts/setup-env (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - the test extra installs it
        unavailable(f"playwright is not installed: {exc}")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        unavailable(f"Chromium did not start: {exc}")
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture()
def dialogs() -> list[str]:
    """Messages of any alert/confirm a page opened during the test (there should be none)."""
    return []


@pytest.fixture()
def new_page(browser, dialogs: list[str]):
    """Open pages in fresh browser contexts (separate trainees); all closed after the test."""
    from browser_support import PAGE_TIMEOUT_MS

    contexts = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def make(viewport: dict[str, int] | None = None):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", on_dialog)
        return page

    yield make
    for context in contexts:
        context.close()
