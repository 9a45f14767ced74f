"""The programme's YAML, validated on load: days of timed sessions, the action-learning set
meetings after each day, follow-ups, and the course's own live activities, handouts and
guidance notes.

Timing problems (a session that overlaps the one before, ends after its day, or ends before
it starts) are found after the shape is right, each with its path so ``check`` can give the
line.

>>> programme = parse_programme({
...     "title": "Five days", "days": [{"id": "day1", "title": "Day 1", "start": "09:30",
...     "end": "12:00", "sessions": [
...         {"id": "d1-a", "start": "09:30", "end": "10:30", "kind": "input", "title": "Hello"},
...         {"id": "d1-b", "start": "10:30", "end": "10:45", "kind": "break", "title": "Tea"},
...         {"id": "d1-c", "start": "10:45", "end": "12:00", "kind": "practice",
...          "title": "Pairs"}]}]})
>>> programme.days[0].sessions[2].minutes, programme.contact_hours
(75, 2.5)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from ..core.errors import DefinitionError
from ..core.problems import model_problems

__all__ = [
    "SESSION_KINDS",
    "ActionLearning",
    "Day",
    "FollowUp",
    "Guidance",
    "Handout",
    "LiveActivity",
    "Programme",
    "ProgrammeFiles",
    "RegisterLine",
    "Session",
    "SetMeeting",
    "clock",
    "parse_programme",
    "parse_programme_file",
    "timing_problems",
]

#: What a session is, as the timetable and guide name it.
SESSION_KINDS = {
    "input": "Input",
    "self_study": "Module self-study",
    "live_exercise": "Live poll or exercise",
    "practice": "Pair or triad practice",
    "case_discussion": "Case discussion",
    "action_learning": "Action-learning set",
    "reflection": "Reflection",
    "break": "Break",
    "lunch": "Lunch",
}
#: Kinds that are not contact time (the day's contact hours leave them out).
NOT_CONTACT = {"lunch"}

_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_ID = r"^[a-z0-9][a-z0-9-]*$"
_NOTEBOOK = r"^[A-Za-z0-9][A-Za-z0-9._/-]*\.ipynb$"


def clock(value: str) -> int:
    """Minutes after midnight of a ``HH:MM`` time (24-hour clock).

    >>> clock("09:30"), clock("16:00")
    (570, 960)
    """
    match = _CLOCK.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a time like 09:30 (24-hour clock, HH:MM)")
    return int(match.group(1)) * 60 + int(match.group(2))


def _time(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 09:30 as a base-60 number (570): turn it back.
        value = f"{value // 60:02d}:{value % 60:02d}"
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time like 09:30")
    clock(value.strip())
    return value.strip()


Clock = Annotated[Any, AfterValidator(_time)]
Id = Annotated[str, StringConstraints(pattern=_ID)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Notebook = Annotated[str, StringConstraints(pattern=_NOTEBOOK)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Session(_Frozen):
    """One timed session of a day.

    ``modules`` are notebooks in ``modules/``; ``activities`` are exercise activity ids from
    those notebooks or ids of live activities. ``say``, ``ask`` and ``watch_for`` are the
    trainer's prompts; ``care`` names guidance notes (safeguarding, self-care) the session needs.
    """

    id: Id
    start: Clock
    end: Clock
    kind: Literal[tuple(SESSION_KINDS)]  # type: ignore[valid-type]
    title: Text
    modules: tuple[Notebook, ...] = ()
    activities: tuple[Id, ...] = ()
    outcomes: tuple[Text, ...] = ()
    materials: tuple[Text, ...] = ()
    say: tuple[Text, ...] = ()
    ask: tuple[Text, ...] = ()
    watch_for: tuple[Text, ...] = ()
    notes: str = ""
    care: tuple[Id, ...] = ()

    @property
    def minutes(self) -> int:
        """How long the session lasts."""
        return clock(self.end) - clock(self.start)

    @property
    def contact(self) -> bool:
        """Whether the session counts as contact time (everything but lunch)."""
        return self.kind not in NOT_CONTACT

    @property
    def kind_label(self) -> str:
        return SESSION_KINDS[self.kind]


class Day(_Frozen):
    """One training day: its theme, hours, outcomes and sessions in time order."""

    id: Id
    title: Text
    theme: str = ""
    start: Clock
    end: Clock
    outcomes: tuple[Text, ...] = ()
    sessions: tuple[Session, ...] = Field(min_length=1)

    @property
    def contact_minutes(self) -> int:
        """Minutes of contact time: every session but lunch, breaks included."""
        return sum(s.minutes for s in self.sessions if s.contact)


class SetMeeting(_Frozen):
    """One online action-learning set meeting, held after a training day."""

    id: Id
    after: Id
    title: Text
    minutes: int = Field(90, ge=30, le=180)
    focus: Text
    between_task: Text
    practice_skills: tuple[Text, ...] = ()


class ActionLearning(_Frozen):
    """How the cohort learns in sets between days: set sizes and the meetings."""

    set_size: tuple[int, int] = (5, 7)
    protocol: Id = "set-protocol"
    meetings: tuple[SetMeeting, ...] = Field(min_length=1)


class FollowUp(_Frozen):
    """A follow-up session some weeks after the last day."""

    id: Id
    weeks: int = Field(ge=1, le=104)
    title: Text
    minutes: int = Field(90, ge=30, le=240)
    plan: tuple[Text, ...] = Field(min_length=1)
    activities: tuple[Id, ...] = ()


@dataclass(frozen=True)
class RegisterLine:
    """One thing attendance is taken at: a day's session, a set meeting or a follow-up."""

    id: str
    title: str
    minutes: int
    part: Literal["day", "set", "follow-up"]


