"""A live poll follows the trainer on pages that are already open: no reload, ever.

Seen before: trainees whose page was open before the trainer opened the poll never saw it
until they reloaded (the poll's box was the exercise lost on cold loads). How fast the room
sees a change is measured by ``benchmarks/voila_workshop_day.py``, not here.
"""

from __future__ import annotations

from browser_support import (
    assert_every_exercise_drawn,
    find_module,
    open_dashboard,
    wait_until_rendered,
)
from test_trainee_flows import activity_row

POLL = "assets/content/polls/m6-poll-family-practice.yaml"


def test_an_open_page_shows_the_poll_when_opened_and_its_results_when_revealed(
    course_server, new_page
) -> None:
    module = find_module("06")
    trainees = []
    for number in range(2):
        page = new_page()
        page.goto(
            course_server.module_url(module, cohort=course_server.cohort, handle=f"live-{number}")
        )
        wait_until_rendered(page)
        assert_every_exercise_drawn(page, module)
        poll = page.locator(".rc-livepoll").first
        poll.locator(".rc-poll-state").filter(has_text="Waiting for your trainer").wait_for()
        assert poll.locator(".rc-item input").first.is_disabled()
        trainees.append(page)

    trainer = new_page()
    open_dashboard(trainer, course_server)
    row = activity_row(trainer.locator(".rc-dashboard"), POLL)
    row.locator(".rc-open").click()
    for number, page in enumerate(trainees):  # the pages were open all along
        poll = page.locator(".rc-livepoll").first
        option = poll.locator(".rc-item input").nth(number)
        page.wait_for_function("(input) => !input.disabled", arg=option.element_handle())
        option.check()
        poll.locator(".rc-submit").click()
        poll.locator(".rc-result").first.wait_for()  # "You answered: ..."
    trainer.wait_for_function(
        "([row]) => /\\b2\\b/.test(row.innerText)", arg=[row.element_handle()]
    )
    for page in trainees:
        assert page.locator(".rc-livepoll .rc-poll-results").count() == 0
    row.locator(".rc-reveal").click()
    for page in trainees:
        results = page.locator(".rc-livepoll .rc-poll-results").first
        results.wait_for()
        assert "of 2 people" in results.inner_text()


def test_a_browser_opening_a_seventh_page_pauses_its_oldest_and_says_so(
    course_server, browser
) -> None:
    """One browser keeps at most six pages: the seventh ends the oldest page's kernel, and that
    page says it has been paused and how to carry on (its answers are saved)."""

    context = browser.new_context()  # one browser: its tabs share the id cookie
    try:
        module = find_module("00")
        pages = []
        for number in range(7):
            page = context.new_page()
            page.goto(
                course_server.module_url(
                    module, cohort=course_server.cohort, handle=f"tabs-{number}"
                )
            )
            wait_until_rendered(page)
            pages.append(page)
        pages[0].locator(".rc-paused").wait_for(timeout=30_000)
        text = pages[0].locator(".rc-paused").inner_text()
        assert "paused" in text and "answers are saved" in text
        assert pages[0].locator(".rc-paused .rc-retry").is_visible()
        paused = [n for n, page in enumerate(pages) if page.locator(".rc-paused").count()]
        assert paused == [0]
    finally:
        context.close()
