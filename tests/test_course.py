"""The trainee's context: cohort and handle from the page link, practice fallback, joining."""

from __future__ import annotations

import html

import IPython.display
import pytest
from waiting import until

from recovery_capital.content.model import parse_content
from recovery_capital.session import context as course
from recovery_capital.session.context import (
    Context,
    current_context,
    personal_link,
    running_under_voila,
)
from recovery_capital.store import Store
from recovery_capital.store.errors import StoreUnavailable
from recovery_capital.widgets import JoinPanel, KnowledgeCheck

ATTACK = "<img src=x onerror=alert(1)>"


@pytest.fixture
def store_url(tmp_path, monkeypatch):
    url = "sqlite:///" + str(tmp_path / "store.sqlite3")
    monkeypatch.setenv("RECOVERY_CAPITAL_STORE", url)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for name in ("SERVER_SOFTWARE", "QUERY_STRING"):
        monkeypatch.delenv(name, raising=False)
    for name in [key for key in __import__("os").environ if key.startswith("VOILA_")]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(course, "_CURRENT", None)
    return url


@pytest.fixture
def shown(monkeypatch):
    displayed = []
    monkeypatch.setattr(IPython.display, "display", displayed.append)
    return displayed


def under_voila(monkeypatch, query: str) -> None:
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    monkeypatch.setenv("QUERY_STRING", query)


def quiz(activity_id: str = "m0-quiz"):
    return parse_content(
        {
            "kind": "quiz",
            "id": activity_id,
            "title": "T",
            "questions": [
                {
                    "id": "a",
                    "prompt": "P?",
                    "options": [
                        {"text": "x", "correct": True, "feedback": "f"},
                        {"text": "y", "feedback": "g"},
                    ],
                }
            ],
        }
    )


def test_voila_is_recognised_preheated_or_not():
    assert running_under_voila({"SERVER_SOFTWARE": "voila/0.5.13"})
    assert running_under_voila({"VOILA_KERNEL_ID": "x"})
    assert not running_under_voila({"SERVER_SOFTWARE": "gunicorn"})


def test_outside_a_cohort_the_practice_cohort_and_a_remembered_handle(store_url, shown):
    first = current_context()
    assert first.in_practice and first.notice == ""
    assert current_context() is first  # one context per kernel
    again = current_context(refresh=True)
    assert again is not first and again.handle == first.handle  # kept for this machine
    assert shown == []


def test_a_personal_link_opens_its_participant_by_the_secret(store_url, monkeypatch, shown):
    store = Store(store_url)
    code = store.create_cohort("Tuesday").code
    place = store.enrol(code)
    under_voila(monkeypatch, f"cohort={code.lower()}&secret={place.secret}")
    ctx = current_context()
    assert (ctx.cohort, ctx.handle, ctx.in_practice) == (code, place.handle, False)
    assert ctx.secret == place.secret and shown == []


def test_a_link_without_a_secret_never_creates_a_participant(store_url, monkeypatch, shown):
    store = Store(store_url)
    code = store.create_cohort("Tuesday").code
    for _ in range(3):  # opening the page again and again
        under_voila(monkeypatch, f"cohort={code}")
        ctx = current_context(refresh=True)
        assert ctx.in_practice and "press Join" in ctx.notice
    assert store.participants(code) == [] and shown == []
    # the join panel, at the top of the page's first exercise, offers the link's code
    (panel,) = KnowledgeCheck(quiz(), context=ctx).widget.children[0].children
    code_field = next(c for c in panel.children if "rc-join-code" in c._dom_classes)
    assert code_field.value == code
    actions = next(c for c in panel.children if "rc-actions" in c._dom_classes)
    next(b for b in actions.children if "rc-submit" in b._dom_classes).click()
    assert store.participants(code) == [ctx.handle] and not ctx.in_practice


def test_opening_a_page_tells_a_guesser_nothing_about_which_codes_exist(
    store_url, monkeypatch, shown
):
    code = Store(store_url).create_cohort("Tuesday").code
    notices = []
    for tried in (code, "ZZZZZZZZ"):
        under_voila(monkeypatch, f"cohort={tried}")
        notices.append(current_context(refresh=True).notice.replace(tried, "CODE"))
    assert notices[0] == notices[1]


def test_an_impossible_code_shows_a_join_panel_instead_of_failing(store_url, monkeypatch, shown):
    under_voila(monkeypatch, "cohort=K0P2Q&secret=abcdefghijklmnopqrstuvwx")
    ctx = current_context()
    assert ctx.in_practice
    assert "couldn't open the cohort" in ctx.notice and "K0P2Q" in ctx.notice
    first, second = KnowledgeCheck(quiz(), context=ctx), KnowledgeCheck(quiz("m0-q2"), context=ctx)
    # the panel sits at the top of the page's first exercise, never as an output of its own
    assert shown == []
    (panel,) = first.widget.children[0].children
    assert "rc-join" in panel._dom_classes
    assert "couldn&#x27;t open the cohort" in panel.children[0].value
    assert not any("rc-notice-slot" in child._dom_classes for child in second.widget.children)


