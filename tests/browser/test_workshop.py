"""Workshop mode: a preheated kernel still answers under the trainee who opens it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import (
    REPO,
    assert_every_exercise_drawn,
    find_module,
    module_notebooks,
    start_server,
    stop_server,
    wait_until_rendered,
)

from recovery_capital import score
from recovery_capital.store import Store

SAVED = {f"q{n}": value for n, value in enumerate([6, 5, 4, 3, 2, 1, 2, 3, 4, 5], start=1)}


@pytest.fixture(scope="module")
def workshop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server preheating one module-2 kernel, and a cohort with one trainee's saved BARC-10."""
    tmp = tmp_path_factory.mktemp("workshop-server")
    store_url = f"sqlite:///{tmp / 'store.sqlite3'}"
    with Store(store_url) as store:
        cohort = store.create_cohort("Workshop cohort").code
        store.join(cohort, "ada-7")
        store.submit(cohort, "ada-7", "m2-barc10-practice", SAVED, result=score("barc10", SAVED))
        secret = store.reissue_link(cohort, "ada-7")  # her personal link: a handle opens nothing
    process, base_url, _ = start_server(
        REPO, store_url, "--cohort", cohort, "--workshop", "2", "--pool", "1",
        "--fill-delay", "600", log_path=tmp / "server.log",
    )  # fmt: skip
    try:
        yield base_url, cohort, secret
    finally:
        stop_server(process)


def test_preheated_module_restores_the_trainees_own_answers(workshop, new_page) -> None:
    base_url, cohort, secret = workshop
    page = new_page()
    page.goto(f"{base_url}voila/render/{find_module('02')}?cohort={cohort}&secret={secret}")
    wait_until_rendered(page)
    exercise = page.locator(".rc-questionnaire").first
    # the kernel ran the module before anyone asked; it moves to this trainee when they arrive
    page.wait_for_function(
        "(box) => box.querySelectorAll('.rc-item input[type=radio]:checked').length >= 10",
        arg=exercise.element_handle(),
    )
    checked = exercise.locator(".rc-item input[type=radio]:checked").evaluate_all(
        "(inputs) => inputs.map((input) => input.value)"
    )
    assert [float(value) for value in checked[:10]] == [float(v) for v in SAVED.values()]


@pytest.mark.parametrize("notebook", [n for n in module_notebooks() if "/trainer/" not in n])
def test_every_module_renders_from_a_preheated_kernel(
    notebook: str, new_page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each module, served from the workshop pool, renders without an error for its trainee."""
    tmp = tmp_path_factory.mktemp("preheated")
    store_url = f"sqlite:///{tmp / 'store.sqlite3'}"
    with Store(store_url) as store:
        cohort = store.create_cohort("Preheated").code
        store.join(cohort, "pool-7")
        secret = store.reissue_link(cohort, "pool-7")  # the trainee's personal link
    log_path = tmp / "server.log"
    prefix = Path(notebook).stem  # the module's notebook name: any page can be preheated
    process, base_url, _ = start_server(
        REPO, store_url, "--cohort", cohort, "--workshop", prefix, "--pool", "1",
        "--fill-delay", "600", log_path=log_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while "is filled with 1 kernel" not in log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline, "the pool never filled"
            time.sleep(0.5)
        page = new_page()
        page.goto(f"{base_url}voila/render/{notebook}?cohort={cohort}&secret={secret}")
        wait_until_rendered(page)
        assert_every_exercise_drawn(page, notebook)
        assert "Using pre-heated kernel" in log_path.read_text(errors="replace")
        body = page.inner_text("body")
        assert "Traceback" not in body and "Error" not in body
        assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        # The kernel moved over to this trainee: a link it could not open would put a warning
        # in a join panel once the request arrived; and opening the page made nobody new.
        page.wait_for_timeout(3000)
        assert page.locator(".rc-join .rc-warning").count() == 0
        with Store(store_url) as store:
            assert store.participants(cohort) == ["pool-7"]
    finally:
        stop_server(process)
