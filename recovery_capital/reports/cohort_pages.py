"""The cohort evaluation as HTML: the trainer's full report and the commissioner's summary.

:func:`evaluation_html` is for the cohort's trainer and lists trainees by handle;
:func:`summary_html` takes a :class:`~.evaluation.CohortSummary`, which holds no handles, so
what it renders cannot name anyone.
"""

from __future__ import annotations

from datetime import datetime

from ..charts.drawing import Chart, bars
from ..documents.html import fmt_date, fmt_percent, page, paragraph, section, table
from .cohort_tables import (
    MODULE_HEADERS,
    PREPOST_HEADERS,
    QUESTION_HEADERS,
    TRAINEE_HEADERS,
    module_rows,
    prepost_notes,
    prepost_rows,
    question_rows,
    trainee_rows,
)
from .completion import summary_sentences
from .evaluation import CohortEvaluation, CohortSummary, ModuleLine
from .figures import first_latest_bars
from .prepost import PrePostChange

__all__ = [
    "METHOD_NOTE",
    "SELFCHECK_NOTE",
    "completion_chart",
    "evaluation_html",
    "evaluation_sections",
    "prepost_chart",
    "summary_html",
]

METHOD_NOTE = (
    "Change is each person's end score minus their start score, for people who answered both. "
    "The 95% confidence interval of the mean change uses the t distribution with one fewer "
    "degree of freedom than there are pairs; the effect size d_z is the mean change divided by "
    "the standard deviation of the changes (Cohen's d for paired scores)."
)
SELFCHECK_NOTE = (
    "The self-check is the course's own reflective tool. It has not been validated, so read "
    "these figures as a picture of how confident the group felt, not as a measured outcome."
)


def completion_chart(lines: list[ModuleLine]) -> Chart:
    """Bars: the share of trainees who completed each module."""
    values = {line.label.split(":")[0]: line.percent for line in lines}
    return bars(
        values,
        vmin=0,
        vmax=100,
        title="Trainees who completed each module",
        value_label="% of trainees",
    )


def prepost_chart(prepost: PrePostChange) -> Chart | None:
    """Start and end means per self-check area, for areas with at least one pair."""
    rows = [
        (entry.label, entry.change.mean_before, entry.change.mean_after, entry.low, entry.high)
        for entry in prepost.scales
        if entry.change.n and entry.low == entry.low
    ]
    if not rows:
        return None
    return first_latest_bars(
        rows,
        title="Self-check: mean at the start and at the end",
        first_label="Start of course",
        latest_label="End of course",
        ticks=("Start", "End"),
    )


def _overview(
    participants: int, completed_all: int, first: datetime | None, last: datetime | None
) -> str:
    share = fmt_percent(100 * completed_all / participants) if participants else "–"
    return table(
        None,
        [
            ["Trainees who joined", str(participants)],
            ["Completed every module", f"{completed_all} ({share})"],
            ["First and last activity", f"{fmt_date(first)} to {fmt_date(last)}"],
        ],
        numeric=(1,),
    )


def _module_lines(evaluation: CohortEvaluation) -> list[ModuleLine]:
    return [
        ModuleLine(m.module.label, len(m.module.activities), m.module.hours, m.completed, m.percent)
        for m in evaluation.completion.modules
    ]


def _prepost_section(prepost: PrePostChange | None, notes: list[str]) -> str:
    if prepost is None:
        return section(
            "Self-check at the start and the end",
            *[paragraph(n, "note") for n in notes]
            or [paragraph("The self-check could not be compared.", "note")],
        )
    chart = prepost_chart(prepost)
    counts = paragraph(
        f"{prepost.started} trainees took the self-check at the start, {prepost.finished} at "
        f"the end; {prepost.paired} took both and are compared here. Each area runs from 1 "
        "(strongly disagree) to 5 (strongly agree)."
    )
    return section(
        "Self-check at the start and the end",
        counts,
        table(PREPOST_HEADERS, prepost_rows(prepost), numeric=range(1, 8)),
        *[paragraph(note, "note") for note in prepost_notes(prepost)],
        f"<figure>{chart.to_html()}</figure>" if chart else "",
        paragraph(METHOD_NOTE, "quiet"),
        paragraph(SELFCHECK_NOTE, "quiet"),
    )