def test_someone_elses_handle_in_a_link_opens_nothing(store_url, monkeypatch, shown):
    store = Store(store_url)
    code = store.create_cohort("Tuesday").code
    victim = store.enrol(code)
    store.save_draft(code, victim.handle, "m0-reflection", {"note": "private"})
    for query in (f"cohort={code}&handle={victim.handle}",
                  f"cohort={code}&handle={victim.handle.upper()}",
                  f"cohort={code}&handle={ATTACK}"):  # fmt: skip
        under_voila(monkeypatch, query)
        ctx = current_context(refresh=True)
        assert ctx.in_practice and ctx.handle != victim.handle
        assert "names a handle but not its personal key" in ctx.notice
        assert ctx.store.latest(code, victim.handle, "m0-reflection", secret="x" * 24) is None
        (panel,) = KnowledgeCheck(quiz(), context=ctx).widget.children[0].children
        assert "<img" not in panel.children[0].value and shown == []


def test_a_wrong_or_revoked_secret_opens_nothing(store_url, monkeypatch, shown):
    store = Store(store_url)
    code = store.create_cohort("Tuesday").code
    place = store.enrol(code)
    store.reissue_link(code, place.handle)  # the old link stops working
    for secret in (place.secret, "A" * 24):
        under_voila(monkeypatch, f"cohort={code}&secret={secret}")
        ctx = current_context(refresh=True)
        assert ctx.in_practice and "doesn't open a place" in ctx.notice


def test_joining_switches_the_page_and_its_exercises_to_the_cohort(tmp_path):
    store = Store("sqlite:///" + str(tmp_path / "s.sqlite3"))
    code = store.create_cohort("Tuesday").code
    ctx = Context(store, Store.PRACTICE_CODE, store.join(Store.PRACTICE_CODE, "newt-1"))
    exercise = KnowledgeCheck(quiz(), context=ctx)
    panel = JoinPanel(ctx)
    panel.code.value = code.lower()
    panel.join_button.click()
    assert ctx.cohort == code and ctx.secret and store.identify(code, ctx.secret) == ctx.handle
    assert exercise.answers == {"a": []}  # the exercise followed the switch to a new place
    assert panel.status.text == f"You've joined as {ctx.handle}." and panel.status.tone == "ok"
    assert html.escape(personal_link(code, ctx.secret)) in panel.where.value
    assert "This is not me" in panel.where.value and "?leave=1" in panel.where.value
    exercise.controls["a"].value = "0"
    assert exercise.submit()  # saved under the personal secret
    assert store.latest(code, ctx.handle, "m0-quiz").answers == {"a": [0]}


def test_the_join_panel_explains_bad_codes_and_handles_as_text(tmp_path):
    store = Store("sqlite:///" + str(tmp_path / "s.sqlite3"))
    code = store.create_cohort("Tuesday").code
    chosen = store.create_cohort("Chosen", chosen_handles=True).code
    panel = JoinPanel(Context(store, Store.PRACTICE_CODE, "newt-1"))
    panel.code.value = "ZZZZZ"
    assert not panel.join()
    assert "No cohort here has the join code ZZZZZ" in panel.status.text
    panel.code.value = code
    panel.handle.value = "Sam-7"
    assert not panel.join()
    assert "everyone is given a made-up handle" in panel.status.text
    panel.code.value = chosen
    for bad, reason in ((ATTACK, "A handle can only use letters"),
                        ("My Real Name", "looks like a real name"),
                        ("jane.smith@example.org", "looks like an e-mail address")):  # fmt: skip
        panel.handle.value = bad
        assert not panel.join()
        assert panel.status.text.startswith(reason) or reason in panel.status.text
    panel.handle.value = "Sam-7"
    assert panel.join() and panel.context.handle == "Sam-7"


def test_the_join_panel_limits_wrong_codes(tmp_path):
    store = Store("sqlite:///" + str(tmp_path / "s.sqlite3"))
    code = store.create_cohort("Tuesday").code
    panel = JoinPanel(Context(store, Store.PRACTICE_CODE, "newt-1"))
    for guess in ("ZZZZZZZZ", "YYYYYYYY", "XXXXXXXX", "WWWWWWWW", "VVVVVVVV"):
        panel.code.value = guess
        assert not panel.join() and "No cohort here" in panel.status.text
    panel.code.value = code  # even the right one must wait now
    assert not panel.join() and "try again in a few minutes" in panel.status.text
    assert store.participants(code) == []


