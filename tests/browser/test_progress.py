"""Section progress on a module page: the section list, focus moves, the indicator and the bar."""

from __future__ import annotations

from browser_support import find_module, wait_until_rendered
from test_pages import blocking_violations

SECTION_HEADINGS = "#rc-main .jp-RenderedHTMLCommon h2"


def heading_texts(page) -> list[str]:
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).map((h) =>
            Array.from(h.childNodes)
              .filter((n) => !(n.classList && n.classList.contains('jp-InternalAnchorLink')))
              .map((n) => n.textContent).join('').replace(/\\u00b6/g, '')
              .replace(/\\s+/g, ' ').trim())""",
        SECTION_HEADINGS,
    )


def test_module_page_shows_sections_and_progress(course_server, new_page) -> None:
    page = new_page()
    page.goto(course_server.module_url(find_module("01"), cohort=course_server.cohort))
    wait_until_rendered(page)
    nav = page.get_by_role("navigation", name="Sections of this module")
    nav.wait_for()
    titles = heading_texts(page)
    assert len(titles) >= 2
    assert nav.locator("ol > li > a").all_inner_texts() == titles

    second = nav.locator("a").nth(1)
    second.focus()
    page.keyboard.press("Enter")
    focused_id = page.evaluate("() => document.activeElement.id")
    second_id = page.locator(SECTION_HEADINGS).nth(1).get_attribute("id")
    assert focused_id and focused_id == second_id

    page.locator(SECTION_HEADINGS).last.scroll_into_view_if_needed()
    page.locator(SECTION_HEADINGS).last.evaluate("(h) => h.scrollIntoView({block: 'start'})")
    status = page.locator("#rc-progress-status")
    expected = f"Section {len(titles)} of {len(titles)}: {titles[-1]}"
    page.wait_for_function(
        "(text) => document.getElementById('rc-progress-status').textContent === text", arg=expected
    )
    assert status.inner_text() == expected
    bar = page.get_by_role("progressbar", name="Progress through this module's sections")
    assert bar.get_attribute("aria-valuenow") == str(len(titles))
    assert bar.get_attribute("aria-valuemax") == str(len(titles))

    assert blocking_violations(page) == []


def test_course_home_shows_no_section_progress(course_server, new_page) -> None:
    page = new_page()
    page.goto(course_server.base_url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert page.locator("#rc-sections").count() == 0
    assert page.locator("[role=progressbar]").count() == 0
