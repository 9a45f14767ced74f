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
4. Then it runs every notebook from top to bottom (:mod:`recovery_capital.authoring_run`).

Nothing stops at the first problem: the report lists them all (see
:mod:`recovery_capital.authoring_report`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .authoring_notebooks import (
    ExerciseUse,
    cells_with_outputs,
    exercise_uses,
    guidance_cells,
    notebook_title,
    paired_files,
    read_notebook,
    strip_outputs,
)
from .authoring_report import CheckReport, Finding
from .authoring_yaml import YamlLines
from .content import COURSE_DIR_ENV, KINDS, Content, VignetteContent, load_content
from .course_settings import COURSE_FILE, CourseSettings, contrast_ratio, load_course_settings
from .definitions import BUNDLED_DIR, instrument_paths, load_instrument_file
from .errors import DefinitionError

__all__ = ["check_course", "course_notebook_files", "content_yaml_files"]

CONTENT = Path("assets") / "content"
INSTRUMENTS = CONTENT / "instruments"
FOLDER_KINDS = {cls.folder: kind for kind, cls in KINDS.items()}
WHITE = "#ffffff"
PAGE = "#fbfaf7"  # the course theme's page background
TEMPLATE_COMMENT = "# template:"
# Words YAML 1.1 turns into true/false, a common surprise in answer options ("Yes", "No").
_YAML_BOOLEANS = {"yes", "no", "on", "off", "y", "n", "true", "false"}


@dataclass
class _Loaded:
    """A content file that loaded, where it lives, and the line of its ``id``."""

    content: Content
    path: Path
    id_line: int | None


@dataclass
class _State:
    """What the checks learn as they go and share with each other."""

    course: Path
    report: CheckReport
    settings: CourseSettings
    settings_lines: YamlLines
    available: set[str] = field(default_factory=set)
    content: dict[Path, _Loaded] = field(default_factory=dict)
    broken: set[Path] = field(default_factory=set)

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.course.resolve()).as_posix()
        except ValueError:
            return str(path)

    @property
    def enabled(self) -> set[str]:
        listed = self.settings.instruments
        return self.available if listed is None else set(listed)

    def settings_finding(self, path: str, message: str, severity: str = "error") -> None:
        line = self.settings_lines.line_of(path)
        text = f"{path}: {message}"
        self.report.add(Finding(COURSE_FILE, line, text, severity))  # type: ignore[arg-type]


@contextmanager
def _course_environment(course: Path) -> Iterator[None]:
    """Point content and instrument lookups at ``course`` while checking it."""
    before = os.environ.get(COURSE_DIR_ENV)
    os.environ[COURSE_DIR_ENV] = str(course)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(COURSE_DIR_ENV, None)
        else:
            os.environ[COURSE_DIR_ENV] = before


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _syntax_started(text: str) -> int | None:
    """For a YAML syntax error reported where the file ends (an unclosed quote or bracket),
    the line where the unclosed part starts."""
    try:
        yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        start, end = exc.context_mark, exc.problem_mark
        if start is not None and end is not None and start.line != end.line:
            return start.line + 1
    except yaml.YAMLError:
        pass
    return None


def _yaml_findings(relative: str, text: str, problems: list[tuple[str, str]]) -> list[Finding]:
    """Findings for a YAML file's problems, each at its line."""
    lines = YamlLines(text)
    found = []
    for where, message in problems:
        line = lines.line_of(where)
        if message.startswith("YAML syntax"):
            started = _syntax_started(text)
            if started is not None and started != line:
                message += f" (it starts on line {started})"
        elif where and not where.startswith("line "):
            written = lines.scalar_at(where)
            if written is not None and written.lower() in _YAML_BOOLEANS:
                message += (f" (YAML reads {written} as true or false: put it in quotes, "
                            f'"{written}")')  # fmt: skip
            message = f"{where}: {message}"
        found.append(Finding(relative, line, message))
    return found


def _problem_findings(state: _State, path: Path, error: DefinitionError) -> None:
    for finding in _yaml_findings(state.rel(path), _read_text(path), error.problems):
        state.report.add(finding)


# --- course.yaml -----------------------------------------------------------------------------


def _load_settings(course: Path, report: CheckReport) -> tuple[CourseSettings, YamlLines]:
    path = course / COURSE_FILE
    lines = YamlLines(_read_text(path))
    try:
        return load_course_settings(course), lines
    except DefinitionError as exc:
        for finding in _yaml_findings(COURSE_FILE, _read_text(path), exc.problems):
            report.add(finding)
        return CourseSettings(title="(course.yaml could not be read)"), lines


