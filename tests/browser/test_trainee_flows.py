"""What trainees and trainers do, in a real browser against the real course server."""

from __future__ import annotations

import time

import yaml
from browser_support import REPO, find_module, open_dashboard, wait_until_rendered

import recovery_capital as rc

BARC10_ANSWERS = [5, 4, 6, 3, 5, 4, 2, 6, 5, 4]  # one value per item, q1..q10 (each 1-6)
XSS = "<img src=x onerror=alert(1)>"
# Long enough for the reflection's minimum word count, with markup a browser would run.
REFLECTION = XSS + " " + " ".join(["I noticed how quickly I judge a person by one word."] * 5)


def questionnaire(page):
    """Module 2's questionnaire (the BARC-10); its first ten items are q1..q10 in order."""
    return page.locator(".rc-questionnaire").first


def tab_into(page, container, limit: int = 400) -> None:
    """Press Tab until the keyboard focus is inside ``container`` (keyboard only, no clicks)."""
    handle = container.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(box) => box.contains(document.activeElement)", handle):
            return
    raise AssertionError("Tab never reached the element: is it reachable by keyboard?")


def answer_choice_by_keyboard(page, item, value_index: int) -> None:
    """Choose option ``value_index`` (0-based) of a radio group with Tab, Space and arrows."""
    tab_into(page, item)
    page.keyboard.press("Space")  # the first radio of an unanswered group takes the focus
    for _ in range(value_index):
        page.keyboard.press("ArrowRight")


def checked_values(exercise) -> list[str]:
    return exercise.locator(".rc-item input[type=radio]:checked").evaluate_all(
        "(inputs) => inputs.map((input) => input.value)"
    )


def test_barc10_by_keyboard_shows_score_band_chart_and_comes_back(course_server, new_page) -> None:
    page = new_page()
    url = course_server.module_url(find_module("02"), cohort=course_server.cohort, handle="kb-1")
    page.goto(url)
    wait_until_rendered(page)
    exercise = questionnaire(page)
    items = exercise.locator(".rc-item")
    items.locator("input").first.wait_for()
    assert items.count() >= 10
    for position, value in enumerate(BARC10_ANSWERS):
        answer_choice_by_keyboard(page, items.nth(position), value - 1)
    tab_into(page, exercise.locator(".rc-submit").first)
    page.keyboard.press("Enter")

    feedback = exercise.locator(".rc-feedback")
    expected = rc.score("barc10", BARC10_ANSWERS)
    total = int(expected.scales["total"])
    feedback.locator(".rc-score").first.wait_for()
    assert str(total) in feedback.locator(".rc-score").first.inner_text()
    assert feedback.locator(".rc-band").first.is_visible()
    chart = feedback.locator("img.rc-chart").first
    chart.wait_for()
    assert chart.get_attribute("alt")  # the radar chart describes itself

    chosen = checked_values(exercise)
    assert chosen == [str(value) for value in BARC10_ANSWERS]
    page.reload()
    wait_until_rendered(page)
    exercise = questionnaire(page)
    exercise.locator(".rc-item input[type=radio]:checked").first.wait_for()
    assert checked_values(exercise) == chosen


def _path_to_an_ending(scenario_file: str) -> list[str]:
    """The reply texts of a shortest path from the start to an ending (found in the YAML, since
    each trainee sees the replies in an order of their own)."""
    nodes = yaml.safe_load((REPO / scenario_file).read_text(encoding="utf-8"))
    start, graph = nodes["start"], nodes["nodes"]
    paths = {start: []}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        if graph[node].get("ending"):
            return paths[node]
        for choice in graph[node]["choices"]:
            if choice["next"] not in paths:
                paths[choice["next"]] = [*paths[node], choice["text"]]
                frontier.append(choice["next"])
    raise AssertionError("no ending can be reached")


def test_branching_scenario_reaches_an_ending_with_a_miti_summary(course_server, new_page) -> None:
    page = new_page()
    url = course_server.module_url(find_module("04"), cohort=course_server.cohort, handle="sc-1")
    page.goto(url)
    wait_until_rendered(page)
    scenario = page.locator(".rc-branchingscenario").first
    for text in _path_to_an_ending("assets/content/scenarios/m4-scenario-jo.yaml"):
        steps_before = scenario.locator(".rc-practitioner").count()
        scenario.locator(".rc-choice-option").filter(has_text=text.strip()).first.click()
        scenario.locator(".rc-say").click()
        page.wait_for_function(
            "([box, before]) => box.querySelectorAll('.rc-practitioner').length > before"
            " || box.querySelector('.rc-ending')",
            arg=[scenario.element_handle(), steps_before],
        )
    scenario.locator(".rc-ending").wait_for()
    summary = scenario.locator(".rc-miti-summary")
    assert summary.is_visible() and summary.locator(".rc-score").count() >= 1


