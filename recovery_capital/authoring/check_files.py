"""The file half of ``recovery-capital check``: ``course.yaml``, course instruments and every
content YAML file, each problem at its line (see :mod:`recovery_capital.authoring.check`).

The checks share one :class:`CheckState`: what the course enables, which content files loaded
(so the notebook checks can look up what an exercise points at) and which did not.

>>> content_yaml_files("/nonexistent")
[]
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import yaml

from ..content.model import COURSE_DIR_ENV, KINDS, Content, VignetteContent, load_content
from ..core.errors import DefinitionError
from ..core.report import CheckReport, Finding, yaml_findings
from ..core.yaml_lines import YamlLines
from ..scoring.definitions import BUNDLED_DIR, load_instrument_file
from ..settings.course import COURSE_FILE, CourseSettings, contrast_ratio, load_course_settings

__all__ = [
    "CheckState",
    "LoadedContent",
    "check_content",
    "check_instruments",
    "check_settings",
    "content_yaml_files",
    "course_environment",
    "load_settings_for_check",
]

CONTENT = Path("assets") / "content"
INSTRUMENTS = CONTENT / "instruments"
FOLDER_KINDS = {cls.folder: kind for kind, cls in KINDS.items()}
WHITE = "#ffffff"
PAGE = "#fbfaf7"  # the course theme's page background
TEMPLATE_COMMENT = "# template:"


@dataclass
class LoadedContent:
    """A content file that loaded, where it lives, and the line of its ``id``."""

    content: Content
    path: Path
    id_line: int | None


@dataclass
class CheckState:
    """What the checks learn as they go and share with each other."""

    course: Path
    report: CheckReport
    settings: CourseSettings
    settings_lines: YamlLines
    available: set[str] = field(default_factory=set)
    content: dict[Path, LoadedContent] = field(default_factory=dict)
    broken: set[Path] = field(default_factory=set)

    def rel(self, path: Path) -> str:
        """``path`` as the report names it: relative to the course folder when inside it."""
        try:
            return path.resolve().relative_to(self.course.resolve()).as_posix()
        except ValueError:
            return str(path)

    @property
    def enabled(self) -> set[str]:
        """The instrument ids exercises may use (course.yaml's list, else all available)."""
        listed = self.settings.instruments
        return self.available if listed is None else set(listed)

    def settings_finding(
        self, path: str, message: str, severity: Literal["error", "warning"] = "error"
    ) -> None:
        """Record a problem with ``path`` in course.yaml, at its line."""
        line = self.settings_lines.line_of(path)
        self.report.add(Finding(COURSE_FILE, line, f"{path}: {message}", severity))


@contextmanager
def course_environment(course: Path) -> Iterator[None]:
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


def _problem_findings(state: CheckState, path: Path, error: DefinitionError) -> None:
    # A problem may lie in a file the checked one reads (an instrument's .wording.yaml).
    source = Path(error.source)
    if source.is_file() and source.resolve() != path.resolve():
        path = source
    for finding in yaml_findings(state.rel(path), _read_text(path), error.problems):
        state.report.add(finding)


# --- course.yaml -----------------------------------------------------------------------------


def load_settings_for_check(course: Path, report: CheckReport) -> tuple[CourseSettings, YamlLines]:
    path = course / COURSE_FILE
    lines = YamlLines(_read_text(path))
    try:
        return load_course_settings(course), lines
    except DefinitionError as exc:
        for finding in yaml_findings(COURSE_FILE, _read_text(path), exc.problems):
            report.add(finding)
        return CourseSettings(title="(course.yaml could not be read)"), lines


def check_settings(state: CheckState) -> None:
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


def _check_serving(state: CheckState) -> None:
    from ..settings.serving import SettingsError, load_settings

    try:
        load_settings({"course_dir": str(state.course)}, {},
                      state.settings.for_serving(state.course))  # fmt: skip
    except SettingsError as exc:
        state.settings_finding("serve", str(exc))


# --- instruments -----------------------------------------------------------------------------


def check_instruments(state: CheckState) -> None:
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


def check_content(state: CheckState) -> None:
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
        state.content[path.resolve()] = LoadedContent(content, path, id_line)
        template = text.lstrip().startswith(TEMPLATE_COMMENT)  # already warned about above
        for where, message in [] if template else content.cautions():  # answers given away
            state.report.add(Finding(
                state.rel(path), lines.line_of(where), f"{where}: {message}", "warning",
            ))  # fmt: skip
        if isinstance(content, VignetteContent):
            rated = content.rate.instrument
            if rated and rated not in state.enabled:
                state.report.add(Finding(
                    state.rel(path), lines.line_of("rate.instrument"),
                    f"rates {rated!r}, which course.yaml does not enable (add it to "
                    "instruments)",
                ))  # fmt: skip
    state.report.checked["content file"] = len(files)