def evaluation_html(evaluation: CohortEvaluation) -> str:
    """The trainer's report: everything in the summary plus per-activity and per-trainee detail."""
    return page(
        f"Training evaluation: {evaluation.cohort_name}",
        evaluation_sections(evaluation),
        subtitle=f"Cohort {evaluation.code}. Made on {fmt_date(evaluation.generated)}.",
    )


def evaluation_sections(evaluation: CohortEvaluation) -> str:
    """The body of :func:`evaluation_html`, for showing inside a notebook."""
    lines = _module_lines(evaluation)
    activity_rows = [
        [m.module.label.split(":")[0], activity, str(count)]
        for m in evaluation.completion.modules
        for activity, count in m.submitted_per_activity
    ]
    body = "".join(
        [
            paragraph(
                "This report names trainees by their handle, so it is for the cohort's trainer "
                "only. For a version without names, use the commissioner summary.",
                "note",
            ),
            section(
                "Overview",
                _overview(
                    evaluation.participants,
                    evaluation.completion.completed_all,
                    evaluation.first_activity,
                    evaluation.last_activity,
                ),
            ),
            section(
                "Completion per module",
                paragraph(
                    "A module counts as complete when a trainee has submitted every activity "
                    "in it. Hours are the planned time of each module."
                ),
                table(MODULE_HEADERS, module_rows(lines), numeric=(1, 2, 3, 4)),
                f"<figure>{completion_chart(lines).to_html()}</figure>" if lines else "",
                "<details><summary>Submissions per activity</summary>",
                table(
                    ["Module", "Activity", "Trainees who submitted"], activity_rows, numeric=(2,)
                ),
                "</details>",
            ),
            section(
                "Trainees",
                table(TRAINEE_HEADERS, trainee_rows(evaluation.completion), numeric=(3,)),
            ),
            section(
                "Knowledge checks: hardest questions first",
                paragraph(
                    "Each trainee's latest answers count; 'right' means exactly the options "
                    "the course suggests."
                ),
                table(QUESTION_HEADERS, question_rows(evaluation.questions), numeric=(2, 3, 4))
                if evaluation.questions
                else paragraph("No knowledge checks have been answered yet."),
            ),
            _prepost_section(evaluation.prepost, list(evaluation.notes)),
            "".join(paragraph(note, "quiet") for note in evaluation.notes),
        ]
    )
    return body


def summary_html(summary: CohortSummary) -> str:
    """The one-page commissioner summary (no handles: it is built from a CohortSummary)."""
    lines = list(summary.modules)
    body = "".join(
        [
            *(
                paragraph(line)
                for line in summary_sentences(
                    summary.participants,
                    summary.completed_all,
                    summary.course_hours,
                    summary.programme,
                )
            ),
            section(
                "Overview",
                _overview(
                    summary.participants,
                    summary.completed_all,
                    summary.first_activity,
                    summary.last_activity,
                ),
            ),
            section(
                "Completion per module",
                table(MODULE_HEADERS, module_rows(lines), numeric=(1, 2, 3, 4)),
                f"<figure>{completion_chart(lines).to_html()}</figure>" if lines else "",
            ),
            section(
                "Questions the group found hardest",
                table(QUESTION_HEADERS, question_rows(summary.hardest), numeric=(2, 3, 4))
                if summary.hardest
                else paragraph("No knowledge checks have been answered yet."),
            ),
            _prepost_section(summary.prepost, list(summary.notes)),
            paragraph(
                "Figures are for the group as a whole; no trainee is named in this summary.",
                "quiet",
            ),
        ]
    )
    return page(
        f"Training summary: {summary.cohort_name}",
        body,
        subtitle=f"Made on {fmt_date(summary.generated)}.",
    )
