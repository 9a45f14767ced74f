"""Module completion: who has submitted every activity a module asks for, and their hours.

>>> import pandas as pd
>>> from pathlib import Path
>>> from .course_map import CourseModule
>>> modules = [CourseModule(1, Path("01.ipynb"), "Stigma", ("m1-a", "m1-b"), 45, False),
...            CourseModule(2, Path("02.ipynb"), "Capital", ("m2-a",), 60, True)]
>>> rows = pd.DataFrame({"handle": ["fox", "fox", "fox", "owl"],
...                      "activity_id": ["m1-a", "m1-b", "m2-a", "m1-a"],
...                      "time": pd.to_datetime(["2027-03-01", "2027-03-01", "2027-03-02",
...                                              "2027-03-01"], utc=True)})
>>> summary = module_completion(modules, rows, ["fox", "owl", "wren"])
>>> [(m.module.number, m.completed, round(m.percent, 1)) for m in summary.modules]
[(1, 1, 33.3), (2, 1, 33.3)]
>>> fox = summary.trainee("fox")
>>> fox.completed_modules, fox.hours, fox.complete
((1, 2), 1.75, True)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from .course_map import CourseModule

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "CompletionSummary", "ModuleCompletion", "ProgrammeFigures", "TraineeCompletion",
    "TraineeProgramme", "module_completion", "programme_figures", "summary_sentences",
]  # fmt: skip


@dataclass(frozen=True)
class ModuleCompletion:
    """How many of the cohort's trainees completed one module, and per activity."""

    module: CourseModule
    completed: int
    participants: int
    submitted_per_activity: tuple[tuple[str, int], ...]

    @property
    def percent(self) -> float | None:
        """Completed as a percentage of everyone who joined (None for an empty cohort)."""
        return 100 * self.completed / self.participants if self.participants else None


@dataclass(frozen=True)
class TraineeCompletion:
    """One trainee: modules complete, modules still open, hours, and when they finished."""

    handle: str
    completed_modules: tuple[int, ...]
    open_modules: tuple[int, ...]
    minutes: int
    finished: datetime | None  # time of the submission that completed the last module

    @property
    def hours(self) -> float:
        """Hours of the modules completed."""
        return self.minutes / 60

    @property
    def complete(self) -> bool:
        """Whether every tracked module is complete."""
        return not self.open_modules and bool(self.completed_modules)


@dataclass(frozen=True)
class CompletionSummary:
    """Completion per module (no handles) and per trainee (handles: trainer views only)."""

    modules: tuple[ModuleCompletion, ...]
    trainees: tuple[TraineeCompletion, ...]
    untracked: tuple[CourseModule, ...]  # modules that ask for no submission

    def trainee(self, handle: str) -> TraineeCompletion:
        """The completion of one trainee (handles match in any letter case)."""
        wanted = handle.casefold()
        for trainee in self.trainees:
            if trainee.handle.casefold() == wanted:
                return trainee
        from .errors import ReportError

        raise ReportError(f"Nobody with the handle {handle!r} has joined this cohort.")

    @property
    def completed_all(self) -> int:
        """How many trainees completed every tracked module."""
        return sum(trainee.complete for trainee in self.trainees)


def module_completion(
    modules: Sequence[CourseModule], submissions: pd.DataFrame, participants: Sequence[str]
) -> CompletionSummary:
    """Who completed which module, from the cohort's submissions.

    ``submissions`` holds at least ``handle``, ``activity_id`` and ``time`` (drafts excluded);
    ``participants`` is everyone who joined, the denominator of every percentage.
    """
    tracked = [module for module in modules if module.activities]
    first_done: dict[str, dict[str, datetime]] = {}
    for handle, activity, when in zip(
        submissions["handle"], submissions["activity_id"], submissions["time"]
    ):
        done = first_done.setdefault(str(handle).casefold(), {})
        if activity not in done or when < done[activity]:
            done[activity] = when
    trainees = []
    for handle in participants:
        done = first_done.get(handle.casefold(), {})
        completed, still_open, minutes, finished = [], [], 0, None
        for module in tracked:
            if all(activity in done for activity in module.activities):
                completed.append(module.number)
                minutes += module.minutes
                moment = max(done[activity] for activity in module.activities)
                finished = moment if finished is None else max(finished, moment)
            else:
                still_open.append(module.number)
        trainees.append(
            TraineeCompletion(handle, tuple(completed), tuple(still_open), minutes, finished)
        )
    per_module = []
    for module in tracked:
        per_activity = tuple(
            (activity, sum(activity in done for done in first_done.values()))
            for activity in module.activities
        )
        completed = sum(module.number in t.completed_modules for t in trainees)
        per_module.append(ModuleCompletion(module, completed, len(participants), per_activity))
    untracked = tuple(module for module in modules if not module.activities)
    return CompletionSummary(tuple(per_module), tuple(trainees), untracked)


