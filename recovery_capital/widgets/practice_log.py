"""The practice log: after each day, a trainee records one real use of a skill (what they
tried, what happened, what they noticed, what next). Entries are private to the trainee
unless they share one with their action-learning set (see
:mod:`recovery_capital.store.programme_store` for who can read what).

>>> from recovery_capital.session.context import practice_context
>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> log = PracticeLog(REPOSITORY_COURSE, context=practice_context())
>>> log.fields["tried"].value = "Asked what a good day looks like."
>>> log.save(), len(log.context.store.log_entries(log.context.cohort, log.context.handle))
(True, 1)
>>> "Asked what a good day" in log.entries.value, "private" in log.entries.value
(True, True)
"""

from __future__ import annotations

import logging
import os
from typing import Any

import ipywidgets as w

from ..content.model import course_dir
from ..core.errors import DefinitionError
from ..programme.load import load_programme, load_programme_files
from ..session.context import Context, current_context
from ..store import StoreError
from .base import guarded
from .choice import ChoiceGroup, ChoiceSet
from .html import element, join
from .parts import HTML, Button, HBox, VBox
from .status import StatusLine
from .text import TextField

__all__ = ["PracticeLog"]

log = logging.getLogger("recovery_capital.widgets")

SHARE = [("no", "Keep it private (only me)"), ("yes", "Share it with my action-learning set")]
UNAVAILABLE = "The practice log is not set up for this course yet; ask your trainer."


class PracticeLog:
    """The practice-log page element: a form for a new entry and the trainee's own entries,
    each with a button to share it with their set or stop sharing."""

    def __init__(self, course: str | os.PathLike[str] | None = None, *,
                 context: Context | None = None) -> None:  # fmt: skip
        self.context = context or current_context()
        self.status = StatusLine()
        self.entries = HTML().add_class("rc-log-entries")
        self.share_buttons = VBox([])
        root = course if course is not None else course_dir()
        try:
            prompts = load_programme_files(root).practice_log[0]
            programme = load_programme(root)
        except (DefinitionError, IndexError):
            self.widget: w.Widget = HTML(element("p", UNAVAILABLE, cls="rc-note"))
            self.fields: dict[str, TextField] = {}
            return
        self.prompts = prompts
        self.days = {day.id: day.title for day in programme.days}
        self.day = ChoiceGroup(
            "Which training day is this from?", list(self.days.items()), value=programme.days[0].id
        )
        # in the order of the days, so the newest day's skills come last
        skills = list(dict.fromkeys(s for day in prompts.skills.values() for s in day))
        self.skill = ChoiceGroup("Which skill did you use? (optional)", [(s, s) for s in skills])
        self.fields = {}
        for field in prompts.fields:
            box = TextField(field.label, rows=3, max_chars=4000, placeholder=field.hint)
            box.add_class(f"rc-log-{field.id}")
            self.fields[field.id] = box
        self.share = ChoiceGroup("Who can read this entry?", SHARE, value="no")
        self.share.add_class("rc-share")
        self.save_button = Button(description="Save this entry", button_style="primary")
        self.save_button.add_class("rc-submit")
        self.save_button.on_click(guarded(lambda _: self.save(), self.status, "practice log"))
        intro = HTML(join([element("h3", prompts.title, cls="rc-title"),
                           element("p", prompts.intro), element("p", prompts.privacy,
                                                                 cls="rc-note")]))  # fmt: skip
        self.widget = VBox([
            intro, ChoiceSet([self.day, self.skill]), *self.fields.values(),
            ChoiceSet([self.share]), HBox([self.save_button]), self.status,
            HTML(element("h3", "My entries")), self.entries, self.share_buttons,
        ]).add_class("rc-exercise")  # fmt: skip
        self.widget.add_class("rc-practicelog")
        # A page may be built before its trainee has joined: list their entries once they have.
        self.context.on_join(guarded(self.refresh, self.status, "practice log"))
        self.context.on_switch(guarded(self.refresh, self.status, "practice log"))

    def save(self) -> bool:
        """Save the form as a new entry; True once it is stored."""
        answers = {k: box.value for k, box in self.fields.items()}
        if not any(v.strip() for v in answers.values()):
            self.status.show("Write something in at least one box first.", "warning")
            return False
        ctx = self.context
        ctx.settle()
        if ctx.pending:
            self.status.show("Still connecting this page to your cohort; try again in a "
                             "moment.", "warning")  # fmt: skip
            return False
        try:
            ctx.store.add_log_entry(
                ctx.cohort,
                ctx.handle,
                self.day.value,
                answers,
                skill=self.skill.value,
                shared=self.share.value == "yes",
            )
        except StoreError as exc:
            self.status.show(str(exc), "error")
            return False
        for box in self.fields.values():
            box.value = ""
        self.share.value = "no"
        self.status.show("Saved to your practice log.", "ok")
        self.refresh()
        return True

    def refresh(self) -> None:
        """Show the trainee's own entries, newest first."""
        ctx = self.context
        if ctx.pending:
            self.entries.value = element("p", "Your entries appear here once you have joined.")
            return
        entries = list(reversed(ctx.store.log_entries(ctx.cohort, ctx.handle)))
        labels = {f.id: f.label for f in self.prompts.fields}
        blocks, buttons = [], []
        for entry in entries:
            who = "shared with your set" if entry.shared else "private"
            number = len(entries) - len(buttons)
            parts = [element("p", element("strong", f"Entry {number}: ",
                                          self.days.get(entry.day, entry.day)),
                             f" \u2014 {entry.skill}" if entry.skill else "",
                             f" ({who})")]  # fmt: skip
            parts += [element("p", element("em", f"{labels.get(k, k)}: "), v)
                      for k, v in entry.entry.items()]  # fmt: skip
            blocks.append(element("div", parts, cls="rc-log-entry"))
            button = Button(description=("Stop sharing" if entry.shared else "Share with my set")
                            + f" (entry {number})")  # fmt: skip
            button.add_class("rc-log-share")
            button.on_click(
                guarded(
                    self._toggle(entry.id, not entry.shared), self.status, "practice log sharing"
                )
            )
            buttons.append(button)
        self.entries.value = join(blocks) if blocks else element(
            "p", "No entries yet. Your first one could be tonight.")  # fmt: skip
        self.share_buttons.children = buttons

    def _toggle(self, entry_id: int, shared: bool) -> Any:
        def toggle(_button: Any) -> None:
            ctx = self.context
            ctx.store.share_log_entry(ctx.cohort, ctx.handle, entry_id, shared)
            self.status.show("Shared with your set." if shared else "No longer shared.", "ok")
            self.refresh()

        return toggle

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.widget._repr_mimebundle_(**kwargs)
