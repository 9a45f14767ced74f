"""What ``recovery-capital check`` finds in a programme, each problem at its file and line.

On top of the programme's own validation (shape, times, overlaps, a session past its day's
end: :mod:`.model`), the programme must name modules and activities that exist: every module
is a notebook in ``modules/``, every activity an exercise a notebook makes or a live activity
in ``assets/programme/``, every guidance note and handout a file there. Exercises of the
modules that no session names are not an error: the guide lists them, with their answers,
after the days.

>>> from recovery_capital.reports.course_map import REPOSITORY_COURSE
>>> [(f.file, f.message) for f in programme_findings(REPOSITORY_COURSE) if f.severity == "error"]
[]
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.errors import DefinitionError
from ..core.report import Finding, yaml_findings
from ..core.yaml_lines import YamlLines
from .exercises import course_exercises
from .load import PROGRAMME_DIR, _read, load_programme, programme_file_paths, programme_source
from .model import Programme, ProgrammeFiles, parse_programme_file

__all__ = ["programme_findings"]

#: A day's contact hours outside this range is probably a typing slip.
DAY_HOURS = (4.0, 7.5)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _relative(course: Path, name: str) -> str:
    """A file a problem names, relative to the course (its loaders name some files in full)."""
    path = Path(name)
    try:
        return path.resolve().relative_to(course).as_posix() if path.is_absolute() else name
    except ValueError:
        return name


def _files(course: Path, findings: list[Finding]) -> ProgrammeFiles:
    gathered: dict[str, list] = {f: [] for f in ProgrammeFiles.model_fields}
    for path in programme_file_paths(course):
        relative = path.relative_to(course).as_posix()
        try:
            field, items = parse_programme_file(_read(path), str(path))
        except DefinitionError as exc:
            findings += yaml_findings(relative, _text(path), exc.problems)
            continue
        gathered[field].extend(items)
    return ProgrammeFiles(**{k: tuple(v) for k, v in gathered.items()})


def programme_findings(course_dir: str | os.PathLike[str]) -> list[Finding]:
    """Every problem with the course's programme and its files (none when it has none)."""
    course = Path(course_dir).resolve()
    findings: list[Finding] = []
    files = _files(course, findings)
    try:
        source = programme_source(course)
    except DefinitionError as exc:  # course.yaml itself: the same findings its check makes
        relative = _relative(course, exc.source)
        return findings + yaml_findings(relative, _text(course / relative), exc.problems)
    if source is None:
        return findings
    lines = YamlLines(_text(course / source.file))

    def add(path: str, message: str, severity: str = "error") -> None:
        findings.append(Finding(source.file, lines.line_of(path), f"{path}: {message}",
                                severity))  # type: ignore[arg-type]  # fmt: skip

    try:
        programme = load_programme(course)
    except DefinitionError as exc:
        return findings + yaml_findings(source.file, _text(course / source.file), exc.problems)
    _references(course, programme, files, source.prefix, add)
    return findings


def _references(course: Path, programme: Programme, files: ProgrammeFiles, prefix: str,
                add) -> None:  # fmt: skip
    modules = course / "modules"
    on_disk = sorted(p.name for p in modules.glob("*.ipynb"))
    exercises = course_exercises(course)
    live = {a.id for a in files.live_activities}
    notes = {g.id for g in files.guidance}
    handouts = {h.id for h in files.handouts}
    placed: set[str] = set()
    for d, day in enumerate(programme.days):
        hours = day.contact_minutes / 60
        if not DAY_HOURS[0] <= hours <= DAY_HOURS[1]:
            add(f"{prefix}days.{d}", f"has {hours:g} contact hours; a training day usually has "
                "about 6 (breaks included)", "warning")  # fmt: skip
        for s, session in enumerate(day.sessions):
            at = f"{prefix}days.{d}.sessions.{s}"
            for m, name in enumerate(session.modules):
                if not (modules / name).is_file():
                    add(f"{at}.modules.{m}", f"modules/{name} does not exist (modules: "
                        f"{', '.join(on_disk) or 'none'})")  # fmt: skip
            for a, activity in enumerate(session.activities):
                placed.add(activity)
                exercise = exercises.get(activity)
                if exercise is None and activity not in live:
                    add(f"{at}.activities.{a}", f"no exercise or live activity {activity!r}: "
                        "give an activity id a module makes, or add the live activity to "
                        f"{PROGRAMME_DIR.as_posix()}/")  # fmt: skip
                elif exercise and session.modules and exercise.notebook not in session.modules:
                    add(f"{at}.activities.{a}", f"{activity!r} is in {exercise.notebook}, which "
                        "this session does not list under modules", "warning")  # fmt: skip
            for c, note in enumerate(session.care):
                if note not in notes:
                    add(
                        f"{at}.care.{c}",
                        f"no guidance note {note!r} in "
                        f"{PROGRAMME_DIR.as_posix()}/ (notes: {', '.join(sorted(notes))})",
                    )
    if programme.action_learning and programme.action_learning.protocol not in notes:
        add(
            f"{prefix}action_learning.protocol",
            f"no guidance note {programme.action_learning.protocol!r} for the set protocol",
        )
    for f, follow_up in enumerate(programme.follow_ups):
        for a, activity in enumerate(follow_up.activities):
            placed.add(activity)
            if activity not in exercises and activity not in live:
                add(
                    f"{prefix}follow_ups.{f}.activities.{a}",
                    f"no exercise or live activity {activity!r}",
                )
    for activity in files.live_activities:
        if activity.handout and activity.handout not in handouts:
            add(f"{prefix}days", f"live activity {activity.id!r} names a handout "
                f"{activity.handout!r} that does not exist", "error")  # fmt: skip
