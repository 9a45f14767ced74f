"""The commissioner summary as a one-page PDF (A4), from a handle-free CohortSummary."""

from __future__ import annotations

from ..documents.html import fmt_date
from ..documents.pdf import MUTED, ReportPDF
from .cohort_pages import METHOD_NOTE, SELFCHECK_NOTE
from .cohort_tables import (
    MODULE_HEADERS,
    PREPOST_HEADERS,
    QUESTION_HEADERS,
    module_rows,
    prepost_notes,
    prepost_rows,
    question_rows,
)
from .completion import summary_sentences
from .evaluation import CohortSummary

__all__ = ["summary_pdf", "summary_pdf_document"]


def summary_pdf_document(summary: CohortSummary) -> ReportPDF:
    """The laid-out PDF (its ``written`` list holds every string on the page)."""
    pdf = ReportPDF(
        f"Training summary: {summary.cohort_name}",
        footer=f"Training summary, made on {fmt_date(summary.generated)} with recovery-capital. "
        "No trainee is named in this summary.",
    )
    pdf.heading(f"Training summary: {summary.cohort_name}", 16, space_before=0)
    for line in summary_sentences(
        summary.participants,
        summary.completed_all,
        summary.course_hours,
        getattr(summary, "programme", None),
    ):
        pdf.paragraph(line, 10)
    pdf.paragraph(
        f"Activity ran from {fmt_date(summary.first_activity)} to "
        f"{fmt_date(summary.last_activity)}.",
        10,
    )
    pdf.heading("Completion per module", 11.5)
    pdf.table(
        MODULE_HEADERS,
        module_rows(list(summary.modules)),
        widths=(92, 20, 16, 22, 28),
        align=("L", "R", "R", "R", "R"),
    )
    pdf.heading("Questions the group found hardest", 11.5)
    if summary.hardest:
        pdf.table(
            QUESTION_HEADERS,
            question_rows(summary.hardest),
            widths=(38, 86, 22, 14, 18),
            align=("L", "L", "R", "R", "R"),
        )
    else:
        pdf.paragraph("No knowledge checks have been answered yet.")
    pdf.heading("Self-check at the start and the end", 11.5)
    prepost = summary.prepost
    if prepost is None:
        for note in summary.notes or ("The self-check could not be compared.",):
            pdf.paragraph(note)
    else:
        pdf.paragraph(
            f"{prepost.started} took the self-check at the start, {prepost.finished} at the end, "
            f"{prepost.paired} both. Areas run from 1 (strongly disagree) to 5 (strongly agree)."
        )
        pdf.table(
            PREPOST_HEADERS,
            prepost_rows(prepost),
            widths=(38, 13, 18, 18, 21, 21, 29, 20),
            align=("L", "R", "R", "R", "R", "R", "R", "R"),
            size=8,
        )
        for note in prepost_notes(prepost):
            pdf.paragraph(note, 8.5, style="I")
        pdf.paragraph(METHOD_NOTE, 7.5, colour=MUTED)
        pdf.paragraph(SELFCHECK_NOTE, 7.5, colour=MUTED)
    return pdf


def summary_pdf(summary: CohortSummary) -> bytes:
    """The commissioner summary as PDF bytes.

    >>> from datetime import datetime, timezone
    >>> from .evaluation import CohortSummary
    >>> empty = CohortSummary("Spring", datetime(2027, 3, 1, tzinfo=timezone.utc), 0, None, None,
    ...                       0, 0, (), (), None, ())
    >>> summary_pdf(empty)[:5]
    b'%PDF-'
    """
    return summary_pdf_document(summary).to_bytes()
