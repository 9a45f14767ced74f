"""The cohort training evaluation: completion, knowledge checks and the self-check change.

:func:`evaluate_cohort` gathers everything a trainer reviews after a course; it needs
:class:`~recovery_capital.store.access.TrainerAccess` because its per-trainee completion
table names handles. :func:`commissioner_summary` keeps only the cohort-level figures, with
no handle anywhere in it, for a training lead to send on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

from ..core.errors import DefinitionError, UnknownInstrument
from ..scoring.definitions import load_instrument
from ..store.access import TrainerAccess
from .completion import CompletionSummary, ProgrammeFigures, module_completion, programme_figures
from .course_map import course_modules
from .knowledge import QuestionResult, course_quizzes, question_results
from .prepost import SELFCHECK, PrePostChange, pre_post_change

__all__ = [
    "HARDEST_SHOWN",
    "CohortEvaluation",
    "CohortSummary",
    "ModuleLine",
    "commissioner_summary",
    "evaluate_cohort",
]

#: How many of the hardest questions the commissioner summary lists.
HARDEST_SHOWN = 5


@dataclass(frozen=True)
class CohortEvaluation:
    """Everything the trainer report shows (per-trainee rows carry handles)."""

    code: str
    cohort_name: str
    generated: datetime
    participants: int
    first_activity: datetime | None
    last_activity: datetime | None
    completion: CompletionSummary
    questions: tuple[QuestionResult, ...]
    prepost: PrePostChange | None
    notes: tuple[str, ...]
    programme: ProgrammeFigures | None = None  # attendance, practice log, follow-ups


@dataclass(frozen=True)
class ModuleLine:
    """One module in the commissioner summary."""

    label: str
    activities: int
    hours: float
    completed: int
    percent: float | None


@dataclass(frozen=True)
class CohortSummary:
    """The one-page summary for a commissioner: cohort-level figures only, never a handle."""

    cohort_name: str
    generated: datetime
    participants: int
    first_activity: datetime | None
    last_activity: datetime | None
    completed_all: int
    course_hours: float
    modules: tuple[ModuleLine, ...]
    hardest: tuple[QuestionResult, ...]
    prepost: PrePostChange | None
    notes: tuple[str, ...]
    programme: ProgrammeFigures | None = None  # handles blanked: cohort figures only


def evaluate_cohort(
    access: TrainerAccess, course_dir: str | os.PathLike[str] | None = None
) -> CohortEvaluation:
    """Evaluate one cohort against the course in ``course_dir`` (default: the course folder
    the content loader finds)."""
    import pandas as pd

    store, code = access.store, access.code
    participants = store.participants(code)
    submissions = store.responses(code)
    modules = course_modules(course_dir)
    notes: list[str] = []
    completion = module_completion(modules, submissions, participants)
    for module in completion.untracked:
        notes.append(f"{module.label} asks for no submissions, so its completion isn't tracked.")
    questions = question_results(course_quizzes(course_dir), submissions)
    try:
        selfcheck = load_instrument(SELFCHECK, course_dir=course_dir or _course_dir())
    except (UnknownInstrument, DefinitionError) as exc:
        prepost = None
        notes.append(f"The start and end self-check could not be compared: {exc}")
    else:
        prepost = pre_post_change(submissions, selfcheck)
    times = submissions["time"] if len(submissions) else pd.Series([], dtype=object)
    return CohortEvaluation(
        code=code,
        cohort_name=access.cohort_name,
        generated=datetime.now(timezone.utc),
        participants=len(participants),
        first_activity=times.min().to_pydatetime() if len(times) else None,
        last_activity=times.max().to_pydatetime() if len(times) else None,
        completion=completion,
        questions=tuple(questions),
        prepost=prepost,
        notes=tuple(notes),
        programme=programme_figures(store, code, course_dir, participants, submissions),
    )


def _course_dir() -> str:
    from ..content.model import course_dir

    return str(course_dir())


def commissioner_summary(evaluation: CohortEvaluation) -> CohortSummary:
    """The cohort-level part of an evaluation, with every handle left behind.

    >>> from datetime import datetime, timezone
    >>> from .completion import CompletionSummary
    >>> empty = CohortEvaluation("K7P2Q", "Spring", datetime(2027, 3, 1, tzinfo=timezone.utc),
    ...                          0, None, None, CompletionSummary((), (), ()), (), None, ())
    >>> commissioner_summary(empty).participants
    0
    """
    modules = tuple(
        ModuleLine(
            label=entry.module.label,
            activities=len(entry.module.activities),
            hours=entry.module.hours,
            completed=entry.completed,
            percent=entry.percent,
        )
        for entry in evaluation.completion.modules
    )
    answered = [q for q in evaluation.questions if q.answered]
    return CohortSummary(
        cohort_name=evaluation.cohort_name,
        generated=evaluation.generated,
        participants=evaluation.participants,
        first_activity=evaluation.first_activity,
        last_activity=evaluation.last_activity,
        completed_all=evaluation.completion.completed_all,
        course_hours=sum(line.hours for line in modules),
        modules=modules,
        hardest=tuple(answered[:HARDEST_SHOWN]),
        prepost=evaluation.prepost,
        notes=evaluation.notes,
        programme=evaluation.programme.without_handles() if evaluation.programme else None,
    )