class Programme(_Frozen):
    """The whole programme: days, action learning, follow-ups and how outcomes map to
    professional frameworks (``frameworks``: outcome -> list of framework references)."""

    title: Text
    audience: str = ""
    cohort_size: int = Field(30, ge=1, le=200)
    days: tuple[Day, ...] = Field(min_length=1)
    action_learning: ActionLearning | None = None
    follow_ups: tuple[FollowUp, ...] = ()

    @property
    def contact_minutes(self) -> int:
        return sum(day.contact_minutes for day in self.days)

    @property
    def contact_hours(self) -> float:
        """Contact hours of every day together (breaks included, lunch not)."""
        return self.contact_minutes / 60

    @property
    def set_minutes(self) -> int:
        meetings = self.action_learning.meetings if self.action_learning else ()
        return sum(m.minutes for m in meetings)

    @property
    def follow_up_minutes(self) -> int:
        return sum(f.minutes for f in self.follow_ups)

    def session(self, session_id: str) -> Session | None:
        """The session with this id, if any."""
        for day in self.days:
            for session in day.sessions:
                if session.id == session_id:
                    return session
        return None

    def all_sessions(self) -> list[tuple[Day, Session]]:
        """Every (day, session) pair, in programme order."""
        return [(day, session) for day in self.days for session in day.sessions]

    def register(self) -> list[RegisterLine]:
        """Everything a trainer takes attendance at, in programme order: each day's sessions
        (not breaks or lunch), each set meeting after its day, then the follow-ups.

        >>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
        >>> from recovery_capital.programme.load import load_programme
        >>> lines = load_programme(REPOSITORY_COURSE).register()
        >>> [(line.part, line.id) for line in lines][7:10]
        [('day', 'd1-close'), ('set', 'set-1'), ('day', 'd2-check-in')]
        """
        meetings = self.action_learning.meetings if self.action_learning else ()
        lines = []
        for day in self.days:
            lines += [RegisterLine(s.id, s.title, s.minutes, "day") for s in day.sessions
                      if s.contact and s.kind != "break"]  # fmt: skip
            lines += [RegisterLine(m.id, m.title, m.minutes, "set") for m in meetings
                      if m.after == day.id]  # fmt: skip
        lines += [RegisterLine(f.id, f.title, f.minutes, "follow-up") for f in self.follow_ups]
        return lines


# --- the other programme files -----------------------------------------------------------


class LiveActivity(_Frozen):
    """A live activity the days need that no widget runs: an opener, a case discussion, a
    pair or triad practice. The guide prints its steps, debrief and answers."""

    id: Id
    title: Text
    kind: Literal["opener", "case_discussion", "practice", "exercise", "closing"]
    minutes: int = Field(ge=5, le=240)
    grouping: Text
    purpose: Text
    steps: tuple[Text, ...] = Field(min_length=1)
    debrief: tuple[Text, ...] = ()
    answers: tuple[Text, ...] = ()
    watch_for: tuple[Text, ...] = ()
    handout: Id | None = None


class HandoutSection(_Frozen):
    heading: Text
    points: tuple[Text, ...] = Field(min_length=1)


class Handout(_Frozen):
    """A printable page: a heading, a line saying what it is for, and sections of points."""

    id: Id
    title: Text
    intro: Text
    sections: tuple[HandoutSection, ...] = Field(min_length=1)
    source: str = ""


