"""Broken YAML of every kind: ``check`` names the file, the line and the problem, all at once.

Each case writes one broken file into a valid course and expects exactly the findings listed
for that file, as (line, words the message must contain).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from authoring_support import findings, write

QUIZ_WITH_THREE_PROBLEMS = """\
kind: quiz
id: m0-quiz-many
title: Three problems
questions:
  - id: q1
    prompt: Which phrase puts the person first?
    type: single
    options:
      - text: a person who uses heroin
        correct: true
        feedback: Yes.
      - text: a person with a heroin problem
        correct: true
        feedback: Also fine.
  - id: q2
    prompt: Which is a closed question?
    options:
      - text: Do you drink every day?
        corect: true
        feedback: Yes.
      - text: What is a typical day like for you?
"""

VIGNETTE = """\
kind: vignette
id: m2-vignette-rob
title: Rob, 61
person:
  name: Rob
  age: 61
story: Rob is a retired bus driver who drinks at home most evenings since his wife died.
rate:
  stage: true
reference:
  stage:
    value: ready
    reasoning: He says he wants to cut down after his granddaughter's birth.
"""

VIGNETTE_BARC = """\
kind: vignette
id: m2-vignette-ali
title: Ali, 45
person: {name: Ali, age: 45}
story: Ali has been using heroin for ten years and is now on a methadone prescription.
rate:
  instrument: barc10
reference:
  items:
    q1: {value: 3, reasoning: Some days are better than others.}
    q2: {value: 9, reasoning: He has a flat of his own.}
    q3: {value: 4, reasoning: He sees his sister every week.}
    q4: {value: 3, reasoning: He is unsure about the future.}
    q5: {value: 2, reasoning: He has no work at the moment.}
    q6: {value: 4, reasoning: He manages his money with help.}
    q7: {value: 3, reasoning: He goes to a mutual-aid group now and then.}
    q8: {value: 5, reasoning: He feels the service listens to him.}
    q9: {value: 4, reasoning: He keeps his appointments.}
"""

VIGNETTE_NOT_ENABLED = """\
kind: vignette
id: m3-vignette-bea
title: Bea, 19
person: {name: Bea, age: 19}
story: Bea is a student who drinks most evenings with friends from her course.
rate:
  instrument: audit_c
reference:
  items:
    q1: {value: 3, reasoning: She drinks four or more times a week.}
    q2: {value: 1, reasoning: Three or four drinks on a typical evening.}
    q3: {value: 1, reasoning: Six or more drinks less than monthly.}
"""

TALK_SORT = """\
kind: talk_sort
id: m4-talk-sort-lou
title: Lou's words
statements:
  - id: s1
    text: I want to be there for my son.
    talk: change
    category: desires
    explanation: A wish for something different.
  - id: s1
    text: I can stop any time I like.
    talk: neutral
    category: ability
    explanation: A claim about ability that keeps things as they are.
"""

SCENARIO_BROKEN = """\
kind: scenario
id: m4-scenario-kim
title: Kim
client: {name: Kim, summary: Kim is 38.}
start: opening
nodes:
  opening:
    client: Why am I here?
    choices:
      - text: You're not sure this is for you.
        tag: simple_reflection
        next: heard
      - text: You need to stop drinking.
        tag: confronting
        next: argued
  heard:
    client: Not really, no.
  argued:
    client: That's what everyone says.
    choices:
      - text: What would you like to happen?
        tag: open_question
        next: nowhere
  forgotten:
    client: Nobody gets here.
    ending: true
    outcome: good
"""

SCENARIO_LOOP = """\
kind: scenario
id: m4-scenario-pat
title: Pat
client: {name: Pat, summary: Pat is 50.}
start: opening
nodes:
  opening:
    client: Hello.
    choices:
      - {text: "How are you?", tag: open_question, next: circle}
      - {text: "Goodbye then.", tag: giving_information, next: done}
  circle:
    client: Round and round.
    choices:
      - {text: "Round we go.", tag: simple_reflection, next: circle}
  done:
    client: Bye.
    ending: true
    outcome: mixed
  unused:
    client: Never reached.
    ending: true
    outcome: poor
"""

RULER = """\
kind: ruler
id: m3-ruler-sol
title: Sol's rulers
low: 0
high: 11
rulers:
  - id: importance
    question: How important is it to you?
  - id: importance
    question: How confident are you?