def _check_settings(state: _State) -> None:
    settings, course = state.settings, state.course
    modules_dir = course / "modules"
    on_disk = sorted(p.name for p in modules_dir.glob("*.ipynb") if not p.name.startswith("."))
    if settings.modules is not None:
        for index, name in enumerate(settings.modules):
            if not (modules_dir / name).is_file():
                known = ", ".join(on_disk) or "none"
                state.settings_finding(
                    f"modules.{index}", f"modules/{name} does not exist (modules: {known})"
                )
        for name in on_disk:
            if name not in settings.modules:
                state.report.add(Finding(
                    f"modules/{name}", None,
                    "not listed in course.yaml modules, so trainees will not see it on the "
                    "course home", "warning",
                ))  # fmt: skip
    if settings.instruments is not None:
        for index, instrument in enumerate(settings.instruments):
            if instrument not in state.available:
                known = ", ".join(sorted(state.available))
                state.settings_finding(
                    f"instruments.{index}", f"no instrument {instrument!r} (available: {known})"
                )
    branding = settings.branding
    if branding.logo and not (course / branding.logo).is_file():
        state.settings_finding("branding.logo", f"{branding.logo} does not exist")
    for name, colour, background, what in (
        ("primary_colour", branding.primary_colour, WHITE, "white button text"),
        ("accent_colour", branding.accent_colour, PAGE, "the page background"),
    ):
        ratio = contrast_ratio(colour, background)
        if ratio < 4.5:
            state.settings_finding(
                f"branding.{name}",
                f"{colour} is hard to read against {what} (contrast {ratio:.1f}:1; "
                "choose a darker colour with at least 4.5:1)",
                "warning",
            )
    if settings.store and urlsplit(settings.store).password:
        state.settings_finding(
            "store",
            "holds a password: set RECOVERY_CAPITAL_STORE on the server instead, so the "
            "password is not shared with everyone who gets the course files",
            "warning",
        )
    _check_serving(state)


def _check_serving(state: _State) -> None:
    from .voila_settings import SettingsError, load_settings

    try:
        load_settings({"course_dir": str(state.course)}, {},
                      state.settings.for_serving(state.course))  # fmt: skip
    except SettingsError as exc:
        state.settings_finding("serve", str(exc))


# --- instruments -----------------------------------------------------------------------------


def _check_instruments(state: _State) -> None:
    folder = state.course / INSTRUMENTS
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    definitions = [p for p in files if not p.name.endswith(".wording.yaml")]
    stems = {p.stem for p in definitions}
    bundled = {p.stem for p in BUNDLED_DIR.glob("*.yaml")}
    for path in definitions:
        lines = YamlLines(_read_text(path))
        try:
            instrument = load_instrument_file(path)
        except DefinitionError as exc:
            _problem_findings(state, path, exc)
            state.broken.add(path.resolve())
            continue
        if instrument.id != path.stem:
            state.report.add(Finding(
                state.rel(path), lines.line_of("id"),
                f"id {instrument.id!r} must match the file name ({path.stem}.yaml): exercises "
                "find an instrument by its file name",
            ))  # fmt: skip
        if path.stem in bundled:
            state.report.add(Finding(
                state.rel(path), None,
                f"replaces the bundled {path.stem!r} definition for this course (to change only "
                f"the wording, use {path.stem}.wording.yaml instead)", "warning",
            ))  # fmt: skip
    for path in files:
        if path.name.endswith(".wording.yaml"):
            owner = path.name[: -len(".wording.yaml")]
            if owner not in stems and owner not in bundled:
                state.report.add(Finding(
                    state.rel(path), None, f"wording for {owner!r}, but there is no such "
                    "instrument", "warning",
                ))  # fmt: skip
    state.report.checked["course instrument"] = len(definitions)


# --- content ---------------------------------------------------------------------------------


def content_yaml_files(course: str | os.PathLike[str]) -> list[Path]:
    """Every YAML file under ``assets/content/`` except instrument definitions.

    >>> content_yaml_files("/nonexistent")
    []
    """
    root = Path(course) / CONTENT
    if not root.is_dir():
        return []
    found = [p for pattern in ("*.yaml", "*.yml") for p in root.rglob(pattern)]
    return sorted(p for p in found if INSTRUMENTS.name not in p.relative_to(root).parts[:1])