class Guidance(_Frozen):
    """A note for trainers and set facilitators (safeguarding, self-care, a real case, the
    set protocol): headed sections of points, optionally timed steps."""

    id: Id
    title: Text
    intro: Text
    sections: tuple[HandoutSection, ...] = Field(min_length=1)
    timings: tuple[tuple[int, Text], ...] = ()


class LogField(_Frozen):
    id: Id
    label: Text
    hint: Text


class PracticeLogPrompts(_Frozen):
    """What the practice log asks a trainee after each day: the fields of an entry and the
    skills of each day to choose from (``skills``: day id -> skills)."""

    id: Id
    title: Text
    intro: Text
    privacy: Text
    fields: tuple[LogField, ...] = Field(min_length=1)
    skills: dict[Id, tuple[Text, ...]]


class FollowUpReview(_Frozen):
    """The review at a follow-up: the questions asked beside the trainee's earlier plan."""

    id: Id
    title: Text
    intro: Text
    plan_activity: Id
    questions: tuple[LogField, ...] = Field(min_length=1)


class Framework(_Frozen):
    id: Id
    name: Text
    source: Text
    note: str = ""


class DayMapping(_Frozen):
    day: Id
    pcf: tuple[Text, ...] = Field(min_length=1)
    kss: tuple[Text, ...] = Field(min_length=1)
    nes: Text


class FrameworkMap(_Frozen):
    """How each day's learning outcomes map to professional frameworks (the guide prints it)."""

    id: Id
    title: Text
    intro: Text
    frameworks: tuple[Framework, ...] = Field(min_length=1)
    days: tuple[DayMapping, ...] = Field(min_length=1)


class ProgrammeFiles(_Frozen):
    """Everything under ``assets/programme/`` besides the programme itself."""

    live_activities: tuple[LiveActivity, ...] = ()
    handouts: tuple[Handout, ...] = ()
    guidance: tuple[Guidance, ...] = ()
    practice_log: tuple[PracticeLogPrompts, ...] = ()
    follow_up: tuple[FollowUpReview, ...] = ()
    frameworks: tuple[FrameworkMap, ...] = ()

    def live(self, activity_id: str) -> LiveActivity | None:
        return next((a for a in self.live_activities if a.id == activity_id), None)

    def handout(self, handout_id: str) -> Handout | None:
        return next((h for h in self.handouts if h.id == handout_id), None)

    def note(self, guidance_id: str) -> Guidance | None:
        return next((g for g in self.guidance if g.id == guidance_id), None)


FILE_KINDS: dict[str, tuple[type[_Frozen], str]] = {
    "live_activities": (LiveActivity, "live_activities"),
    "handout": (Handout, "handouts"),
    "guidance": (Guidance, "guidance"),
    "practice_log": (PracticeLogPrompts, "practice_log"),
    "follow_up": (FollowUpReview, "follow_up"),
    "framework_map": (FrameworkMap, "frameworks"),
}


# --- parsing ------------------------------------------------------------------------------


def _own_words(path: str, detail: Mapping[str, Any]) -> str | None:
    """The programme's own wording for a session kind that is not one of the known kinds."""
    if detail["type"] == "literal_error" and path.endswith(".kind"):
        return f"{detail.get('input')!r} is not a session kind ({detail['ctx']['expected']})"
    return None


