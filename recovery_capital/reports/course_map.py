"""The course's modules: which activities each one asks trainees to submit, and its length.

A module is a notebook ``modules/NN-name.ipynb``; its number ``N`` is the leading number of the
file name, and its activity ids start with ``m<N>-``. :func:`module_activity_ids` is the one
place that decides what a module asks for (see its docstring); a trainee has completed a module
when they have submitted every one of those activities.

Length: a notebook may say how long it takes in its metadata,
``{"recovery_capital": {"minutes": 60}}``; without that, a module counts as
:data:`DEFAULT_MODULE_MINUTES` minutes.

>>> import json, tempfile
>>> course = Path(tempfile.mkdtemp())
>>> (course / "modules").mkdir(); (course / "assets" / "content" / "quizzes").mkdir(parents=True)
>>> cells = [{"cell_type": "markdown", "source": "# Recovery capital"},
...          {"cell_type": "code", "source": 'Questionnaire("barc10", activity_id="m2-barc10")'}]
>>> _ = (course / "modules" / "02-recovery-capital.ipynb").write_text(json.dumps(
...     {"cells": cells, "metadata": {"recovery_capital": {"minutes": 60}}}))
>>> _ = (course / "assets" / "content" / "quizzes" / "q.yaml").write_text("id: m2-quiz\\n")
>>> [(m.number, m.title, m.activities, m.hours) for m in course_modules(course)]
[(2, 'Recovery capital', ('m2-barc10', 'm2-quiz'), 1.0)]
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import ReportError

__all__ = [
    "DEFAULT_MODULE_MINUTES",
    "CourseModule",
    "course_modules",
    "module_activity_ids",
    "REPOSITORY_COURSE",
]

#: How long a module counts for when its notebook does not say (minutes).
DEFAULT_MODULE_MINUTES = 45
#: This repository's own course (for examples and tests).
REPOSITORY_COURSE = Path(__file__).resolve().parents[2]

_NOTEBOOK_NAME = re.compile(r"^(\d+)-[^/]*\.ipynb$")


@dataclass(frozen=True)
class CourseModule:
    """One module: its number, notebook, title, the activities it asks for and its length."""

    number: int
    notebook: Path
    title: str
    activities: tuple[str, ...]
    minutes: int
    minutes_from_notebook: bool

    @property
    def hours(self) -> float:
        """The module's length in hours.

        >>> CourseModule(1, Path("m.ipynb"), "T", (), 45, False).hours
        0.75
        """
        return self.minutes / 60

    @property
    def label(self) -> str:
        """``Module N: title``, as reports show it."""
        return f"Module {self.number}: {self.title}"


def _read_notebook(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"Couldn't read the module notebook {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ReportError(f"{path} is not a notebook (it has no list of cells).")
    return data


def _cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _questionnaire_activities(code: str) -> list[str]:
    """Activity ids of ``Questionnaire(...)`` calls in one code cell."""
    # IPython magics and shell lines are not Python: blank them so the rest still parses.
    cleaned = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines()
    )
    try:
        tree = ast.parse(cleaned)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Questionnaire"
        ):
            continue
        named = {k.arg: k.value for k in node.keywords}
        target = named.get("activity_id") or (node.args[0] if node.args else None)
        if isinstance(target, ast.Constant) and isinstance(target.value, str):
            found.append(target.value)
    return found


def _content_ids(course_dir: Path) -> list[str]:
    """The ``id`` of every YAML file under ``assets/content/`` (instrument files have none that
    start with ``m<N>-``, so they never match a module)."""
    # The C loader, where PyYAML has it, reads the whole course about ten times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    ids = []
    root = course_dir / "assets" / "content"
    for path in sorted([*root.rglob("*.yaml"), *root.rglob("*.yml")]):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # `recovery-capital check` reports broken files; a report skips them
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            ids.append(data["id"])
    return ids


def module_activity_ids(
    number: int, notebook: dict[str, Any], content_ids: list[str]
) -> tuple[str, ...]:
    """The activities module ``number`` asks a trainee to submit, sorted.

    They are the content files whose id starts with ``m<number>-`` together with every
    ``Questionnaire(...)`` the module's notebook makes (its ``activity_id``, or the instrument
    id when none is given).

    >>> cell = {"cell_type": "code", "source": 'Questionnaire("selfcheck", activity_id="m1-pre")'}
    >>> module_activity_ids(1, {"cells": [cell]}, ["m1-quiz", "m10-quiz", "m2-poll"])
    ('m1-pre', 'm1-quiz')
    """
    prefix = f"m{number}-"
    wanted = {content_id for content_id in content_ids if content_id.startswith(prefix)}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            wanted.update(_questionnaire_activities(_cell_source(cell)))
    return tuple(sorted(wanted))


def _title(notebook: dict[str, Any], path: Path) -> str:
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in _cell_source(cell).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem.split("-", 1)[-1].replace("-", " ").capitalize()


def _minutes(notebook: dict[str, Any]) -> int | None:
    settings = notebook.get("metadata", {}).get("recovery_capital", {})
    minutes = settings.get("minutes") if isinstance(settings, dict) else None
    if isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and minutes > 0:
        return round(minutes)
    return None


def course_modules(course_dir: str | os.PathLike[str] | None = None) -> list[CourseModule]:
    """Every module notebook of the course (``modules/NN-*.ipynb``) in number order.

    ``course_dir`` defaults to the course folder the content loader finds
    (``$RECOVERY_CAPITAL_COURSE_DIR``, else the nearest folder holding ``assets/``).
    """
    if course_dir is None:
        from ..content.model import course_dir as find_course_dir

        course_dir = find_course_dir()
    root = Path(course_dir)
    folder = root / "modules"
    notebooks = sorted(
        (int(match.group(1)), path)
        for path in folder.glob("*.ipynb")
        if (match := _NOTEBOOK_NAME.match(path.name))
    )
    if not notebooks:
        raise ReportError(
            f"No module notebooks (modules/NN-name.ipynb) were found in {root}: pass the "
            "course folder, or set RECOVERY_CAPITAL_COURSE_DIR."
        )
    content_ids = _content_ids(root)
    modules = []
    for number, path in notebooks:
        notebook = _read_notebook(path)
        minutes = _minutes(notebook)
        modules.append(
            CourseModule(
                number=number,
                notebook=path,
                title=_title(notebook, path),
                activities=module_activity_ids(number, notebook, content_ids),
                minutes=minutes or DEFAULT_MODULE_MINUTES,
                minutes_from_notebook=minutes is not None,
            )
        )
    return modules
