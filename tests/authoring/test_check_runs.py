"""check runs every notebook (in the current Python, against a throw-away store) and prints a
report that fits an 80-column terminal, with an exit code a script can rely on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from authoring_support import notebook, write

from recovery_capital.authoring.check import check_course
from recovery_capital.authoring.run import run_notebook
from recovery_capital.cli import main
from recovery_capital.core.report import CheckReport, Finding, format_report

ENVIRONMENT_CELL = """\
import os, sys
from pathlib import Path
assert Path(os.environ["RECOVERY_CAPITAL_COURSE_DIR"]) == Path({course!r}).resolve()
assert os.environ["RECOVERY_CAPITAL_STORE"] != {outer_store!r}
assert os.environ["RECOVERY_CAPITAL_STRICT"] == "1"
assert Path.cwd() == Path({course!r}).resolve() / "modules"
assert sys.executable == {python!r}
"""


def test_every_notebook_runs_and_failures_name_the_cell(tiny_course: Path) -> None:
    cell = ENVIRONMENT_CELL.format(
        course=str(tiny_course), outer_store=os.environ["RECOVERY_CAPITAL_STORE"],
        python=os.sys.executable,
    )  # fmt: skip
    notebook(tiny_course, "modules/02-environment.ipynb", "Environment", cell)
    notebook(tiny_course, "modules/03-broken.ipynb", "Broken", "x = 1", "x / 0")
    # A path built in code is invisible to the file checks; running the module catches it.
    notebook(
        tiny_course, "modules/04-computed.ipynb", "Computed",
        "from recovery_capital.widgets import KnowledgeCheck",
        'KnowledgeCheck("assets/content/quizzes/" + "m4-quiz-gone.yaml")',
    )  # fmt: skip
    lines = (tiny_course / "course.yaml").read_text().replace(
        "  - 01-practice.ipynb\n",
        "  - 01-practice.ipynb\n  - 02-environment.ipynb\n  - 03-broken.ipynb\n"
        "  - 04-computed.ipynb\n",
    )  # fmt: skip
    write(tiny_course, "course.yaml", lines)
    messages: list[str] = []
    report = check_course(tiny_course, timeout=120, progress=messages.append)
    failures = [(f.file, f.where, f.message) for f in report.errors]
    assert failures == [
        ("modules/03-broken.ipynb", "cell 3",
         "running it failed: ZeroDivisionError: division by zero"),
        ("modules/04-computed.ipynb", "cell 3",
         "running it failed: DefinitionError: assets/content/quizzes/m4-quiz-gone.yaml: 1 "
         "problem - (top level): file not found (looked in the course folder and the folders "
         "above)"),
    ]  # fmt: skip
    assert messages[0].startswith("Running 5 notebooks one at a time")
    assert messages[1].startswith("[1/5] modules/00-intro.ipynb: ok (")
    assert "[4/5] modules/03-broken.ipynb: FAILED" in messages[4]
    assert report.notes[-1].startswith("Ran 5 notebooks in ")


def test_a_notebook_that_runs_too_long_is_stopped(tmp_path: Path) -> None:
    path = notebook(tmp_path, "modules/00-slow.ipynb", "Slow", "import time\ntime.sleep(60)")
    result = run_notebook(path, tmp_path, timeout=3)
    assert not result.ok and result.cell == 2 and result.seconds < 30
    assert result.reason == "did not finish within 3 s (raise --timeout if it is just slow)"


def test_the_cli_exit_code_follows_errors_and_strict_warnings(
    tiny_course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tiny_course), "--no-run"]) == 0
    assert capsys.readouterr().out.endswith("No problems found: the course is ready.\n")
    write(tiny_course, "assets/content/polls/m0-poll-extra.yaml", """\
        kind: poll
        id: m0-poll-extra
        title: Not used anywhere
        question: Which?
        options: [a, b]
        """)  # fmt: skip
    assert main(["check", str(tiny_course), "--no-run"]) == 0
    assert main(["check", str(tiny_course), "--no-run", "--strict"]) == 1
    write(tiny_course, "assets/content/polls/m0-poll-reasons.yaml", "kind: poll\n")
    assert main(["check", str(tiny_course), "--no-run"]) == 1
    out = capsys.readouterr().out
    assert "assets/content/polls/m0-poll-reasons.yaml\n  line 1: id: required\n" in out
    assert out.rstrip().endswith("Fix the errors before trainees use the course.")


def test_the_report_fits_80_columns_however_long_the_names(tiny_course: Path) -> None:
    deep = "assets/content/quizzes/" + "m0-quiz-" + "a-very-long-name-" * 6 + "x.yaml"
    report = CheckReport(findings=[
        Finding(deep, 12, "questions.0.options.1.feedback: required " * 4),
        Finding("modules/01-practice.ipynb", None, "KnowledgeCheck: " + deep + " does not exist",
                where="cell 12, line 3"),
    ], checked={"content file": 48, "notebook": 9}, notes=["Ran 9 notebooks in 95 s."])  # fmt: skip
    text = format_report(report)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "  cell 12, line 3: KnowledgeCheck:" in text
    assert text.splitlines()[-1] == (
        "2 errors in 2 files. Fix the errors before trainees use the course."
    )


def test_check_of_a_folder_that_is_not_there_fails_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "nowhere"), "--no-run"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{tmp_path / 'nowhere'}\n  is not a folder: give the course folder")


@pytest.mark.parametrize("timeout", ["0", "-5", "soon"])
def test_a_timeout_must_be_a_positive_number(
    timeout: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["check", ".", "--timeout", timeout])
    assert done.value.code == 2
    assert "--timeout" in capsys.readouterr().err
