"""Real-browser tests: one course server per session, driven by Debian's Chromium.

Every test in this folder is marked ``browser``. The session starts ``recovery-capital serve``
once, on a free port, against this repository's course, a temporary SQLite store and two
cohorts made for the run; tests share it and open their own browser contexts (one per
trainee). Outside CI a machine without Chromium skips these tests; in CI (``CI=true``) a
Chromium or server that cannot start fails them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PAGE_TIMEOUT_MS,
    REPO,
    CourseServer,
    start_server,
    stop_server,
    unavailable,
)

from recovery_capital.store import Store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def course_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CourseServer]:
    """The session's one course server, serving this repository's course."""
    tmp = tmp_path_factory.mktemp("course-server")
    store_url = f"sqlite:///{tmp / 'store.sqlite3'}"
    with Store(store_url) as store:
        cohort = store.create_cohort("Browser test cohort")
        other = store.create_cohort("Another cohort")
    process, base_url, banner = start_server(
        REPO, store_url, "--cohort", cohort.code, "--max-kernels", "30",
        log_path=tmp / "server.log",
    )  # fmt: skip
    try:
        yield CourseServer(
            base_url=base_url,
            store_url=store_url,
            cohort=cohort.code,
            trainer_key=cohort.trainer_key,
            other_cohort=other.code,
            banner=banner,
            process=process,
        )
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One Chromium for the session; each test opens its own contexts."""
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
