"""The follow-up review: at 6 and 12 weeks, a trainee's action plan from the last day is shown
beside boxes for what they actually did (and, at a later follow-up, beside the earlier
review too). Saved like any exercise, as activity ``followup-<weeks>-review``.

>>> from recovery_capital.session.context import practice_context
>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> ctx = practice_context()
>>> _ = ctx.store.submit(ctx.cohort, ctx.handle, "m7-reflection-action-plan",
...                      {"text": "Use a BARC-10 with two people."},
...                      text="Use a BARC-10 with two people.")
>>> review = FollowUpReview(6, REPOSITORY_COURSE, context=ctx)
>>> review.activity_id, "Use a BARC-10 with two people." in review.plan.value
('followup-6-review', True)
>>> review.boxes["did"].value = "I used it once, with a man on my caseload."
>>> review.submit()
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import course_dir
from ..programme.load import load_programme, load_programme_files
from ..programme.model import FollowUpReview as ReviewContent
from ..session.context import Context
from .base import Exercise, Outcome
from .html import element, join, markdown
from .parts import HTML, HBox, Layout, VBox
from .text import TextField

__all__ = ["FollowUpReview", "review_activity"]

NO_PLAN = ("You have not saved an action plan yet. You can still write what you have tried; "
           "your plan is the last exercise of module 7.")  # fmt: skip


def review_activity(weeks: int) -> str:
    """The activity id a follow-up review is saved under.

    >>> review_activity(12)
    'followup-12-review'
    """
    return f"followup-{weeks}-review"


class FollowUpReview(Exercise):
    """``FollowUpReview(6)``: the review for the follow-up ``weeks`` after the last day."""

    submit_label = "Save my review"

    def __init__(self, weeks: int, course: str | os.PathLike[str] | None = None, *,
                 context: Context | None = None) -> None:  # fmt: skip
        self.weeks = int(weeks)
        self.course = course if course is not None else course_dir()
        super().__init__(self.weeks, context=context)

    def _load(self, source: Any) -> ReviewContent:
        programme = load_programme(self.course)
        weeks = [f.weeks for f in programme.follow_ups]
        if self.weeks not in weeks:
            raise ValueError(f"the programme has no follow-up at {self.weeks} weeks ({weeks})")
        self.earlier = [w for w in weeks if w < self.weeks]
        reviews = load_programme_files(self.course).follow_up
        if not reviews:
            raise ValueError("the course has no follow-up review content")
        return reviews[0]

    def _activity_id(self) -> str:
        return review_activity(self.weeks)

    def _title(self) -> str:
        return f"{self.content.title}: {self.weeks} weeks on"

    def _build(self) -> list[w.Widget]:
        self.plan = HTML().add_class("rc-follow-up-plan")
        self.boxes = {}
        for question in self.content.questions:
            box = TextField(question.label, rows=4, placeholder=question.hint)
            box.add_class(f"rc-follow-up-{question.id}")
            self._watch(box)
            self.boxes[question.id] = box
        self._show_plan()
        left = VBox([HTML(element("h4", "What I planned")), self.plan], layout=Layout(width="45%"))
        right = VBox(
            [HTML(element("h4", "What I did")), *self.boxes.values()], layout=Layout(width="55%")
        )
        return [HTML(markdown(self.content.intro)).add_class("rc-intro"),
                HBox([left, right]).add_class("rc-follow-up")]  # fmt: skip

    def _show_plan(self) -> None:
        ctx = self._ctx
        if ctx.pending:
            self.plan.value = element("p", "Your plan appears here once you have joined.")
            return
        parts = []
        plan = ctx.store.latest(ctx.cohort, ctx.handle, self.content.plan_activity)
        text = (plan.text or plan.answers.get("text", "")) if plan else ""
        parts.append(
            element("blockquote", [element("p", p) for p in str(text).split("\n\n") if p.strip()])
            if text
            else element("p", NO_PLAN)
        )
        for weeks in self.earlier:
            earlier = ctx.store.latest(ctx.cohort, ctx.handle, review_activity(weeks))
            if earlier is not None:
                parts.append(element("h4", f"My review at {weeks} weeks"))
                labels = {q.id: q.label for q in self.content.questions}
                parts += [element("p", element("em", f"{labels.get(k, k)}: "), v)
                          for k, v in earlier.answers.items() if str(v).strip()]  # fmt: skip
        self.plan.value = join(parts)

    def restore(self) -> None:
        if self.error is None:
            self._show_plan()
        super().restore()

    def _read(self) -> dict[str, Any]:
        return {key: box.value for key, box in self.boxes.items()}

    def _write(self, answers: Mapping[str, Any]) -> None:
        for key, box in self.boxes.items():
            if isinstance(answers.get(key), str):
                box.value = answers[key]

    def _clear(self) -> None:
        for box in self.boxes.values():
            box.value = ""

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        first = self.content.questions[0]
        if not str(answers.get(first.id, "")).strip():
            return f"Please write something under \u201c{first.label}\u201d first."
        return None

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        labels = {q.id: q.label for q in self.content.questions}
        text = "\n\n".join(f"{labels[k]}: {v.strip()}" for k, v in answers.items() if v.strip())
        html = element("div", element("p", "Thank you. Your review is saved beside your plan; "
                                      "bring it to your set and your next supervision."),
                       cls="rc-result")  # fmt: skip
        return Outcome(html, store_kwargs={"text": text, "shareable": False})