def test_a_handle_is_escaped_wherever_the_panel_shows_it(tmp_path):
    store = Store("sqlite:///" + str(tmp_path / "s.sqlite3"))
    panel = JoinPanel(Context(store, "K7P2Q", ATTACK))
    assert "<img" not in panel.where.value and "&lt;img src=x" in panel.where.value


def test_a_preheated_kernel_does_not_block_and_follows_the_trainee_who_arrives(
    store_url, monkeypatch, shown
):
    import asyncio
    import os
    import threading

    arrived = threading.Event()
    handed_over = []

    def receive_request() -> None:  # stands in for Voila handing over the page request
        handed_over.append(True)  # the real one answers once: a second call would never return
        arrived.wait(10)
        os.environ["QUERY_STRING"] = f"cohort={code}&secret={secret}"

    monkeypatch.setattr(course, "_receive_request", receive_request)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setattr(course, "_REQUEST_RECEIVED", False)
    with Store(store_url) as store:
        code = store.create_cohort("Workshop").code
        store.join(code, "ada-7")
        secret = store.reissue_link(code, "ada-7")
        store.submit(code, "ada-7", "m0-quiz-how-it-works", {"q": "saved"})

    async def scenario() -> Context:
        context = current_context()  # returns at once: the module's later cells can run
        assert (context.cohort, context.handle) == (Store.PRACTICE_CODE, course.PREHEAT_HANDLE)
        assert context.pending
        switched = asyncio.Event()
        context.on_join(switched.set)
        arrived.set()
        await asyncio.wait_for(switched.wait(), 10)
        return context

    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        context = loop.run_until_complete(scenario())
    finally:
        asyncio.set_event_loop(None)
        loop.close()
        os.environ.pop("QUERY_STRING", None)  # set by the stand-in: leave no trace for later tests
    assert (context.cohort, context.handle) == (code, "ada-7")
    assert len(handed_over) == 1
    assert context.store.latest(code, "ada-7", "m0-quiz-how-it-works").answers == {"q": "saved"}
    assert context.store.latest(Store.PRACTICE_CODE, course.PREHEAT_HANDLE, "m0-quiz") is None


class FakeShell:
    """The IPython events a Voila kernel fires around each cell."""

    def __init__(self) -> None:
        self.handlers: dict[str, list] = {"pre_run_cell": [], "post_run_cell": []}
        self.events = self

    def register(self, event, handler):
        self.handlers[event].append(handler)

    def unregister(self, event, handler):
        self.handlers[event].remove(handler)

    def run_cell(self, work=lambda: None):
        for handler in list(self.handlers["pre_run_cell"]):
            handler(None)
        result = work()
        for handler in list(self.handlers["post_run_cell"]):
            handler(None)
        return result


@pytest.fixture
def cold_voila_kernel(store_url, monkeypatch):
    shell = FakeShell()
    monkeypatch.setattr(course, "_kernel_shell", lambda: shell)
    monkeypatch.setattr(course, "SETTLE_AFTER", 0.05)
    shell.displayed = []
    monkeypatch.setattr(IPython.display, "display", shell.displayed.append)
    with Store(store_url) as store:
        code = store.create_cohort("Tuesday").code
        store.join(code, "ada-7")
        secret = store.reissue_link(code, "ada-7")
        store.save_draft(code, "ada-7", "m0-quiz", {"a": [1]})
    under_voila(monkeypatch, f"cohort={code}&secret={secret}")
    return shell, code


def run_in_loop(coroutine_function):
    import asyncio

    loop = asyncio.new_event_loop()
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(coroutine_function())
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def test_a_cold_kernel_joins_its_cohort_once_the_notebook_has_run(cold_voila_kernel):

    shell, code = cold_voila_kernel
    opened = []
    real_join = course._join_link_cohort

    def join_and_note():
        opened.append(True)
        return real_join()

    course._join_link_cohort = join_and_note
    try:

        async def page():
            first = shell.run_cell(lambda: KnowledgeCheck(quiz(), context=current_context()))
            second = shell.run_cell(lambda: KnowledgeCheck(quiz("m0-other")))
            # every cell has run, and the store has not been opened or joined yet
            assert opened == [] and first.context.pending and second.context is first.context
            assert first.answers == {"a": []}
            await until(lambda: not first.context.pending)  # the kernel goes quiet: it joins
            return first

        exercise = run_in_loop(page)
    finally:
        course._join_link_cohort = real_join
    assert opened == [True] and not exercise.context.pending
    assert (exercise.context.cohort, exercise.context.handle) == (code, "ada-7")
    assert exercise.answers == {"a": [1]}  # the trainee's draft came back after the join


