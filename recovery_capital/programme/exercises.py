"""Every exercise the course's notebooks make, by activity id, with the content behind it.

The programme names exercises by activity id; ``check`` needs to know they exist and the guide
prints their answers, both from the same list.

>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> exercises = course_exercises(REPOSITORY_COURSE)
>>> exercises["m4-scenario-jo"].notebook, exercises["m4-scenario-jo"].kind
('04-motivational-interviewing.ipynb', 'scenario')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..content.model import Content, load_content
from ..content.notebooks import exercise_uses, read_notebook
from ..core.errors import DefinitionError

__all__ = ["Exercise", "course_exercises"]


@dataclass(frozen=True)
class Exercise:
    """One exercise: its activity id, the notebook (name in ``modules/``, or
    ``trainer/...``) that makes it, its kind, and its content (None for a questionnaire)."""

    activity_id: str
    notebook: str
    widget: str
    kind: str
    content: Content | None
    instrument: str | None


def course_exercises(course_dir: str | os.PathLike[str]) -> dict[str, Exercise]:
    """Every exercise in ``modules/`` (not the trainer pages), by activity id; exercises whose
    content cannot be read are left out (``check`` reports them on their own)."""
    course = Path(course_dir).resolve()
    folder = course / "modules"
    found: dict[str, Exercise] = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            notebook = read_notebook(path)
        except DefinitionError:
            continue
        for use in exercise_uses(notebook):
            if use.argument is None:
                continue
            if use.kind == "instrument":
                activity = use.activity_id or use.argument
                found.setdefault(activity, Exercise(
                    activity, path.name, use.widget, "instrument", None, use.argument))  # fmt: skip
                continue
            target = Path(use.argument)
            target = target if target.is_absolute() else course / target
            try:
                content = load_content(target)
            except DefinitionError:
                continue
            found.setdefault(content.id, Exercise(
                content.id, path.name, use.widget, content.kind, content, None))  # fmt: skip
    return found
