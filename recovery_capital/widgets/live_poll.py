"""LivePoll: a question the trainer opens; the group result appears when the trainer reveals it.

The poll checks the store every couple of seconds (see :mod:`.live`) for whether the trainer
has opened it and revealed its results. Answers are accepted only while it is open, checked in
Python against the store's state (the browser could enable a disabled button). In the practice
cohort there is no trainer, so the poll is always open and shows the results of everyone
practising once the trainee has answered.

Answers are stored as ``{"choices": [option indexes]}``; each person's latest answer counts.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w

from ..content.model import PollContent
from ..store import ActivityState
from .base import Exercise, Outcome
from .choice import CheckboxGroup, ChoiceGroup, ChoiceSet
from .html import Safe, element, join
from .live import LIVE_SECONDS, REFRESH_SECONDS, Refresher
from .parts import HTML

__all__ = ["LivePoll", "poll_counts", "poll_results_html"]

WAITING = "Waiting for your trainer to open this poll."
OPEN = "The poll is open: choose and press Send my answer."
CLOSED = "The poll is closed."


def people(count: int) -> str:
    """>>> people(1), people(3)
    ('1 person', '3 people')
    """
    return f"{count} {'person' if count == 1 else 'people'}"


def poll_counts(poll: PollContent, answers: Sequence[Mapping[str, Any]]) -> list[int]:
    """How many people chose each option, from each person's latest answers.

    >>> from recovery_capital.content.model import parse_content
    >>> poll = parse_content({"kind": "poll", "id": "m1-p", "title": "T", "question": "Q?",
    ...                       "options": ["a", "b", "c"]})
    >>> poll_counts(poll, [{"choices": [0]}, {"choices": [2]}, {"choices": [0, 9]}, {}])
    [2, 0, 1]
    """
    counts = [0] * len(poll.options)
    for answer in answers:
        picked = answer.get("choices") if isinstance(answer, Mapping) else None
        for index in set(picked) if isinstance(picked, list) else ():
            if isinstance(index, int) and 0 <= index < len(counts):
                counts[index] += 1
    return counts


def poll_results_html(
    poll: PollContent, counts: list[int], total: int, mine: Sequence[int] = ()
) -> Safe:
    """The group result as text and bars (the words carry every number; the bars repeat them).

    >>> from recovery_capital.content.model import parse_content
    >>> poll = parse_content({"kind": "poll", "id": "m1-p", "title": "T", "question": "Q?",
    ...                       "options": ["a", "b"]})
    >>> "1 of 2 people (50%)" in poll_results_html(poll, [1, 1], 2)
    True
    """
    if total == 0:
        return element("p", "No answers yet.", cls="rc-poll-results")
    rows = []
    for index, (option, count) in enumerate(zip(poll.options, counts, strict=True)):
        share = count / total
        yours = " (your answer)" if index in mine else ""
        rows.append(
            element(
                "li",
                element("span", option, cls="rc-poll-option"),
                f": {count} of {people(total)} ({share:.0%}){yours} ",
                element(
                    "span",
                    cls="rc-bar",
                    style=f"width:{round(share * 12, 2)}em",
                    aria_hidden="true",
                ),
            )
        )
    note = "People could choose more than one answer." if poll.type == "multiple" else ""
    return element(
        "div",
        element("h4", "The group's answers"),
        element("ul", rows),
        element("p", note, cls="rc-note") if note else "",
        cls="rc-poll-results",
    )


class LivePoll(Exercise):
    """A poll from ``assets/content/polls/`` (``kind: poll``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> poll = LivePoll(parse_content({"kind": "poll", "id": "m1-p", "title": "P",
    ...     "question": "Which?", "options": ["Coping", "Company"]}),
    ...     context=practice_context())   # in practice the poll is always open
    >>> poll.choice.value = "0"
    >>> poll.submit(), "1 of 1 person (100%)" in poll.results.value
    (True, True)
    """

    kind = "poll"
    submit_label = "Send my answer"
    content: PollContent

    def _build(self) -> list[w.Widget]:
        options = [(str(i), text) for i, text in enumerate(self.content.options)]
        if self.content.type == "multiple":
            self.choice: ChoiceGroup | CheckboxGroup = CheckboxGroup(
                self.content.question, options, hint="Choose all that apply."
            )
        else:
            self.choice = ChoiceGroup(self.content.question, options)
        self.choice.add_class("rc-item")
        self._watch(self.choice)
        self.state_line = HTML().add_class("rc-poll-state")
        self.results = HTML().add_class("rc-poll-results-area")
        self.state = ActivityState(opened=False, revealed=False, updated=None)
        self._shown_results: tuple[Any, ...] | None = None
        self._results_read_at = float("-inf")
        self.refresher = Refresher(self._guarded(self.refresh), interval=LIVE_SECONDS)
        return [ChoiceSet([self.choice]), self.state_line, self.results]

    def _actions(self) -> list[w.Widget]:
        return [self.submit_button]

    def restore(self) -> None:
        """Load the trainee's earlier answer, then the poll's current state."""
        super().restore()
        if self.error is None:
            self.refresh()

    # -- live state ---------------------------------------------------------------------

    def _current_state(self) -> ActivityState:
        ctx = self._ctx
        if ctx.pending:  # the page is still joining its cohort: the poll's state comes next
            return ActivityState(opened=False, revealed=False, updated=None)
        if ctx.in_practice:
            answered = self._submitted is not None
            return ActivityState(opened=True, revealed=answered, updated=None)
        return ctx.store.activity_state(ctx.cohort, self.activity_id)

    def refresh(self) -> None:
        """Read whether the poll is open or revealed, and update the page to match."""
        self.state = self._current_state()
        opened = self.state.opened
        self.choice.disabled = not opened
        self.submit_button.disabled = not opened
        if opened:
            text = OPEN
        else:
            text = CLOSED if self._submitted is not None or self.state.updated else WAITING
        self.state_line.value = element("p", text)
        self._show_results()

    def _show_results(self) -> None:
        if not self.state.revealed:
            self.results.value = ""
            self._shown_results = None
            return
        # The state is checked twice a second; the answers (a heavier read) once revealed,
        # then every couple of seconds, and at once after this trainee answers.
        now = time.monotonic()
        if self._shown_results is not None and now - self._results_read_at < REFRESH_SECONDS:
            return
        self._results_read_at = now
        ctx = self._ctx
        frame = ctx.store.responses(ctx.cohort, self.activity_id, latest_only=True)
        answers = list(frame["answers"])
        mine = (self._submitted or {}).get("choices", [])
        key = (len(answers), tuple(frame["submission_id"]), tuple(mine))
        if key == self._shown_results:
            return  # nothing new: leave the page alone
        counts = poll_counts(self.content, answers)
        self.results.value = poll_results_html(self.content, counts, len(answers), mine)
        self._shown_results = key

    # -- answers ------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        values = self.choice.value if isinstance(self.choice.value, list) else [self.choice.value]
        return {"choices": [int(v) for v in values if v != ""]}

    def _write(self, answers: Mapping[str, Any]) -> None:
        picked = [i for i in answers.get("choices") or [] if isinstance(i, int)]
        values = [str(i) for i in picked]
        if isinstance(self.choice, CheckboxGroup):
            self.choice.value = values
        elif values:
            self.choice.value = values[0]

    def _clear(self) -> None:
        self.choice.value = [] if isinstance(self.choice, CheckboxGroup) else ""

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        if not self._current_state().opened:
            self.refresh()
            return "This poll isn't open at the moment, so answers can't be sent."
        if not answers["choices"]:
            return "Please choose an answer first."
        return None

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        chosen = [self.content.options[i] for i in answers["choices"]]
        return Outcome(element("p", "You answered: ", join(chosen, "; "), cls="rc-result"))

    def submit(self) -> bool:
        """Send the answer (only while the poll is open)."""
        sent = super().submit()
        if sent:
            self._shown_results = None  # read the answers again, this one included
            self.refresh()
        return sent
