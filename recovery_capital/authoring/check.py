"""``recovery-capital check``: everything that could go wrong with a course, found in one pass.

:func:`check_course` looks at a course folder the way trainees will meet it:

1. ``course.yaml`` against its schema; the modules and instruments it lists exist; its logo
   exists; its colours are readable; its serving settings work.
2. Every YAML file under ``assets/content/`` against the schema of its kind, and every course
   instrument; each problem with its line. Branching scenarios with unreachable nodes, dead
   ends or loops with no way out; activity ids used twice.
3. Every notebook: readable, saved without outputs (so git diffs stay small), no leftover
   template guidance, and every exercise it makes points at content that exists, is of the
   right kind, and has an activity id of its own.
4. The programme (``course.yaml``'s ``programme:``, else ``assets/programme/``): its times,
   and that every module, activity, handout and guidance note it names exists
   (:mod:`recovery_capital.programme.check`).
5. Then it runs every notebook from top to bottom (:mod:`recovery_capital.authoring.run`).

Nothing stops at the first problem: the report lists them all (see
:mod:`recovery_capital.core.report`). Steps 1 and 2 live in
:mod:`recovery_capital.authoring.check_files`; this module checks and runs the notebooks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..content.model import load_content
from ..content.notebooks import (
    ExerciseUse,
    cells_with_outputs,
    exercise_uses,
    guidance_cells,
    notebook_title,
    paired_files,
    read_notebook,
    strip_outputs,
)
from ..core.errors import DefinitionError
from ..core.report import CheckReport, Finding
from ..scoring.definitions import instrument_paths
from ..settings.course import CourseSettings
from .check_files import (
    CheckState,
    LoadedContent,
    check_content,
    check_instruments,
    check_settings,
    content_yaml_files,
    course_environment,
    load_settings_for_check,
)

__all__ = ["check_course", "course_notebook_files", "content_yaml_files"]


def course_notebook_files(course: str | os.PathLike[str], settings: CourseSettings) -> list[Path]:
    """Every notebook under ``modules/``: the listed modules in course order, then the rest
    (unlisted modules, trainer notebooks) by name.

    >>> course_notebook_files("/nonexistent", CourseSettings(title="T"))
    []
    """
    folder = Path(course) / "modules"
    everything = sorted(
        p for p in folder.rglob("*.ipynb")
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )  # fmt: skip
    listed = [folder / name for name in settings.modules or ()]
    first = [p for p in listed if p in everything]
    return first + [p for p in everything if p not in first]


def _check_use(state: CheckState, notebook: Path, use: ExerciseUse) -> str | None:
    """Check one exercise a notebook makes; return its activity id when it can be known."""
    where = f"cell {use.cell}, line {use.line}" if use.line > 1 else f"cell {use.cell}"
    rel = state.rel(notebook)

    def problem(message: str) -> None:
        state.report.add(Finding(rel, None, f"{use.widget}: {message}", where=where))

    if use.argument is None:
        return use.activity_id
    if use.kind == "instrument":
        if use.argument not in state.available:
            known = ", ".join(sorted(state.available))
            problem(f"no instrument {use.argument!r} (available: {known})")
        elif use.argument not in state.enabled:
            problem(f"{use.argument!r} is not enabled in course.yaml instruments")
        return use.activity_id or use.argument
    target = Path(use.argument)
    path = (target if target.is_absolute() else state.course / target).resolve()
    if not path.is_file():
        problem(f"{use.argument} does not exist")
        return None
    loaded = state.content.get(path)
    if loaded is None:
        if path in state.broken:  # one mistake, counted once: under the file that holds it
            note = (f"{rel} {where} ({use.widget}) uses {use.argument}, which shows nothing "
                    "until its errors above are fixed.")  # fmt: skip
            if note not in state.report.notes:
                state.report.notes.append(note)
            return None
        try:
            content = load_content(path)
        except DefinitionError as exc:
            problem(f"{use.argument} cannot be used: {exc.problems[0][1]}")
            return None
        loaded = LoadedContent(content, path, None)
    if loaded.content.kind != use.kind:
        problem(f"{use.argument} is a {loaded.content.kind!r} file; {use.widget} needs "
                f"a {use.kind!r} file")  # fmt: skip
        return None
    return loaded.content.id


def _check_notebooks(state: CheckState, notebooks: list[Path], strip: bool) -> None:
    uses_by_id: dict[str, list[tuple[Path, ExerciseUse]]] = {}
    listed = set(state.settings.modules or ())
    for path in notebooks:
        rel = state.rel(path)
        try:
            notebook = read_notebook(path)
        except DefinitionError as exc:
            state.report.add(Finding(rel, None, exc.problems[0][1]))
            continue
        with_outputs = cells_with_outputs(notebook)
        if with_outputs and strip:
            strip_outputs(path)
            state.report.notes.append(f"Cleared saved outputs from {rel}.")
        elif with_outputs:
            state.report.add(Finding(
                rel, None,
                f"saved with outputs in {len(with_outputs)} cell(s): clear them (run check with "
                "--strip-outputs) so the notebook stays small and easy to compare in git",
            ))  # fmt: skip
        for paired in paired_files(notebook, path):
            if not paired.is_file():
                state.report.add(Finding(
                    rel, None, f"says it is paired with {state.rel(paired)}, which does not "
                    "exist (remove the jupytext pairing or add the file)",
                ))  # fmt: skip
        guided = guidance_cells(notebook)
        if guided:
            cells = ", ".join(str(number) for number in guided)
            state.report.add(Finding(
                rel, None, f"still holds new-module guidance in cell{'s' * (len(guided) > 1)} "
                f"{cells}: write your own text and delete each <!-- template: ... --> note",
                "warning",
            ))  # fmt: skip
        top_level = path.parent == state.course / "modules"
        if top_level and (not listed or path.name in listed) and not notebook_title(notebook):
            state.report.add(Finding(
                rel, None, "has no '# Title' heading in its first text cell, so the course "
                "home shows its file name instead", "warning", where="cell 1",
            ))  # fmt: skip
        for use in exercise_uses(notebook):
            activity = _check_use(state, path, use)
            if activity:
                uses_by_id.setdefault(activity, []).append((path, use))
    _check_activity_ids(state, uses_by_id)
    state.report.checked["notebook"] = len(notebooks)


def _check_activity_ids(
    state: CheckState, uses_by_id: dict[str, list[tuple[Path, ExerciseUse]]]
) -> None:
    for activity, uses in uses_by_id.items():
        first_path, first_use = uses[0]
        for path, use in uses[1:]:
            hint = (
                ' (give each use its own activity_id="...")'
                if use.kind == "instrument"
                else " (copy the file and give the copy its own id)"
            )
            state.report.add(Finding(
                state.rel(path), None,
                f"{use.widget}: activity id {activity!r} is also used in "
                f"{state.rel(first_path)} cell {first_use.cell}; both would file answers "
                f"together{hint}", where=f"cell {use.cell}",
            ))  # fmt: skip
    used = set(uses_by_id)
    for loaded in state.content.values():
        if loaded.content.id not in used:
            state.report.add(Finding(
                state.rel(loaded.path), loaded.id_line,
                "no module uses this exercise yet", "warning",
            ))  # fmt: skip


def _check_programme(state: CheckState) -> None:
    from ..programme.check import programme_findings

    for finding in programme_findings(state.course):
        state.report.add(finding)


# --- running ---------------------------------------------------------------------------------


def _run_notebooks(
    state: CheckState, notebooks: list[Path], timeout: float, progress: Callable[[str], None]
) -> None:
    from .run import run_notebook

    total = 0.0
    progress(f"Running {len(notebooks)} notebooks one at a time; this can take a few minutes.")
    for number, path in enumerate(notebooks, start=1):
        rel = state.rel(path)
        result = run_notebook(path, state.course, timeout=timeout)
        total += result.seconds
        progress(f"[{number}/{len(notebooks)}] {rel}: "
                 f"{'ok' if result.ok else 'FAILED'} ({result.seconds:.0f} s)")  # fmt: skip
        if not result.ok:
            where = f"cell {result.cell}" if result.cell else ""
            state.report.add(Finding(rel, None, f"running it failed: {result.reason}",
                                     where=where))  # fmt: skip
    state.report.notes.append(f"Ran {len(notebooks)} notebooks in {total:.0f} s.")


def check_course(
    course_dir: str | os.PathLike[str],
    *,
    run: bool = True,
    timeout: float = 300.0,
    strip: bool = False,
    progress: Callable[[str], None] | None = None,
) -> CheckReport:
    """Check the course in ``course_dir`` (see the module notes) and return what was found.

    ``run=False`` skips running the notebooks; ``timeout`` limits each notebook's run in
    seconds; ``strip=True`` clears saved outputs instead of reporting them.

    >>> report = check_course("/nonexistent", run=False)
    >>> [(f.file, f.message[:15]) for f in report.errors]
    [('/nonexistent', 'is not a folder')]
    """
    course = Path(course_dir)
    report = CheckReport()
    if not course.is_dir():
        report.add(Finding(str(course), None, "is not a folder: give the course folder, the "
                           "one holding course.yaml, modules/ and assets/"))  # fmt: skip
        return report
    settings, lines = load_settings_for_check(course, report)
    state = CheckState(course, report, settings, lines)
    with course_environment(course.resolve()):
        state.available = set(instrument_paths(course))
        check_instruments(state)
        check_settings(state)
        check_content(state)
        notebooks = course_notebook_files(course, settings)
        _check_notebooks(state, notebooks, strip)
        _check_programme(state)
    if run and notebooks:
        _run_notebooks(state, notebooks, timeout, progress or (lambda message: None))
    report.sort()
    return report
