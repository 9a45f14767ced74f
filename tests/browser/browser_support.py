"""Helpers the browser tests share: server start/stop, URLs, module lookup, waiting."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from recovery_capital.store import Store

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SERVER_START_TIMEOUT = 120
# Generous: on 2 shared cores a module's kernel may need a while to import and run.
PAGE_TIMEOUT_MS = 90_000


def unavailable(reason: str) -> None:
    """Fail in CI, skip elsewhere: CI must never pass by skipping the browser suite."""
    if IN_CI:
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class CourseServer:
    """A running course server and the cohorts made for this test session."""

    base_url: str
    store_url: str
    cohort: str
    trainer_key: str
    other_cohort: str
    banner: str
    process: subprocess.Popen[str]

    def module_url(self, notebook: str, **query: str) -> str:
        """A module's address; ``handle=`` becomes that trainee's personal link (a handle
        alone opens nothing)."""
        handle = query.pop("handle", None)
        if handle and query.get("cohort"):
            query["secret"] = personal_secret(self.store_url, query["cohort"], handle)
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{self.base_url}voila/render/{notebook}{suffix}"

    def dashboard_url(self) -> str:
        return self.module_url("modules/trainer/dashboard.ipynb")


_SECRETS: dict[tuple[str, str, str], str] = {}


def personal_secret(store_url: str, cohort: str, handle: str) -> str:
    """The personal secret of ``handle`` in ``cohort`` (joined and issued on first use)."""
    key = (store_url, cohort, handle.casefold())
    if key not in _SECRETS:
        with Store(store_url) as store:
            store.join(cohort, handle)
            _SECRETS[key] = store.reissue_link(cohort, handle)
    return _SECRETS[key]


def start_server(
    course_dir: Path, store_url: str, *extra: str, log_path: Path
) -> tuple[subprocess.Popen[str], str, str]:
    """Run ``recovery-capital serve``; return the process, its base URL and its banner."""
    port = free_port()
    command = [
        sys.executable, "-m", "recovery_capital.cli", "serve", str(course_dir),
        "--port", str(port), "--store", store_url, "--log", str(log_path), *extra,
    ]  # fmt: skip
    # Voila's own messages go to log_path (--log); the console's errors beside it.
    log = log_path.with_name(log_path.name + ".console").open("w")
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=course_dir
    )
    banner: list[str] = []
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            break
        banner.append(line)
        if line.startswith("Press Ctrl+C"):
            return process, f"http://127.0.0.1:{port}/", "".join(banner)
    stop_server(process)
    unavailable(
        "recovery-capital serve did not start:\n"
        + "".join(banner)
        + log_path.read_text(errors="replace")[-3000:]
    )
    raise AssertionError("unreachable")


def stop_server(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def module_notebooks() -> list[str]:
    """Every course notebook a trainee opens, in course order (paths relative to the repo)."""
    return sorted(p.relative_to(REPO).as_posix() for p in (REPO / "modules").glob("*.ipynb"))


def find_module(prefix: str) -> str:
    """The notebook of module ``prefix`` (e.g. ``"02"``); fails if the course lacks it."""
    for notebook in module_notebooks():
        if Path(notebook).name.startswith(prefix + "-"):
            return notebook
    pytest.fail(f"the course has no module {prefix} under modules/")


def wait_until_rendered(page) -> None:
    """Wait until Voila has shown every cell and the widgets have drawn.

    A cold page arrives before its cells run (progressive rendering): the course's script
    marks the body ``data-rc-page="ready"`` once every cell's output has arrived.
    """
    page.wait_for_selector("#rc-main", state="visible")
    page.wait_for_function(
        "() => !document.getElementById('loading') && document.body.dataset.rcPage === 'ready'"
    )
    page.wait_for_load_state("networkidle")


def open_dashboard(page, server: CourseServer, key: str | None = None) -> None:
    """Open the trainer dashboard and sign in with the join code and (by default) the key."""
    page.goto(server.dashboard_url())
    wait_until_rendered(page)
    login = page.locator(".rc-dashboard-login")
    login.locator(".rc-trainer-code input").fill(server.cohort)
    login.locator(".rc-trainer-key input").fill(server.trainer_key if key is None else key)
    login.locator(".rc-submit").click()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def exercise_cells(notebook: str) -> list[str]:
    """The ids of ``notebook``'s code cells that build an exercise: every code cell but imports.

    Each module's code cells either import the widgets or build exactly one exercise (a
    structure test holds that), so this is the list of exercises the page must draw.
    """
    import nbformat

    cells = nbformat.read(REPO / notebook, as_version=4).cells
    return [
        cell.id
        for cell in cells
        if cell.cell_type == "code" and not re.match(r"\s*(from|import)\s", cell.source)
    ]


#: For each exercise cell id: how many exercises its output shows with something drawn inside.
_DRAWN_EXERCISES = """(ids) => ids.map((id) => {
  const cell = document.getElementById('cell-id=' + id);
  if (!cell) { return -1; }
  return Array.from(cell.querySelectorAll('.jp-OutputArea-output > .rc-exercise'))
    .filter((box) => box.children.length > 0).length;
})"""


def drawn_exercises(page, notebook: str, timeout_ms: int = 30_000) -> dict[str, int]:
    """Wait (up to ``timeout_ms``) until every exercise cell of ``notebook`` shows one drawn
    exercise; return how many each shows, so a test can name the cells that came up short."""
    ids = exercise_cells(notebook)
    with contextlib.suppress(Exception):  # on a time-out the counts say which cells are short
        page.wait_for_function(
            f"(ids) => ({_DRAWN_EXERCISES})(ids).every((count) => count === 1)",
            arg=ids,
            timeout=timeout_ms,
        )
    return dict(zip(ids, page.evaluate(_DRAWN_EXERCISES, ids)))


def assert_every_exercise_drawn(page, notebook: str) -> None:
    """Every exercise ``notebook`` builds is on the page, drawn, once; no retry note shows."""
    counts = drawn_exercises(page, notebook)
    short = {cell: count for cell, count in counts.items() if count != 1}
    assert counts and not short, f"{notebook}: exercises missing or doubled (cell: count) {short}"
    assert page.locator(".rc-exercise-missing").count() == 0
