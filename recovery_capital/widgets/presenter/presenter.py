"""Presenter: the projector view that runs the room, one screen at a time.

It opens on the join screen (the code very large, the address to type, a QR code of the
trainee link and a live count of who has joined), which needs no key: the code is meant for
the room. Every slide after it is one activity of the day, in the programme's running order;
a slide with trainees' answers needs the trainer key. The trainer moves with the keyboard
(see :data:`KEYS`; the course script turns key presses into clicks on these buttons) or with
the mouse. The view checks the store every :data:`..live.LIVE_SECONDS`, so answers, joins and
what a co-trainer opens or reveals on the control page show without a reload.

>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> from recovery_capital.store import Store
>>> store = Store("sqlite://")
>>> cohort = store.create_cohort("Tuesday group")
>>> show = Presenter(cohort.code, store=store, course=REPOSITORY_COURSE, day="day1")
>>> cohort.code in show.screen.value, "0 people joined" in show.screen.value
(True, True)
>>> show.next(); "trainer key" in show.screen.value      # answers need the key
True
>>> show.sign_in.key_field.value = cohort.trainer_key
>>> show.unlock()
True
>>> show.go(2); show.set_state(opened=True)
>>> store.activity_state(cohort.code, show.slide.activity_id).opened
True
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import ipywidgets as w

from ...content.model import PollContent
from ...core.locations import course_dir
from ...session.context import _query, course_home
from ...store import Store, UnknownCohort
from ...store.keys import normalise_code
from ..base import guarded
from ..cohort_views import activity_view
from ..html import Safe, element
from ..live import LIVE_SECONDS, Refresher
from ..live_poll import poll_counts
from ..parts import HTML, Button, HBox, Layout, VBox
from ..status import StatusLine
from ..trainer_sign_in import TrainerSignIn
from . import screens
from .agenda import Slide, day_slides

__all__ = ["Presenter", "KEYS", "trainee_link", "PUBLIC_URL_ENV"]

#: Where trainees reach the course, when the server's own address is not it (a proxy).
PUBLIC_URL_ENV = "RECOVERY_CAPITAL_PUBLIC_URL"

#: Key -> what it does; the buttons carry the class ``rc-pres-key-<action>``.
KEYS = {
    "ArrowRight / PageDown / N": "next",
    "ArrowLeft / PageUp / P": "previous",
    "O": "open",
    "C": "close",
    "R": "reveal",
    "H": "hide",
    "B": "blank",
    "T": "timer",
}

TIMER_CHOICES = [
    ("30 seconds", 30),
    ("2 minutes", 120),
    ("5 minutes", 300),
    ("10 minutes", 600),
    ("15 minutes", 900),
]


def trainee_link(code: str, environ: Mapping[str, str] | None = None) -> tuple[str, str]:
    """The trainee link for ``code`` and the short address to say aloud or type.

    >>> trainee_link("K7P2Q9XR", {"SERVER_NAME": "10.0.0.5", "SERVER_PORT": "8866",
    ...                           "SCRIPT_NAME": "/c/voila/render/modules/trainer/p.ipynb"})
    ('http://10.0.0.5:8866/c/?cohort=K7P2Q9XR', '10.0.0.5:8866/c')
    >>> trainee_link("K7P2Q9XR", {PUBLIC_URL_ENV: "https://rc.example.org/"})
    ('https://rc.example.org/?cohort=K7P2Q9XR', 'rc.example.org')
    """
    env = os.environ if environ is None else environ
    base = env.get(PUBLIC_URL_ENV, "").strip()
    if not base:
        host = env.get("SERVER_NAME") or "localhost"
        port = env.get("SERVER_PORT", "")
        base = f"http://{host}{':' + port if port else ''}{course_home(env)}"
    if not base.endswith("/"):
        base += "/"
    short = base.split("://", 1)[-1].rstrip("/")
    return f"{base}?cohort={code}", short


class Presenter:
    """The projector view of one cohort (see the module notes).

    ``code`` defaults to the page's ``?cohort=``; ``day`` to ``?day=`` or the first day.
    """

    def __init__(
        self,
        code: str | None = None,
        *,
        store: Store | None = None,
        course: str | Path | None = None,
        day: str | None = None,
    ) -> None:
        query = _query() if code is None or day is None else {}
        self._store = store
        self.status = StatusLine()
        self.code = ""
        raw = code if code is not None else query.get("cohort", "")
        if raw:
            try:
                self.code = normalise_code(raw)
            except UnknownCohort as exc:
                self.status.show(str(exc), "warning")
        self.slides = day_slides(
            course if course is not None else course_dir(), day or query.get("day")
        )
        self.index = 0
        self.blanked = False
        self.unlocked = False
        self.timer_end: float | None = None
        self.timer_total = 0
        self._shown: tuple[Any, ...] | None = None
        self.link, self.short_address = trainee_link(self.code or "")

        self.screen = HTML().add_class("rc-pres-screen")
        self.timer_area = HTML().add_class("rc-pres-timer-area")
        self.position = HTML().add_class("rc-pres-position")
        self.buttons: dict[str, Button] = {}
        labels = {
            "previous": "Previous (P)", "next": "Next (N)", "open": "Open (O)",
            "close": "Close (C)", "reveal": "Reveal (R)", "hide": "Hide (H)",
            "blank": "Blank screen (B)", "timer": "Start timer (T)",
        }  # fmt: skip
        actions = {
            "previous": lambda: self.go(self.index - 1),
            "next": self.next,
            "open": lambda: self.set_state(opened=True),
            "close": lambda: self.set_state(opened=False),
            "reveal": lambda: self.set_state(revealed=True),
            "hide": lambda: self.set_state(revealed=False),
            "blank": self.toggle_blank,
            "timer": self.toggle_timer,
        }
        for name, label in labels.items():
            button = Button(description=label).add_class(f"rc-pres-key-{name}")
            button.add_class("rc-pres-button")
            button.on_click(guarded(lambda _b, act=actions[name]: act(), self.status, name))
            self.buttons[name] = button
        self.timer_minutes = w.Dropdown(
            options=TIMER_CHOICES, value=300, description="Timer",
            style={"description_width": "initial"},
        ).add_class("rc-pres-timer-minutes")  # fmt: skip
        self.sign_in = TrainerSignIn(
            self.code,
            button="Show answers",
            status=self.status,
            on_open=self.unlock,
            css_class="rc-presenter-login",
        )
        controls = HBox([*self.buttons.values(), self.timer_minutes], layout=Layout()).add_class(
            "rc-pres-controls"
        )
        self.controls = controls
        self.widget = VBox(
            [self.screen, self.timer_area, self.position, controls, self.sign_in.box, self.status]
        ).add_class("rc-presenter")
        self.draw()
        self.refresher = Refresher(guarded(self.draw, self.status, "presenter"), LIVE_SECONDS)

    @property
    def store(self) -> Store:
        """The response store (opened on first use)."""
        if self._store is None:
            self._store = Store()
        return self._store

    @property
    def slide(self) -> Slide:
        """The slide on screen."""
        return self.slides[self.index]

    # -- actions --------------------------------------------------------------------------

    def unlock(self) -> bool:
        """Check the code and key; on success the answer slides can be shown."""
        access = self.sign_in.check(self.store)
        if access is None:
            return False
        self.code = access.code
        self.link, self.short_address = trainee_link(self.code)
        self.unlocked = True
        self.sign_in.hide()
        self.status.show("Trainer key accepted: the answer slides are shown.", "ok")
        self.draw(force=True)
        return True

    def go(self, index: int) -> None:
        """Show slide ``index`` (kept within the day)."""
        self.index = max(0, min(len(self.slides) - 1, index))
        self.blanked = False
        self.draw(force=True)

    def next(self) -> None:
        """The next activity of the day."""
        self.go(self.index + 1)

    def set_state(self, **flags: bool) -> None:
        """Open/close or reveal/hide the activity on screen for the whole cohort."""
        slide = self.slide
        if not slide.has_answers:
            self.status.show("This slide has nothing to open or reveal.", "info")
            return
        if not self.unlocked:
            self.status.show("Enter the trainer key first.", "warning")
            return
        self.store.set_activity_state(self.code, slide.activity_id, **flags)
        self.draw(force=True)

    def toggle_blank(self) -> None:
        """Blank the screen, or bring the slide back."""
        self.blanked = not self.blanked
        self.draw(force=True)

    def toggle_timer(self) -> None:
        """Start the timer with the chosen length, or stop it."""
        if self.timer_end is None:
            self.timer_total = int(self.timer_minutes.value)
            self.timer_end = time.monotonic() + self.timer_total
        else:
            self.timer_end = None
        self.draw(force=True)

    # -- drawing --------------------------------------------------------------------------

    def _timer(self) -> None:
        if self.timer_end is None:
            self.timer_area.value = ""
            self.buttons["timer"].description = "Start timer (T)"
            return
        left = int(round(self.timer_end - time.monotonic()))
        self.buttons["timer"].description = "Stop timer (T)"
        value = screens.timer_screen(left, self.timer_total)
        if value != self.timer_area.value:
            self.timer_area.value = value

    def draw(self, force: bool = False) -> None:
        """Redraw the screen when what it shows has changed."""
        self._timer()
        slide = self.slide
        html = screens.blank_screen() if self.blanked else self._slide_html(slide)
        if force or html != self.screen.value:
            self.screen.value = html
        self.position.value = element(
            "p", f"{self.index + 1} of {len(self.slides)}: {slide.title}", cls="rc-pres-where"
        )

    def _slide_html(self, slide: Slide) -> Safe:
        if slide.kind == "join":
            if not self.code:
                return element(
                    "section",
                    element("h2", "Join the session", cls="rc-pres-title"),
                    element("p", "Open this page with ?cohort= and your join code.",
                            cls="rc-pres-hidden"),
                    cls="rc-pres-slide",
                )  # fmt: skip
            joined = len(self.store.participants(self.code))
            return screens.join_screen(self.code, self.short_address, self.link, joined)
        if slide.kind == "live" and slide.live is not None:
            return screens.live_screen(slide.live)
        if not self.unlocked:
            return screens.locked_screen(slide.title)
        state = self.store.activity_state(self.code, slide.activity_id)
        if slide.kind == "words":
            texts = self.store.free_text(self.code, activity_id=slide.activity_id)
            return screens.words_screen(
                slide.content.question,  # type: ignore[union-attr]
                [t.text for t in texts if t.state == "approved"],
                opened=state.opened,
                waiting=sum(1 for t in texts if t.state == "pending"),
            )
        if slide.kind == "reflection":
            approved = self.store.free_text(self.code, "approved", activity_id=slide.activity_id)
            texts = [t.text for t in approved]
            return screens.reflections_screen(slide.title, texts)
        frame = self.store.responses(self.code, slide.activity_id, latest_only=True)
        answers = list(frame["answers"])
        if isinstance(slide.content, PollContent):
            return screens.poll_screen(
                slide.content,
                poll_counts(slide.content, answers),
                len(answers),
                opened=state.opened,
                revealed=state.revealed,
            )
        instruments = [i for i in frame["instrument"] if isinstance(i, str)]
        view = activity_view(
            slide.content,
            instruments[-1] if instruments else None,
            answers,
            list(frame["scores"]),
        )
        return screens.results_screen(slide.title, view, revealed=state.revealed)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
