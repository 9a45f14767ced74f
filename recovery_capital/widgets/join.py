"""JoinPanel: type a join code, join, and see (again) your personal link.

Module 0 shows it so trainees can join their cohort. When a link could not be opened,
:func:`~recovery_capital.session.context.current_context` leaves a notice, and the page's first
exercise shows the panel at its top (:func:`notice_slot`). Joining gives the trainee a
place of their own with a **personal link** (the cohort and a secret only they hold), switches
the page's context, and every exercise on the page then loads the answers saved there. Once
joined, the panel shows the personal link to copy or bookmark, and a "This is not me" link
that leaves: on a shared computer it clears what the course remembered in the browser.

Joining is a click, never a page load, and wrong codes are limited per page
(:data:`WRONG_CODES_ALLOWED` in :data:`WRONG_CODE_WINDOW` seconds); the store limits how fast
one cohort fills.

>>> import tempfile, os
>>> from recovery_capital.session.context import Context
>>> from recovery_capital.store import Store
>>> store = Store("sqlite:///" + os.path.join(tempfile.mkdtemp(), "s.sqlite3"))
>>> panel = JoinPanel(Context(store, Store.PRACTICE_CODE, "otter-12"))
>>> panel.code.value = "K0P2Q"
>>> panel.join()
False
>>> "never use 0" in panel.status.text
True
"""

from __future__ import annotations

import logging
import time
from typing import Any

import ipywidgets as w

from ..session.context import Context, course_home, current_context, personal_link
from .html import element, join
from .parts import HTML, Button, HBox, VBox
from .status import StatusLine, guarded

__all__ = ["JoinPanel", "WRONG_CODES_ALLOWED", "WRONG_CODE_WINDOW"]

log = logging.getLogger(__name__)

#: How many wrong join codes one page may try within :data:`WRONG_CODE_WINDOW` seconds.
WRONG_CODES_ALLOWED = 5
WRONG_CODE_WINDOW = 300.0


