"""What the facilitator guide says, built from the programme and the content YAML, as a list
of simple blocks that :mod:`.guide_html` and :mod:`.guide_pdf` lay out.

Order: cover and totals; the week at a glance; each day (outcomes, the timed plan, then every
session with what to say, ask and watch for, and the steps and answers of each of its
activities, read from the content files), with the set meeting after it; the action-learning
protocol; the follow-ups; the safeguarding, self-care and real-case notes; the mapping to
professional frameworks; the handouts, one per page.

>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> guide = build_guide(REPOSITORY_COURSE)
>>> for heading in [b.text for b in guide.blocks if isinstance(b, Heading) and b.level == 1][1:4]:
...     print(heading)
The week at a glance
Day 1: Why people use substances, and the gap between services
Day 2: Recovery capital
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..content.model import (
    PollContent,
    QuizContent,
    ReflectionContent,
    RulerContent,
    ScenarioContent,
    TalkSortContent,
    VignetteContent,
)
from ..core.errors import DefinitionError
from .exercises import Exercise, course_exercises
from .load import load_programme, load_programme_files
from .model import Day, Guidance, Handout, LiveActivity, Programme, ProgrammeFiles, Session

__all__ = [
    "Block",
    "Bullets",
    "Guide",
    "Heading",
    "PageBreak",
    "Paragraph",
    "Table",
    "build_guide",
    "clock_range",
    "hours",
]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""  # "", "I" (a note) or "B"
    size: float = 0  # points; 0 for the guide's usual size (handouts print larger)


@dataclass(frozen=True)
class Bullets:
    label: str
    items: tuple[str, ...]
    size: float = 0


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # share of the page width, summing to 1


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | Table | PageBreak


@dataclass
class Guide:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)

    def bullets(self, label: str, items: tuple[str, ...] | list[str]) -> None:
        if items:
            self.blocks.append(Bullets(label, tuple(items)))


def hours(minutes: int) -> str:
    """``90`` -> ``'1.5 hours'``; ``60`` -> ``'1 hour'``.

    >>> hours(90), hours(60), hours(1800)
    ('1.5 hours', '1 hour', '30 hours')
    """
    value = f"{minutes / 60:g}"
    return f"{value} hour" + ("" if value == "1" else "s")


def clock_range(session: Session) -> str:
    """``09:30-10:00`` (with an en dash)."""
    return f"{session.start}\u2013{session.end}"


# --- exercises ---------------------------------------------------------------------------


def _exercise_blocks(guide: Guide, exercise: Exercise) -> None:
    content = exercise.content
    title = content.title if content is not None else f"Questionnaire: {exercise.instrument}"
    guide.add(Heading(f"Exercise: {title} ({exercise.activity_id})", 4))
    if isinstance(content, QuizContent):
        for number, question in enumerate(content.questions, start=1):
            marks = [
                f"{'RIGHT' if option.correct else 'not right'}: {option.text} \u2014 "
                f"{option.feedback}"
                for option in question.options
            ]
            kind = " (choose all that apply)" if question.type == "multiple" else ""
            guide.bullets(f"Q{number}. {question.prompt.strip()}{kind}", marks)
    elif isinstance(content, VignetteContent):
        person = content.person
        guide.add(
            Paragraph(
                f"{person.name}, {person.age}: "
                f"{', '.join(person.substances) or 'no substances named'}."
            )
        )
        reference = content.reference
        items = [f"{item}: {ref.value} \u2014 {ref.reasoning.strip()}"
                 for item, ref in reference.items.items()]  # fmt: skip
        if items:
            guide.bullets(
                f"Reference ratings ({content.rate.instrument}) and their reasoning", items
            )
        if reference.stage is not None:
            guide.bullets(
                "Reference stage of change",
                [f"{reference.stage.value}: {reference.stage.reasoning.strip()}"],
            )
        if content.discussion.strip():
            guide.add(Paragraph(f"For discussion: {content.discussion.strip()}", "I"))
    elif isinstance(content, TalkSortContent):
        guide.bullets("Statements, with the reference sort and reasoning", [
            f"\u201c{s.text.strip()}\u201d \u2014 {s.talk} talk, {s.category.replace('_', ' ')}: "
            f"{s.explanation.strip()}" for s in content.statements
        ])  # fmt: skip
    elif isinstance(content, ScenarioContent):
        guide.add(Paragraph(f"{content.client.name}: {content.client.summary.strip()}"))
        for name, node in content.nodes.items():
            if node.ending:
                guide.bullets(
                    f"Ending {name} ({node.outcome or 'ending'})",
                    [node.feedback.strip() or node.client.strip()],
                )
                continue
            said = node.client.strip().strip('"\u201c\u201d')
            guide.bullets(f"{content.client.name} ({name}): \u201c{said}\u201d", [
                f"{choice.tag.replace('_', ' ')}: {choice.text.strip()}"
                + (f" \u2014 {choice.feedback.strip()}" if choice.feedback.strip() else "")
                for choice in node.choices
            ])  # fmt: skip
    elif isinstance(content, RulerContent):
        guide.bullets("Rulers and follow-up questions", [
            f"{r.question.strip()} " + " ".join(r.follow_up) for r in content.rulers
        ])  # fmt: skip
    elif isinstance(content, ReflectionContent):
        guide.add(Paragraph(content.prompt.strip()))
        guide.bullets("Hints trainees see", list(content.hints))
        model = getattr(content, "model_answer", None) or getattr(content, "example", None)
        if model:
            guide.add(Paragraph(f"Model answer: {str(model).strip()}", "I"))
        else:
            guide.add(
                Paragraph(
                    "A written reflection has no single right answer: look for "
                    "specific, honest, practice-based answers.",
                    "I",
                )
            )
    elif isinstance(content, PollContent):
        guide.bullets(content.question.strip(), list(content.options))
        guide.add(
            Paragraph(
                "No right answer: open the poll live, reveal the results and ask "
                "what surprises people.",
                "I",
            )
        )
    else:
        guide.add(
            Paragraph(
                f"Trainees complete the {exercise.instrument} questionnaire in "
                f"{exercise.notebook}; where it is about a person in a vignette, the reference "
                "ratings and reasoning are listed with that vignette.",
                "I",
            )
        )


def _live_blocks(guide: Guide, activity: LiveActivity, files: ProgrammeFiles) -> None:
    guide.add(Heading(f"Live activity: {activity.title} ({activity.minutes} min)", 4))
    guide.add(Paragraph(f"{activity.grouping}. {activity.purpose}"))
    guide.bullets("Steps", [f"{n}. {s}" for n, s in enumerate(activity.steps, start=1)])
    guide.bullets("Debrief questions", activity.debrief)
    guide.bullets("Answers and reference reasoning", activity.answers)
    guide.bullets("Watch for", activity.watch_for)
    if activity.handout:
        handout = files.handout(activity.handout)
        if handout:
            guide.add(
                Paragraph(f"Handout: {handout.title} (printable, at the end of the guide).", "I")
            )


# --- sections ----------------------------------------------------------------------------


def _cover(guide: Guide, programme: Programme, files: ProgrammeFiles) -> None:
    guide.add(Heading(programme.title, 1))
    guide.add(Paragraph("Facilitator guide", "B"))
    if programme.audience:
        guide.add(Paragraph(programme.audience))
    meetings = programme.action_learning.meetings if programme.action_learning else ()
    rows = [
        (
            "Training days",
            f"{len(programme.days)} days, "
            f"{hours(programme.contact_minutes)} of contact time (breaks included)",
        )
    ]
    if meetings:
        rows.append(
            (
                "Action-learning sets",
                f"{len(meetings)} online meetings of about "
                f"{meetings[0].minutes} minutes ({hours(programme.set_minutes)})",
            )
        )
    for follow_up in programme.follow_ups:
        rows.append(
            (
                f"Follow-up at {follow_up.weeks} weeks",
                f"{follow_up.title} ({follow_up.minutes} minutes)",
            )
        )
    guide.add(Table(("Part", "Time"), tuple(rows), (0.32, 0.68)))
    guide.bullets(
        "Contents",
        [
            "The week at a glance",
            *(day.title for day in programme.days),
            "Action learning: allocating sets and the set protocol",
            "Follow-up sessions",
            "Safeguarding, self-care, bereavement and real cases",
            "Learning outcomes mapped to the PCF, the KSS and the NES trauma framework",
            "Handouts: " + "; ".join(h.title for h in files.handouts),
        ],
    )
    guide.add(
        Paragraph(
            "How to use this guide: the week at a glance comes first, then each day's timed plan "
            "and, session by session, what to say, what to ask and what to watch for, with the "
            "steps and answers of every exercise. The notes on safeguarding, self-care and real "
            "cases, the action-learning protocol and the printable handouts follow the days. "
            "Every person in the exercises is fictional."
        )
    )


def _week(guide: Guide, programme: Programme) -> None:
    guide.add(PageBreak(), Heading("The week at a glance", 1))
    after = (
        {m.after: m for m in programme.action_learning.meetings}
        if (programme.action_learning)
        else {}
    )
    rows = []
    for day in programme.days:
        main = [s.title for s in day.sessions if s.kind not in ("break", "lunch")]
        meeting = after.get(day.id)
        rows.append(
            (
                day.title,
                f"{day.start}\u2013{day.end}\n{hours(day.contact_minutes)}",
                "; ".join(main),
                f"{meeting.title} ({meeting.minutes} min, online)" if meeting else "\u2013",
            )
        )
    guide.add(
        Table(
            ("Day", "Hours", "Sessions", "Set meeting that evening"),
            tuple(rows),
            (0.19, 0.13, 0.48, 0.2),
        )
    )
    for follow_up in programme.follow_ups:
        guide.add(
            Paragraph(f"Week {follow_up.weeks}: {follow_up.title} ({follow_up.minutes} minutes).")
        )


def _plan_table(day: Day) -> Table:
    rows = []
    for session in day.sessions:
        where = ", ".join([*session.modules, *session.activities]) or "\u2013"
        rows.append(
            (clock_range(session), str(session.minutes), session.kind_label, session.title, where)
        )
    return Table(
        ("Time", "Min", "Kind", "Session", "Modules and activities"),
        tuple(rows),
        (0.11, 0.05, 0.15, 0.3, 0.39),
    )


def _session(guide: Guide, session: Session, exercises: dict[str, Exercise],
             files: ProgrammeFiles) -> None:  # fmt: skip
    guide.add(Heading(f"{clock_range(session)}  {session.title}", 3))
    guide.add(Paragraph(f"{session.kind_label}, {session.minutes} minutes."
                        + (f" Modules: {', '.join(session.modules)}." if session.modules else ""),
                        "I"))  # fmt: skip
    guide.bullets("Learning outcomes", session.outcomes)
    guide.bullets("Materials", session.materials)
    guide.bullets("Say", session.say)
    guide.bullets("Ask", session.ask)
    guide.bullets("Watch for", session.watch_for)
    if session.notes:
        guide.add(Paragraph(f"Trainer notes: {session.notes.strip()}"))
    for note_id in session.care:
        note = files.note(note_id)
        if note:
            guide.add(
                Paragraph(
                    f"Care: this session can touch sensitive ground; see the note "
                    f"\u201c{note.title}\u201d.",
                    "I",
                )
            )
    for activity_id in session.activities:
        live = files.live(activity_id)
        if live is not None:
            _live_blocks(guide, live, files)
        elif activity_id in exercises:
            _exercise_blocks(guide, exercises[activity_id])


def _day(guide: Guide, programme: Programme, day: Day, exercises: dict[str, Exercise],
         files: ProgrammeFiles) -> None:  # fmt: skip
    guide.add(PageBreak(), Heading(day.title, 1))
    if day.theme:
        guide.add(Paragraph(day.theme, "I"))
    guide.add(Paragraph(f"{day.start}\u2013{day.end}: {hours(day.contact_minutes)} of contact "
                        "time, breaks included."))  # fmt: skip
    guide.bullets("By the end of the day, trainees will be able to", day.outcomes)
    guide.add(Heading("Timed plan", 2), _plan_table(day))
    guide.add(Heading("Session by session", 2))
    for session in day.sessions:
        if session.kind in ("break", "lunch"):
            continue
        _session(guide, session, exercises, files)
    if programme.action_learning:
        for meeting in programme.action_learning.meetings:
            if meeting.after == day.id:
                guide.add(Heading(f"After the day: {meeting.title} (online, {meeting.minutes} "
                                  "minutes)", 2))  # fmt: skip
                guide.add(Paragraph(f"Focus: {meeting.focus}"))
                guide.add(Paragraph(f"Between-session task: {meeting.between_task}"))
                guide.bullets("Skills to log in the practice log", meeting.practice_skills)


def _note(guide: Guide, note: Guidance) -> None:
    guide.add(Heading(note.title, 2), Paragraph(note.intro.strip()))
    if note.timings:
        rows, start = [], 0
        for minutes, what in note.timings:
            rows.append((f"{start}\u2013{start + minutes}", what))
            start += minutes
        guide.add(Table(("Minutes", "What happens"), tuple(rows), (0.14, 0.86)))
    for section in note.sections:
        guide.bullets(section.heading, section.points)


def _sets(guide: Guide, programme: Programme, files: ProgrammeFiles) -> None:
    plan = programme.action_learning
    if plan is None:
        return
    guide.add(PageBreak(), Heading("Action learning and the community of practice", 1))
    low, high = plan.set_size
    guide.add(
        Paragraph(
            f"The cohort is split into sets of {low} to {high}, each with a facilitator, that stay "
            "the same across the programme. Make them after joining on day 1 with "
            "`recovery-capital sets --cohort CODE` (record each trainee's area and role first with "
            "--details, so sets mix them); a late joiner is placed in the smallest set; move "
            "someone with --move HANDLE=N. Each set's facilitator gets a set key, shown once, "
            "which opens only that set's shared practice-log entries on the set-facilitator page."
        )
    )
    protocol = files.note(plan.protocol)
    if protocol:
        _note(guide, protocol)


def _follow_ups(guide: Guide, programme: Programme) -> None:
    if not programme.follow_ups:
        return
    guide.add(Heading("Follow-up sessions", 1))
    guide.add(
        Paragraph(
            "At each follow-up, trainees open the follow-up page: it shows the action plan they "
            "wrote on day 5 beside boxes for what they did, and repeats the self-check so they can "
            "see how their answers have moved since day 1."
        )
    )
    for follow_up in programme.follow_ups:
        guide.add(Heading(f"Week {follow_up.weeks}: {follow_up.title} "
                          f"({follow_up.minutes} minutes)", 2))  # fmt: skip
        guide.bullets("Plan", follow_up.plan)


def _frameworks(guide: Guide, programme: Programme, files: ProgrammeFiles) -> None:
    for mapping in files.frameworks:
        guide.add(PageBreak(), Heading(mapping.title, 1), Paragraph(mapping.intro.strip()))
        titles = {day.id: day.title for day in programme.days}
        rows = tuple(
            (titles.get(d.day, d.day), "; ".join(d.pcf), "; ".join(d.kss), d.nes)
            for d in mapping.days
        )
        guide.add(Table(("Day", "PCF domains", "KSS (adult services)", "NES trauma level"),
                        rows, (0.2, 0.27, 0.31, 0.22)))  # fmt: skip
        guide.bullets("Sources", [f"{f.name}: {f.source}" + (f" {f.note}" if f.note else "")
                                  for f in mapping.frameworks])  # fmt: skip


def _handout(guide: Guide, handout: Handout) -> None:
    guide.add(PageBreak(), Heading(handout.title, 1), Paragraph(handout.intro.strip(), size=11))
    for section in handout.sections:
        guide.add(Bullets(section.heading, section.points, size=11))
    if handout.source:
        guide.add(Paragraph(handout.source, "I", size=8.5))


def build_guide(course_dir: str | os.PathLike[str]) -> Guide:
    """The whole guide for the course in ``course_dir``; raises
    :class:`~recovery_capital.core.errors.DefinitionError` when the programme has problems (run
    ``recovery-capital check`` to see them all, with their lines)."""
    course = Path(course_dir)
    programme = load_programme(course)
    files = load_programme_files(course)
    exercises = course_exercises(course)
    missing = [a for _, s in programme.all_sessions() for a in s.activities
               if a not in exercises and files.live(a) is None]  # fmt: skip
    if missing:
        raise DefinitionError(
            str(course),
            [
                (
                    "programme",
                    "names activities that do not "
                    f"exist: {', '.join(missing)} (run recovery-capital check)",
                )
            ],
        )
    guide = Guide(programme.title)
    _cover(guide, programme, files)
    _week(guide, programme)
    for day in programme.days:
        _day(guide, programme, day, exercises, files)
    placed = {a for _, s in programme.all_sessions() for a in s.activities}
    placed |= {a for f in programme.follow_ups for a in f.activities}
    unplaced = [e for e in exercises.values() if e.activity_id not in placed]
    if unplaced:
        guide.add(PageBreak(), Heading("Exercises not placed in a session", 1), Paragraph(
            "These exercises are in the modules but no session of the programme names them; "
            "trainees may meet them in their own time. Their answers follow."))  # fmt: skip
        for exercise in unplaced:
            _exercise_blocks(guide, exercise)
    _sets(guide, programme, files)
    _follow_ups(guide, programme)
    guide.add(PageBreak(), Heading("Safeguarding, self-care and real cases", 1))
    protocol = programme.action_learning.protocol if programme.action_learning else None
    for note in files.guidance:
        if note.id != protocol:
            _note(guide, note)
    _frameworks(guide, programme, files)
    for handout in files.handouts:
        _handout(guide, handout)
    return guide
