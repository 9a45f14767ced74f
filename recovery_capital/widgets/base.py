"""The one protocol every exercise follows.

An :class:`Exercise` loads its content, builds its controls inside ``widget`` (an ipywidgets
``VBox`` with the ``rc-exercise`` class), and then:

* saves a **draft** on every change (at most one write per ``DRAFT_DELAY`` seconds while the
  trainee is typing; the last change is always written);
* on **submit**, checks the answers, works out feedback and scores, and stores one submission
  tagged with a client request id, so a double click or a retry never stores twice;
* **restores** the trainee's latest draft or submission when the page is opened again;
* shows a **status line** ("Saved", "Couldn't save - your answers are kept on this page; try
  again") and never lets a traceback reach the page: handler errors are logged and a friendly
  message is shown instead.

Subclasses fill in a handful of hooks: ``_load`` (content), ``_build`` (controls), ``_read`` /
``_write`` / ``_clear`` (answers to and from the controls), ``_problem`` (what is still missing
before submitting) and ``_evaluate`` (feedback and scores).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ipywidgets as w

from ..content.model import Content, load_content
from ..lms.events import exercise_event
from ..session.context import Context, current_context
from .html import Safe, element, join
from .join import notice_slot
from .parts import HTML, Button, HBox, VBox
from .status import StatusLine, guarded

__all__ = ["Exercise", "Outcome", "DraftSaver", "STRICT_ENV", "guarded"]

log = logging.getLogger("recovery_capital.widgets")

#: Set to 1 to raise content errors instead of showing a message (for CI and notebook tests).
STRICT_ENV = "RECOVERY_CAPITAL_STRICT"
DRAFT_DELAY = 0.6

SAVED = "Saved. You can change your answers and submit again at any time."
DRAFT_SAVED = "Your answers so far are saved as a draft."
DRAFT_FAILED = "Couldn't save your draft just now; your answers are kept on this page."
SAVE_FAILED = "Couldn't save — your answers are kept on this page; try again."
STILL_JOINING = "Still connecting this page to your cohort; please try again in a moment."


@dataclass(frozen=True)
class Outcome:
    """What submitting produces: the feedback to show and what to store with the answers."""

    feedback: Safe
    scores: dict[str, Any] | None = None
    store_kwargs: dict[str, Any] = field(default_factory=dict)


class DraftSaver:
    """Write drafts without hammering the store, and without ever dropping the last change.

    Inside a running event loop (a kernel) the first change starts a timer and the write
    happens ``delay`` seconds later with whatever the answers are by then; without a loop
    (tests, scripts) every change is written at once.

    >>> saved = []
    >>> drafts = DraftSaver(saved.append)
    >>> drafts.schedule({"q1": 1}); drafts.schedule({"q1": 2})
    >>> saved
    [{'q1': 1}, {'q1': 2}]
    """

    def __init__(self, save: Callable[[dict[str, Any]], None], delay: float = DRAFT_DELAY):
        self._save = save
        self._delay = delay
        self._pending: dict[str, Any] | None = None
        self._timer: asyncio.TimerHandle | None = None

    def schedule(self, answers: dict[str, Any]) -> None:
        """Save ``answers`` soon (or now, outside an event loop)."""
        self._pending = answers
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self._delay <= 0:
            self.flush()
        elif self._timer is None:
            self._timer = loop.call_later(self._delay, self.flush)

    def cancel(self) -> None:
        """Forget a pending draft (a submission is about to supersede it)."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._pending = None

    def flush(self) -> None:
        """Write the pending draft now, if there is one."""
        self._timer = None
        answers, self._pending = self._pending, None
        if answers is not None:
            self._save(answers)


def new_request_id() -> str:
    """A fresh client request id.

    >>> len(new_request_id())
    32
    """
    return uuid.uuid4().hex


