"""TalkSorter: sort client statements into change or sustain talk and a DARN-CAT category.

Each statement has two keyboard-friendly choice groups (no drag and drop): change or sustain
talk, and which of the seven kinds of talk it is (desire, ability, reasons, need, commitment,
activation, taking steps; Miller & Rollnick 2013). Submitting gives feedback per statement with
the explanation, and agreement scores: the share of statements sorted to the same side as the
course's answer, and the share given the same kind.

Answers are stored as ``{statement id: {"talk": "change", "category": "desire"}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import TALK_CATEGORIES, Statement, TalkSortContent
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet
from .html import Safe, element, join, markdown
from .parts import HTML, VBox

__all__ = ["TalkSorter", "talk_agreement"]

TALK_LABELS = {"change": "Change talk", "sustain": "Sustain talk"}
CATEGORY_LABELS = {
    category: category.replace("_", " ").capitalize() for category in TALK_CATEGORIES
}


def talk_agreement(
    statements: tuple[Statement, ...], answers: Mapping[str, Any]
) -> dict[str, float | int]:
    """Agreement with the course's sorting: per side, per kind, and both together.

    >>> from recovery_capital.content.model import Statement
    >>> s = (Statement(id="a", text="I want to", talk="change", category="desire",
    ...                explanation="x"),
    ...      Statement(id="b", text="I can't", talk="sustain", category="ability",
    ...                explanation="y"))
    >>> talk_agreement(s, {"a": {"talk": "change", "category": "need"},
    ...                    "b": {"talk": "sustain", "category": "ability"}})
    {'statements': 2, 'talk_agreement': 1.0, 'category_agreement': 0.5, 'both_agreement': 0.5}
    """
    talk = category = both = 0
    for statement in statements:
        answer = answers.get(statement.id) or {}
        same_talk = answer.get("talk") == statement.talk
        same_category = answer.get("category") == statement.category
        talk += same_talk
        category += same_category
        both += same_talk and same_category
    count = len(statements)
    return {
        "statements": count,
        "talk_agreement": round(talk / count, 3),
        "category_agreement": round(category / count, 3),
        "both_agreement": round(both / count, 3),
    }


class TalkSorter(Exercise):
    """A talk sort from ``assets/content/talk/`` (``kind: talk_sort``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> sorter = TalkSorter(parse_content({"kind": "talk_sort", "id": "m4-t", "title": "Dan",
    ...     "statements": [{"id": "s1", "text": "I want to stop.", "talk": "change",
    ...                     "category": "desire", "explanation": "A wish."}]}),
    ...     context=practice_context())
    >>> talk, kind = sorter.sorting["s1"]
    >>> talk.value, kind.value = "change", "desire"
    >>> sorter.submit(), 'class="rc-correct"' in sorter.feedback.value
    (True, True)
    """

    kind = "talk_sort"
    content: TalkSortContent

    def _build(self) -> list[w.Widget]:
        body: list[w.Widget] = []
        if self.content.intro:
            body.append(HTML(markdown(self.content.intro)).add_class("rc-intro"))
        self.sorting: dict[str, tuple[ChoiceGroup, ChoiceGroup]] = {}
        for number, statement in enumerate(self.content.statements, start=1):
            quote = f"“{statement.text}”"
            talk = ChoiceGroup(
                f"Statement {number}: change or sustain talk?",
                list(TALK_LABELS.items()),
                hint=quote,
                orientation="horizontal",
            )
            category = ChoiceGroup(
                f"Statement {number}: which kind of talk?",
                list(CATEGORY_LABELS.items()),
                hint=quote,
                orientation="horizontal",
            )
            for group in (talk, category):
                group.add_class("rc-item")
                self._watch(group)
            self.sorting[statement.id] = (talk, category)
            heading = HTML(element("p", element("strong", f"{number}. "), quote))
            body.append(VBox([heading, ChoiceSet([talk, category])]).add_class("rc-statement"))
        return body

    def _read(self) -> dict[str, Any]:
        return {
            sid: {"talk": talk.value, "category": category.value}
            for sid, (talk, category) in self.sorting.items()
        }

    def _write(self, answers: Mapping[str, Any]) -> None:
        for sid, (talk, category) in self.sorting.items():
            answer = answers.get(sid)
            if isinstance(answer, Mapping):
                talk.value = answer.get("talk") if isinstance(answer.get("talk"), str) else ""
                chosen = answer.get("category")
                category.value = chosen if isinstance(chosen, str) else ""

    def _clear(self) -> None:
        for talk, category in self.sorting.values():
            talk.value = category.value = ""

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        todo = [
            str(number)
            for number, sid in enumerate(self.sorting, start=1)
            if not (answers[sid]["talk"] and answers[sid]["category"])
        ]
        if not todo:
            return None
        return f"Please sort every statement both ways first (still to do: {', '.join(todo)})."

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        scores = talk_agreement(self.content.statements, answers)
        summary = element(
            "p",
            "You sorted ",
            element("span", f"{scores['talk_agreement']:.0%}", cls="rc-score"),
            " of the statements to the same side as the course, and gave ",
            element("span", f"{scores['category_agreement']:.0%}", cls="rc-score"),
            " the same kind of talk.",
        )
        items = [
            _statement_feedback(number, statement, answers[statement.id])
            for number, statement in enumerate(self.content.statements, start=1)
        ]
        note = element(
            "p",
            "People often hear the same words differently; the tone and what came before "
            "matter too. Use the differences to practise listening for what the person wants.",
            cls="rc-note",
        )
        return Outcome(element("div", join([summary, *items, note]), cls="rc-result"), scores)


def _statement_feedback(number: int, statement: Statement, answer: Mapping[str, str]) -> Safe:
    right = answer["talk"] == statement.talk and answer["category"] == statement.category
    course = f"{TALK_LABELS[statement.talk]}, {CATEGORY_LABELS[statement.category].lower()}"
    yours = (
        f"{TALK_LABELS.get(answer['talk'], '?')}, "
        f"{CATEGORY_LABELS.get(answer['category'], '?').lower()}"
    )
    return element(
        "div",
        element("p", element("strong", f"{number}. “{statement.text}”")),
        element(
            "p",
            f"You: {yours}. The course: {course}.",
            cls="rc-correct" if right else "rc-incorrect",
        ),
        markdown(statement.explanation),
        cls="rc-statement-feedback",
    )
