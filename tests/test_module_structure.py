"""Every course module has the shape issue #5 asks for, read straight from the notebooks.

Learning outcomes, 20 to 45 minutes of reading in short sections, at least three exercises of
different kinds plus a reflection, a summary, and references (author, year, title, source),
with thin code cells and no committed outputs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

MODULES = sorted((Path(__file__).resolve().parents[1] / "modules").glob("[0-9][0-9]-*.ipynb"))
WORDS_PER_MINUTE = 200  # a careful practitioner reading on screen
EXERCISE = re.compile(r"^([A-Z]\w+)\(", re.M)
NOT_EXERCISES = {"JoinPanel"}
REFERENCE = re.compile(r"^- .+\((\d{4}|n\.d\.)[a-z]?(, [^)]*)?\)\. .+", re.M)


def cells(path: Path, kind: str) -> list[str]:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == kind]


def sections(path: Path) -> dict[str, str]:
    """Markdown text under each ``##`` heading (the title cell is keyed by ``#``)."""
    found: dict[str, str] = {}
    heading = "#"
    for text in cells(path, "markdown"):
        for line in text.splitlines():
            if line.startswith("## "):
                heading = line[3:].strip()
                found[heading] = ""
            else:
                found[heading] = found.get(heading, "") + line + "\n"
    return found


def test_every_numbered_module_is_checked():
    assert [path.name[:2] for path in MODULES] == [f"{n:02d}" for n in range(8)]


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.stem)
def test_reading_takes_twenty_to_forty_five_minutes_in_short_sections(path):
    reading = {heading: text for heading, text in sections(path).items() if heading != "References"}
    words = sum(len(text.split()) for text in reading.values())
    minutes = words / WORDS_PER_MINUTE
    assert 20 <= minutes <= 45, f"{path.name}: {words} words is {minutes:.0f} minutes of reading"
    longest = max(reading, key=lambda heading: len(reading[heading].split()))
    assert len(reading[longest].split()) <= 900, f"{path.name}: section {longest!r} is too long"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.stem)
def test_outcomes_summary_and_references_frame_the_module(path):
    headings = list(sections(path))
    assert cells(path, "markdown")[0].startswith("# ")
    assert headings[1] == "What you will be able to do after this module"
    assert "Summary" in headings and headings[-1] == "References"
    outcomes = sections(path)["What you will be able to do after this module"]
    assert outcomes.count("\n- ") >= 3
    references = REFERENCE.findall(sections(path)["References"])
    assert len(references) >= 3, f"{path.name}: references need author, (year), title, source"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.stem)
def test_three_kinds_of_exercise_and_a_reflection_in_thin_cells(path):
    code = cells(path, "code")
    kinds = {name for text in code for name in EXERCISE.findall(text)} - NOT_EXERCISES
    assert "Reflection" in kinds
    assert len(kinds - {"Reflection"}) >= 3, f"{path.name}: exercises are only {sorted(kinds)}"
    assert all(len(text.splitlines()) <= 12 for text in code)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert all(not cell.get("outputs") for cell in notebook["cells"] if "outputs" in cell)


@pytest.mark.parametrize(
    "path", [*MODULES, *sorted(MODULES[0].parent.glob("trainer/*.ipynb"))], ids=lambda p: p.stem
)
def test_each_code_cell_imports_or_shows_one_exercise(path):
    """A cell shows at most one widget: under Voila's progressive rendering, a cell with two
    widget outputs can lose the second one (seen: the first exercise of every module page).
    The browser tests count one drawn exercise per cell that is not an import cell."""
    import ast

    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        statements = ast.parse("".join(cell["source"])).body
        imports = all(isinstance(node, (ast.Import, ast.ImportFrom)) for node in statements)
        one_call = (
            len(statements) == 1
            and isinstance(statements[0], ast.Expr)
            and isinstance(statements[0].value, ast.Call)
        )
        assert cell.get("id"), f"{path.name}: a code cell has no id"
        assert imports or one_call, f"{path.name}, cell {cell['id']}: import, or one exercise"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.stem)
def test_images_are_files_inside_the_course_named_from_its_folder(path):
    """Voila puts a module's images into the page (as data URIs) from the course folder; an
    image path that climbs out of it ("../assets/...") stopped the page from ever finishing,
    and one from the web would tell an outside server about every trainee's visit."""
    root = path.parents[1]
    for text in cells(path, "markdown"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text) + re.findall(
            r"<img[^>]*\ssrc=\"([^\"]+)\"", text
        ):
            assert not target.startswith(("..", "/", "http:", "https:")), f"{path.name}: {target}"
            assert (root / target).is_file(), f"{path.name}: no such image {target}"
