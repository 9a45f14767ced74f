"""Every course page in a real browser: accessibility scan, screenshots, home, "course full"."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import (
    REPO,
    find_module,
    module_notebooks,
    open_dashboard,
    slug,
    start_server,
    stop_server,
    wait_until_rendered,
)

from recovery_capital.store import Store

BLOCKING_IMPACTS = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") in BLOCKING_IMPACTS:
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}"
            )
    return found


@pytest.mark.parametrize("notebook", module_notebooks() + ["modules/trainer/dashboard.ipynb"])
def test_module_passes_axe_and_is_screenshotted(
    course_server, new_page, artifacts: Path, notebook: str
) -> None:
    page = new_page()
    control_code = []
    page.on(
        "request", lambda r: "/recovery-capital/controls/" in r.url and control_code.append(r.url)
    )
    if notebook.endswith("dashboard.ipynb"):
        open_dashboard(page, course_server)  # scan the live view, not just the sign-in
        page.locator(".rc-dashboard-counts").wait_for()
    else:
        page.goto(course_server.module_url(notebook, cohort=course_server.cohort, handle="axe-1"))
        wait_until_rendered(page)
    assert page.locator("main").count() == 1
    assert page.locator(".jp-Cell").count() > 0
    # The controls' code arrives once per page, not with every one of its many widgets.
    assert len(control_code) == len(set(control_code)) <= 6
    assert control_code or page.locator(".rc-status-line").count() == 0  # a page of reading
    name = slug(Path(notebook).stem)
    page.screenshot(path=str(artifacts / f"{name}.png"))
    exercise = page.locator(".rc-exercise").first
    if exercise.count():
        exercise.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"{name}-exercise.png"))
    # A tablet held upright: the same page must stay usable at 820 px wide.
    page.set_viewport_size({"width": 820, "height": 1180})
    page.screenshot(path=str(artifacts / f"{name}-tablet.png"))
    assert blocking_violations(page) == []
    assert "Traceback" not in page.inner_text("body")


def test_course_home_lists_modules_and_passes_axe(course_server, new_page, artifacts) -> None:
    page = new_page()
    page.goto(f"{course_server.base_url}?cohort={course_server.cohort}")
    # A cohort link shows a Join button; joining gives a handle and a personal link.
    assert blocking_violations(page) == []
    page.locator(".rc-join-button").click()
    page.wait_for_selector(".rc-handle")
    assert "secret=" in page.url and "handle=" not in page.url
    links = page.locator(".rc-module-link")
    assert links.count() == len(module_notebooks())
    assert f"cohort={course_server.cohort}" in links.first.get_attribute("href")
    page.screenshot(path=str(artifacts / "course-home.png"))
    assert blocking_violations(page) == []
    # Coming back through the plain cohort link in the same browser offers the same place,
    # with "This is not me" beside it.
    handle = page.inner_text(".rc-handle")
    page.goto(f"{course_server.base_url}?cohort={course_server.cohort}")
    page.locator(".rc-continue").click()
    page.wait_for_selector(".rc-handle")
    assert page.inner_text(".rc-handle") == handle


def test_skip_link_is_the_first_stop_and_jumps_to_the_module(course_server, new_page) -> None:
    page = new_page()
    page.goto(course_server.module_url(find_module("00"), cohort=course_server.cohort))
    wait_until_rendered(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert "rc-skip-link" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#rc-main"


@pytest.fixture(scope="module")
def one_slot_server(tmp_path_factory):
    """A second, tiny server whose cap is one kernel (the shared one must keep serving)."""
    tmp = tmp_path_factory.mktemp("one-slot")
    course = tmp / "course"
    (course / "modules").mkdir(parents=True)
    (course / "assets").mkdir()
    (course / "assets" / "theme").symlink_to(REPO / "assets" / "theme")
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# A small page"]},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": ["import ipywidgets\nipywidgets.Button(description='Ready')"],
            },
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (course / "modules" / "01-small.ipynb").write_text(json.dumps(notebook))
    store_url = f"sqlite:///{tmp / 'store.sqlite3'}"
    with Store(store_url) as store:
        cohort = store.create_cohort("Full house").code
    process, base_url, _ = start_server(
        course, store_url, "--cohort", cohort, "--max-kernels", "1", log_path=tmp / "server.log"
    )
    try:
        yield f"{base_url}voila/render/modules/01-small.ipynb?cohort={cohort}"
    finally:
        stop_server(process)


def test_course_full_page_appears_at_the_kernel_cap(one_slot_server, new_page, artifacts) -> None:
    first = new_page()
    first.goto(one_slot_server)
    first.wait_for_selector(".widget-button")  # holds the only kernel
    second = new_page()
    response = second.goto(one_slot_server)
    assert response is not None and response.status == 503
    message = second.locator(".rc-course-full")
    assert message.inner_text() == "The course is full right now — please try again in a minute."
    second.screenshot(path=str(artifacts / "course-full.png"))
    assert blocking_violations(second) == []
    # When the first trainee closes the tab, Voila ends their kernel and "Try again" works.
    first.close(run_before_unload=True)
    deadline = time.monotonic() + 30
    while second.locator(".rc-course-full").count() and time.monotonic() < deadline:
        second.click(".rc-retry")
        second.wait_for_load_state()
    second.wait_for_selector(".widget-button")
