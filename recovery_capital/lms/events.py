"""The one seam between the exercises and the learning platform: :func:`exercise_event`.

``widgets/base.py`` calls it when a draft is saved (``"answered"``), a submission is stored
(``"submitted"``) and saved answers are brought back (``"restored"``). It hands an
:class:`ExerciseEvent` to every *sink*: the xAPI sink queues statements, the LTI sink queues
grades. Nothing is configured until ``course.yaml`` has an ``xapi:`` or ``lti:`` section, and
then the only work on the trainee's path is writing to the local outbox; sending happens on a
background thread. A sink that fails is logged and never reaches the trainee. The practice
cohort (reading a module outside any cohort) sends nothing.

>>> seen = []
>>> configure([seen.append])
>>> class Demo:  # what an exercise offers the seam
...     activity_id, content = "m3-ruler", None
...     class context:
...         cohort, handle = "K7P2Q", "fox-12"
>>> exercise_event(Demo(), "answered", {"importance": 7})
>>> seen[0].kind, seen[0].answers
('answered', {'importance': 7})
>>> configure(None)  # back to "read course.yaml on the next event"
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .outbox import Courier, Outbox

__all__ = ["ExerciseEvent", "XapiSink", "configure", "exercise_event", "sinks"]

log = logging.getLogger("recovery_capital.lms")

Sink = Callable[["ExerciseEvent"], None]


@dataclass(frozen=True)
class ExerciseEvent:
    """What happened to one exercise for one participant."""

    kind: str  # "answered" | "submitted" | "restored"
    cohort: str
    handle: str
    activity_id: str
    answers: Mapping[str, Any]
    scores: Mapping[str, Any] | None = None
    content: Any = None  # the exercise's validated content (title, scenario nodes...)
    exercise_kind: str = ""  # ``quiz``, ``scenario``, ``ruler``, ``instrument``...
    time: float = field(default_factory=time.time)


_sinks: list[Sink] | None = None
_lock = threading.Lock()


def configure(new_sinks: list[Sink] | None) -> None:
    """Use these sinks from now on; ``None`` reads ``course.yaml`` again at the next event."""
    global _sinks
    with _lock:
        for sink in _sinks or []:
            stop = getattr(sink, "stop", None)
            if stop is not None:
                stop()
        _sinks = new_sinks


def sinks() -> list[Sink]:
    """The sinks in use, set up from ``course.yaml`` the first time (none when it asks for
    neither xAPI nor LTI, or cannot be read: a broken setting never breaks an exercise)."""
    global _sinks
    if _sinks is None:
        with _lock:
            if _sinks is None:
                _sinks = _from_course()
    return _sinks


def _from_course() -> list[Sink]:
    from ..core.locations import course_dir
    from ..settings.course import load_course_settings

    try:
        settings = load_course_settings(course_dir())
    except Exception:
        log.exception("course.yaml could not be read: no xAPI statements or grades are sent")
        return []
    found: list[Sink] = []
    xapi = getattr(settings, "xapi", None)
    if xapi is not None:
        found.append(XapiSink.from_settings(xapi, title=settings.title))
    lti = getattr(settings, "lti", None)
    if lti is not None:
        from .grades import GradeSink

        found.append(GradeSink.from_settings(lti))
    return found


def exercise_event(
    exercise: Any, kind: str, answers: Mapping[str, Any], scores: Mapping[str, Any] | None = None
) -> None:
    """Tell the sinks about an exercise event (see the module notes); never raises."""
    try:
        active = sinks()
        if not active:
            return
        from ..store.keys import PRACTICE_CODE

        context = exercise.context
        if context.cohort == PRACTICE_CODE:
            return
        event = ExerciseEvent(
            kind,
            context.cohort,
            context.handle,
            exercise.activity_id,
            dict(answers),
            scores,
            getattr(exercise, "content", None),
            str(getattr(exercise, "kind", "") or ""),
        )
    except Exception:
        log.exception("an exercise event could not be prepared")
        return
    for sink in active:
        try:
            sink(event)
        except Exception:
            log.exception("%s could not take an exercise event", type(sink).__name__)


class XapiSink:
    """Turns exercise events into xAPI statements in the outbox; a courier sends them.

    An item (question, rating) is reported when its answer changes, not on every draft;
    a scenario reports each new step with its tag; a submission reports the exercise as
    completed with its answers and scores.
    """

    channel = "xapi"

    def __init__(
        self, builder: Any, outbox: Outbox, client: Any, *, batch_size: int = 50, start: bool = True
    ) -> None:
        self.builder = builder
        self.outbox = outbox
        self.courier = Courier(outbox, self.channel, client.send, batch_size=batch_size)
        self._seen: dict[tuple[str, str, str], dict[str, Any]] = {}
        if start:
            self.courier.start()

    @classmethod
    def from_settings(cls, settings: Any, *, title: str = "", start: bool = True) -> XapiSink:
        """The sink ``course.yaml``'s ``xapi:`` section describes."""
        from .xapi import LrsClient, StatementBuilder

        builder = StatementBuilder(
            settings.homepage, include_text=settings.include_text, title=title
        )
        client = LrsClient(
            settings.statements_url, settings.username, settings.secret(), timeout=settings.timeout
        )
        return cls(
            builder,
            Outbox(settings.outbox_path()),
            client,
            batch_size=settings.batch_size,
            start=start,
        )

    def stop(self) -> None:
        """Stop the courier (queued statements stay in the outbox)."""
        self.courier.stop()

    def __call__(self, event: ExerciseEvent) -> None:
        statements = self.statements(event)
        if statements:
            self.outbox.put_many(self.channel, statements)
            self.courier.nudge()

    def statements(self, event: ExerciseEvent) -> list[dict[str, Any]]:
        """The statements one event makes (and remember its answers for the next diff)."""
        key = (event.cohort, event.handle.casefold(), event.activity_id)
        before = self._seen.get(key, {})
        self._seen[key] = dict(event.answers)
        b, cohort, handle, aid = self.builder, event.cohort, event.handle, event.activity_id
        if event.kind == "restored":
            return []
        # a submission also reports the changes since the last draft (which it superseded)
        if event.exercise_kind == "scenario":
            made = [
                b.answered_choice(cohort, handle, aid, node, index, tag)
                for node, index, tag in _new_steps(event.content, before, event.answers)
            ]
        else:
            from .xapi import _sendable, flatten

            earlier = flatten(before)
            made = [
                b.answered_item(cohort, handle, aid, item, value)
                for item, value in flatten(event.answers).items()
                if earlier.get(item) != value
                and value not in (None, "", [])
                and _sendable(value, b.include_text)
            ]
        if event.kind == "submitted":
            title = str(getattr(event.content, "title", "") or "")
            scores = event.scores
            if event.exercise_kind == "instrument" and not scores and event.content is not None:
                from .xapi import questionnaire_scores  # the store scores these itself

                scores = questionnaire_scores(event.content, event.answers)
            made.append(
                b.completed(cohort, handle, aid, event.exercise_kind, title, event.answers, scores)
            )
        return made


def _new_steps(
    scenario: Any, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, int, str | None]]:
    """The scenario steps in ``after``'s path that ``before``'s path did not have yet."""
    old, new = list(before.get("path") or []), list(after.get("path") or [])
    start = len(old) if new[: len(old)] == old else 0
    steps, node_id = [], scenario.start
    for position, index in enumerate(new):
        choices = scenario.nodes[node_id].choices
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(choices):
            break
        if position >= start:
            steps.append((node_id, index, choices[index].tag))
        node_id = choices[index].next
    return steps