def test_an_answer_given_while_the_page_joins_is_kept_and_saved(cold_voila_kernel):
    shell, code = cold_voila_kernel

    async def page():
        exercise = shell.run_cell(lambda: KnowledgeCheck(quiz(), context=current_context()))
        exercise.controls["a"].value = "0"  # before the kernel has gone quiet
        assert exercise.submit()  # joins the cohort first; nothing goes to the placeholder
        return exercise

    exercise = run_in_loop(page)
    assert (exercise.context.cohort, exercise.context.handle) == (code, "ada-7")
    assert exercise.answers == {"a": [0]}  # the newer answer, not the saved draft
    with Store() as store:
        assert store.latest(code, "ada-7", "m0-quiz").answers == {"a": [0]}
        assert store.latest(Store.PRACTICE_CODE, course.PREHEAT_HANDLE, "m0-quiz") is None


def test_a_join_panel_on_a_joining_page_shows_the_cohort_once_joined(cold_voila_kernel):

    shell, code = cold_voila_kernel

    async def page():
        panel = shell.run_cell(JoinPanel)
        waiting = panel.where.value
        await until(lambda: "You are in cohort" in panel.where.value)
        return panel, waiting

    panel, waiting = run_in_loop(page)
    assert "Opening the cohort in your link" in waiting and course.PREHEAT_HANDLE not in waiting
    assert f"You are in cohort {code} as ada-7" in panel.where.value
    assert "your personal link" in panel.where.value


def test_a_link_with_an_unknown_code_shows_its_join_panel_once_the_page_has_run(
    cold_voila_kernel, monkeypatch
):

    shell, _ = cold_voila_kernel
    under_voila(monkeypatch, "cohort=K0P2Q&handle=fox-12")

    async def page():
        exercise = shell.run_cell(lambda: KnowledgeCheck(quiz(), context=current_context()))
        # The cell shows one widget, the exercise, which keeps room for a notice at its top:
        # under Voila's progressive rendering a second widget output in the cell could be lost.
        assert shell.displayed == []
        slot = exercise.widget.children[0]
        assert "rc-notice-slot" in slot._dom_classes and slot.children == ()
        await until(lambda: slot.children)
        return exercise, slot

    exercise, slot = run_in_loop(page)
    assert exercise.context.in_practice and "K0P2Q" in exercise.context.notice
    (panel,) = slot.children
    assert "couldn&#x27;t open the cohort" in panel.children[0].value


def test_a_preheated_page_saves_an_early_answer_only_once_its_trainee_arrives(store_url):
    with Store(store_url) as store:
        code = store.create_cohort("Workshop").code
        waiting = course.Context.waiting(store=store)  # no request yet, so no way to join
        exercise = KnowledgeCheck(quiz(), context=waiting)
        exercise.controls["a"].value = "1"
        assert not exercise.submit() and "Still connecting" in exercise.status.text
        assert store.latest(Store.PRACTICE_CODE, course.PREHEAT_HANDLE, "m0-quiz") is None
        waiting.join(Context(store, code, store.join(code, "ada-7")))
        assert exercise.answers == {"a": [1]}  # kept, not replaced by a restore
        assert store.latest(code, "ada-7", "m0-quiz").answers == {"a": [1]}  # and saved


def test_a_page_whose_store_cannot_be_reached_says_so_and_joins_when_it_can(store_url):
    attempts = []

    def join_link_cohort():
        attempts.append(True)
        if len(attempts) == 1:
            raise StoreUnavailable("the store is down")
        with Store(store_url) as store:
            code = store.create_cohort("Tuesday").code
            return Context(Store(store_url), code, store.join(code, "ada-7"))

    waiting = Context.waiting(join_link_cohort)
    exercise = KnowledgeCheck(quiz(), context=waiting)
    exercise.controls["a"].value = "0"  # its draft finds the store down
    assert "Couldn't save your draft" in exercise.status.text
    assert waiting.pending  # still waiting, and able to try again
    assert exercise.submit() and waiting.handle == "ada-7" and len(attempts) == 2
    assert exercise.answers == {"a": [0]}


def test_submitting_while_the_store_is_down_says_the_answers_are_kept():
    def store_down():
        raise StoreUnavailable("the store is down")

    exercise = KnowledgeCheck(quiz(), context=Context.waiting(store_down))
    exercise.controls["a"].value = "0"
    assert not exercise.submit()
    assert exercise.status.text.startswith("Couldn't save — your answers are kept on this page")
    assert exercise.answers == {"a": [0]}
