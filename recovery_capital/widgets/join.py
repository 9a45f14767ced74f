"""JoinPanel: type a join code and choose (or be given) a handle.

Module 0 shows it so trainees can join their cohort. When a link's cohort code could not be
used, :func:`~recovery_capital.course.current_context` leaves a notice, and the page's first
exercise shows the panel at its top (:func:`notice_slot`). Joining switches the page's
context, and every exercise on the page then loads the answers saved in that cohort.

>>> import tempfile, os
>>> from recovery_capital.course import Context
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
from typing import Any

import ipywidgets as w

from ..course import Context, current_context, join_link
from .html import element, join
from .parts import HTML, Button, HBox, VBox
from .status import StatusLine, guarded

__all__ = ["JoinPanel"]

log = logging.getLogger(__name__)


class JoinPanel:
    """A join code field, a handle field with a "Suggest a handle" button, and "Join"."""

    def __init__(self, context: Context | None = None) -> None:
        self.context = context if context is not None else current_context()
        wide = {"description_width": "initial"}
        self.code = w.Text(
            description="Join code", placeholder="for example K7P2Q", style=wide
        ).add_class("rc-join-code")
        self.handle = w.Text(
            description="Your handle", placeholder="a nickname, not your real name", style=wide
        ).add_class("rc-join-handle")
        self.suggest_button = Button(description="Suggest a handle").add_class("rc-suggest")
        self.join_button = Button(description="Join", button_style="primary")
        self.join_button.add_class("rc-submit")
        self.status = StatusLine()
        self.where = HTML().add_class("rc-join-where")
        notice = self.context.notice
        heading = HTML(
            join(
                [
                    element("h3", "Join your cohort", cls="rc-title"),
                    element("p", notice, cls="rc-warning") if notice else "",
                    element(
                        "p",
                        "Your trainer gives you a join code. Then pick a handle: a nickname "
                        "your trainer sees beside your answers. Other trainees never see it, "
                        "so there is no need to use your real name.",
                    ),
                ]
            )
        )
        self.widget = VBox(
            [
                heading,
                self.code,
                HBox([self.handle, self.suggest_button]),
                HBox([self.join_button]).add_class("rc-actions"),
                self.status,
                self.where,
            ]
        ).add_class("rc-exercise")
        self.widget.add_class("rc-join")
        retry = "Something went wrong on our side; please try again in a moment."
        self.suggest_button.on_click(guarded(lambda _: self.suggest(), self.status, "join", retry))
        self.join_button.on_click(guarded(lambda _: self.join(), self.status, "join", retry))
        self._follow()
        # A page still joining its link's cohort, or moved by another panel, is shown as it is.
        self.context.on_join(guarded(self._follow, self.status, "join", retry))
        self.context.on_switch(guarded(self._show_where, self.status, "join", retry))

    def _follow(self) -> None:
        ctx = self.context
        self.handle.value = "" if ctx.pending or ctx.in_practice else ctx.handle
        self._show_where()

    def suggest(self) -> None:
        """Fill in a made-up handle such as ``otter-37``."""
        from ..store.handles import generate_handle

        self.handle.value = generate_handle()

    def join(self) -> bool:
        """Join the typed cohort; True on success, else the status line says what to fix."""
        from ..store.errors import InvalidHandle, StoreUnavailable, UnknownCohort
        from ..store.keys import normalise_code

        try:
            code = normalise_code(self.code.value)
            handle = self.context.store.join(code, self.handle.value.strip() or None)
        except (UnknownCohort, InvalidHandle) as exc:
            self.status.show(str(exc), "warning")
            return False
        except StoreUnavailable:
            log.exception("store unavailable while joining")
            self.status.show(
                "We can't reach the answer store just now. Please try again in a moment.", "error"
            )
            return False
        self.code.value = code
        self.handle.value = handle
        self.context.switch(code, handle)
        self.status.show(f"You've joined as {handle}.", "ok")
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
        link = element("a", "this link", href=join_link(ctx.cohort, ctx.handle))
        self.where.value = join(
            [
                element("p", f"You are in cohort {ctx.cohort} as {ctx.handle}."),
                element("p", "To come back to your answers later, bookmark ", link, "."),
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

    >>> from recovery_capital.course import practice_context
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
        if context.notice:
            slot.children = (JoinPanel(context).widget,)

    def show_logged() -> None:
        try:
            show()
        except Exception:  # the exercise below still works in the practice cohort
            log.exception("could not show the join panel for the page's notice")

    context.on_join(show_logged)
    return slot