"""

REFLECTION = """\
kind: reflection
id: m1-reflection-empty
title: A reflection without a prompt
min_words: -5
"""

POLL = """\
kind: poll
id: m1-poll-one
title: One option
question: Is one option enough?
options: [Only this one]
"""

POLL_REPEATS = """\
kind: poll
id: m1-poll-repeats
title: Repeats
question: Which?
options: [Tea, Coffee, Tea]
"""

INSTRUMENT = """\
id: brief
title: A brief check
short_title: Brief
version: "1"
citation: Written for a test.
licence: MIT
status: verified
response_options:
  - {value: 0, label: "No"}
  - {value: 1, label: "Yes"}
items:
  - {id: q1, prompt: I sleep well.}
  - {id: q3}
scales:
  - {id: total, label: Total, method: sum, items: [q1, q3]}
"""

INSTRUMENT_NAMED_WRONGLY = (
    INSTRUMENT.replace("id: brief", "id: brief_check")
    .replace("  - {id: q3}\n", "  - {id: q2, prompt: I eat well.}\n")
    .replace("[q1, q3]", "[q1, q2]")
)

SYNTAX = """\
kind: poll
id: m1-poll-syntax
title: A missing quote
question: "Which of these?
options: [a, b]
"""

REPEATED_KEY = """\
kind: poll
id: m1-poll-twice
title: One title
question: Which?
title: Another title
options: [a, b]
"""

POLL_YES_NO = """\
kind: poll
id: m1-poll-yes-no
title: Yes or no
question: Have you used naloxone?
options:
  - Yes
  - No