def activity_row(dashboard, content_file: str):
    """The dashboard's row for one activity, found by the title in its content file."""
    title = yaml.safe_load((REPO / content_file).read_text(encoding="utf-8"))["title"]
    return dashboard.locator(".rc-activity").filter(has_text=title).first


def test_live_poll_three_trainees_dashboard_and_reveal(course_server, new_page, dialogs) -> None:
    trainer = new_page()
    open_dashboard(trainer, course_server)
    dashboard = trainer.locator(".rc-dashboard")
    dashboard.locator(".rc-dashboard-counts").wait_for()
    row = activity_row(dashboard, "assets/content/polls/m1-poll-why-use.yaml")
    row.locator(".rc-open").click()

    module = find_module("01")
    trainees = []
    for number in range(1, 4):
        page = new_page()
        page.goto(
            course_server.module_url(module, cohort=course_server.cohort, handle=f"poll-{number}")
        )
        wait_until_rendered(page)
        trainees.append(page)
    for number, page in enumerate(trainees):
        poll = page.locator(".rc-livepoll").first
        option = poll.locator(".rc-item input").nth(number)
        option.wait_for()
        page.wait_for_function("(input) => !input.disabled", arg=option.element_handle())
        option.check()
        poll.locator(".rc-submit").click()
    answered_at = time.monotonic()

    trainer.wait_for_function(
        "([row]) => /\\b3\\b/.test(row.innerText)", arg=[row.element_handle()], timeout=3_000
    )
    assert time.monotonic() - answered_at <= 3.0
    for page in trainees:  # nothing shown to trainees before the reveal
        assert (
            page.locator(".rc-livepoll .rc-poll-results").count() == 0
            or not page.locator(".rc-livepoll .rc-poll-results").first.is_visible()
        )
    row.locator(".rc-reveal").click()
    for page in trainees:
        page.locator(".rc-livepoll .rc-poll-results").first.wait_for()

    # A reflection with markup in it reaches the dashboard as plain text.
    writer = trainees[0]
    reflection = writer.locator("[id='cell-id=m1-reflection'] .rc-reflection")  # the shared one
    reflection.locator(".rc-reflection-text textarea").fill(REFLECTION)
    reflection.locator(".rc-share input[value=yes]").check()
    reflection.locator(".rc-submit").click()
    moderation = dashboard.locator(".rc-moderation")
    moderation.get_by_text(XSS, exact=False).first.wait_for()
    assert moderation.locator("img[src='x']").count() == 0
    assert dialogs == []


def test_dashboard_refuses_a_wrong_trainer_key(course_server, new_page) -> None:
    page = new_page()
    open_dashboard(page, course_server, key="WRNG-KEYS-ABCD-EFGH")
    status = page.locator(".rc-dashboard .rc-status")
    status.filter(has_text="trainer key").first.wait_for()
    assert page.locator(".rc-dashboard-counts").count() == 0
    assert page.locator(".rc-activity").count() == 0


def test_changing_the_cohort_in_the_url_shows_none_of_its_answers(course_server, new_page) -> None:
    module = find_module("02")
    page = new_page()
    mine = course_server.module_url(module, cohort=course_server.cohort, handle="xo-1")
    page.goto(mine)
    wait_until_rendered(page)
    exercise = questionnaire(page)
    exercise.locator(".rc-item input[type=radio]").first.check()
    exercise.locator(".rc-status").filter(has_text="draft").first.wait_for()

    # Same handle, another cohort's code: a different person there, with nothing restored.
    page.goto(course_server.module_url(module, cohort=course_server.other_cohort, handle="xo-1"))
    wait_until_rendered(page)
    other = questionnaire(page)
    other.locator(".rc-item input[type=radio]").first.wait_for()
    assert checked_values(other) == []

    # Back in the real cohort the draft is there, so the check above could have failed.
    page.goto(mine)
    wait_until_rendered(page)
    exercise = questionnaire(page)
    exercise.locator(".rc-item input[type=radio]:checked").first.wait_for()
    assert len(checked_values(exercise)) == 1