class Exercise:
    """Base class of every exercise widget (see the module notes for the protocol)."""

    #: the content kind this exercise loads (``docs/content-format.md``)
    kind: ClassVar[str] = ""
    submit_label: ClassVar[str] = "Submit"
    #: whether saving a draft says so on the status line
    announce_drafts: ClassVar[bool] = True
    reset_label: ClassVar[str] = "Start again"

    def __init__(self, source: Any, *, context: Context | None = None) -> None:
        self.content: Any = None
        self.activity_id = ""
        self.context: Context | None = context
        self.status = StatusLine()
        self.feedback = HTML().add_class("rc-feedback")
        self.submit_button = Button(description=self.submit_label, button_style="primary")
        self.submit_button.add_class("rc-submit")
        self.reset_button = Button(description=self.reset_label).add_class("rc-reset")
        self.error: Exception | None = None
        self._drafts = DraftSaver(self._save_draft)
        self._request_id = new_request_id()
        self._submitted: dict[str, Any] | None = None
        self._quiet = 0
        self._touched = False  # the trainee has changed something on this page
        try:
            self.content = self._load(source)
            self.activity_id = self._activity_id()
            if self.context is None:
                self.context = current_context()
            body = self._build()
        except Exception as exc:
            if os.environ.get(STRICT_ENV, "") not in ("", "0"):
                raise
            log.exception("could not build %s from %r", type(self).__name__, source)
            self.error = exc
            self.widget = _unavailable(exc)
            return
        title = HTML(element("h3", self._title(), cls="rc-title"))
        actions = HBox(self._actions()).add_class("rc-actions")
        notice = notice_slot(self.context)
        parts = [title, *body, actions, self.status, self.feedback]
        self.widget = VBox([notice, *parts] if notice is not None else parts)
        self.widget.add_class("rc-exercise")
        self.widget.add_class(f"rc-{type(self).__name__.lower()}")
        self.submit_button.on_click(self._guarded(lambda _: self.submit()))
        self.reset_button.on_click(self._guarded(lambda _: self.reset()))
        self.context.on_switch(self._guarded(self._after_switch))
        # Stale saved answers must not break the page; a waiting page restores once joined.
        self.context.on_join(self._guarded(self._after_join))

    # -- hooks for subclasses ---------------------------------------------------------

    def _load(self, source: Any) -> Any:
        """The validated content: a path to a YAML file, or an already-loaded object."""
        if isinstance(source, Content):
            if source.kind != self.kind:
                raise TypeError(f"{type(self).__name__} needs {self.kind} content")
            return source
        return load_content(source, kind=self.kind)

    def _activity_id(self) -> str:
        return self.content.id

    def _title(self) -> str:
        return self.content.title

    def _build(self) -> list[w.Widget]:
        """The controls between the title and the Submit button."""
        raise NotImplementedError

    def _actions(self) -> list[w.Widget]:
        return [self.submit_button, self.reset_button]

    def _read(self) -> dict[str, Any]:
        """The answers as they stand in the controls (JSON-ready)."""
        raise NotImplementedError

    def _write(self, answers: Mapping[str, Any]) -> None:
        """Put saved answers back into the controls, ignoring any that no longer fit."""
        raise NotImplementedError

    def _clear(self) -> None:
        """Empty every control."""
        raise NotImplementedError

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        """What must be done before submitting (a sentence for the trainee), or None."""
        return None

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        """Feedback and scores for complete answers."""
        raise NotImplementedError

    def _stored_answers(self, answers: Mapping[str, Any], outcome: Outcome) -> dict[str, Any]:
        """The answers as the submission stores them (default: as they are)."""
        return dict(answers)

    def _restored_answers(self, answers: Mapping[str, Any], scores: Any) -> dict[str, Any]:
        """Saved answers (and the scores stored with them) turned back into control answers."""
        return dict(answers)

    # -- the protocol -----------------------------------------------------------------

    @property
    def answers(self) -> dict[str, Any]:
        """The current answers (what a draft or submission would store)."""
        return self._read()

    def submit(self) -> bool:
        """Check, give feedback, and store the answers; True once they are saved."""
        if self.error is not None:
            return False
        try:
            self._ctx.settle()  # a page still joining its cohort joins now, before reading
        except Exception:
            log.exception("could not join the cohort before submitting %s", self.activity_id)
            self.status.show(SAVE_FAILED, "error")
            return False
        if self._ctx.pending:  # a preheated page whose trainee's request is still on its way
            self.status.show(STILL_JOINING, "warning")
            return False
        answers = self._read()
        problem = self._problem(answers)
        if problem:
            self.status.show(problem, "warning")
            return False
        if answers == self._submitted:
            self.status.show(SAVED, "ok")  # a second click on unchanged answers stores nothing
            return True
        outcome = self._evaluate(answers)
        self.feedback.value = outcome.feedback
        ctx = self._ctx
        self._drafts.cancel()
        try:
            ctx.store.submit(
                ctx.cohort,
                ctx.handle,
                self.activity_id,
                self._stored_answers(answers, outcome),
                scores=outcome.scores,
                request_id=self._request_id,
                **outcome.store_kwargs,
            )
        except Exception as exc:
            log.exception("could not store a submission for %s", self.activity_id)
            self.status.show(_refusal(exc) or SAVE_FAILED, "error")
            return False
        exercise_event(self, "submitted", answers, outcome.scores)  # xAPI / LMS, if configured
        self._submitted = answers
        self.status.show(SAVED, "ok")
        return True

    def reset(self) -> None:
        """Clear the answers and feedback; an empty draft replaces the old one."""
        if self.error is not None:
            return
        self._ctx.settle()  # else joining afterwards would bring the old answers back
        with self._quietly():
            self._clear()
        self.feedback.value = ""
        self._submitted = None
        self._request_id = new_request_id()
        self._drafts.schedule(self._read())
        self.status.show("Cleared. You can start again.", "info")

    def restore(self) -> None:
        """Bring back this trainee's latest draft or submission from the store."""
        if self.error is not None:
            return
        ctx = self._ctx
        try:
            latest = ctx.store.latest(ctx.cohort, ctx.handle, self.activity_id)
        except Exception:
            log.exception("could not load earlier answers for %s", self.activity_id)
            self.status.show("Couldn't load your earlier answers just now.", "warning")
            return
        if latest is None:
            return
        with self._quietly():
            self._clear()
            self._write(self._restored_answers(latest.answers, latest.scores))
        answers = self._read()
        exercise_event(self, "restored", answers)
        if latest.submitted and self._problem(answers) is None:
            self._submitted = answers
            self.feedback.value = self._evaluate(answers).feedback
            self.status.show("Welcome back: here are the answers you submitted.", "info")
        else:
            self.status.show("Welcome back: your draft answers are here.", "info")

    # -- plumbing ---------------------------------------------------------------------

    @property
    def _ctx(self) -> Context:
        assert self.context is not None  # set in __init__ before anything can call this
        return self.context

    def _changed(self, _change: Any = None) -> None:
        """Called by subclasses' control observers on every change the trainee makes."""
        if self._quiet:
            return
        self._touched = True
        self._request_id = new_request_id()
        self._drafts.schedule(self._read())

    def _watch(self, control: w.Widget, names: str = "value") -> None:
        control.observe(self._guarded(self._changed), names=names)

    def _save_draft(self, answers: dict[str, Any]) -> None:
        ctx = self._ctx
        try:
            ctx.settle()
            if ctx.pending:  # never under the placeholder: the draft is saved once joined
                return
            ctx.store.save_draft(ctx.cohort, ctx.handle, self.activity_id, answers)
        except Exception as exc:
            log.exception("could not save a draft for %s", self.activity_id)
            self.status.show(_refusal(exc) or DRAFT_FAILED, "warning")
            return
        exercise_event(self, "answered", answers)
        if self.announce_drafts:
            self.status.show(DRAFT_SAVED, "info")

    def _after_join(self) -> None:
        # Answers the trainee gave while the page was joining are newer than any saved ones:
        # keep them, and save them, rather than overwrite them.
        if self._touched:
            self._drafts.schedule(self._read())
        else:
            self.restore()

    def _after_switch(self) -> None:
        self._submitted = None
        self.feedback.value = ""
        self.status.clear()
        with self._quietly():
            self._clear()
        self.restore()

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Set controls from code without it counting as the trainee's change."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _guarded(self, handler: Callable[..., Any]) -> Callable[..., None]:
        return guarded(handler, self.status, f"{type(self).__name__} {self.activity_id}")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _refusal(exc: Exception) -> str | None:
    """The store's own words when it refused what was sent (text it can't keep, a personal
    link that no longer opens a place); None for anything else."""
    from ..store.errors import InvalidInput, UnknownParticipant

    return str(exc) if isinstance(exc, (InvalidInput, UnknownParticipant)) else None


def _unavailable(exc: Exception) -> w.Widget:
    """A calm panel in place of an exercise that could not be built."""
    from ..core.errors import DefinitionError

    if isinstance(exc, DefinitionError):
        details = element("ul", [element("li", f"{p or 'file'}: {m}") for p, m in exc.problems])
        what = element("p", f"The exercise file {exc.source} needs fixing:")
    else:
        details, what = "", element("p", "It will be back once the problem is fixed.")
    return (
        HTML(
            join(
                [
                    element(
                        "p", "This exercise can't be shown right now. Please tell your trainer."
                    ),
                    what,
                    details,
                ]
            )
        )
        .add_class("rc-unavailable")
        .add_class("rc-exercise")
    )