"""

WRONG_FOLDER = POLL_REPEATS.replace("m1-poll-repeats", "m1-poll-moved").replace(
    "[Tea, Coffee, Tea]", "[Tea, Coffee]"
)

CASES = {
    "quiz: every problem, each at its own line": (
        "assets/content/quizzes/m0-quiz-many.yaml",
        QUIZ_WITH_THREE_PROBLEMS,
        [
            (5, "questions.0: a single-answer question needs exactly one correct option (found 2)"),
            (19, "questions.1.options.0.corect: is not a known field here (check the spelling)"),
            (21, "questions.1.options.1.feedback: required"),
        ],
    ),
    "vignette: a stage that does not exist": (
        "assets/content/vignettes/rob.yaml",
        VIGNETTE,
        [
            (12, "reference.stage.value: Input should be 'precontemplation', 'contemplation'"),
        ],
    ),
    "vignette: reference ratings that do not fit the instrument": (
        "assets/content/vignettes/ali.yaml",
        VIGNETTE_BARC,
        [
            (9, "reference.items.q10: missing: every item needs a rating"),
            (11, "reference.items.q2.value: 9 is outside this item's answers (1-6)"),
        ],
    ),
    "vignette: rating an instrument the course does not enable": (
        "assets/content/vignettes/bea.yaml",
        VIGNETTE_NOT_ENABLED,
        [
            (7, "rates 'audit_c', which course.yaml does not enable (add it to instruments)"),
        ],
    ),
    "talk sort: unknown category and talk": (
        "assets/content/talk/lou.yaml",
        TALK_SORT,
        [
            (8, "statements.0.category: Input should be 'desire', 'ability'"),
            (12, "statements.1.talk: Input should be 'change' or 'sustain'"),
        ],
    ),
    "scenario: unknown next, dead end and unreachable node together": (
        "assets/content/scenarios/kim.yaml",
        SCENARIO_BROKEN,
        [
            (16, "nodes.heard: dead end: add choices, or mark it `ending: true`"),
            (23, "nodes.argued.choices.0.next: 'nowhere' is not a node"),
            (24, "nodes.forgotten: cannot be reached from the start node 'opening'"),
        ],
    ),
    "scenario: a loop with no way out and an unreachable ending": (
        "assets/content/scenarios/pat.yaml",
        SCENARIO_LOOP,
        [
            (12, "nodes.circle: no ending can be reached from here (a loop, no way out)"),
            (20, "nodes.unused: cannot be reached from the start node 'opening'"),
        ],
    ),
    "ruler: out of range and repeated ids": (
        "assets/content/rulers/sol.yaml",
        RULER,
        [
            (5, "high: Input should be less than or equal to 10"),
        ],
    ),
    "reflection: missing prompt and a negative word count": (
        "assets/content/reflections/empty.yaml",
        REFLECTION,
        [
            (1, "prompt: required"),
            (4, "min_words: Input should be greater than or equal to 0"),
        ],
    ),
    "poll: one option": (
        "assets/content/polls/one.yaml",
        POLL,
        [(5, "options: needs at least 2 entries")],
    ),
    "poll: Yes and No without quotes": (
        "assets/content/polls/yes-no.yaml",
        POLL_YES_NO,
        [
            (
                6,
                "options.0: Input should be a valid string (YAML reads Yes as true or false: "
                'put it in quotes, "Yes")',
            ),
            (
                7,
                "options.1: Input should be a valid string (YAML reads No as true or false: "
                'put it in quotes, "No")',
            ),
        ],
    ),
    "poll: an option twice": (
        "assets/content/polls/repeats.yaml",
        POLL_REPEATS,
        [
            (5, "options: option 'Tea' appears more than once"),
        ],
    ),
    "instrument: an item without a prompt": (
        "assets/content/instruments/brief.yaml",
        INSTRUMENT,
        [
            (13, "items.1.prompt: required"),
        ],
    ),
    "instrument: file name and id disagree": (
        "assets/content/instruments/brief.yaml",
        INSTRUMENT_NAMED_WRONGLY,
        [
            (1, "id 'brief_check' must match the file name (brief.yaml)"),
        ],
    ),
    "YAML syntax error": (
        "assets/content/polls/syntax.yaml",
        SYNTAX,
        [
            (
                6,
                "YAML syntax: a quote is opened but never closed: add the closing quote mark "
                "(it starts on line 4)",
            ),
        ],
    ),
    "a key given twice": (
        "assets/content/polls/twice.yaml",
        REPEATED_KEY,
        [(5, "key 'title' appears twice")],
    ),
    "a file of one kind in another kind's folder": (
        "assets/content/quizzes/moved.yaml",
        WRONG_FOLDER,
        [
            (1, "kind: this is a 'poll' file; expected 'quiz'"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_broken_file_is_reported_with_its_lines(tiny_course: Path, case: str) -> None:
    relative, text, expected = CASES[case]
    write(tiny_course, relative, text)
    found = [(line, message) for file, line, severity, message in findings(tiny_course)
             if file == relative and severity == "error"]  # fmt: skip
    assert len(found) == len(expected), found
    for (line, words), (found_line, found_message) in zip(expected, found):
        assert words in found_message
        assert found_line == line, (words, found)


def test_the_same_id_in_two_files_is_an_error_naming_both(tiny_course: Path) -> None:
    copy = (tiny_course / "assets/content/quizzes/m0-quiz-words.yaml").read_text()
    write(tiny_course, "assets/content/quizzes/m0-quiz-words-copy.yaml", copy)
    errors = [f for f in findings(tiny_course) if f[2] == "error"]
    # Files are checked in name order, so the copy ("...-copy" sorts first) keeps the id.
    assert errors == [(
        "assets/content/quizzes/m0-quiz-words.yaml", 2, "error",
        "id 'm0-quiz-words' is already used by assets/content/quizzes/m0-quiz-words-copy.yaml: "
        "every activity needs its own id, or their answers are stored together",
    )]  # fmt: skip


def test_a_file_outside_the_content_folders_is_a_warning(tiny_course: Path) -> None:
    write(tiny_course, "assets/content/quizes/m0-quiz-typo.yaml", "kind: quiz\n")
    assert findings(tiny_course) == [(
        "assets/content/quizes/m0-quiz-typo.yaml", None, "warning",
        "not in a content folder (drills, polls, quizzes, reflections, rulers, scenarios, "
        "short-answers, talk, triads, vignettes), so no exercise can use it",
    )]  # fmt: skip


def test_every_broken_file_at_once_is_listed_in_one_report(tiny_course: Path) -> None:
    for relative, text, _ in CASES.values():
        if "instruments" not in relative and "moved" not in relative:
            write(tiny_course, relative, text)
    files = {file for file, _, severity, _ in findings(tiny_course) if severity == "error"}
    assert len(files) == 14


def test_a_broken_wording_file_is_reported_under_its_own_name(tiny_course: Path) -> None:
    instrument = INSTRUMENT_NAMED_WRONGLY.replace("id: brief_check", "id: brief")
    write(tiny_course, "assets/content/instruments/brief.yaml", instrument)
    write(tiny_course, "assets/content/instruments/brief.wording.yaml",
          "q1: Official wording one\nq7: Official wording seven\n")  # fmt: skip
    errors = [f for f in findings(tiny_course) if f[2] == "error"]
    assert errors == [("assets/content/instruments/brief.wording.yaml", 2, "error",
                       "q7: not an item of this instrument")]  # fmt: skip