class JoinPanel:
    """A join code field, an optional handle field and "Join"; then the personal link."""

    def __init__(self, context: Context | None = None) -> None:
        self.context = context if context is not None else current_context()
        wide = {"description_width": "initial"}
        self.code = w.Text(
            description="Join code",
            placeholder="for example K7P2-Q9XR",
            style=wide,
            value=self.context.suggested_code,
        ).add_class("rc-join-code")
        self.handle = w.Text(
            description="Your handle",
            placeholder="leave empty to be given one",
            style=wide,
        ).add_class("rc-join-handle")
        self.join_button = Button(description="Join", button_style="primary")
        self.join_button.add_class("rc-submit")
        self.status = StatusLine()
        self.where = HTML().add_class("rc-join-where")
        self._wrong_codes: list[float] = []
        notice = self.context.take_notice()
        heading = HTML(
            join(
                [
                    element("h3", "Join your cohort", cls="rc-title"),
                    element("p", notice, cls="rc-warning") if notice else "",
                    element(
                        "p",
                        "Your trainer gives you a join code. When you join you are given a "
                        "handle, a made-up name such as otter-37 that your trainer sees beside "
                        "your answers (only if your trainer says so may you choose your own, "
                        "and never your real name). Other trainees never see it.",
                    ),
                ]
            )
        )
        self.widget = VBox(
            [
                heading,
                self.code,
                self.handle,
                HBox([self.join_button]).add_class("rc-actions"),
                self.status,
                self.where,
            ]
        ).add_class("rc-exercise")
        self.widget.add_class("rc-join")
        retry = "Something went wrong on our side; please try again in a moment."
        self.join_button.on_click(guarded(lambda _: self.join(), self.status, "join", retry))
        self._follow()
        # A page still joining its link's cohort, or moved by another panel, is shown as it is.
        self.context.on_join(guarded(self._follow, self.status, "join", retry))
        self.context.on_switch(guarded(self._show_where, self.status, "join", retry))

    def _follow(self) -> None:
        ctx = self.context
        if ctx.suggested_code and not self.code.value:
            self.code.value = ctx.suggested_code
        self._show_where()

    def _too_many_wrong_codes(self) -> bool:
        now = time.monotonic()
        self._wrong_codes = [t for t in self._wrong_codes if now - t < WRONG_CODE_WINDOW]
        return len(self._wrong_codes) >= WRONG_CODES_ALLOWED

    def join(self) -> bool:
        """Join the typed cohort; True on success, else the status line says what to fix."""
        from ..store.errors import InvalidHandle, JoinRefused, StoreUnavailable, UnknownCohort
        from ..store.keys import normalise_code

        if self._too_many_wrong_codes():
            self.status.show(
                "That is several codes that didn't work. Please check the code with your "
                "trainer and try again in a few minutes.",
                "warning",
            )
            return False
        try:
            code = normalise_code(self.code.value)
            place = self.context.store.enrol(code, self.handle.value.strip() or None)
        except UnknownCohort as exc:
            self._wrong_codes.append(time.monotonic())
            self.status.show(str(exc), "warning")
            return False
        except (InvalidHandle, JoinRefused) as exc:
            self.status.show(str(exc), "warning")
            return False
        except StoreUnavailable:
            log.exception("store unavailable while joining")
            self.status.show(
                "We can't reach the answer store just now. Please try again in a moment.", "error"
            )
            return False
        self.code.value = code
        self.handle.value = ""  # joining again is someone new: they get a handle of their own
        self.context.switch(code, place.handle, place.secret)
        self.status.show(f"You've joined as {place.handle}.", "ok")
        self._show_where()
        return True

    def _show_where(self) -> None:
        ctx = self.context
        if ctx.pending:
            self.where.value = element("p", "Opening the cohort in your link…")
            return
        if ctx.in_practice:
            self.where.value = element(
                "p", f"Right now you are practising on your own as {ctx.handle}."
            )
            return
        here = element("p", f"You are in cohort {ctx.cohort} as {ctx.handle}.")
        if ctx.secret is None:
            self.where.value = here
            return
        link = element(
            "a", "your personal link", href=personal_link(ctx.cohort, ctx.secret),
            cls="rc-personal-link",
        )  # fmt: skip
        leave = element(
            "a", "This is not me: leave", href=course_home() + "?leave=1", cls="rc-leave"
        )
        self.where.value = join(
            [
                here,
                element(
                    "p",
                    "To come back to your answers later, on this computer or another, "
                    "bookmark or copy ",
                    link,
                    ". It is the key to your answers: keep it to yourself.",
                ),  # fmt: skip
                element(
                    "p",
                    "Not you, or finished on a shared computer? ",
                    leave,
                    " (nothing of yours stays in this browser).",
                ),  # fmt: skip
            ]
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def notice_slot(context: Context) -> w.Widget | None:
    """A box for the top of the page's first exercise, where a join panel appears if needed.

    The panel appears when the page's link could not be used as it was (an unknown cohort
    code, say: :attr:`Context.notice`), once the link has been read. Only the first caller for
    a context still reading its link, or holding a notice, gets a box
    (:meth:`Context.claim_notice`); the others get None.

    >>> from recovery_capital.session.context import practice_context
    >>> context = practice_context()
    >>> context.notice = "That join code doesn't match any cohort."
    >>> slot = notice_slot(context)
    >>> [type(child).__name__ for child in slot.children], notice_slot(context)
    (['VBox'], None)
    """
    if not (context.pending or context.notice) or not context.claim_notice():
        return None
    slot = VBox().add_class("rc-notice-slot")

    def show() -> None:
        if context.notice and not context.notice_taken:
            slot.children = (JoinPanel(context).widget,)

    def show_logged() -> None:
        try:
            show()
        except Exception:  # the exercise below still works in the practice cohort
            log.exception("could not show the join panel for the page's notice")

    context.on_join(show_logged)
    return slot
