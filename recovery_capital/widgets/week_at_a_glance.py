"""The trainee-facing week at a glance: each day's sessions with their times, the set meeting
each evening and the follow-ups, read from the course's programme.

>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> html = week_html(REPOSITORY_COURSE)
>>> html.count('class="rc-day"'), "Follow-up at 6 weeks" in html
(5, True)
"""

from __future__ import annotations

import os

import ipywidgets as w

from ..content.model import course_dir
from ..core.errors import DefinitionError
from ..programme.load import load_programme
from .html import Safe, element
from .parts import HTML

__all__ = ["WeekAtAGlance", "week_html"]

NOWRAP = "white-space: nowrap; padding-right: 1em; vertical-align: top"
LEFT = "text-align: left"
NOT_SHOWN = (
    "The timetable for this course has not been written yet; your trainer will tell you what "
    "happens on each day."
)


def week_html(course: str | os.PathLike[str] | None = None) -> Safe:
    """The week as HTML (every text escaped)."""
    try:
        programme = load_programme(course if course is not None else course_dir())
    except DefinitionError:
        return element("p", NOT_SHOWN, cls="rc-note")
    meetings = {}
    if programme.action_learning:
        meetings = {m.after: m for m in programme.action_learning.meetings}
    days = []
    for day in programme.days:
        rows = [
            element("tr", element("td", f"{s.start}\u2013{s.end}", cls="rc-time", style=NOWRAP),
                    element("td", s.title), element("td", s.kind_label))
            for s in day.sessions
        ]  # fmt: skip
        meeting = meetings.get(day.id)
        after = (element("p", element("strong", "In the evening: "),
                         f"{meeting.title} (online, about {meeting.minutes} minutes). "
                         f"Before the next day: {meeting.between_task}")
                 if meeting else "")  # fmt: skip
        days.append(element(
            "section",
            element("h3", day.title),
            element("p", day.theme) if day.theme else "",
            element("table", element("thead", element("tr", element("th", "Time", style=LEFT),
                    element("th", "Session", style=LEFT), element("th", "What kind", style=LEFT))),
                    element("tbody", rows), cls="rc-timetable"),
            after, cls="rc-day",
        ))  # fmt: skip
    follow = [element("li", f"{f.title}, {f.weeks} weeks after the last day "
                      f"(about {f.minutes} minutes).") for f in programme.follow_ups]  # fmt: skip
    return element(
        "div",
        element("p", f"{len(programme.days)} days of about six contact hours each (breaks "
                f"included), {programme.contact_hours:g} hours in all, and an online "
                "action-learning set after each day."),
        days,
        element("h3", "After the course") if follow else "",
        element("ul", follow) if follow else "",
        cls="rc-week",
    )  # fmt: skip


class WeekAtAGlance:
    """The week at a glance as a page element: ``WeekAtAGlance()`` in a notebook cell."""

    def __init__(self, course: str | os.PathLike[str] | None = None) -> None:
        self.widget: w.Widget = (
            HTML(week_html(course)).add_class("rc-week-at-a-glance").add_class("rc-exercise")
        )

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.widget._repr_mimebundle_(**kwargs)
