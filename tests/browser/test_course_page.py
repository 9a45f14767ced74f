"""A module page a trainee enjoys (#22): compact exercises, keyboard, sections, axe, screenshots.

Each exercise kind is checked at a phone's 375 px and a laptop's 1280 px: no sideways scroll,
nothing clipped, and no row taller than it needs (the talk sorter printed each statement three
times and stood 9,020 px tall; a vignette comparison's rows were ~300 px tall). axe-core runs
at every impact level on every module page with every exercise answered and submitted, so the
results panels are scanned too; a screenshot of each page and of each exercise's results goes
to ``test-artifacts/course-page/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import find_module, module_notebooks, slug
from browser_support import wait_until_rendered as rendered

WIDTHS = [375, 1280]
MODULES = [notebook for notebook in module_notebooks() if "/trainer/" not in notebook]

_ANSWER_GROUPS = """(box) => {
  let answered = 0;
  for (const group of box.querySelectorAll('fieldset.rc-choice-group:not([disabled])')) {
    if (group.closest('[hidden]') || group.querySelector('input:checked')) continue;
    const first = group.querySelector('input');
    if (first) { first.click(); answered += 1; }
  }
  return answered;
}"""


ANSWER_TEXT = " ".join(
    [
        "I would talk this through with the person first, then with my supervisor, and write",
        "down what they said matters most to them before I agree any plan with the team.",
        "I noticed that I wanted to fix things quickly, and that the person needed time to say",
        "what they hoped for. Next week I will ask one more open question, reflect what I hear,",
        "and check the plan with them at the end of the visit. I will also ask the family what",
        "support they would find useful, and note where services could work together better,",
        "so that nobody falls between the gaps while waiting for an appointment or a referral.",
    ]
)  # long enough for the longest reflection's minimum (80 words)


def answer_and_submit(page, box) -> bool:
    """Answer an exercise as a trainee in a hurry would (first option of every group, a line
    in every empty text box, "Say this" until the scenario ends) and submit it; True when a
    result appeared."""
    box.evaluate(_ANSWER_GROUPS)
    for field in box.locator("textarea:visible, input[type=text]:visible").all():
        if field.is_editable() and not field.input_value():
            field.fill(ANSWER_TEXT)
    for _ in range(15):
        say = box.locator(".rc-say:visible:enabled")
        if not say.count():
            break
        box.evaluate(_ANSWER_GROUPS)
        said = box.locator(".rc-practitioner").count()
        say.first.click()
        page.wait_for_function(
            "([box, said]) => box.querySelectorAll('.rc-practitioner').length > said",
            arg=[box.element_handle(), said],
            timeout=10_000,
        )
    for reveal in box.locator(".rc-reveal:visible:enabled").all():
        reveal.click()
    box.evaluate(_ANSWER_GROUPS)  # a drill's self-rating appears once the models are shown
    submit = box.locator(".rc-submit:visible:enabled")
    if submit.count():
        submit.first.click()
    result = box.locator(
        ".rc-feedback .rc-result, .rc-feedback:not(:empty), .rc-poll-results, .rc-ending,"
        " .rc-status[data-tone='ok']"
    )
    try:
        result.first.wait_for(timeout=15_000)
    except Exception:
        return False
    return True


def violations(page) -> list[str]:
    """Every axe-core finding on the page, whatever its impact, one line each."""
    found = []
    for violation in Axe().run(page).response["violations"]:
        targets = [node["target"] for node in violation["nodes"][:3]]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return found


def open_module(page, server, notebook: str, handle: str) -> None:
    page.goto(server.module_url(notebook, cohort=server.cohort, handle=handle))
    rendered(page)


def no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " document.getElementById('rc-main').scrollWidth,"
        " document.getElementById('rc-main').clientWidth]"
    )
    assert widths[0] <= widths[1] and widths[2] <= widths[3] + 1, widths


def clipped(box) -> list[str]:
    """Descendants of ``box`` that stick out of it (cut off, or forcing a sideways scroll)."""
    return box.evaluate(
        """(box) => { const edge = box.getBoundingClientRect().right + 1;
          return Array.from(box.querySelectorAll('label, td, th, p, button, legend'))
            .filter((node) => node.getClientRects().length
                     && node.getBoundingClientRect().right > edge)
            .slice(0, 5).map((node) => node.tagName + ': ' + node.textContent.slice(0, 40)); }"""
    )


def shoot(page, box, path: Path) -> None:
    """A screenshot of ``box`` whole: the viewport grows to its height for the picture."""
    size = page.viewport_size
    height = min(int(box.bounding_box()["height"]) + 40, 12_000)
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    box.scroll_into_view_if_needed()
    box.screenshot(path=str(path))
    page.set_viewport_size(size)


@pytest.fixture(scope="module")
def shots(artifacts: Path) -> Path:
    folder = artifacts / "course-page"
    folder.mkdir(exist_ok=True)
    return folder


def cell(page, cell_id: str):
    return page.locator(f"[id='cell-id={cell_id}'] .rc-exercise").first


@pytest.mark.parametrize("width", WIDTHS)
def test_the_talk_sorter_shows_each_statement_once_beside_its_choices(
    course_server, new_page, shots, width
) -> None:
    page = new_page({"width": width, "height": 900})
    open_module(page, course_server, find_module("04"), f"sorter-{width}")
    sorter = page.locator(".rc-talksorter").first
    statements = sorter.locator(".rc-statement")
    first = statements.first.locator(".rc-statement-text").inner_text()
    quote = first.split("“", 1)[1].rstrip("”")
    assert sorter.inner_text().count(quote) == 1
    tallest = max(box["height"] for box in (s.bounding_box() for s in statements.all()))
    assert tallest < (360 if width < 500 else 240), tallest
    if width >= 1000:  # the two choices side by side
        talk, kind = statements.first.locator("fieldset").all()
        assert abs(talk.bounding_box()["y"] - kind.bounding_box()["y"]) < 5
    assert clipped(sorter) == []
    no_sideways_scroll(page)
    assert answer_and_submit(page, sorter)
    shoot(page, sorter.locator(".rc-feedback"), shots / f"talk-sorter-result-{width}.png")
    assert violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_module_two_exercises_read_at_phone_and_laptop_widths(
    course_server, new_page, shots, width
) -> None:
    page = new_page({"width": width, "height": 900})
    open_module(page, course_server, find_module("02"), f"layout-{width}")
    no_sideways_scroll(page)
    # A poll's results come below its "Send my answer" button.
    poll = cell(page, "m2-poll")
    assert poll.evaluate(
        "(box) => { const button = box.querySelector('.rc-actions');"
        " const results = box.querySelector('.rc-poll-results-area');"
        " return !!(button.compareDocumentPosition(results) & Node.DOCUMENT_POSITION_FOLLOWING); }"
    )
    # A six-point scale sits on one row at laptop width, and is never cut off.
    barc = cell(page, "m2-pair-barc10")
    options = barc.locator("fieldset").first.locator(".rc-choice-option")
    tops = {round(box["y"]) for box in (o.bounding_box() for o in options.all())}
    if width >= 1000:
        assert len(tops) == 1, tops
    assert clipped(barc) == []
    # The BARC-10 result: no empty column, the plain-words practice note.
    assert answer_and_submit(page, barc)
    feedback = barc.locator(".rc-feedback")
    assert feedback.locator("td:empty").count() == 0
    assert "practice version of the scoring" in feedback.inner_text()
    assert "not yet checked against the published source" not in feedback.inner_text()
    shoot(page, feedback, shots / f"barc10-result-{width}.png")
    # A vignette's comparison: short rows, the reasoning readable, nothing clipped.
    amira = cell(page, "m2-amira")
    assert answer_and_submit(page, amira)
    rows = amira.locator(".rc-compare .rc-compare-row")
    heights = [row.bounding_box()["height"] for row in rows.all()]
    assert heights and max(heights) < (200 if width < 500 else 90), heights
    reasons = amira.locator(".rc-compare .rc-why-row td")
    table = amira.locator(".rc-compare").bounding_box()["width"]
    assert min(r.bounding_box()["width"] for r in reasons.all()) > table * 0.9  # full width
    assert clipped(amira) == []
    no_sideways_scroll(page)
    shoot(page, amira.locator(".rc-feedback"), shots / f"vignette-result-{width}.png")
    assert violations(page) == []


def test_enter_joins_and_the_address_bar_keeps_the_personal_link(course_server, new_page) -> None:
    page = new_page()
    page.goto(course_server.module_url(find_module("00")))
    rendered(page)
    panel = page.locator(".rc-join").first
    code = panel.locator(".rc-join-code input")
    code.fill(course_server.cohort)
    code.press("Enter")  # at once: the typed code travels before the submit
    panel.locator(".rc-status").filter(has_text="You've joined").wait_for()
    page.wait_for_function("() => new URL(location.href).searchParams.has('secret')")
    href = panel.locator("a.rc-personal-link").get_attribute("href")
    assert href.split("secret=")[1] in page.url and f"cohort={course_server.cohort}" in page.url


def test_the_trainer_key_typed_and_sent_at_once_is_the_key_checked(course_server, new_page) -> None:
    page = new_page()
    page.goto(course_server.dashboard_url())
    rendered(page)
    login = page.locator(".rc-dashboard-login")
    login.locator(".rc-trainer-code input").fill(course_server.cohort)
    key = login.locator(".rc-trainer-key input")
    key.press_sequentially(course_server.trainer_key, delay=0)
    key.press("Enter")
    page.locator(".rc-dashboard-counts").wait_for()
    # and by the button, clicked the instant the key is typed
    other = new_page()
    other.goto(course_server.dashboard_url())
    rendered(other)
    login = other.locator(".rc-dashboard-login")
    login.locator(".rc-trainer-code input").fill(course_server.cohort)
    login.locator(".rc-trainer-key input").press_sequentially(course_server.trainer_key)
    login.locator(".rc-submit").click()
    other.locator(".rc-dashboard-counts").wait_for()


def test_focus_never_drops_to_the_page_and_clicking_text_keeps_the_tab_order(
    course_server, new_page
) -> None:
    page = new_page()
    open_module(page, course_server, find_module("04"), "keyboard-1")
    scenario = page.locator(".rc-branchingscenario").first
    scenario.scroll_into_view_if_needed()
    for _ in range(15):
        say = scenario.locator(".rc-say:visible:enabled")
        if not say.count():
            break
        scenario.evaluate(_ANSWER_GROUPS)
        said = scenario.locator(".rc-practitioner").count()
        say.first.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(
            "([box, said]) => box.querySelectorAll('.rc-practitioner').length > said",
            arg=[scenario.element_handle(), said],
            timeout=10_000,
        )
    page.wait_for_function(
        "() => document.activeElement && document.activeElement !== document.body", timeout=5_000
    )
    assert page.evaluate("() => !!document.activeElement.closest('.rc-exercise')")
    # Click some exercise text, then Tab: the next stop is after the click, not the top.
    intro = page.locator(".rc-talksorter .rc-intro").first
    intro.click()
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => !document.activeElement.classList.contains('rc-skip-link')"
        " && !!document.activeElement.closest('.rc-talksorter')"
    )


def test_a_module_reads_one_section_at_a_time_with_a_clear_next(course_server, new_page) -> None:
    page = new_page(paged=True)
    open_module(page, course_server, find_module("02"), "paged-1")
    status = page.locator("#rc-progress-status")
    assert status.inner_text().startswith("Section 1 of ")
    total = int(status.inner_text().split(" of ")[1].split(":")[0])
    hidden = page.locator(".rc-section-hidden")
    assert hidden.count() > 0
    next_button = page.locator(".rc-page-next")
    title = next_button.inner_text().removeprefix("Next: ")
    next_button.click()
    assert status.inner_text() == f"Section 2 of {total}: {title}"
    assert page.evaluate("() => document.activeElement.tagName") == "H2"
    assert "secret=" in page.url and page.url.endswith(
        "#" + page.evaluate("() => document.activeElement.id")
    )
    # The section list opens any section; a reload comes back to it.
    page.locator("#rc-sections a").nth(total - 1).click()
    assert status.inner_text().startswith(f"Section {total} of {total}")
    assert page.locator(".rc-page-end").is_visible()
    page.reload()
    rendered(page)
    assert page.locator("#rc-progress-status").inner_text().startswith(f"Section {total} of")
    # The whole module on one page, when the trainee prefers it.
    page.locator(".rc-page-layout").first.click()
    assert page.locator(".rc-section-hidden").count() == 0


@pytest.mark.parametrize("notebook", MODULES)
def test_every_module_page_and_result_is_axe_clean_and_screenshotted(
    course_server, new_page, shots, notebook
) -> None:
    page = new_page()
    open_module(page, course_server, notebook, f"shots-{slug(Path(notebook).stem)[:20]}")
    name = slug(Path(notebook).stem)
    page.screenshot(path=str(shots / f"{name}.png"))
    assert violations(page) == [], "before submitting"
    boxes = page.locator("#rc-main .jp-OutputArea-output > .rc-exercise")
    unanswered = []
    for index in range(boxes.count()):
        box = boxes.nth(index)
        where = box.evaluate("(b) => b.closest('.jp-Cell').id.replace('cell-id=', '')")
        if box.locator(".rc-submit, .rc-say").count() == 0:
            continue  # a table or a tally: nothing to submit
        live = "rc-livepoll" in (box.get_attribute("class") or "")
        if not answer_and_submit(page, box) and not live:  # a live poll waits for the trainer
            unanswered.append(where)
            continue
        shoot(page, box, shots / f"{name}-{where}.png")
    no_sideways_scroll(page)
    assert violations(page) == [], "after submitting every exercise"
    assert "Traceback" not in page.inner_text("body")
    assert set(unanswered) <= {"m0-join"}, unanswered  # joining is tested on its own
