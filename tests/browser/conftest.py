"""Real-browser tests: one course server per session, driven by Debian's Chromium.

Every test in this folder is marked ``browser``. The session starts ``recovery-capital serve``
once, on a free port, against this repository's course, a temporary SQLite store and two
cohorts made for the run; tests share it and open their own browser contexts (one per
trainee). Chromium itself (the ``browser`` and ``new_page`` fixtures) comes from
``tests/conftest.py``. Outside CI a machine without Chromium skips these tests; in CI
(``CI=true``) a Chromium or server that cannot start fails them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    REPO,
    CourseServer,
    start_server,
    stop_server,
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
