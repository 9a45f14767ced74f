"""KnowledgeCheck: single- and multiple-answer questions with feedback on every option.

Answers are stored as ``{question id: [chosen option indexes]}``; the score is the number of
questions answered exactly right. Feedback goes through every option, chosen or not, so the
trainee learns why each one is or is not the best choice.

Each trainee sees every question's options in an order of their own
(:func:`~.shuffle.trainee_order`, from their cohort and handle), the same each time they come
back; the indexes stored are those of the content file, whatever order was shown.

>>> from recovery_capital.content.model import parse_content
>>> quiz = parse_content({"kind": "quiz", "id": "m1-q", "title": "Words", "questions": [
...     {"id": "a", "prompt": "Which is person-first?", "options": [
...         {"text": "a person who injects drugs", "correct": True, "feedback": "Yes."},
...         {"text": "an injector", "feedback": "A label, not a person."}]}]})
>>> grade(quiz, {"a": [0]})
(1, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import QuizContent, QuizQuestion
from .base import Exercise, Outcome
from .choice import CheckboxGroup, ChoiceGroup, ChoiceSet
from .html import Safe, element, join, markdown
from .parts import HTML
from .shuffle import identity_of, trainee_order

__all__ = ["KnowledgeCheck", "grade"]


def _chosen(question: QuizQuestion, answers: Mapping[str, Any]) -> set[int]:
    picked = answers.get(question.id) or []
    return {i for i in picked if isinstance(i, int) and 0 <= i < len(question.options)}


def grade(quiz: QuizContent, answers: Mapping[str, Any]) -> tuple[int, int]:
    """``(questions answered exactly right, number of questions)``."""
    right = sum(_chosen(q, answers) == set(q.correct_indexes) for q in quiz.questions)
    return right, len(quiz.questions)


def _question_feedback(
    number: int, question: QuizQuestion, chosen: set[int], order: list[int] | None = None
) -> Safe:
    right = chosen == set(question.correct_indexes)
    verdict = "You got this one." if right else "Not quite: see why below."
    rows = []
    for index in order or range(len(question.options)):
        option = question.options[index]
        picked = "you chose this" if index in chosen else "not chosen"
        correct = "a good answer" if option.correct else "not the best answer"
        rows.append(
            element(
                "li",
                element("strong", option.text),
                f" ({picked}; {correct}). ",
                markdown(option.feedback),
                cls="rc-correct" if option.correct else "rc-incorrect",
            )
        )
    return element(
        "div",
        element("p", element("strong", f"{number}. {question.prompt}"), " ", verdict),
        element("ul", rows),
        cls=["rc-question-feedback", "rc-right" if right else "rc-wrong"],
    )


class KnowledgeCheck(Exercise):
    """A quiz from ``assets/content/quizzes/`` (``kind: quiz``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> quiz = KnowledgeCheck(parse_content({"kind": "quiz", "id": "m1-q", "title": "Words",
    ...     "questions": [{"id": "a", "prompt": "Which is person-first?", "options": [
    ...         {"text": "a person who injects drugs", "correct": True, "feedback": "Yes."},
    ...         {"text": "an injector", "feedback": "A label."}]}]}), context=practice_context())
    >>> quiz.controls["a"].value = "0"
    >>> quiz.submit(), "1 of 1" in quiz.feedback.value
    (True, True)
    """

    kind = "quiz"
    content: QuizContent

    def _build(self) -> list[w.Widget]:
        self.controls: dict[str, ChoiceGroup | CheckboxGroup] = {}
        self.orders: dict[str, list[int]] = {}
        self._identity = identity_of(self.context)
        body: list[w.Widget] = []
        if self.content.intro:
            body.append(HTML(markdown(self.content.intro)).add_class("rc-intro"))
        for number, question in enumerate(self.content.questions, start=1):
            options = self._options(question)
            legend = f"{number}. {question.prompt}"
            if question.type == "multiple":
                control: ChoiceGroup | CheckboxGroup = CheckboxGroup(
                    legend, options, hint="Choose all that apply."
                )
            else:
                control = ChoiceGroup(legend, options)
            control.add_class("rc-item")
            self._watch(control)
            self.controls[question.id] = control
        body.append(ChoiceSet(self.controls.values()))
        return body

    def _options(self, question: QuizQuestion) -> list[tuple[str, str]]:
        """``question``'s options as this trainee sees them (values are file indexes)."""
        order = trainee_order(self._identity, f"{self.activity_id}/{question.id}",
                              len(question.options))  # fmt: skip
        self.orders[question.id] = order
        return [(str(i), question.options[i].text) for i in order]

    def _reorder(self) -> None:
        """Show each question in the order of whoever the page now answers as."""
        identity = identity_of(self.context)
        if identity == self._identity:
            return
        self._identity = identity
        with self._quietly():
            for question in self.content.questions:
                control = self.controls[question.id]
                kept = control.value
                control.set_options(self._options(question))
                control.value = kept

    def _after_join(self) -> None:
        self._reorder()
        super()._after_join()

    def _after_switch(self) -> None:
        self._reorder()
        super()._after_switch()

    def _read(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for qid, control in self.controls.items():
            values = control.value if isinstance(control.value, list) else [control.value]
            answers[qid] = sorted(int(v) for v in values if v != "")
        return answers

    def _write(self, answers: Mapping[str, Any]) -> None:
        for question in self.content.questions:
            control = self.controls[question.id]
            chosen = sorted(_chosen(question, answers))
            if isinstance(control, CheckboxGroup):
                control.value = [str(i) for i in chosen]
            elif chosen:
                control.value = str(chosen[0])

    def _clear(self) -> None:
        for control in self.controls.values():
            control.value = [] if isinstance(control, CheckboxGroup) else ""

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        empty = [
            str(number)
            for number, question in enumerate(self.content.questions, start=1)
            if not answers.get(question.id)
        ]
        if not empty:
            return None
        which = "question " + empty[0] if len(empty) == 1 else "questions " + ", ".join(empty)
        return f"Please choose an answer for {which} first."

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        right, total = grade(self.content, answers)
        parts = [
            element(
                "p",
                element("span", f"{right} of {total}", cls="rc-score"),
                " answered in the way the course suggests.",
            )
        ]
        parts += [
            _question_feedback(
                number, question, _chosen(question, answers), self.orders.get(question.id)
            )
            for number, question in enumerate(self.content.questions, start=1)
        ]
        scores = {"correct": right, "total": total}
        return Outcome(element("div", join(parts), cls="rc-result"), scores)
