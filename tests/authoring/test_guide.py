"""Every example in docs/educators.md, exercised on a real course.

The guide marks each example with an HTML comment that says what to do with it:

- ``shell``: run each ``recovery-capital`` line (``check`` with ``--no-run``; ``serve`` and
  store commands are parsed, since they need a running server or an existing cohort);
- ``course-yaml``: becomes the course's ``course.yaml``;
- ``file PATH``: written to ``PATH`` in the course;
- ``patch PATH``: its top-level keys replace those in the YAML file at ``PATH``;
- ``cell NOTEBOOK``: added to the notebook as a new code cell, with the import the guide asks
  for;
- ``rename OLD NEW``: the file is renamed;
- ``replace PATH OLD NEW``: every ``OLD`` in the file at ``PATH`` becomes ``NEW``;
- ``broken PATH`` and ``check-output``: a broken file and exactly what check prints for it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml

from recovery_capital.authoring.check import check_course
from recovery_capital.authoring.run import run_notebook
from recovery_capital.authoring.template import new_course
from recovery_capital.cli import build_parser, main
from recovery_capital.scoring.definitions import load_instrument
from recovery_capital.scoring.engine import score

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "educators.md"
MARKER = re.compile(
    r"<!-- example: (?P<kind>[\w-]+)(?: (?P<args>[^>]*?))? -->\n"
    r"(?:```(?P<lang>\w+)\n(?P<body>.*?)```)?",
    re.DOTALL,
)
KINDS = {
    "shell",
    "course-yaml",
    "file",
    "patch",
    "cell",
    "rename",
    "replace",
    "broken",
    "check-output",
}
RUN = {"new-course", "new-module", "check"}


@dataclass(frozen=True)
class Example:
    kind: str
    args: list[str]
    body: str


def examples() -> list[Example]:
    text = GUIDE.read_text(encoding="utf-8")
    return [
        Example(m["kind"], (m["args"] or "").split(), m["body"] or "")
        for m in MARKER.finditer(text)
    ]


def test_every_example_is_marked_with_a_known_kind_and_is_valid_text() -> None:
    found = examples()
    assert len(found) >= 15
    assert {example.kind for example in found} == KINDS
    for example in found:
        if example.kind in {"course-yaml", "file", "patch", "broken"}:
            assert isinstance(yaml.safe_load(example.body), dict), example.args
    # every fenced example in the guide is one of the marked ones
    fences = GUIDE.read_text().count("```") // 2
    assert fences == sum(1 for example in found if example.body)


def _add_cell(notebook: Path, source: str) -> None:
    nb = nbformat.read(str(notebook), as_version=4)
    widget = source.split("(", 1)[0].strip()
    imports = next(cell for cell in nb.cells if cell.cell_type == "code")
    if not re.search(rf"\b{widget}\b", imports.source):
        imports.source += f"\nfrom recovery_capital.widgets import {widget}"
    nb.cells.append(nbformat.v4.new_code_cell(source.strip()))
    nbformat.write(nb, str(notebook))


def _run_shell(line: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = shlex.split(line)
    assert argv[0] == "recovery-capital", line
    command = argv[1]
    if "--help" in argv:
        with pytest.raises(SystemExit) as done:
            main(argv[1:])
        assert done.value.code == 0
    elif command in RUN:
        extra = ["--no-run"] if command == "check" else []
        status = main(argv[1:] + extra)
        out = capsys.readouterr().out
        assert status == 0, out
        if command == "check":
            assert "No errors" in out or "No problems found" in out, out
    else:
        args = build_parser().parse_args(argv[1:])
        assert callable(args.func), line


def test_the_guide_examples_work_on_a_new_course(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    course = tmp_path / "spring-2027"
    cells: list[str] = []
    for example in examples():
        if example.kind == "shell":
            for line in example.body.splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    _run_shell(line, capsys)
        elif example.kind == "course-yaml":
            (course / "course.yaml").write_text(example.body)
        elif example.kind == "file":
            target = course / example.args[0]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(example.body)
        elif example.kind == "patch":
            target = course / example.args[0]
            data = yaml.safe_load(target.read_text())
            data.update(yaml.safe_load(example.body))
            target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        elif example.kind == "cell":
            _add_cell(course / example.args[0], example.body)
            cells.append(example.body.strip())
        elif example.kind == "rename":
            (course / example.args[0]).rename(course / example.args[1])
        elif example.kind == "replace":
            target = course / example.args[0]
            text = target.read_text(encoding="utf-8")
            assert example.args[1] in text, example.args
            target.write_text(text.replace(example.args[1], example.args[2]), encoding="utf-8")
    # The paths the guide promises new-module makes.
    assert (course / "modules/08-working-with-housing-services.ipynb").is_file()
    assert (course / "assets/content/quizzes/m8-quiz-working-with-housing-services.yaml").is_file()

    report = check_course(course, run=False)
    assert report.errors == []
    # The example cells run, as trainees would see them (one small notebook, not every module).
    imports = "from recovery_capital.widgets import *"
    examples_notebook = course / "modules" / "trainer" / "guide-examples.ipynb"
    examples_notebook.parent.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(imports)] + [
        nbformat.v4.new_code_cell(cell) for cell in cells
    ])  # fmt: skip
    nbformat.write(nb, str(examples_notebook))
    result = run_notebook(examples_notebook, course, timeout=180)
    assert result.ok, result.reason


def test_the_k6_example_scores_as_the_guide_says(tmp_path: Path) -> None:
    k6 = next(e for e in examples() if e.kind == "file" and e.args[0].endswith("k6.yaml"))
    folder = tmp_path / "assets" / "content" / "instruments"
    folder.mkdir(parents=True)
    (folder / "k6.yaml").write_text(k6.body)
    instrument = load_instrument("k6", course_dir=tmp_path)
    assert instrument.status == "provisional"
    low = score(instrument, {f"q{i}": 2 for i in range(1, 7)})
    high = score(instrument, {f"q{i}": 3 for i in range(1, 6)} | {"q6": 0})
    assert low.scales == {"total": 12.0} and low.band == "Below the cut-off"
    assert high.scales == {"total": 15.0} and high.band == "At or above the cut-off (13+)"
    assert any("not yet been checked" in warning for warning in high.warnings)


def test_the_sample_check_output_is_what_check_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = examples()
    broken = next(e for e in found if e.kind == "broken")
    expected = next(e for e in found if e.kind == "check-output").body.rstrip("\n")
    course = new_course(tmp_path / "spring-2027")
    (course / broken.args[0]).write_text(broken.body)
    assert main(["check", str(course), "--no-run"]) == 1
    printed = capsys.readouterr().out.rstrip("\n")
    # The counts depend on how much content the course ships with today.
    counts = re.compile(r"^Checked \d+ course instruments?, \d+ content files, \d+ notebooks\.$")
    expected_lines, printed_lines = expected.splitlines(), printed.splitlines()
    assert len(printed_lines) == len(expected_lines), printed
    for want, got in zip(expected_lines, printed_lines):
        if counts.match(want):
            assert counts.match(got), got
        else:
            assert got == want
