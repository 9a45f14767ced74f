"""Certificates of completion: one PDF per trainee, made only when every module is complete.

>>> from datetime import datetime, timezone
>>> cert = Certificate("Sam Okafor", "Spring 2027", "Supporting people who use drugs and alcohol",
...                    (("Module 1: Stigma", 0.75), ("Module 2: Recovery capital", 1.0)),
...                    datetime(2027, 3, 5, tzinfo=timezone.utc))
>>> cert.total_hours
1.75
>>> certificate_pdf(cert)[:5]
b'%PDF-'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from ..documents.html import fmt, fmt_date
from ..documents.pdf import ACCENT, MUTED, ReportPDF
from ..store.access import TrainerAccess
from .completion import module_completion, programme_figures
from .course_map import DEFAULT_MODULE_MINUTES, course_modules
from .errors import NotComplete, ReportError

__all__ = [
    "COURSE_TITLE",
    "Certificate",
    "certificate_for",
    "certificate_pdf",
    "certificate_pdf_document",
]

COURSE_TITLE = "Supporting people who use drugs and alcohol"


@dataclass(frozen=True)
class Certificate:
    """What a certificate says: who, which cohort and course, modules with hours, and when."""

    name: str
    cohort_name: str
    course_title: str
    modules: tuple[tuple[str, float], ...]  # (module label, hours)
    completed_on: datetime
    #: the programme in words ("a five-day programme of 30 contact hours, ..."), if any
    programme: str = ""
    #: sessions attended, of how many, and their hours (None when attendance was not marked)
    attended: tuple[int, int, float] | None = None
    #: weeks of the follow-up reviews completed
    follow_ups: tuple[int, ...] = ()
    follow_up_weeks: tuple[int, ...] = ()
    #: online set meetings attended, of how many (None when attendance was not marked)
    sets_attended: tuple[int, int] | None = None

    def programme_lines(self) -> list[str]:
        """What the certificate says about the programme, attendance and follow-ups.

        >>> from datetime import datetime, timezone
        >>> cert = Certificate("Sam", "Spring", "Course", (), datetime(2027, 3, 5,
        ...     tzinfo=timezone.utc), "a five-day programme of 30 contact hours", (38, 40, 28.5),
        ...     (6,), (6, 12))
        >>> for line in cert.programme_lines():
        ...     print(line)
        The course is a five-day programme of 30 contact hours.
        Attended 38 of the 40 sessions (28.5 hours), as marked by the trainer.
        Follow-up completed at 6 weeks; not yet at 12 weeks.
        """
        if not self.programme:
            return []
        lines = [f"The course is {self.programme}."]
        if self.attended is not None:
            done, total, hours = self.attended
            sets = ""
            if self.sets_attended is not None and self.sets_attended[1]:
                sets = f" and {self.sets_attended[0]} of the {self.sets_attended[1]} set meetings"
            lines.append(
                f"Attended {done} of the {total} sessions ({hours:g} hours){sets}, as marked "
                "by the trainer."
            )
        if self.follow_up_weeks:
            done_weeks = [w for w in self.follow_up_weeks if w in self.follow_ups]
            open_weeks = [w for w in self.follow_up_weeks if w not in self.follow_ups]
            parts = []
            if done_weeks:
                parts.append(
                    "Follow-up completed at " + " and ".join(map(str, done_weeks)) + " weeks"
                )
            if open_weeks:
                parts.append(
                    ("not yet at " if done_weeks else "Follow-up not yet completed at ")
                    + " and ".join(map(str, open_weeks))
                    + " weeks"
                )
            lines.append("; ".join(parts) + ".")
        return lines

    @property
    def total_hours(self) -> float:
        """The hours of every module listed."""
        return sum(hours for _, hours in self.modules)


def certificate_for(
    access: TrainerAccess,
    handle: str,
    *,
    name: str | None = None,
    course_title: str = COURSE_TITLE,
    course_dir: str | os.PathLike[str] | None = None,
) -> Certificate:
    """The certificate of ``handle``, if they have completed every module.

    ``name`` is the name to print (the trainer types it; only handles are stored), else the
    handle. Raises :class:`~.errors.NotComplete` naming the modules still to do.

    >>> from recovery_capital.store import Store
    >>> from recovery_capital.store.access import trainer_access
    >>> store = Store("sqlite://")
    >>> cohort = store.create_cohort("Spring 2027")
    >>> _ = store.join(cohort.code, "fox-12")
    >>> access = trainer_access(store, cohort.code, cohort.trainer_key)
    >>> certificate_for(access, "fox-12")
    Traceback (most recent call last):
    ...
    recovery_capital.reports.errors.NotComplete: fox-12 has not finished every module yet, ...
    """
    store = access.store
    participants = store.participants(access.code)
    wanted = handle.strip().casefold()
    matches = [p for p in participants if p.casefold() == wanted]
    if not matches:
        raise ReportError(f"Nobody with the handle {handle!r} has joined cohort {access.code}.")
    modules = course_modules(course_dir)
    completion = module_completion(modules, store.responses(access.code), matches)
    trainee = completion.trainees[0]
    if not trainee.complete or trainee.finished is None:
        labels = {module.number: module.label for module in modules}
        raise NotComplete(
            trainee.handle,
            [labels[n] for n in trainee.open_modules] or ["every module (no submissions yet)"],
        )
    printed = (name or "").strip() or trainee.handle
    figures = programme_figures(
        store, access.code, course_dir, matches, store.responses(access.code)
    )
    programme, attended, follow_ups, weeks, sets = "", None, (), (), None
    if figures is not None:
        programme, weeks = figures.describe(), figures.follow_up_weeks
        record = figures.trainee(trainee.handle)
        if record is not None:
            follow_ups = record.follow_ups
            if figures.attendance_recorded:
                attended = (record.sessions_attended, figures.sessions, record.hours_attended)
                sets = (record.sets_attended, figures.set_meetings)
    return Certificate(
        name=printed,
        cohort_name=access.cohort_name,
        course_title=course_title.strip() or COURSE_TITLE,
        modules=tuple((m.module.label, m.module.hours) for m in completion.modules),
        completed_on=trainee.finished,
        programme=programme,
        attended=attended,
        sets_attended=sets,
        follow_ups=follow_ups,
        follow_up_weeks=weeks,
    )


def certificate_pdf_document(certificate: Certificate) -> ReportPDF:
    """The laid-out certificate, A4 landscape (``written`` holds every string on it)."""
    pdf = ReportPDF(
        f"Certificate of completion: {certificate.name}",
        footer=f"Hours are the planned time of each module (default {DEFAULT_MODULE_MINUTES} "
        "minutes where a module does not state it).",
        orientation="landscape",
        footer_from_bottom=19,
    )
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)
    pdf.set_y(22)
    pdf.heading("Certificate of completion", 26, align="C", space_before=0)
    pdf.paragraph("This is to record that", 12, align="C", colour=MUTED)
    pdf.heading(certificate.name, 22, align="C", colour=(27, 27, 27), space_before=1)
    pdf.paragraph("completed every module of the course", 12, align="C", colour=MUTED)
    pdf.heading(certificate.course_title, 15, align="C", space_before=0)
    pdf.paragraph(
        f"as part of the cohort {certificate.cohort_name}, finishing on "
        f"{fmt_date(certificate.completed_on)}: {fmt(certificate.total_hours, trim=True)} hours of "
        "module work in all.",
        11,
        align="C",
    )
    for line in certificate.programme_lines():
        pdf.paragraph(line, 10, align="C")
    pdf.ln(2)
    rows = [[label, fmt(hours, trim=True)] for label, hours in certificate.modules]
    rows.append(["Total", fmt(certificate.total_hours, trim=True)])
    width = 150
    pdf.set_x((pdf.w - width) / 2)
    pdf.set_left_margin((pdf.w - width) / 2)
    pdf.table(
        ["Module completed", "Hours"], rows, widths=(width - 25, 25), align=("L", "R"), size=9.5
    )
    pdf.set_left_margin(16)
    y = min(pdf.get_y() + 8, pdf.h - 30)
    pdf.set_draw_color(*MUTED)
    pdf.line(40, y + 8, 120, y + 8)
    pdf.line(pdf.w - 120, y + 8, pdf.w - 40, y + 8)
    pdf.text_at(40, y + 9, 80, "Trainer")
    pdf.text_at(pdf.w - 120, y + 9, 80, "Date")
    return pdf


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as PDF bytes."""
    return certificate_pdf_document(certificate).to_bytes()
