"""The presenter's running order: the join screen, then one slide per activity of a day.

The order comes from the programme (``assets/programme/programme.yaml``): each session of the
day in time order, and each activity it names in the order it names them. An activity is either
an exercise content file (a poll, a vignette, a reflection...) or a live activity from the
programme's files (an opener, a pair practice); an id that is neither is left out, since
``recovery-capital check`` already reports it.

>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> slides = day_slides(REPOSITORY_COURSE, "day1")
>>> slides[0].kind, slides[1].activity_id, slides[1].kind
('join', 'm0-ruler-starting-point', 'results')
>>> day_slides("/nonexistent")
[Slide(kind='join', activity_id='', title='Join the session', session='', content=None, live=None)]
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ...content.model import Content, PollContent, ReflectionContent, ShortAnswerContent
from ...core.errors import DefinitionError
from ...programme.load import load_programme, load_programme_files
from ...programme.model import LiveActivity, Programme, ProgrammeFiles
from ..dashboard import course_activities

__all__ = ["Slide", "day_slides", "programme_days", "questionnaire_titles"]


@dataclass(frozen=True)
class Slide:
    """One screen of the presenter: ``kind`` is ``join``, ``poll``, ``words`` (a short-answer
    question's word cloud), ``reflection``, ``results``
    (an exercise whose cohort answers are shown) or ``live`` (a room activity, no answers)."""

    kind: str
    activity_id: str
    title: str
    session: str
    content: Content | None = None
    live: LiveActivity | None = None

    @property
    def has_answers(self) -> bool:
        """Whether this slide shows trainees' answers (and so needs the trainer key)."""
        return self.kind in {"poll", "words", "reflection", "results"}


JOIN = Slide("join", "", "Join the session", "")


def _programme(course: str | os.PathLike[str]) -> tuple[Programme | None, ProgrammeFiles]:
    try:
        programme = load_programme(course)
    except (DefinitionError, OSError):
        return None, ProgrammeFiles()
    try:
        files = load_programme_files(course)
    except (DefinitionError, OSError):
        files = ProgrammeFiles()
    return programme, files


def questionnaire_titles(course: str | os.PathLike[str]) -> dict[str, str]:
    """A title for each questionnaire exercise (they have no content file), by activity id:
    its instrument's title, or the instrument id when that cannot be read.

    >>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
    >>> questionnaire_titles(REPOSITORY_COURSE)["m2-barc10-practice"]
    'Questionnaire: Brief Assessment of Recovery Capital (BARC-10)'
    """
    from ...core.errors import UnknownInstrument
    from ...programme.exercises import course_exercises
    from ...scoring.definitions import load_instrument

    titles = {}
    for activity_id, exercise in course_exercises(course).items():
        if exercise.content is not None or not exercise.instrument:
            continue
        try:
            name = load_instrument(exercise.instrument, course_dir=course).title
        except (DefinitionError, UnknownInstrument, OSError):
            name = exercise.instrument
        titles[activity_id] = f"Questionnaire: {name}"
    return titles


def programme_days(course: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """Each day of the programme as ``(id, title)``; empty when the course has none.

    >>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
    >>> programme_days(REPOSITORY_COURSE)[0][0]
    'day1'
    """
    programme, _ = _programme(course)
    return [] if programme is None else [(day.id, day.title) for day in programme.days]


def day_slides(course: str | os.PathLike[str], day: str | None = None) -> list[Slide]:
    """The join screen, then every activity of ``day`` (the first day if not given)."""
    programme, files = _programme(course)
    if programme is None or not programme.days:
        return [JOIN]
    chosen = next((d for d in programme.days if d.id == day), programme.days[0])
    contents, _broken = course_activities(course)
    questionnaires = questionnaire_titles(course)
    slides = [JOIN]
    seen: set[str] = set()
    for session in chosen.sessions:
        for activity_id in session.activities:
            if activity_id in seen:
                continue
            seen.add(activity_id)
            content = contents.get(activity_id)
            live = files.live(activity_id)
            if isinstance(content, PollContent):
                kind = "poll"
            elif isinstance(content, ShortAnswerContent):
                kind = "words"
            elif isinstance(content, ReflectionContent):
                kind = "reflection"
            elif content is not None or activity_id in questionnaires:
                kind = "results"
            elif live is not None:
                kind = "live"
            else:
                continue
            if content is not None:
                title = content.title
            elif live is not None and kind == "live":
                title = live.title
            else:
                title = questionnaires[activity_id]
            slides.append(Slide(kind, activity_id, title, session.title, content, live))
    return slides
