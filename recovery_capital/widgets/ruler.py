"""Ruler: importance / confidence / readiness on a 0-10 (or 1-10) scale, with follow-ups.

Each ruler is a row of numbered radio buttons in a labelled group (no unlabelled slider), and
under it the motivational follow-up questions with a box for notes. There are no validated
cut-offs for these rulers, so the feedback reports the numbers and turns attention to the
follow-up conversation, where the person's own reasons for change come out.

Answers are stored as ``{"ratings": {"importance": 6, ...}, "notes": {"importance": [...]}}``;
scores are the ratings themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import RulerContent, RulerQuestion
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet
from .html import element, join, markdown
from .parts import HTML, VBox
from .text import TextField

__all__ = ["Ruler"]


class Ruler(Exercise):
    """Rulers from ``assets/content/rulers/`` (``kind: ruler``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> ruler = Ruler(parse_content({"kind": "ruler", "id": "m3-r", "title": "R",
    ...     "rulers": [{"id": "importance", "question": "How important?"}]}),
    ...     context=practice_context())
    >>> ruler.scales["importance"].value = "7"
    >>> ruler.submit(), "Why 7 and not 6?" in ruler.feedback.value
    (True, True)
    """

    kind = "ruler"
    content: RulerContent

    def _build(self) -> list[w.Widget]:
        low, high = self.content.low, self.content.high
        body: list[w.Widget] = []
        if self.content.intro:
            body.append(HTML(markdown(self.content.intro)).add_class("rc-intro"))
        self.scales: dict[str, ChoiceGroup] = {}
        self.notes: dict[str, list[TextField]] = {}
        for ruler in self.content.rulers:
            scale = ChoiceGroup(
                ruler.question,
                [str(n) for n in range(low, high + 1)],
                hint=f"{low} means not at all, {high} means extremely.",
                orientation="horizontal",
            )
            scale.add_class("rc-item")
            fields = [TextField(question, rows=2) for question in ruler.follow_up]
            for field in fields:
                field.add_class("rc-follow-up")
            for control in (scale, *fields):
                self._watch(control)
            self.scales[ruler.id] = scale
            self.notes[ruler.id] = fields
            parts: list[w.Widget] = [ChoiceSet([scale])]
            if fields:
                parts.append(HTML(element("p", "Follow-up questions (notes are optional):")))
                parts += fields
            body.append(VBox(parts).add_class("rc-ruler"))
        return body

    def _read(self) -> dict[str, Any]:
        return {
            "ratings": {rid: int(scale.value) for rid, scale in self.scales.items() if scale.value},
            "notes": {rid: [f.value for f in fields] for rid, fields in self.notes.items()},
        }

    def _write(self, answers: Mapping[str, Any]) -> None:
        ratings = answers.get("ratings")
        if isinstance(ratings, Mapping):
            for rid, scale in self.scales.items():
                value = ratings.get(rid)
                if isinstance(value, int) and not isinstance(value, bool):
                    scale.value = str(value)
        notes = answers.get("notes")
        if isinstance(notes, Mapping):
            for rid, fields in self.notes.items():
                saved = notes.get(rid)
                if isinstance(saved, list):
                    for field, text in zip(fields, saved, strict=False):
                        field.value = text if isinstance(text, str) else ""

    def _clear(self) -> None:
        for scale in self.scales.values():
            scale.value = ""
        for fields in self.notes.values():
            for field in fields:
                field.value = ""

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        todo = [r.question for r in self.content.rulers if r.id not in answers["ratings"]]
        if not todo:
            return None
        return f"Please choose a number for: {todo[0]}"

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        ratings = answers["ratings"]
        parts = [
            _ruler_feedback(ruler, ratings[ruler.id], self.content.low)
            for ruler in self.content.rulers
        ]
        parts.append(
            element(
                "p",
                "These rulers have no cut-offs: a number is not good or bad. Asking why it is "
                "not lower invites the person's own reasons for change; asking why it is not "
                "higher tends to invite reasons for staying the same.",
                cls="rc-note",
            )
        )
        return Outcome(element("div", join(parts), cls="rc-result"), dict(ratings))


def _ruler_feedback(ruler: RulerQuestion, rating: int, low: int) -> object:
    lower = (
        f"Why {rating} and not {rating - 1 if rating > low else 'lower'}? What is already there?"
    )
    return element(
        "div",
        element("p", ruler.question, " ", element("span", str(rating), cls="rc-score")),
        element(
            "p",
            lower
            if rating > low
            else "Even at the bottom of the scale, ask what "
            "would need to happen for it to move up one point.",
            cls="rc-meaning",
        ),
        cls="rc-ruler-result",
    )
