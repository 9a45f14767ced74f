"""Module 4's practice exercises in a real browser: every exercise draws, and the drills and the
observer's tally work by keyboard alone."""

from __future__ import annotations

import json
import re

from browser_support import REPO, find_module, wait_until_rendered
from test_trainee_flows import tab_into

EXERCISE = re.compile(r"^([A-Z]\w+)\(", re.M)


def open_module_4(course_server, new_page, handle: str):
    page = new_page()
    page.goto(
        course_server.module_url(find_module("04"), cohort=course_server.cohort, handle=handle)
    )
    wait_until_rendered(page)
    return page


def test_every_exercise_of_module_4_is_drawn(course_server, new_page) -> None:
    notebook = json.loads((REPO / find_module("04")).read_text(encoding="utf-8"))
    made = sum(
        len(EXERCISE.findall("".join(cell["source"])))
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    )
    page = open_module_4(course_server, new_page, "draw-1")
    page.wait_for_function(f"() => document.querySelectorAll('.rc-exercise').length >= {made}")
    assert page.locator(".rc-exercise").count() == made
    assert page.locator(".rc-unavailable").count() == 0
    assert page.locator(".rc-reflectiondrill").count() == 3
    assert page.locator(".rc-branchingscenario").count() == 3


def test_a_drill_by_keyboard_shows_the_models_after_writing(course_server, new_page) -> None:
    page = open_module_4(course_server, new_page, "drill-1")
    item = page.locator(".rc-reflectiondrill").first.locator(".rc-drill-item").first
    tab_into(page, item.locator(".rc-drill-text"))
    page.keyboard.type("You are tired of people going on at you.")
    page.keyboard.press("Tab")  # leaving the box sends the text at once
    reveal = item.locator(".rc-reveal")
    tab_into(page, reveal)
    page.keyboard.press("Enter")
    models = item.locator(".rc-model-answers")
    models.wait_for(state="visible")
    assert models.locator("li").count() >= 2
    assert item.locator(".rc-self-code input[type=radio]").first.is_visible()


def test_the_observer_tally_counts_by_keyboard_and_offers_the_briefs(
    course_server, new_page
) -> None:
    page = open_module_4(course_server, new_page, "tally-1")
    tally = page.locator(".rc-observertally")
    button = tally.locator(
        ".rc-tally-complex-reflection button, button.rc-tally-complex-reflection"
    ).first
    tab_into(page, button)
    page.keyboard.press("Enter")
    page.keyboard.press("Space")
    page.wait_for_function("(b) => b.textContent.includes(': 2')", arg=button.element_handle())
    assert "2 taps counted" in tally.locator(".rc-tally").inner_text()
    tally.locator(".rc-briefs").first.click()
    link = tally.locator("a.rc-download-link")
    link.wait_for()
    assert link.get_attribute("download") == "m4-triad-real-play-briefs.pdf"