# --- the programme: attendance, practice log, follow-ups ------------------------------------


@dataclass(frozen=True)
class TraineeProgramme:
    """What one trainee did of the programme besides the modules."""

    handle: str
    sessions_attended: int
    minutes_attended: int
    log_entries: int
    follow_ups: tuple[int, ...]  # weeks of the follow-up reviews they submitted
    sets_attended: int = 0  # online set meetings the trainer marked them at

    @property
    def hours_attended(self) -> float:
        return self.minutes_attended / 60


@dataclass(frozen=True)
class ProgrammeFigures:
    """The programme as planned (days, contact hours, set meetings, follow-ups) and what the
    cohort really did: sessions attended as the trainer marked them, practice-log entries
    (counted, never read) and follow-up reviews submitted."""

    days: int
    contact_hours: float
    sessions: int  # sessions that take attendance (breaks and lunch do not)
    set_meetings: int
    set_minutes: int
    follow_up_weeks: tuple[int, ...]
    attendance_recorded: bool
    trainees: tuple[TraineeProgramme, ...]

    def without_handles(self) -> ProgrammeFigures:
        """The same figures with every handle blanked (for the commissioner summary)."""
        return replace(self, trainees=tuple(replace(t, handle="") for t in self.trainees))

    def trainee(self, handle: str) -> TraineeProgramme | None:
        wanted = handle.casefold()
        return next((t for t in self.trainees if t.handle.casefold() == wanted), None)

    def follow_ups_done(self, weeks: int) -> int:
        """How many trainees submitted the follow-up review at ``weeks``."""
        return sum(weeks in t.follow_ups for t in self.trainees)

    @property
    def log_entries(self) -> int:
        return sum(t.log_entries for t in self.trainees)

    @property
    def trainees_logging(self) -> int:
        return sum(t.log_entries > 0 for t in self.trainees)

    @property
    def mean_attendance(self) -> float | None:
        """Mean share of sessions attended, as a percentage (None when nothing was marked)."""
        if not self.attendance_recorded or not self.trainees or not self.sessions:
            return None
        shares = [t.sessions_attended / self.sessions for t in self.trainees]
        return 100 * sum(shares) / len(shares)

    def describe(self) -> str:
        """The programme in one sentence, as reports and the certificate say it.

        >>> import textwrap
        >>> print(textwrap.fill(ProgrammeFigures(5, 30.0, 40, 5, 450, (6, 12), False, ()
        ...                                      ).describe(), 80))
        a five-day programme of 30 contact hours, with 5 online action-learning set
        meetings (7.5 hours) and follow-ups at 6 and 12 weeks
        """
        words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
        text = (f"a {words.get(self.days, str(self.days))}-day programme of "
                f"{self.contact_hours:g} contact hours")  # fmt: skip
        if self.set_meetings:
            noun = "meeting" if self.set_meetings == 1 else "meetings"
            text += (f", with {self.set_meetings} online action-learning set {noun} "
                     f"({self.set_minutes / 60:g} hours)")  # fmt: skip
        if self.follow_up_weeks:
            weeks = [str(w) for w in self.follow_up_weeks]
            joined = weeks[0] if len(weeks) == 1 else ", ".join(weeks[:-1]) + " and " + weeks[-1]
            text += f" and follow-ups at {joined} weeks"
        return text


