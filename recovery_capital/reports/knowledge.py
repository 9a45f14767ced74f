"""Knowledge-check results per question, hardest first, from each trainee's latest answers.

>>> import pandas as pd
>>> from recovery_capital.content.model import parse_content
>>> quiz = parse_content({"kind": "quiz", "id": "m1-words", "title": "Words", "questions": [
...     {"id": "a", "prompt": "Person-first?", "options": [
...         {"text": "a person who uses drugs", "correct": True, "feedback": "Yes."},
...         {"text": "a user", "feedback": "A label."}]},
...     {"id": "b", "prompt": "Also person-first?", "type": "multiple", "options": [
...         {"text": "a person in recovery", "correct": True, "feedback": "Yes."},
...         {"text": "a person with an alcohol problem", "correct": True, "feedback": "Yes."},
...         {"text": "a drunk", "feedback": "A label."}]}]})
>>> rows = pd.DataFrame({"handle": ["fox", "owl", "wren"], "activity_id": ["m1-words"] * 3,
...                      "answers": [{"a": [0], "b": [0, 1]}, {"a": [1], "b": [0]},
...                                  {"a": [1], "b": [0, 1]}]})
>>> [(r.question_id, r.right, r.answered) for r in question_results({"m1-words": quiz}, rows)]
[('a', 1, 3), ('b', 2, 3)]
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..content.model import QuizContent, content_files, load_content
from ..core.errors import DefinitionError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["QuestionResult", "course_quizzes", "question_results"]


@dataclass(frozen=True)
class QuestionResult:
    """How many trainees answered one question, and how many chose exactly the right options."""

    activity_id: str
    quiz_title: str
    question_id: str
    number: int
    prompt: str
    answered: int
    right: int

    @property
    def percent_right(self) -> float | None:
        """Right as a percentage of those who answered (None when nobody has)."""
        return 100 * self.right / self.answered if self.answered else None


def course_quizzes(course_dir: str | os.PathLike[str] | None = None) -> dict[str, QuizContent]:
    """Every knowledge check of the course, keyed by activity id (broken files are skipped:
    ``recovery-capital check`` is where they are reported).

    >>> course_quizzes("/nonexistent")
    {}
    """
    quizzes: dict[str, QuizContent] = {}
    for path in content_files(Path(course_dir) if course_dir is not None else None):
        if path.parent.name != QuizContent.folder:
            continue
        try:
            content = load_content(path)
        except DefinitionError:
            continue
        if isinstance(content, QuizContent):
            quizzes[content.id] = content
    return quizzes


def _chosen(answer: Any, options: int) -> set[int]:
    picked = answer if isinstance(answer, list) else []
    return {
        i for i in picked if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < options
    }


def question_results(
    quizzes: Mapping[str, QuizContent], submissions: pd.DataFrame
) -> list[QuestionResult]:
    """Per question of every quiz anyone submitted: answered and right, lowest share right first.

    ``submissions`` holds ``handle``, ``activity_id`` and ``answers`` (oldest first); only each
    trainee's latest submission of a quiz counts. A question someone left unanswered (possible
    only for answers stored by another tool) does not count as answered.
    """
    latest: dict[tuple[str, str], Mapping[str, Any]] = {}
    for handle, activity, answers in zip(
        submissions["handle"], submissions["activity_id"], submissions["answers"]
    ):
        if activity in quizzes:
            latest[(str(handle).casefold(), activity)] = answers or {}
    results = []
    for activity, quiz in quizzes.items():
        answer_sets = [answers for (_, quiz_id), answers in latest.items() if quiz_id == activity]
        if not answer_sets:
            continue
        for number, question in enumerate(quiz.questions, start=1):
            correct = set(question.correct_indexes)
            chosen = [
                _chosen(answers.get(question.id), len(question.options)) for answers in answer_sets
            ]
            answered = [picked for picked in chosen if picked]
            results.append(
                QuestionResult(
                    activity_id=activity,
                    quiz_title=quiz.title,
                    question_id=question.id,
                    number=number,
                    prompt=question.prompt,
                    answered=len(answered),
                    right=sum(picked == correct for picked in answered),
                )
            )
    return sorted(
        results,
        key=lambda r: (
            r.percent_right if r.percent_right is not None else 101,
            r.activity_id,
            r.number,
        ),
    )
