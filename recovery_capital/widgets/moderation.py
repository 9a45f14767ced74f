"""The trainer's moderation list: free text trainees submitted, to approve for the group or hide.

Text is shown exactly as typed, escaped. "Approve" is offered only for text whose author said it
may be shown to the group; the "Shown to the group" block lists approved text without handles,
so the trainer can put it on a screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as w

from ..store import FreeText, Store
from .base import guarded
from .html import element, join
from .parts import HTML, Button, HBox, VBox
from .status import StatusLine

__all__ = ["ModerationPanel"]

STATE_WORDS = {
    "pending": "awaiting moderation",
    "approved": "shown to the group",
    "hidden": "hidden",
}


class ModerationPanel:
    """Free text of one cohort with Approve / Hide buttons; call :meth:`refresh` to update."""

    def __init__(
        self, store: Store, code: str, titles: Mapping[str, str], status: StatusLine
    ) -> None:
        self.store = store
        self.code = code
        self.titles = titles
        self.status = status
        self.items = VBox().add_class("rc-moderation-items")
        self.shown = HTML().add_class("rc-shown-to-group")
        heading = HTML(
            join(
                [
                    element("h3", "Free text to moderate"),
                    element(
                        "p",
                        "Handles appear only in this list. Approve text to show it to the group "
                        "without a handle; only text its author agreed to share can be approved.",
                        cls="rc-note",
                    ),
                ]
            )
        )
        self.widget = VBox([heading, self.items, self.shown]).add_class("rc-moderation")
        self.texts: list[FreeText] = []
        self._fingerprint: tuple[Any, ...] | None = None

    def refresh(self) -> None:
        """Reload the texts; the list is redrawn only when something changed."""
        texts = self.store.free_text(self.code)
        fingerprint = tuple((t.submission_id, t.state, t.shareable) for t in texts)
        if fingerprint == self._fingerprint:
            return
        self.texts = texts
        self._fingerprint = fingerprint
        rows = [self._row(text) for text in texts]
        self.items.children = rows or [HTML(element("p", "Nothing is waiting."))]
        approved = [t for t in texts if t.state == "approved"]
        self.shown.value = join(
            [
                element("h4", "Shown to the group"),
                element(
                    "ul",
                    [
                        element(
                            "li",
                            element("blockquote", t.text),
                            element("small", self._title(t.activity_id)),
                            cls="rc-approved-item",
                        )
                        for t in approved
                    ],
                )
                if approved
                else element("p", "Nothing approved yet."),
            ]
        )

    def _title(self, activity_id: str) -> str:
        return self.titles.get(activity_id, activity_id)

    def _row(self, text: FreeText) -> w.Widget:
        share = "may be shared" if text.shareable else "private: not for the group"
        state = STATE_WORDS.get(text.state, text.state)
        header = element(
            "p",
            element("strong", text.handle),
            f" on {self._title(text.activity_id)} ({share}; {state})",
        )
        body = HTML(join([header, element("blockquote", text.text)]))
        buttons: list[w.Widget] = []
        if text.shareable and text.state != "approved":
            approve = Button(description="Approve for the group").add_class("rc-approve")
            approve.on_click(self._action(text.submission_id, "approved"))
            buttons.append(approve)
        if text.state != "hidden":
            hide = Button(description="Hide").add_class("rc-hide")
            hide.on_click(self._action(text.submission_id, "hidden"))
            buttons.append(hide)
        return VBox([body, HBox(buttons)]).add_class("rc-moderation-item")

    def _action(self, submission_id: int, state: str) -> Callable[[Any], None]:
        def act(_button: Any) -> None:
            self.store.moderate(submission_id, state, code=self.code)
            self.refresh()

        failed = "Couldn't update that text just now; please try again."
        return guarded(act, self.status, f"moderating {submission_id}", failed)
