"""A small course and a cohort with known answers, shared by the report tests.

The course has two modules: ``01-start`` (a two-question quiz and the start self-check,
30 minutes in its metadata) and ``07-end`` (the end self-check, no stated length, so the
45-minute default). In the cohort:

=======  ========================  ==============  ===============
handle   quiz answers (a, b)       start answers   end answers
=======  ========================  ==============  ===============
fox-1    right, right              all 2           all 4
owl-2    wrong, wrong              all 3           all 4
wren-3   right, wrong              all 3           (none)
jay-4    (joined, nothing sent)
=======  ========================  ==============  ===============
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from recovery_capital import score
from recovery_capital.store import Store
from recovery_capital.store.access import TrainerAccess, trainer_access

ROOT = Path(__file__).resolve().parents[2]

QUIZ = """\
kind: quiz
id: m1-quiz-words
title: Words that help
questions:
  - id: a
    prompt: Which phrase is person-first?
    options:
      - {text: a person who uses drugs, correct: true, feedback: It puts the person first.}
      - {text: a user, correct: false, feedback: It names a behaviour and not a person.}
  - id: b
    prompt: Which phrases describe someone without labelling them?
    type: multiple
    options:
      - {text: a person in recovery, correct: true, feedback: A description of where they are.}
      - {text: a person with an alcohol problem, correct: true, feedback: The problem is named.}
      - {text: a drunk, correct: false, feedback: A label that sticks to the person.}
"""


def _notebook(title: str, code: str, minutes: int | None) -> str:
    metadata = {"recovery_capital": {"minutes": minutes}} if minutes else {}
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "markdown",
                    "metadata": {},
                    "source": [f"# {title}\n", "\n", "Text."],
                },
                {
                    "cell_type": "code",
                    "metadata": {},
                    "outputs": [],
                    "execution_count": None,
                    "source": ["from recovery_capital.widgets import Questionnaire\n", code],
                },
            ],
            "metadata": metadata,
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def make_course(folder: Path) -> Path:
    """Write the small course described in the module docstring into ``folder``."""
    (folder / "modules").mkdir(parents=True)
    (folder / "assets" / "content" / "quizzes").mkdir(parents=True)
    (folder / "assets" / "content" / "instruments").mkdir(parents=True)
    (folder / "modules" / "01-start.ipynb").write_text(
        _notebook("Starting out", 'Questionnaire("selfcheck", activity_id="m1-selfcheck-pre")', 30)
    )
    (folder / "modules" / "07-end.ipynb").write_text(
        _notebook(
            "Looking back", 'Questionnaire("selfcheck", activity_id="m7-selfcheck-post")', None
        )
    )
    (folder / "assets" / "content" / "quizzes" / "m1-quiz-words.yaml").write_text(QUIZ)
    shutil.copy(
        ROOT / "assets" / "content" / "instruments" / "selfcheck.yaml",
        folder / "assets" / "content" / "instruments" / "selfcheck.yaml",
    )
    return folder


def selfcheck_answers(value: int) -> dict[str, int]:
    return {f"q{i}": value for i in range(1, 13)}


@dataclass
class Cohort:
    store: Store
    code: str
    key: str
    access: TrainerAccess
    course: Path


def fill_cohort(store: Store, code: str) -> None:
    """The answers in the module docstring's table, in that order."""
    for handle in ("fox-1", "owl-2", "wren-3", "jay-4"):
        store.join(code, handle)
    quiz = {
        "fox-1": {"a": [0], "b": [0, 1]},
        "owl-2": {"a": [1], "b": [1]},
        "wren-3": {"a": [0], "b": [0]},
    }
    for handle, answers in quiz.items():
        store.submit(code, handle, "m1-quiz-words", answers, scores={"correct": 0, "total": 2})
    for handle, activity, value in (
        ("fox-1", "m1-selfcheck-pre", 2),
        ("owl-2", "m1-selfcheck-pre", 3),
        ("wren-3", "m1-selfcheck-pre", 3),
        ("fox-1", "m7-selfcheck-post", 4),
        ("owl-2", "m7-selfcheck-post", 4),
    ):
        answers = selfcheck_answers(value)
        store.submit(code, handle, activity, answers, result=score("selfcheck", answers))


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Cohort:
    course = make_course(tmp_path_factory.mktemp("course"))
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('store')}/store.sqlite3")
    created = store.create_cohort("Northshire <Spring>")
    fill_cohort(store, created.code)
    access = trainer_access(store, created.code, created.trainer_key)
    return Cohort(store, created.code, created.trainer_key, access, course)


@pytest.fixture
def course_maker():
    """:func:`make_course`, for tests that need a fresh course folder."""
    return make_course


@pytest.fixture
def selfcheck():
    """:func:`selfcheck_answers`: twelve equal self-check answers."""
    return selfcheck_answers
