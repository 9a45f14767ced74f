"""The rows of the cohort tables, formatted once so the HTML and the PDF show the same figures.

>>> from .stats import paired_change
>>> from .prepost import PrePostChange, ScaleChange
>>> change = PrePostChange("Self-check", 3, 3, 3, (ScaleChange(
...     "role", "Role", 1, 5, paired_change([2, 3, 3], [3, 4, 5])),))
>>> prepost_rows(change)
[['Role', '3', '2.67', '4.00', '+1.33', '0.58', '−0.10 to 2.77', '+2.31']]
"""

from __future__ import annotations

from collections.abc import Sequence

from ..documents.html import fmt, fmt_date, fmt_percent, fmt_signed
from .completion import CompletionSummary, ModuleCompletion
from .evaluation import ModuleLine
from .knowledge import QuestionResult
from .prepost import PrePostChange

__all__ = [
    "MODULE_HEADERS",
    "PREPOST_HEADERS",
    "QUESTION_HEADERS",
    "TRAINEE_HEADERS",
    "interval",
    "module_rows",
    "prepost_notes",
    "prepost_rows",
    "question_rows",
    "trainee_rows",
]

MODULE_HEADERS = ["Module", "Activities", "Hours", "Completed", "% of trainees"]
QUESTION_HEADERS = ["Knowledge check", "Question", "Answered", "Right", "% right"]
PREPOST_HEADERS = [
    "Area",
    "Pairs",
    "Start mean",
    "End mean",
    "Mean change",
    "SD of change",
    "95% CI of change",
    "Effect size d_z",
]
TRAINEE_HEADERS = ["Handle", "Modules complete", "Still to do", "Hours", "Finished"]


def interval(low: float | None, high: float | None) -> str:
    """A confidence interval as text.

    >>> interval(-0.1, 2.5), interval(None, None)
    ('−0.10 to 2.50', '–')
    """
    if low is None or high is None:
        return "–"
    return f"{_bound(low)} to {_bound(high)}"


def _bound(value: float) -> str:
    return fmt_signed(value) if value < 0 else fmt(value)


def module_rows(lines: Sequence[ModuleLine | ModuleCompletion]) -> list[list[str]]:
    """Module, number of activities, hours, how many completed and the share of trainees."""
    rows = []
    for line in lines:
        if isinstance(line, ModuleCompletion):
            line = ModuleLine(
                line.module.label,
                len(line.module.activities),
                line.module.hours,
                line.completed,
                line.percent,
            )
        rows.append(
            [
                line.label,
                str(line.activities),
                fmt(line.hours, trim=True),
                str(line.completed),
                fmt_percent(line.percent),
            ]
        )
    return rows


def question_rows(questions: Sequence[QuestionResult]) -> list[list[str]]:
    """Quiz, question, answered, right and % right (hardest first, as given)."""
    return [
        [
            q.quiz_title,
            f"{q.number}. {q.prompt}",
            str(q.answered),
            str(q.right),
            fmt_percent(q.percent_right),
        ]
        for q in questions
    ]


def prepost_rows(prepost: PrePostChange) -> list[list[str]]:
    """One row per self-check area: pairs, means, change, its SD, interval and d_z."""
    rows = []
    for entry in prepost.scales:
        change = entry.change
        rows.append(
            [
                entry.label,
                str(change.n),
                fmt(change.mean_before),
                fmt(change.mean_after),
                fmt_signed(change.mean_difference),
                fmt(change.sd_difference),
                interval(change.ci_low, change.ci_high),
                fmt_signed(change.cohens_dz),
            ]
        )
    return rows


def prepost_notes(prepost: PrePostChange) -> list[str]:
    """Why any figure in the self-check table is missing, each reason once."""
    return list(dict.fromkeys(e.change.note for e in prepost.scales if e.change.note))


def trainee_rows(completion: CompletionSummary) -> list[list[str]]:
    """Per trainee (handles: for the cohort's trainer only)."""
    return [
        [
            t.handle,
            ", ".join(str(n) for n in t.completed_modules) or "none",
            ", ".join(str(n) for n in t.open_modules) or "none",
            fmt(t.hours, trim=True),
            fmt_date(t.finished) if t.complete else "–",
        ]
        for t in completion.trainees
    ]
