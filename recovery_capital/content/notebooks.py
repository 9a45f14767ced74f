"""Reading course notebooks the way an educator's tools need to: which exercises a module
uses, whether it was saved with outputs, and stripping those outputs so notebooks diff cleanly.

A module notebook makes each exercise in one line, e.g.
``KnowledgeCheck("assets/content/quizzes/m1-quiz-language.yaml")`` or
``Questionnaire("selfcheck", activity_id="m1-selfcheck-pre")``. :func:`exercise_uses` finds
those calls without running anything, so ``recovery-capital check`` can tell an educator that
a module points at a file that is missing, of the wrong kind, or reuses an activity id.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
...     'from recovery_capital.widgets import LivePoll\\n'
...     'LivePoll("assets/content/polls/m1-poll-why-use.yaml")')])
>>> [(use.cell, use.line, use.widget, use.argument) for use in exercise_uses(nb)]
[(1, 2, 'LivePoll', 'assets/content/polls/m1-poll-why-use.yaml')]
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from ..core.errors import DefinitionError

__all__ = [
    "EXERCISE_KINDS",
    "TEMPLATE_MARK",
    "ExerciseUse",
    "cells_with_outputs",
    "exercise_uses",
    "guidance_cells",
    "notebook_title",
    "paired_files",
    "read_notebook",
    "strip_outputs",
    "write_notebook",
]

#: Each exercise widget and the content ``kind`` its file must have ("instrument" for
#: ``Questionnaire``, which takes an instrument id rather than a file).
EXERCISE_KINDS = {
    "KnowledgeCheck": "quiz",
    "VignetteRating": "vignette",
    "TalkSorter": "talk_sort",
    "BranchingScenario": "scenario",
    "Ruler": "ruler",
    "Reflection": "reflection",
    "ReflectionDrill": "drill",
    "ObserverTally": "triad",
    "LivePoll": "poll",
    "ShortAnswer": "short_answer",
    "Questionnaire": "instrument",
}

#: Guidance left in a new module for its author, hidden from trainees (an HTML comment).
TEMPLATE_MARK = "<!-- template:"

# IPython syntax (magics, shell escapes) is not Python; such lines are blanked before parsing.
_IPYTHON_LINE = re.compile(r"^\s*[%!]")


@dataclass(frozen=True)
class ExerciseUse:
    """One exercise made in a notebook cell.

    ``cell`` counts cells from 1 as they appear in Jupyter; ``line`` is the line in that cell.
    ``argument`` is the content path or instrument id when written as plain text (None when it
    is computed, which only running the notebook can check); ``activity_id`` is the
    ``activity_id=`` given, if any.
    """

    cell: int
    line: int
    widget: str
    kind: str
    argument: str | None
    activity_id: str | None


def read_notebook(path: str | os.PathLike[str]) -> nbformat.NotebookNode:
    """Read a notebook, or raise :class:`DefinitionError` saying why it cannot be used.

    >>> read_notebook("/nonexistent.ipynb")
    Traceback (most recent call last):
      ...
    recovery_capital.core.errors.DefinitionError: /nonexistent.ipynb: 1 problem
      - (top level): cannot read the file: No such file or directory
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(str(path), [("", f"cannot read the file: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise DefinitionError(str(path), [("", "is not UTF-8 text")]) from None
    try:
        notebook = nbformat.reads(text, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        problem = f"is not a notebook (not valid JSON: {exc})"
        raise DefinitionError(str(path), [("", problem)]) from None
    except Exception as exc:  # nbformat raises several kinds for a malformed notebook
        raise DefinitionError(str(path), [("", f"is not a readable notebook: {exc}")]) from None
    return notebook


def write_notebook(notebook: nbformat.NotebookNode, path: str | os.PathLike[str]) -> None:
    """Write a notebook in the standard layout (one-space indent, one key per line), which
    keeps git diffs of edited text small."""
    nbformat.write(notebook, str(path))


def _python_source(source: str) -> str:
    return "\n".join("" if _IPYTHON_LINE.match(line) else line for line in source.splitlines())


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def exercise_uses(notebook: nbformat.NotebookNode) -> list[ExerciseUse]:
    """Every exercise made in the notebook's code cells, in order (see :class:`ExerciseUse`).

    Cells that are not valid Python are skipped here; running the notebook reports them.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi"),
    ...     nbformat.v4.new_code_cell('Questionnaire("selfcheck", activity_id="m7-post")')])
    >>> use = exercise_uses(nb)[0]
    >>> use.cell, use.kind, use.argument, use.activity_id
    (2, 'instrument', 'selfcheck', 'm7-post')
    """
    uses: list[ExerciseUse] = []
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(_python_source(cell.source))
        except SyntaxError:
            continue
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        for call in sorted(calls, key=lambda node: (node.lineno, node.col_offset)):
            name = _call_name(call)
            if name not in EXERCISE_KINDS:
                continue
            argument = _text(call.args[0]) if call.args else None
            keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
            uses.append(
                ExerciseUse(
                    cell=number,
                    line=call.lineno,
                    widget=name,
                    kind=EXERCISE_KINDS[name],
                    argument=argument,
                    activity_id=_text(keywords.get("activity_id")),
                )
            )
    return uses


def cells_with_outputs(notebook: nbformat.NotebookNode) -> list[int]:
    """Numbers (from 1) of code cells saved with outputs or an execution count.

    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3)
    >>> cells_with_outputs(nbformat.v4.new_notebook(cells=[cell]))
    [1]
    """
    return [
        number
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]


def strip_outputs(path: str | os.PathLike[str]) -> bool:
    """Remove outputs, execution counts and saved widget state from a notebook file.

    Returns True if the file changed. The text an educator wrote is left exactly as it was.

    >>> import nbformat, tempfile
    >>> path = Path(tempfile.mkdtemp()) / "m.ipynb"
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", execution_count=1)])
    >>> nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    >>> write_notebook(nb, path)
    >>> strip_outputs(path), strip_outputs(path)
    (True, False)
    """
    notebook = read_notebook(path)
    changed = False
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            cell.outputs = []
            cell.execution_count = None
            changed = True
        for noisy in ("execution", "collapsed", "scrolled"):
            if noisy in cell.metadata:
                del cell.metadata[noisy]
                changed = True
    if "widgets" in notebook.metadata:
        del notebook.metadata["widgets"]
        changed = True
    if changed:
        write_notebook(notebook, path)
    return changed


def notebook_title(notebook: nbformat.NotebookNode) -> str | None:
    """The module's title: the first ``# heading`` of its first Markdown cell.

    >>> import nbformat
    >>> notebook_title(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hi")]))
    'Hi'
    """
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        match = re.search(r"^#\s+(.+?)\s*#*\s*$", cell.source, flags=re.MULTILINE)
        return match.group(1) if match else None
    return None


def guidance_cells(notebook: nbformat.NotebookNode) -> list[int]:
    """Numbers of Markdown cells that still hold a new module's guidance for its author.

    >>> import nbformat
    >>> cell = nbformat.v4.new_markdown_cell("## Summary\\n<!-- template: sum up -->")
    >>> guidance_cells(nbformat.v4.new_notebook(cells=[cell]))
    [1]
    """
    return [
        number
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "markdown" and TEMPLATE_MARK in cell.source
    ]


def paired_files(notebook: nbformat.NotebookNode, path: str | os.PathLike[str]) -> list[Path]:
    """Text files a notebook says it is paired with (Jupytext ``formats`` metadata).

    The course does not use paired files; this lets ``check`` confirm any that are declared
    exist beside the notebook.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(metadata={"jupytext": {"formats": "ipynb,py:percent"}})
    >>> [p.name for p in paired_files(nb, "modules/02-capital.ipynb")]
    ['02-capital.py']
    """
    formats: Any = notebook.metadata.get("jupytext", {}).get("formats", "")
    if not isinstance(formats, str):
        return []
    here = Path(path)
    paired = []
    for entry in formats.split(","):
        extension = entry.split(":", 1)[0].strip()
        if not extension or extension == "ipynb":
            continue
        if "/" in extension:  # "folder//ext" style: the pair lives in another folder
            folder, _, extension = extension.rpartition("/")
            paired.append(here.parent / folder.strip("/") / f"{here.stem}.{extension}")
        else:
            paired.append(here.with_suffix("." + extension.lstrip(".")))
    return paired
