"""Workshop mode: a preheated kernel still answers under the trainee who opens it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import REPO, find_module, start_server, stop_server, wait_until_rendered

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
        store.submit(cohort, "ada-7", "m2-barc10-practice", SAVED, instrument="barc10")
    process, base_url, _ = start_server(
        REPO, store_url, "--cohort", cohort, "--workshop", "2", "--pool", "1",
        "--fill-delay", "600", log_path=tmp / "server.log",
    )  # fmt: skip
    try:
        yield base_url, cohort
    finally:
        stop_server(process)


def test_preheated_module_restores_the_trainees_own_answers(workshop, new_page) -> None:
    base_url, cohort = workshop
    page = new_page()
    page.goto(f"{base_url}voila/render/{find_module('02')}?cohort={cohort}&handle=ada-7")
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
