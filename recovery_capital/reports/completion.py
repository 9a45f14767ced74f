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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from .course_map import CourseModule

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CompletionSummary", "ModuleCompletion", "TraineeCompletion", "module_completion"]


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
        trainees.append(TraineeCompletion(
            handle, tuple(completed), tuple(still_open), minutes, finished
        ))
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