def _unreachable_nodes(data: Any) -> list[tuple[str, str]]:
    """Scenario nodes no path from ``start`` reaches, worked out from the raw YAML so they are
    reported alongside other problems in the same file (the loader checks reachability only
    once everything else is right)."""
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
        return []
    nodes, start = data["nodes"], data.get("start")
    if start not in nodes:
        return []
    seen, frontier = {start}, [start]
    while frontier:
        node = nodes.get(frontier.pop())
        choices = node.get("choices") if isinstance(node, dict) else None
        for choice in choices if isinstance(choices, list) else []:
            target = choice.get("next") if isinstance(choice, dict) else None
            if isinstance(target, str) and target in nodes and target not in seen:
                seen.add(target)
                frontier.append(target)
    return [
        (f"nodes.{name}", f"cannot be reached from the start node {start!r}")
        for name in nodes
        if name not in seen
    ]


def _check_content(state: _State) -> None:
    files = content_yaml_files(state.course)
    by_id: dict[str, Path] = {}
    for path in files:
        text = _read_text(path)
        lines = YamlLines(text)
        folder = path.relative_to(state.course / CONTENT).parts[0]
        kind = FOLDER_KINDS.get(folder)
        if kind is None or path.parent != state.course / CONTENT / folder:
            known = ", ".join(sorted(FOLDER_KINDS))
            state.report.add(Finding(
                state.rel(path), None,
                f"not in a content folder ({known}), so no exercise can use it", "warning",
            ))  # fmt: skip
            continue
        try:
            content = load_content(path, kind=kind)
        except DefinitionError as exc:
            state.broken.add(path.resolve())
            _problem_findings(state, path, exc)
            if kind == "scenario":
                try:
                    data = yaml.safe_load(text)
                except yaml.YAMLError:
                    data = None
                extra = DefinitionError(str(path), _unreachable_nodes(data))
                _problem_findings(state, path, extra)
            continue
        id_line = lines.line_of("id")
        first = by_id.get(content.id)
        if first is not None:
            state.report.add(Finding(
                state.rel(path), id_line,
                f"id {content.id!r} is already used by {state.rel(first)}: every activity "
                "needs its own id, or their answers are stored together",
            ))  # fmt: skip
        else:
            by_id[content.id] = path
        if text.lstrip().startswith(TEMPLATE_COMMENT):
            state.report.add(Finding(
                state.rel(path), 1, "still holds the example from new-module: replace it "
                "with your own questions and delete the '# template:' comment", "warning",
            ))  # fmt: skip
        state.content[path.resolve()] = _Loaded(content, path, id_line)
        if isinstance(content, VignetteContent):
            rated = content.rate.instrument
            if rated and rated not in state.enabled:
                state.report.add(Finding(
                    state.rel(path), lines.line_of("rate.instrument"),
                    f"rates {rated!r}, which course.yaml does not enable (add it to "
                    "instruments)",
                ))  # fmt: skip
    state.report.checked["content file"] = len(files)


# --- notebooks -------------------------------------------------------------------------------


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


def _check_use(state: _State, notebook: Path, use: ExerciseUse) -> str | None:
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
        if path in state.broken:
            problem(f"{use.argument} has problems (listed under that file)")
            return None
        try:
            content = load_content(path)
        except DefinitionError as exc:
            problem(f"{use.argument} cannot be used: {exc.problems[0][1]}")
            return None
        loaded = _Loaded(content, path, None)
    if loaded.content.kind != use.kind:
        problem(f"{use.argument} is a {loaded.content.kind!r} file; {use.widget} needs "
                f"a {use.kind!r} file")  # fmt: skip
        return None
    return loaded.content.id


def _check_notebooks(state: _State, notebooks: list[Path], strip: bool) -> None:
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
    state: _State, uses_by_id: dict[str, list[tuple[Path, ExerciseUse]]]
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


# --- running ---------------------------------------------------------------------------------


def _run_notebooks(
    state: _State, notebooks: list[Path], timeout: float, progress: Callable[[str], None]
) -> None:
    from .authoring_run import run_notebook

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
    settings, lines = _load_settings(course, report)
    state = _State(course, report, settings, lines)
    with _course_environment(course.resolve()):
        state.available = set(instrument_paths(course))
        _check_instruments(state)
        _check_settings(state)
        _check_content(state)
        notebooks = course_notebook_files(course, settings)
        _check_notebooks(state, notebooks, strip)
    if run and notebooks:
        _run_notebooks(state, notebooks, timeout, progress or (lambda message: None))
    report.sort()
    return report
