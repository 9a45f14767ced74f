"""The status line under every exercise, announced politely to screen readers.

ipywidgets' HTML widget replaces its whole content on each change, which screen readers do not
reliably announce; this control keeps one ``role="status"`` element and changes only its text.
It also carries the shared stylesheet for the exercises' ``rc-*`` classes, since every exercise
shows one.

>>> line = StatusLine()
>>> line.show("Saved", "ok")
>>> line.text, line.tone
('Saved', 'ok')
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import traitlets

from .controls import CourseControl

__all__ = ["OOPS", "StatusLine", "guarded"]

log = logging.getLogger(__name__)

OOPS = "Something went wrong on our side. Your answers are still on this page; please try again."


class StatusLine(CourseControl):
    """One line of status text (``tone``: ``info``, ``ok``, ``warning`` or ``error``)."""

    module_file = "status-line.js"
    style_files = ("exercise.css",)  # every exercise's look: each shows one status line

    text = traitlets.Unicode("").tag(sync=True)
    tone = traitlets.CaselessStrEnum(["info", "ok", "warning", "error"], "info").tag(sync=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.add_class("rc-status-line")

    def show(self, text: str, tone: str = "info") -> None:
        """Replace the status text (it is set as text, never as HTML)."""
        with self.hold_sync():
            self.tone = tone
            self.text = text

    def clear(self) -> None:
        """Hide the status line."""
        self.show("")


def guarded(
    handler: Callable[..., Any], status: StatusLine, what: str, message: str = OOPS
) -> Callable[..., None]:
    """Wrap a widget callback so an error is logged and shown as a friendly status line,
    never as a traceback on the page.

    >>> line = StatusLine()
    >>> guarded(lambda: 1 / 0, line, "a test")()
    >>> line.text == OOPS, line.tone
    (True, 'error')
    """

    def run(*args: Any) -> None:
        try:
            handler(*args)
        except Exception:
            log.exception("%s: a handler failed", what)
            status.show(message, "error")

    return run
