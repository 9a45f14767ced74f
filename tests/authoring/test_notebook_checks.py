"""What check finds in notebooks without running them: references to content, activity ids,
saved outputs, paired files and leftover template guidance."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from authoring_support import findings, notebook

from recovery_capital.authoring.check import check_course
from recovery_capital.content.notebooks import cells_with_outputs, exercise_uses, strip_outputs
from recovery_capital.core.report import format_report


def test_references_to_missing_or_wrong_content_are_errors_at_their_cell(
    tiny_course: Path,
) -> None:
    notebook(
        tiny_course, "modules/01-practice.ipynb", "Practice",
        "from recovery_capital.widgets import *",
        'KnowledgeCheck("assets/content/quizzes/m1-quiz-gone.yaml")',
        'KnowledgeCheck("assets/content/polls/m0-poll-reasons.yaml")',
        'Questionnaire("urika")',
        'Questionnaire("urica")',
        "\n".join([
            'BranchingScenario("assets/content/scenarios/m1-scenario-sam.yaml")',
            'Reflection("assets/content/reflections/m1-reflection-practice.yaml")',
        ]),
    )  # fmt: skip
    errors = [(where_message) for file, _, severity, where_message in findings(tiny_course)
              if file == "modules/01-practice.ipynb" and severity == "error"]  # fmt: skip
    assert errors == [
        "cell 3 KnowledgeCheck: assets/content/quizzes/m1-quiz-gone.yaml does not exist",
        "cell 4 KnowledgeCheck: assets/content/polls/m0-poll-reasons.yaml is a 'poll' file; "
        "KnowledgeCheck needs a 'quiz' file",
        "cell 5 Questionnaire: no instrument 'urika' (available: audit, audit_c, audit_c_uk, "
        "audit_uk, barc10, dast10, rcq, readiness_ruler, socrates8a, socrates8d, urica)",
        "cell 6 Questionnaire: 'urica' is not enabled in course.yaml instruments",
    ]  # the scenario and reflection in cell 7 (lines 1 and 2) are fine


def test_a_reference_to_a_broken_file_points_to_that_file(tiny_course: Path) -> None:
    quiz = tiny_course / "assets/content/quizzes/m0-quiz-words.yaml"
    quiz.write_text(quiz.read_text().replace("title: Words that help\n", ""))
    report = check_course(tiny_course, run=False)
    errors = [(f.file, f.line, f.message) for f in report.errors]
    # one mistake, one error: the notebook that uses the file gets a note, not a second error
    assert errors == [("assets/content/quizzes/m0-quiz-words.yaml", 1, "title: required")]
    assert ("modules/00-intro.ipynb cell 3 (KnowledgeCheck) uses "
            "assets/content/quizzes/m0-quiz-words.yaml, which shows nothing until its errors "
            "above are fixed.") in report.notes  # fmt: skip


def test_an_activity_id_used_twice_is_an_error_with_a_hint(tiny_course: Path) -> None:
    notebook(
        tiny_course, "modules/01-practice.ipynb", "Practice",
        "from recovery_capital.widgets import *",
        'BranchingScenario("assets/content/scenarios/m1-scenario-sam.yaml")',
        'Questionnaire("barc10")',
        'Reflection("assets/content/reflections/m1-reflection-practice.yaml")',
        'Questionnaire("barc10")',
        'KnowledgeCheck("assets/content/quizzes/m0-quiz-words.yaml")',
    )  # fmt: skip
    errors = [message for file, _, severity, message in findings(tiny_course)
              if severity == "error"]  # fmt: skip
    assert errors == [
        "cell 6 Questionnaire: activity id 'barc10' is also used in modules/01-practice.ipynb "
        'cell 4; both would file answers together (give each use its own activity_id="...")',
        "cell 7 KnowledgeCheck: activity id 'm0-quiz-words' is also used in "
        "modules/00-intro.ipynb cell 3; both would file answers together (copy the file and "
        "give the copy its own id)",
    ]


def test_content_no_module_uses_is_a_warning(tiny_course: Path) -> None:
    notebook(tiny_course, "modules/00-intro.ipynb", "Introduction",
             'LivePoll("assets/content/polls/m0-poll-reasons.yaml")')  # fmt: skip
    assert findings(tiny_course) == [(
        "assets/content/quizzes/m0-quiz-words.yaml", 2, "warning",
        "no module uses this exercise yet",
    )]  # fmt: skip


def test_saved_outputs_are_an_error_until_stripped(tiny_course: Path) -> None:
    path = tiny_course / "modules/00-intro.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[1].execution_count = 4
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nbformat.write(nb, str(path))
    assert findings(tiny_course) == [(
        "modules/00-intro.ipynb", None, "error",
        "saved with outputs in 1 cell(s): clear them (run check with --strip-outputs) so the "
        "notebook stays small and easy to compare in git",
    )]  # fmt: skip
    before = nb.cells[0].source
    report = check_course(tiny_course, run=False, strip=True)
    assert report.ok and report.notes == ["Cleared saved outputs from modules/00-intro.ipynb."]
    stripped = nbformat.read(str(path), as_version=4)
    assert cells_with_outputs(stripped) == [] and "widgets" not in stripped.metadata
    assert stripped.cells[0].source == before
    assert strip_outputs(path) is False  # nothing left to do


def test_a_declared_paired_file_must_exist(tiny_course: Path) -> None:
    path = tiny_course / "modules/00-intro.ipynb"
    nb = json.loads(path.read_text())
    nb["metadata"]["jupytext"] = {"formats": "ipynb,md"}
    path.write_text(json.dumps(nb))
    assert findings(tiny_course) == [(
        "modules/00-intro.ipynb", None, "error",
        "says it is paired with modules/00-intro.md, which does not exist (remove the jupytext "
        "pairing or add the file)",
    )]  # fmt: skip
    (tiny_course / "modules/00-intro.md").write_text("# Introduction\n")
    assert findings(tiny_course) == []


def test_a_notebook_that_is_not_json_is_an_error(tiny_course: Path) -> None:
    (tiny_course / "modules/00-intro.ipynb").write_text("{not json")
    found = [f for f in findings(tiny_course) if f[0] == "modules/00-intro.ipynb"]
    assert len(found) == 1 and found[0][3].startswith("is not a notebook (not valid JSON")


def test_a_listed_module_without_a_title_is_a_warning(tiny_course: Path) -> None:
    path = tiny_course / "modules/00-intro.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells[0].source = "Some words but no heading."
    nbformat.write(nb, str(path))
    assert findings(tiny_course) == [(
        "modules/00-intro.ipynb", None, "warning",
        "cell 1 has no '# Title' heading in its first text cell, so the course home shows its "
        "file name instead",
    )]  # fmt: skip


def test_exercise_uses_ignore_magics_and_computed_arguments() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("%matplotlib inline\nfrom recovery_capital import widgets\n"
                                  'widgets.Ruler("assets/content/rulers/r.yaml")'),
        nbformat.v4.new_code_cell('name = "x.yaml"\nKnowledgeCheck(name)'),
        nbformat.v4.new_code_cell("this is not python"),
    ])  # fmt: skip
    uses = [(u.cell, u.line, u.widget, u.argument) for u in exercise_uses(nb)]
    assert uses == [(1, 3, "Ruler", "assets/content/rulers/r.yaml"),
                    (2, 2, "KnowledgeCheck", None)]  # fmt: skip


def test_check_counts_each_mistake_once(tiny_course: Path) -> None:
    """Three mistakes (a course.yaml indent, an unclosed quote in a quiz, a misspelt key in a
    poll, both used by a notebook) are three errors in three files, not eight in five."""
    settings = tiny_course / "course.yaml"
    settings.write_text(settings.read_text().replace("  - 01-practice", " - 01-practice"))
    quiz = tiny_course / "assets/content/quizzes/m0-quiz-words.yaml"
    quiz.write_text(quiz.read_text().replace("prompt: Which", "prompt: 'Which"))
    poll = tiny_course / "assets/content/polls/m0-poll-reasons.yaml"
    poll.write_text(poll.read_text().replace("options:", "option:"))
    report = check_course(tiny_course, run=False)
    assert [(f.file, f.place) for f in report.errors] == [
        ("course.yaml", "line 5, column 2"),
        ("assets/content/polls/m0-poll-reasons.yaml", "line 6"),
        ("assets/content/quizzes/m0-quiz-words.yaml", "line 15, column 1"),
    ]
    assert format_report(report).endswith(
        "3 errors in 3 files. Fix the errors before trainees use the course."
    )
