"""The presenter view on a projector-sized browser: join screen and QR code, keyboard stepping
through a day, a poll chart that grows and stays hidden until revealed, reflections as text,
and axe-core (every impact level, AAA contrast) on the presenter and the control page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_support import REPO, open_dashboard, unavailable, wait_until_rendered

from recovery_capital.store import Store
from recovery_capital.widgets.presenter import day_slides

PRESENTER = "modules/trainer/presenter.ipynb"
PROJECTORS = [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}]
SLIDES = day_slides(REPO, "day1")


def ids(viewport: dict[str, int]) -> str:
    return f"{viewport['width']}x{viewport['height']}"


def open_presenter(page, server, *, key: bool) -> None:
    page.goto(server.module_url(PRESENTER, cohort=server.cohort, day="day1"))
    wait_until_rendered(page)
    page.locator(".rc-pres-code").wait_for()
    if key:
        # Sign in by keyboard alone: type the key, Tab to the button, press Enter.
        page.locator(".rc-presenter-login .rc-trainer-key input").fill(server.trainer_key)
        page.locator(".rc-presenter-login .rc-trainer-key input").press("Tab")
        page.keyboard.press("Enter")
        page.get_by_text("Trainer key accepted").wait_for()
        page.locator("body").click(position={"x": 5, "y": 5})  # focus off the form


def where(page) -> str:
    return page.locator(".rc-pres-where").inner_text()


def go_to(page, activity_id: str) -> None:
    """Press N until the slide for ``activity_id`` is on screen."""
    target = next(i for i, s in enumerate(SLIDES) if s.activity_id == activity_id)
    for index in range(1, target + 1):
        page.keyboard.press("n")
        page.wait_for_function(
            "t => document.querySelector('.rc-pres-where').innerText.startsWith(t)",
            arg=f"{index + 1} of {len(SLIDES)}:",
        )


def axe_findings(page, *, enhanced_contrast: bool) -> list[str]:
    rules = {"color-contrast-enhanced": {"enabled": True}} if enhanced_contrast else {}
    results = Axe().run(page, options={"resultTypes": ["violations"], "rules": rules})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("viewport", PROJECTORS, ids=ids)
def test_join_screen_needs_no_key_and_its_qr_code_opens_the_trainee_link(
    course_server, new_page, artifacts: Path, viewport
) -> None:
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        unavailable("zbarimg is missing: run scripts/setup-env (apt-get install zbar-tools)")
    page = new_page(viewport)
    open_presenter(page, course_server, key=False)
    assert page.locator(".rc-pres-code").inner_text() == course_server.cohort
    box = page.locator(".rc-pres-code").bounding_box()
    assert box["height"] >= viewport["height"] * 0.1  # readable from the back of the room
    qr = page.locator(".rc-pres-qr svg")
    shot = artifacts / f"presenter-qr-{ids(viewport)}.png"
    qr.screenshot(path=str(shot))
    page.screenshot(path=str(artifacts / f"presenter-join-{ids(viewport)}.png"))
    decoded = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(shot)], capture_output=True, text=True, check=True
    ).stdout.strip()
    link = page.locator(".rc-pres-qr").get_attribute("data-link")
    assert decoded == link
    assert decoded.endswith(f"/?cohort={course_server.cohort}")
    assert decoded.startswith(course_server.base_url)
    # The count is live: someone joining shows without a reload.
    before = int(re.match(r"\d+", page.locator(".rc-pres-joined").inner_text()).group())
    with Store(course_server.store_url) as store:
        store.join(course_server.cohort, f"joiner-{viewport['width']}")
    page.get_by_text(re.compile(rf"^{before + 1} (person|people) joined$")).wait_for()
    # Without the key an answer slide shows nothing of the answers.
    page.keyboard.press("n")
    page.get_by_text("Enter the trainer key to show this activity.").wait_for()


def test_keyboard_alone_steps_through_the_day_and_blanks_the_screen(
    course_server, new_page
) -> None:
    page = new_page(PROJECTORS[1])
    open_presenter(page, course_server, key=True)
    assert where(page) == f"1 of {len(SLIDES)}: Join the session"
    for index, slide in enumerate(SLIDES[1:], start=2):
        page.keyboard.press("ArrowRight" if index % 2 else "n")
        page.wait_for_function(
            "t => document.querySelector('.rc-pres-where').innerText === t",
            arg=f"{index} of {len(SLIDES)}: {slide.title}",
        )
        heading = slide.content.question if slide.kind in {"poll", "words"} else slide.title
        page.wait_for_function(  # the screen and the position line are separate messages
            "t => document.querySelector('.rc-pres-screen .rc-pres-title').innerText === t",
            arg=heading,
        )
    page.keyboard.press("n")  # the last slide stays put
    page.keyboard.press("PageUp")
    page.wait_for_function(
        "t => document.querySelector('.rc-pres-where').innerText.startsWith(t)",
        arg=f"{len(SLIDES) - 1} of",
    )
    page.keyboard.press("b")
    page.locator(".rc-pres-blank").wait_for()
    page.keyboard.press("b")
    page.locator(".rc-pres-blank").wait_for(state="detached")


def test_poll_chart_grows_as_trainees_answer_and_is_hidden_until_revealed(
    course_server, new_page, artifacts: Path
) -> None:
    poll = next(s for s in SLIDES if s.kind == "poll")
    page = new_page(PROJECTORS[0])
    open_presenter(page, course_server, key=True)
    go_to(page, poll.activity_id)
    page.keyboard.press("o")
    page.get_by_text(re.compile(r"^Open for answers\.")).wait_for()
    with Store(course_server.store_url) as store:
        assert store.activity_state(course_server.cohort, poll.activity_id).opened
        already = len(store.responses(course_server.cohort, poll.activity_id, latest_only=True))
        for n, choice in enumerate([0, 1, 0], start=1):
            handle = f"poller-{n}"
            store.join(course_server.cohort, handle)
            store.submit(course_server.cohort, handle, poll.activity_id, {"choices": [choice]})
            total = already + n
            word = "person" if total == 1 else "people"
            page.get_by_text(f"Open for answers. {total} {word} answered.").wait_for()
            assert page.locator(".rc-pres-bar").count() == 0  # hidden until revealed
    page.keyboard.press("r")
    page.locator(".rc-pres-bar").first.wait_for()
    counts = [int(c) for c in page.locator(".rc-pres-row").evaluate_all(
        "rows => rows.map(r => r.dataset.count)")]  # fmt: skip
    assert sum(counts) >= already + 3 and counts[0] >= 2 and counts[1] >= 1
    page.screenshot(path=str(artifacts / "presenter-poll-1920x1080.png"))
    page.keyboard.press("h")
    page.locator(".rc-pres-bar").first.wait_for(state="detached")
    page.keyboard.press("c")
    page.get_by_text(re.compile(r"^Closed\.")).wait_for()


def test_approved_reflection_shows_large_as_text_without_its_handle(
    course_server, new_page
) -> None:
    reflection = next(s for s in SLIDES if s.kind == "reflection")
    typed = "<b>Not bold</b> & <script>alert(1)</script> listening first"
    with Store(course_server.store_url) as store:
        store.join(course_server.cohort, "reflector-1")
        store.submit(
            course_server.cohort, "reflector-1", reflection.activity_id,
            {"shareable": True}, text=typed,
        )  # fmt: skip
        item = next(
            t
            for t in store.free_text(course_server.cohort, activity_id=reflection.activity_id)
            if t.handle == "reflector-1"
        )
        store.moderate(item.submission_id, "approved", code=course_server.cohort)
    page = new_page(PROJECTORS[1])
    open_presenter(page, course_server, key=True)
    go_to(page, reflection.activity_id)
    quote = page.locator(".rc-pres-quotes blockquote").filter(has_text="listening first")
    assert quote.inner_text() == typed
    assert quote.locator("b, script").count() == 0
    assert "reflector-1" not in page.locator(".rc-pres-screen").inner_text()


@pytest.mark.parametrize("viewport", PROJECTORS, ids=ids)
def test_presenter_passes_axe_with_aaa_contrast(course_server, new_page, viewport) -> None:
    page = new_page(viewport)
    open_presenter(page, course_server, key=True)
    assert axe_findings(page, enhanced_contrast=True) == []
    page.keyboard.press("n")
    page.keyboard.press("n")
    page.wait_for_function(
        "() => document.querySelector('.rc-pres-where').innerText.startsWith('3 of')"
    )
    assert axe_findings(page, enhanced_contrast=True) == []


def test_control_page_passes_axe_at_every_impact_level(course_server, new_page) -> None:
    page = new_page({"width": 1280, "height": 900})
    open_dashboard(page, course_server)
    page.locator(".rc-dashboard-counts").wait_for()
    assert page.locator(".rc-banner-note").is_hidden()
    assert axe_findings(page, enhanced_contrast=False) == []


def test_timer_counts_down_big_and_ends_with_a_visible_signal(course_server, new_page) -> None:
    page = new_page(PROJECTORS[1])
    open_presenter(page, course_server, key=False)  # the timer needs no key
    page.locator(".rc-pres-timer-minutes select").select_option(label="30 seconds")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("t")
    clock = page.locator(".rc-pres-timer-clock")
    clock.wait_for()
    assert re.fullmatch(r"0:[0-3]\d", clock.inner_text())
    assert clock.bounding_box()["height"] >= 720 * 0.08
    end = page.get_by_role("alert").filter(has_text="Time is up")
    end.wait_for(timeout=45_000)
    colour = end.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 221, 0)"  # a full-width yellow banner, not a sound
    page.keyboard.press("t")
    end.wait_for(state="detached")


def test_co_trainer_moderates_on_the_control_page_and_the_projector_follows(
    course_server, new_page
) -> None:
    reflection = next(s for s in SLIDES if s.kind == "reflection")
    typed = "Asking what matters to the person before the forms"
    with Store(course_server.store_url) as store:
        store.join(course_server.cohort, "reflector-2")
        store.submit(
            course_server.cohort, "reflector-2", reflection.activity_id,
            {"shareable": True}, text=typed,
        )  # fmt: skip
    projector = new_page(PROJECTORS[0])
    open_presenter(projector, course_server, key=True)
    go_to(projector, reflection.activity_id)
    assert typed not in projector.locator(".rc-pres-screen").inner_text()
    co_trainer = new_page({"width": 1280, "height": 900})  # a second browser, the same key
    open_dashboard(co_trainer, course_server)
    item = co_trainer.locator(".rc-moderation-item").filter(has_text=typed)
    item.locator(".rc-approve").click()
    projector.locator(".rc-pres-quotes blockquote").filter(has_text=typed).wait_for()


def test_short_answers_show_as_a_word_cloud_once_approved_and_as_text(
    course_server, new_page, artifacts: Path
) -> None:
    words = next(s for s in SLIDES if s.kind == "words")
    answers = {"worder-1": "Confidence", "worder-2": "confidence ", "worder-3": "<i>hope</i>"}
    with Store(course_server.store_url) as store:
        for handle, text in answers.items():
            store.join(course_server.cohort, handle)
            store.submit(
                course_server.cohort, handle, words.activity_id,
                {"words": text, "shareable": True}, text=text, shareable=True,
            )  # fmt: skip
        waiting = store.free_text(course_server.cohort, activity_id=words.activity_id)
        for item in waiting:
            if item.handle in ("worder-1", "worder-2"):
                store.moderate(item.submission_id, "approved", code=course_server.cohort)
    page = new_page(PROJECTORS[0])
    open_presenter(page, course_server, key=True)
    go_to(page, words.activity_id)
    listed = page.locator(".rc-pres-words li")
    listed.first.wait_for()
    assert listed.all_inner_texts() == ["confidence: 2"]  # the third is not approved yet
    assert page.locator(".rc-pres-cloud").evaluate("img => img.naturalWidth") > 0
    page.screenshot(path=str(artifacts / "presenter-words-1920x1080.png"))
    with Store(course_server.store_url) as store:
        item = next(
            t
            for t in store.free_text(course_server.cohort, activity_id=words.activity_id)
            if t.handle == "worder-3"
        )
        store.moderate(item.submission_id, "approved", code=course_server.cohort)
    page.get_by_text("<i>hope</i>: 1", exact=True).wait_for()
    assert page.locator(".rc-pres-words i").count() == 0
    assert not any(h in page.locator(".rc-pres-screen").inner_text() for h in answers)


def test_a_trainee_sends_a_short_answer_only_while_it_is_open(course_server, new_page) -> None:
    words = next(s for s in SLIDES if s.kind == "words")
    page = new_page()
    page.goto(
        course_server.module_url(
            "modules/00-start-here.ipynb", cohort=course_server.cohort, handle="worder-9"
        )
    )
    wait_until_rendered(page)
    card = page.locator(".rc-exercise").filter(has=page.locator(".rc-short-answer-text"))
    card.get_by_text("Waiting for your trainer to open this question.").wait_for()
    field = card.locator(".rc-short-answer-text").locator("input, textarea")
    assert field.is_disabled()
    with Store(course_server.store_url) as store:
        store.set_activity_state(course_server.cohort, words.activity_id, opened=True)
    card.get_by_text("Open: type your answer and press Send my answer.").wait_for()
    field.fill("a great deal more confidence")
    card.locator(".rc-submit").click()
    card.get_by_text("Please keep it to 3 words (you have 5).").wait_for()
    field.fill("more confidence")
    card.locator(".rc-submit").click()
    card.get_by_text("Thank you. You answered:").wait_for()
    with Store(course_server.store_url) as store:
        sent = [
            (t.text, t.state)
            for t in store.free_text(course_server.cohort, activity_id=words.activity_id)
            if t.handle == "worder-9"
        ]
        store.set_activity_state(course_server.cohort, words.activity_id, opened=False)
    assert sent == [("more confidence", "pending")]  # the trainer approves before it shows
