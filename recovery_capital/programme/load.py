"""Where a course keeps its programme, and reading it.

The programme is ``course.yaml``'s ``programme:`` section: either written there in full, or
the path of a YAML file inside ``assets/``. A course that says nothing uses
``assets/programme/programme.yaml`` when it exists (so the course that travels inside the
package, which has no ``course.yaml``, keeps its programme). The live activities, handouts
and guidance notes are the other YAML files in ``assets/programme/``.

>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> programme = load_programme(REPOSITORY_COURSE)
>>> len(programme.days), programme.contact_hours
(5, 30.0)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.errors import DefinitionError
from ..core.yaml_text import read_yaml_file
from ..settings.course import COURSE_FILE, load_course_settings
from .model import Programme, ProgrammeFiles, parse_programme, parse_programme_file

__all__ = [
    "DEFAULT_PROGRAMME",
    "PROGRAMME_DIR",
    "ProgrammeSource",
    "load_programme",
    "load_programme_files",
    "programme_source",
]

PROGRAMME_DIR = Path("assets") / "programme"
DEFAULT_PROGRAMME = PROGRAMME_DIR / "programme.yaml"


@dataclass(frozen=True)
class ProgrammeSource:
    """The programme's raw data, the file it is in (relative to the course), and the prefix
    of its paths in that file (``programme.`` when it is written in ``course.yaml``)."""

    data: Any
    file: str
    prefix: str


def _read(path: Path) -> Any:
    return read_yaml_file(path)


def programme_source(course_dir: str | os.PathLike[str]) -> ProgrammeSource | None:
    """Where the course's programme is written (None when the course has none).

    >>> programme_source("/nonexistent") is None
    True
    """
    course = Path(course_dir)
    written = load_course_settings(course).programme
    if isinstance(written, dict):
        return ProgrammeSource(written, COURSE_FILE, "programme.")
    relative = Path(written) if written else DEFAULT_PROGRAMME
    path = course / relative
    if not path.is_file():
        if written:
            raise DefinitionError(COURSE_FILE, [("programme", f"{written} does not exist")])
        return None
    return ProgrammeSource(_read(path), relative.as_posix(), "")


def load_programme(course_dir: str | os.PathLike[str]) -> Programme:
    """The course's programme, validated (raises :class:`DefinitionError` naming every
    problem; a course without one raises too, saying where to write it)."""
    source = programme_source(course_dir)
    if source is None:
        raise DefinitionError(
            str(Path(course_dir) / DEFAULT_PROGRAMME),
            [("", "this course has no programme: write one in course.yaml under programme: "
                  f"or in {DEFAULT_PROGRAMME.as_posix()}")],
        )  # fmt: skip
    where = str(Path(course_dir) / source.file)
    return parse_programme(source.data, where, source.prefix)


def programme_file_paths(course_dir: str | os.PathLike[str]) -> list[Path]:
    """The YAML files in ``assets/programme/`` other than the programme itself."""
    folder = Path(course_dir) / PROGRAMME_DIR
    if not folder.is_dir():
        return []
    found = [*folder.glob("*.yaml"), *folder.glob("*.yml")]
    return sorted(p for p in found if p.name != DEFAULT_PROGRAMME.name)


def load_programme_files(course_dir: str | os.PathLike[str]) -> ProgrammeFiles:
    """Every live activity, handout and guidance note of the course, validated.

    >>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
    >>> files = load_programme_files(REPOSITORY_COURSE)
    >>> files.handout("oars-card").title
    'OARS: a pocket card'
    """
    gathered: dict[str, list[Any]] = {f: [] for f in ProgrammeFiles.model_fields}
    problems: list[tuple[str, str]] = []
    first_source = ""
    for path in programme_file_paths(course_dir):
        try:
            field, items = parse_programme_file(_read(path), str(path))
        except DefinitionError as exc:
            problems += [(p, f"{path.name}: {m}") for p, m in exc.problems]
            first_source = first_source or str(path)
            continue
        gathered[field].extend(items)
    if problems:
        raise DefinitionError(first_source, problems)
    return ProgrammeFiles(**{k: tuple(v) for k, v in gathered.items()})