def _problems(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    return model_problems(error, prefix=prefix, special=_own_words)


def timing_problems(programme: Programme, prefix: str = "") -> list[tuple[str, str]]:
    """Sessions that end before they start, overlap the one before, or fall outside their day;
    repeated ids; set meetings after a day that does not exist.

    >>> bad = Programme.model_validate({"title": "T", "days": [{"id": "d", "title": "D",
    ...     "start": "09:00", "end": "10:00", "sessions": [
    ...         {"id": "a", "start": "09:00", "end": "09:40", "kind": "input", "title": "A"},
    ...         {"id": "b", "start": "09:30", "end": "10:15", "kind": "input", "title": "B"}]}]})
    >>> for path, message in timing_problems(bad):
    ...     print(path, "|", message)
    days.0.sessions.1.start | starts at 09:30, before the session before it (a) ends at 09:40
    days.0.sessions.1.end | ends at 10:15, after the day ends at 10:00
    """
    found: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    day_ids = [day.id for day in programme.days]
    for d, day in enumerate(programme.days):
        where = f"{prefix}days.{d}"
        if clock(day.end) <= clock(day.start):
            found.append((f"{where}.end", f"the day ends at {day.end}, before it starts"))
        if day.id in day_ids[:d]:
            found.append((f"{where}.id", f"day id {day.id!r} is used twice"))
        previous = None
        for s, session in enumerate(day.sessions):
            at = f"{where}.sessions.{s}"
            if session.id in seen:
                found.append((f"{at}.id", f"session id {session.id!r} is also used in "
                              f"{seen[session.id]}"))  # fmt: skip
            seen.setdefault(session.id, day.id)
            if session.minutes <= 0:
                found.append((f"{at}.end", f"ends at {session.end}, not after it starts at "
                              f"{session.start}"))  # fmt: skip
            if clock(session.start) < clock(day.start):
                found.append((f"{at}.start", f"starts at {session.start}, before the day "
                              f"starts at {day.start}"))  # fmt: skip
            if previous is not None and clock(session.start) < clock(previous.end):
                found.append((f"{at}.start", f"starts at {session.start}, before the session "
                              f"before it ({previous.id}) ends at {previous.end}"))  # fmt: skip
            if clock(session.end) > clock(day.end):
                found.append((f"{at}.end", f"ends at {session.end}, after the day ends at "
                              f"{day.end}"))  # fmt: skip
            previous = session
    if programme.action_learning:
        low, high = programme.action_learning.set_size
        if not 2 <= low <= high:
            found.append(
                (
                    f"{prefix}action_learning.set_size",
                    "give the smallest and largest set size, smallest first, e.g. [5, 7]",
                )
            )
        for m, meeting in enumerate(programme.action_learning.meetings):
            if meeting.after not in day_ids:
                found.append(
                    (
                        f"{prefix}action_learning.meetings.{m}.after",
                        f"no day {meeting.after!r} (days: {', '.join(day_ids)})",
                    )
                )
    others = [
        (f"{prefix}action_learning.meetings.{m}.id", meeting.id)
        for m, meeting in enumerate(
            programme.action_learning.meetings if programme.action_learning else ()
        )
    ]
    others += [
        (f"{prefix}follow_ups.{f}.id", follow_up.id)
        for f, follow_up in enumerate(programme.follow_ups)
    ]
    for path, other in others:
        if other in seen:
            found.append((path, f"id {other!r} is also a session id; give it its own"))
        seen.setdefault(other, path)
    weeks = [f.weeks for f in programme.follow_ups]
    if weeks != sorted(weeks):
        found.append((f"{prefix}follow_ups", "list follow-ups in order of weeks"))
    return found


def parse_programme(data: Any, source: str = "programme", prefix: str = "") -> Programme:
    """Validate programme data (see the module example); raise
    :class:`~recovery_capital.core.errors.DefinitionError` naming every problem, each at its path
    (``prefix`` is put before each path: ``"programme."`` when it sits in ``course.yaml``)."""
    if not isinstance(data, dict):
        raise DefinitionError(source, [(prefix.rstrip("."), "expected a mapping with days")])
    try:
        programme = Programme.model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(source, _problems(exc, prefix)) from None
    problems = timing_problems(programme, prefix)
    if problems:
        raise DefinitionError(source, problems)
    return programme


def parse_programme_file(data: Any, source: str) -> tuple[str, tuple[_Frozen, ...]]:
    """Validate one of the other programme files by its ``kind``: ``live_activities`` (a list
    under ``activities``), ``handout`` or ``guidance``. Returns (field of
    :class:`ProgrammeFiles`, the items).

    >>> field, items = parse_programme_file({"kind": "handout", "id": "oars", "title": "OARS",
    ...     "intro": "A card.", "sections": [{"heading": "O", "points": ["Open questions"]}]},
    ...     "oars.yaml")
    >>> field, items[0].title
    ('handouts', 'OARS')
    """
    if not isinstance(data, dict) or data.get("kind") not in FILE_KINDS:
        known = ", ".join(FILE_KINDS)
        raise DefinitionError(source, [("kind", f"needs a kind: one of {known}")])
    model, field = FILE_KINDS[data["kind"]]
    body = {k: v for k, v in data.items() if k != "kind"}
    try:
        if data["kind"] == "live_activities":
            if set(body) != {"activities"} or not isinstance(body["activities"], list):
                raise DefinitionError(source, [("activities", "a list of live activities")])
            items = []
            problems: list[tuple[str, str]] = []
            for index, item in enumerate(body["activities"]):
                try:
                    items.append(model.model_validate(item))
                except ValidationError as exc:
                    problems += _problems(exc, f"activities.{index}.")
            if problems:
                raise DefinitionError(source, problems)
            return field, tuple(items)
        return field, (model.model_validate(body),)
    except ValidationError as exc:
        raise DefinitionError(source, _problems(exc)) from None
