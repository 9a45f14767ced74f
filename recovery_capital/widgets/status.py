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

import traitlets

from .controls import CourseControl

__all__ = ["StatusLine"]


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