def programme_figures(
    store: object,
    code: str,
    course_dir: str | os.PathLike[str] | None,
    participants: Sequence[str],
    submissions: pd.DataFrame,
) -> ProgrammeFigures | None:
    """The programme figures of cohort ``code`` (None when the course has no programme).

    >>> import pandas as pd
    >>> from recovery_capital.store import Store
    >>> from .course_map import REPOSITORY_COURSE
    >>> store = Store("sqlite://"); code = store.create_cohort("C").code
    >>> _ = store.join(code, "fox"); _ = store.join(code, "owl")
    >>> _ = store.mark_attendance(code, "d1-welcome", ["fox"])
    >>> _ = store.add_log_entry(code, "fox", "day1", {"tried": "a ruler"})
    >>> rows = pd.DataFrame({"handle": ["fox"], "activity_id": ["followup-6-review"]})
    >>> figures = programme_figures(store, code, REPOSITORY_COURSE, ["fox", "owl"], rows)
    >>> fox = figures.trainee("fox")
    >>> fox.sessions_attended, fox.minutes_attended, fox.log_entries, fox.follow_ups
    (1, 30, 1, (6,))
    >>> figures.follow_ups_done(6), figures.follow_ups_done(12), figures.contact_hours
    (1, 0, 30.0)
    """
    from ..core.errors import DefinitionError
    from ..programme.load import load_programme

    if course_dir is None:
        from ..content.model import course_dir as find_course_dir

        course_dir = find_course_dir()
    try:
        programme = load_programme(course_dir)
    except DefinitionError:
        return None
    register = programme.register()
    sessions = {line.id: line for line in register if line.part == "day"}
    meetings = {line.id for line in register if line.part == "set"}
    attendance = store.attendance(code)  # type: ignore[attr-defined]
    counts = store.log_counts(code)  # type: ignore[attr-defined]
    reviews: dict[str, set[int]] = {}
    weeks = {f"followup-{f.weeks}-review": f.weeks for f in programme.follow_ups}
    for handle, activity in zip(submissions["handle"], submissions["activity_id"]):
        if activity in weeks:
            reviews.setdefault(str(handle).casefold(), set()).add(weeks[activity])
    trainees = []
    for handle in participants:
        attended = [s for s, who in attendance.items() if s in sessions and handle in who]
        sets = sum(handle in who for s, who in attendance.items() if s in meetings)
        trainees.append(TraineeProgramme(
            handle, len(attended), sum(sessions[s].minutes for s in attended),
            counts.get(handle, 0), tuple(sorted(reviews.get(handle.casefold(), ()))), sets,
        ))  # fmt: skip
    plan = programme.action_learning
    return ProgrammeFigures(
        days=len(programme.days),
        contact_hours=programme.contact_hours,
        sessions=len(sessions),
        set_meetings=len(plan.meetings) if plan else 0,
        set_minutes=programme.set_minutes,
        follow_up_weeks=tuple(f.weeks for f in programme.follow_ups),
        attendance_recorded=any(s in sessions for s in attendance),
        trainees=tuple(trainees),
    )


def summary_sentences(
    participants: int, completed_all: int, module_hours: float, figures: ProgrammeFigures | None
) -> list[str]:
    """What the commissioner summary says about completion and the programme, in sentences.

    >>> figures = ProgrammeFigures(5, 30.0, 2, 5, 450, (6,), True, (
    ...     TraineeProgramme("", 2, 60, 3, (6,)), TraineeProgramme("", 1, 30, 0, ())))
    >>> import textwrap
    >>> for line in summary_sentences(2, 1, 6.0, figures):
    ...     print(textwrap.fill(line, 90))
    2 trainees joined and 1 (50%) completed every module (6 hours of module work).
    The course is a five-day programme of 30 contact hours, with 5 online action-learning set
    meetings (7.5 hours) and follow-ups at 6 weeks.
    On average trainees attended 75% of the 2 sessions, as the trainer marked them.
    1 trainee wrote 3 practice-log entries between sessions.
    Follow-up reviews submitted: 1 at 6 weeks.
    """
    hours = f"{module_hours:g}"
    share = f" ({100 * completed_all / participants:.0f}%)" if participants else ""
    lines = [
        f"{participants} trainee{'s' * (participants != 1)} joined and {completed_all}{share} "
        f"completed every module ({hours} hour{'s' * (hours != '1')} of module work)."
    ]
    if figures is None:
        return lines
    lines.append(f"The course is {figures.describe()}.")
    mean = figures.mean_attendance
    if mean is None:
        lines.append("Attendance at the sessions has not been marked yet.")
    else:
        lines.append(
            f"On average trainees attended {mean:.0f}% of the {figures.sessions} "
            "sessions, as the trainer marked them."
        )
    writers = figures.trainees_logging
    lines.append(
        f"{writers} trainee{'s' * (writers != 1)} wrote {figures.log_entries} "
        "practice-log entries between sessions."
    )
    if figures.follow_up_weeks:
        done = ", ".join(
            f"{figures.follow_ups_done(w)} at {w} weeks" for w in figures.follow_up_weeks
        )
        lines.append(f"Follow-up reviews submitted: {done}.")
    return lines
