"""Helpers for the educator-tool tests: a small valid course, and ways to write and break files.

``tiny_course`` has two short modules that use a quiz, a poll, a branching scenario, a
reflection and a questionnaire, so every check has something real to look at while the
notebooks still run in a few seconds.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat

from recovery_capital.authoring.check import check_course

COURSE_YAML = """\
title: Working with people who use drugs and alcohol
organisation: Northshire Council
modules:
  - 00-intro.ipynb
  - 01-practice.ipynb
instruments: [barc10, audit]
cohort:
  size: 12
branding:
  name: Northshire Council
  primary_colour: "#1d5c63"
  accent_colour: "#8a4b08"
"""

QUIZ = """\
kind: quiz
id: m0-quiz-words
title: Words that help
questions:
  - id: person-first
    prompt: Which phrase puts the person first?
    type: single
    options:
      - text: a person who uses heroin
        correct: true
        feedback: Yes. It names the person before the drug.
      - text: a heroin addict
        correct: false
        feedback: This label can make a person feel defined by one part of their life.
"""

POLL = """\
kind: poll
id: m0-poll-reasons
title: Why people use substances
question: Which reason do you meet most often in your work?
type: single
options: [To cope with difficult feelings, To be sociable, To manage pain]
"""

SCENARIO = """\
kind: scenario
id: m1-scenario-sam
title: A first conversation with Sam
client:
  name: Sam
  summary: Sam is 29 and has been asked to come by their housing officer.
start: opening
nodes:
  opening:
    client: I don't know why I'm here.
    choices:
      - text: It sounds like coming here wasn't your idea.
        tag: simple_reflection
        next: opens-up
      - text: How much do you drink?
        tag: closed_question
        next: closes-down
  opens-up:
    client: No, but my housing officer is worried about me.
    ending: true
    outcome: good
    feedback: A reflection helped Sam say more.
  closes-down:
    client: Not much. Can I go now?
    ending: true
    outcome: poor
    feedback: A closed question too early can feel like a test.
"""

REFLECTION = """\
kind: reflection
id: m1-reflection-practice
title: Your own practice
prompt: What would you say differently next time?
"""


def write(course: Path, relative: str, text: str) -> Path:
    """Write ``text`` (dedented) to ``course/relative``; return the path."""
    path = course / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def notebook(course: Path, relative: str, title: str, *code: str) -> Path:
    """Write a module notebook: a ``# title`` cell, then one code cell per ``code``."""
    cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nA short module for the tests.")]
    cells += [nbformat.v4.new_code_cell(source) for source in code]
    path = course / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
    return path


def make_tiny_course(course: Path) -> Path:
    write(course, "course.yaml", COURSE_YAML)
    write(course, "assets/content/quizzes/m0-quiz-words.yaml", QUIZ)
    write(course, "assets/content/polls/m0-poll-reasons.yaml", POLL)
    write(course, "assets/content/scenarios/m1-scenario-sam.yaml", SCENARIO)
    write(course, "assets/content/reflections/m1-reflection-practice.yaml", REFLECTION)
    notebook(
        course, "modules/00-intro.ipynb", "Introduction",
        "from recovery_capital.widgets import KnowledgeCheck, LivePoll",
        'KnowledgeCheck("assets/content/quizzes/m0-quiz-words.yaml")',
        'LivePoll("assets/content/polls/m0-poll-reasons.yaml")',
    )  # fmt: skip
    notebook(
        course, "modules/01-practice.ipynb", "Practice",
        "from recovery_capital.widgets import BranchingScenario, Questionnaire, Reflection",
        'BranchingScenario("assets/content/scenarios/m1-scenario-sam.yaml")',
        'Questionnaire("barc10", activity_id="m1-barc10-practice")',
        'Reflection("assets/content/reflections/m1-reflection-practice.yaml")',
    )  # fmt: skip
    return course


def findings(course: Path) -> list[tuple[str, int | None, str, str]]:
    """``check --no-run``'s findings as (file, line or cell, severity, message) tuples."""
    report = check_course(course, run=False)
    return [(f.file, f.line, f.severity, f"{f.where} {f.message}".strip())
            for f in report.findings]  # fmt: skip
