"""A small course with a one-day programme, shared by the programme tests.

The course has one module, ``01-start.ipynb``, which makes one quiz (``m1-quiz-words``), and a
programme of one day (09:30-12:30) with four sessions, one set meeting and one follow-up.
Tests break the programme's text one line at a time and look for that line in ``check``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
"""

PROGRAMME = """\
title: A one-day programme
days:
  - id: day1
    title: "Day 1: words"
    start: "09:30"
    end: "12:30"
    sessions:
      - id: d1-welcome
        start: "09:30"
        end: "10:00"
        kind: input
        title: Welcome
        modules: [01-start.ipynb]
        activities: [m1-quiz-words]
      - id: d1-break
        start: "10:00"
        end: "10:15"
        kind: break
        title: Break
      - id: d1-pairs
        start: "10:15"
        end: "11:30"
        kind: practice
        title: Pairs
        activities: [pairs-rewrite]
      - id: d1-close
        start: "11:30"
        end: "12:30"
        kind: reflection
        title: Close
action_learning:
  protocol: set-protocol
  meetings:
    - id: set-1
      after: day1
      title: Set 1
      focus: Questions.
      between_task: Try one thing.
follow_ups:
  - id: follow-up-6
    weeks: 6
    title: Six weeks on
    plan: ["Review the plan."]
"""

LIVE = """\
kind: live_activities
activities:
  - id: pairs-rewrite
    title: Rewriting notes
    kind: practice
    minutes: 30
    grouping: Pairs
    purpose: Practise person-first writing.
    steps: [Rewrite six sentences.]
"""

PROTOCOL = """\
kind: guidance
id: set-protocol
title: Set protocol
intro: How a set meets.
sections:
  - heading: Ground rules
    points: [Questions, not advice.]
"""


def write_course(folder: Path) -> Path:
    """Write the small course described in the module notes into ``folder``."""
    (folder / "modules").mkdir(parents=True)
    (folder / "assets" / "content" / "quizzes").mkdir(parents=True)
    (folder / "assets" / "content" / "instruments").mkdir(parents=True)
    (folder / "assets" / "programme").mkdir(parents=True)
    notebook = {
        "cells": [
            {"cell_type": "markdown", "id": "title", "metadata": {},
             "source": ["# Starting out\n\nText."]},
            {"cell_type": "code", "id": "quiz", "metadata": {}, "outputs": [],
             "execution_count": None,
             "source": ["from recovery_capital.widgets import KnowledgeCheck\n",
                        'KnowledgeCheck("assets/content/quizzes/m1-quiz-words.yaml")']},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    (folder / "modules" / "01-start.ipynb").write_text(json.dumps(notebook))
    (folder / "assets" / "content" / "quizzes" / "m1-quiz-words.yaml").write_text(QUIZ)
    shutil.copy(
        ROOT / "assets" / "content" / "instruments" / "selfcheck.yaml",
        folder / "assets" / "content" / "instruments" / "selfcheck.yaml",
    )
    (folder / "assets" / "programme" / "programme.yaml").write_text(PROGRAMME)
    (folder / "assets" / "programme" / "live.yaml").write_text(LIVE)
    (folder / "assets" / "programme" / "protocol.yaml").write_text(PROTOCOL)
    return folder


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``fragment``."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return found[occurrence - 1]
