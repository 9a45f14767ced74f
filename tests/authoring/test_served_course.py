"""An educator's whole loop in a real browser: make a course, change it, check it, serve it,
and see the changes on the page trainees open."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from authoring_support import write
from browser_support import ARTIFACTS, start_server, stop_server, wait_until_rendered

from recovery_capital.authoring.check import check_course
from recovery_capital.authoring.template import new_course
from recovery_capital.settings.course import load_course_settings

NEW_STORY_LINE = "Amira lives in Paisley with her husband Imran"
NEW_QUIZ = """\
kind: quiz
id: m2-quiz-northshire
title: Support around people in Northshire
questions:
  - id: community
    prompt: Which of these is community recovery capital?
    type: single
    options:
      - text: A mutual-aid group that meets in the library every Tuesday
        correct: true
        feedback: Yes. Groups and services open to everyone are community resources.
      - text: A person's own sense of hope
        correct: false
        feedback: Hope matters a great deal, but it is personal recovery capital.
"""
BRAND = "Northshire Council Learning"


def edit_course(course: Path) -> str:
    """Change a vignette, add a quiz to module 2, hide the last module; return its title."""
    vignette = course / "assets/content/vignettes/amira.yaml"
    text = vignette.read_text()
    assert "Amira lives in Leeds with her husband Imran" in text
    vignette.write_text(text.replace("Amira lives in Leeds with her husband Imran", NEW_STORY_LINE))

    write(course, "assets/content/quizzes/m2-quiz-northshire.yaml", NEW_QUIZ)
    module = next((course / "modules").glob("02-*.ipynb"))
    nb = nbformat.read(str(module), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        'KnowledgeCheck("assets/content/quizzes/m2-quiz-northshire.yaml")'
    ))  # fmt: skip
    nbformat.write(nb, str(module))

    settings = course / "course.yaml"
    hidden = load_course_settings(course).modules[-1]
    text = settings.read_text().replace(f"  - {hidden}\n", "")
    text = text.replace("  name: ''\n", f"  name: {BRAND}\n")
    settings.write_text(text.replace('primary_colour: "#1d5c63"', 'primary_colour: "#5b2a86"'))
    hidden_nb = nbformat.read(str(course / "modules" / hidden), as_version=4)
    return re.search(r"^# (.+)$", hidden_nb.cells[0].source, re.MULTILINE).group(1)


@pytest.mark.browser
@pytest.mark.slow
def test_an_edited_course_is_checked_served_and_shows_the_changes(tmp_path: Path, new_page) -> None:
    course = new_course(tmp_path / "northshire", title="Northshire spring course")
    hidden_title = edit_course(course)
    report = check_course(course, run=False)
    assert report.errors == []
    assert any("not listed in course.yaml modules" in f.message for f in report.warnings)

    store_url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    process, base_url, banner = start_server(course, store_url, log_path=tmp_path / "serve.log")
    try:
        code = re.search(r"Join code:\s+(\w+)", banner).group(1)
        page = new_page()
        page.goto(f"{base_url}?cohort={code}")
        page.locator(".rc-join-button").click()  # joining is a click, never a page load
        page.wait_for_selector(".rc-handle")
        assert page.inner_text(".rc-brand-name") == BRAND
        titles = page.locator(".rc-module-link").all_inner_texts()
        assert len(titles) == len(load_course_settings(course).modules)
        assert hidden_title not in titles
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "educator-course-home.png"))

        page.locator(".rc-module-link[href*='/02-']").first.click()  # module 2
        wait_until_rendered(page)
        body = page.locator("main")
        body.get_by_text(NEW_STORY_LINE).first.wait_for()
        body.get_by_text("Support around people in Northshire").first.wait_for()
        assert "Traceback" not in page.inner_text("body")
        assert page.inner_text(".rc-brand-name") == BRAND
        page.screenshot(path=str(ARTIFACTS / "educator-course-module.png"))
    finally:
        stop_server(process)
