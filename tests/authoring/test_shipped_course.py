"""The course that ships with the package is itself a course an educator could start from:
it passes check, and its notebooks are saved without outputs (small, readable git diffs)."""

from __future__ import annotations

from pathlib import Path

import nbformat

from recovery_capital.authoring.check import check_course
from recovery_capital.content.notebooks import cells_with_outputs

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_course_passes_check_without_errors() -> None:
    report = check_course(REPO, run=False)
    assert [(f.file, f.place, f.message) for f in report.errors] == []
    assert report.checked["notebook"] >= 8


def test_the_shipped_notebooks_are_saved_without_outputs() -> None:
    notebooks = sorted((REPO / "modules").rglob("*.ipynb"))
    assert notebooks
    saved = {
        path.relative_to(REPO).as_posix(): cells
        for path in notebooks
        if (cells := cells_with_outputs(nbformat.read(str(path), as_version=4)))
    }
    assert saved == {}
