"""The programme's trainee pages in a real browser: the week at a glance, a practice-log entry
saved and listed as private, and the follow-up page with its plan column."""

from __future__ import annotations

from browser_support import wait_until_rendered


def test_week_practice_log_and_follow_up_pages(course_server, new_page, artifacts) -> None:
    page = new_page()
    page.goto(course_server.module_url("modules/00a-week-at-a-glance.ipynb"))
    wait_until_rendered(page)
    days = page.locator(".rc-week .rc-day")
    assert days.count() == 5
    assert "09:30" in days.first.inner_text()
    page.screenshot(path=str(artifacts / "week-at-a-glance.png"), full_page=True)

    url = course_server.module_url("modules/practice-log.ipynb", cohort=course_server.cohort,
                                   handle="log-1")  # fmt: skip
    page.goto(url)
    wait_until_rendered(page)
    log = page.locator(".rc-practicelog")
    log.locator(".rc-log-tried textarea").fill("I asked <b>what a good day</b> looks like.")
    log.locator(".rc-submit").click()
    entry = log.locator(".rc-log-entry").first
    entry.wait_for()
    assert "I asked <b>what a good day</b> looks like." in entry.inner_text()
    assert "(private)" in entry.inner_text()
    page.screenshot(path=str(artifacts / "practice-log.png"), full_page=True)
    page.reload()
    wait_until_rendered(page)
    page.locator(".rc-log-entry", has_text="what a good day").first.wait_for()  # comes back

    page.goto(course_server.module_url("modules/follow-up.ipynb", cohort=course_server.cohort,
                                       handle="log-1"))  # fmt: skip
    wait_until_rendered(page)
    plan = page.locator(".rc-follow-up-plan", has_text="not saved an action plan yet").first
    plan.wait_for()  # shown once the page has joined the trainee's cohort
    assert page.locator(".rc-questionnaire").count() == 2  # the self-check at 6 and 12 weeks
    page.screenshot(path=str(artifacts / "follow-up.png"), full_page=True)
