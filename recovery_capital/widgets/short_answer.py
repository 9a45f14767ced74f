"""ShortAnswer: a live question answered in one or a few words, for the room's word cloud.

Like a poll, it takes answers only while the trainer has it open (checked in Python against
the store, every :data:`.live.LIVE_SECONDS`). Every answer goes to the trainer's moderation
list; the projector shows only the ones the trainer approves, as a word cloud with the words
and counts beside it, never with a handle. The page says so before anyone types. In the
practice cohort there is no trainer, so it is always open.

Answers are stored as ``{"words": "...", "shareable": true}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import ShortAnswerContent
from ..store import ActivityState
from .base import Exercise, Outcome
from .html import element, join
from .live import LIVE_SECONDS, Refresher
from .live_poll import CLOSED, WAITING
from .parts import HTML
from .text import TextField

__all__ = ["ShortAnswer"]

OPEN = "Open: type your answer and press Send my answer."
WHO_SEES = (
    "Your trainer reads every answer. Answers they approve are shown to the group as a word "
    "cloud, without your handle."
)


class ShortAnswer(Exercise):
    """A short-answer question from ``assets/content/short-answers/`` (``kind: short_answer``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> ask = ShortAnswer(parse_content({"kind": "short_answer", "id": "m0-words", "title": "W",
    ...     "question": "One word for how you feel?", "max_words": 2}),
    ...     context=practice_context())
    >>> ask.text.value = "curious but tired"
    >>> ask.submit(), "2 words" in ask.status.text
    (False, True)
    >>> ask.text.value = "  Curious  "
    >>> ask.submit(), "Curious" in ask.feedback.value
    (True, True)
    """

    kind = "short_answer"
    submit_label = "Send my answer"
    content: ShortAnswerContent

    def _build(self) -> list[w.Widget]:
        words = self.content.max_words
        limit = "one word" if words == 1 else f"up to {words} words"
        self.text = TextField(f"{self.content.question} ({limit})", rows=1, max_chars=80)
        self.text.add_class("rc-short-answer-text")
        self._watch(self.text)
        self.state_line = HTML().add_class("rc-poll-state")
        self.state = ActivityState(opened=False, revealed=False, updated=None)
        intro = [element("p", WHO_SEES, cls="rc-note")]
        if self.content.hint:
            intro.insert(0, element("p", self.content.hint))
        self.refresher = Refresher(self._guarded(self.refresh), interval=LIVE_SECONDS)
        return [HTML(join(intro)).add_class("rc-intro"), self.text, self.state_line]

    def _actions(self) -> list[w.Widget]:
        return [self.submit_button]

    def restore(self) -> None:
        """Load the trainee's earlier answer, then whether the question is open."""
        super().restore()
        if self.error is None:
            self.refresh()

    def _current_state(self) -> ActivityState:
        ctx = self._ctx
        if ctx.pending:
            return ActivityState(opened=False, revealed=False, updated=None)
        if ctx.in_practice:
            return ActivityState(opened=True, revealed=False, updated=None)
        return ctx.store.activity_state(ctx.cohort, self.activity_id)

    def refresh(self) -> None:
        """Read whether the question is open and update the page to match."""
        self.state = self._current_state()
        opened = self.state.opened
        self.text.disabled = not opened
        self.submit_button.disabled = not opened
        if opened:
            text = OPEN
        else:
            text = CLOSED if self._submitted is not None or self.state.updated else WAITING
        text = text.replace("poll", "question")
        if self.state_line.value != (line := element("p", text)):
            self.state_line.value = line

    def _read(self) -> dict[str, Any]:
        return {"words": " ".join(self.text.value.split()), "shareable": True}

    def _write(self, answers: Mapping[str, Any]) -> None:
        if isinstance(answers.get("words"), str):
            self.text.value = answers["words"]

    def _clear(self) -> None:
        self.text.value = ""

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        if not self._current_state().opened:
            self.refresh()
            return "This question isn't open at the moment, so answers can't be sent."
        count = len(answers["words"].split())
        if count == 0:
            return "Please type a word or two first."
        if count > self.content.max_words:
            most = self.content.max_words
            return (
                f"Please keep it to {'one word' if most == 1 else f'{most} words'} "
                f"(you have {count})."
            )
        return None

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        html = element(
            "p", "Thank you. You answered: ", element("strong", answers["words"]), cls="rc-result"
        )
        return Outcome(html, store_kwargs={"text": answers["words"], "shareable": True})

    def submit(self) -> bool:
        """Send the answer (only while the question is open)."""
        sent = super().submit()
        if sent:
            self.refresh()
        return sent
