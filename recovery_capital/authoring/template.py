"""Make a course folder an educator owns, and new modules inside it.

:func:`new_course` copies the course that ships with the package (its module notebooks and
``assets/``: content YAML, instruments, theme) into a new folder and writes a ``course.yaml``
listing them. The copy comes from the installed package data
(``recovery_capital/course_template/``), so it works after ``pip install recovery-capital``;
when the package runs from a source checkout, the checkout's own ``modules/`` and ``assets/``
are the template.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import yaml

from ..content.notebooks import strip_outputs
from ..core.errors import RecoveryCapitalError
from ..settings.course import COURSE_FILE, DEFAULT_TITLE

__all__ = [
    "AuthoringError",
    "check_title",
    "course_yaml_text",
    "dump_yaml_value",
    "new_course",
    "template_root",
]

PACKAGE_DIR = Path(__file__).resolve().parents[1]
PACKAGED_TEMPLATE = PACKAGE_DIR / "course_template"
TEMPLATE_PARTS = ("modules", "assets")
_SKIPPED = shutil.ignore_patterns(".*", "__pycache__", "*.pyc", "*.sqlite3", "*.sqlite3-*", "*.log")


class AuthoringError(RecoveryCapitalError):
    """A course or module cannot be created as asked; the message says why and what to do."""


def template_root() -> Path:
    """The folder holding the course template's ``modules/`` and ``assets/``.

    >>> (template_root() / "modules").is_dir()
    True
    """
    if all((PACKAGED_TEMPLATE / part).is_dir() for part in TEMPLATE_PARTS):
        return PACKAGED_TEMPLATE
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and all(
        (checkout / part).is_dir() for part in TEMPLATE_PARTS
    ):
        return checkout
    raise AuthoringError(
        "this installation of recovery-capital has no course template (recovery_capital/"
        "course_template is missing). Reinstall the package from a wheel or the source."
    )


def dump_yaml_value(value: object, width: int = 1000) -> str:
    """One YAML scalar or flow list, as it would appear after ``key: ``.

    >>> dump_yaml_value("Spring: Leeds"), dump_yaml_value(["a", "b"])
    ("'Spring: Leeds'", '[a, b]')
    """
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=width)
    return text.removesuffix("\n...\n").strip()


def course_yaml_text(
    title: str, organisation: str, modules: list[str], instruments: list[str]
) -> str:
    """A commented ``course.yaml`` for a new course.

    >>> from recovery_capital.settings.course import parse_course_settings
    >>> text = course_yaml_text("Spring: Leeds", "Leeds City Council", ["00-a.ipynb"], ["barc10"])
    >>> parse_course_settings(yaml.safe_load(text)).title
    'Spring: Leeds'
    """
    module_lines = "\n".join(f"  - {dump_yaml_value(name)}" for name in modules) or "  []"
    return f"""\
# This course, as trainees meet it. After any change, run:  recovery-capital check .
# The educators' guide (docs/educators.md in the recovery-capital project) explains each part.

title: {dump_yaml_value(title)}
organisation: {dump_yaml_value(organisation)}

# The modules on the course home, in this order (notebooks in modules/). Take a line out to
# hide a module from trainees; trainer notebooks in modules/trainer/ are never listed here.
modules:
{module_lines}

# Questionnaires the exercises may use: bundled ones and any in assets/content/instruments/.
instruments: {dump_yaml_value(instruments, width=80)}

# Where answers are kept: a SQLite file (a path relative to this folder) or a PostgreSQL URL.
# Without it, RECOVERY_CAPITAL_STORE or a file in your home folder is used. Never put a
# database password here: set RECOVERY_CAPITAL_STORE on the server instead.
# store: data/answers.sqlite3

# What a cohort starts with when `recovery-capital serve` creates one. In workshop mode
# (`recovery-capital serve . --workshop 2`) `size` pages are kept ready, so the whole group
# can start at once.
cohort:
  # name: Spring 2027           # default: "Workshop" and the date and time
  size: 30

# The course's look. Colours are #rrggbb and need enough contrast with white text; the logo
# is an image inside assets/ (PNG, JPEG, GIF, SVG or WebP).
branding:
  name: {dump_yaml_value(organisation)}
  primary_colour: "#1d5c63"
  accent_colour: "#8a4b08"
  # logo: assets/images/logo.png
"""


COURSE_README = """\
# {title}

A course made with recovery-capital. Everything trainees see lives here:

- `course.yaml`: the title, the modules in order, the questionnaires, the look;
- `modules/`: one notebook per module (and `trainer/` notebooks for the trainer);
- `assets/content/`: every quiz, vignette, scenario, poll, ruler, reflection and instrument,
  as YAML you can edit without touching Python.

```bash
recovery-capital check .          # check everything, then run every module
recovery-capital serve .          # serve the course; prints the links and the join code
recovery-capital new-module . "Working with housing services"
```
"""

COURSE_GITIGNORE = """\
.ipynb_checkpoints/
__pycache__/
*.sqlite3
*.sqlite3-*
"""


def new_course(
    target: str | os.PathLike[str],
    *,
    title: str = DEFAULT_TITLE,
    organisation: str = "",
    source: str | os.PathLike[str] | None = None,
) -> Path:
    """Create a course folder at ``target`` from the template (or from ``source``, another
    course folder). ``target`` must not exist yet, or be empty. Returns ``target``.

    >>> import tempfile
    >>> course = new_course(Path(tempfile.mkdtemp()) / "spring", title="Spring 2027")
    >>> from recovery_capital.settings.course import load_course_settings
    >>> load_course_settings(course).modules[0]
    '00-start-here.ipynb'
    """
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AuthoringError(f"{target} already exists and is not empty: choose a new folder")
    check_title(title, "title")
    origin = Path(source) if source is not None else template_root()
    target.mkdir(parents=True, exist_ok=True)
    for part in TEMPLATE_PARTS:
        if (origin / part).is_dir():
            shutil.copytree(origin / part, target / part, ignore=_SKIPPED)
    (target / "modules").mkdir(exist_ok=True)
    for notebook in (target / "modules").rglob("*.ipynb"):
        strip_outputs(notebook)
    from ..scoring.definitions import list_instruments

    modules = sorted(p.name for p in (target / "modules").glob("*.ipynb"))
    instruments = list_instruments(target)
    text = course_yaml_text(title, organisation, modules, instruments)
    (target / COURSE_FILE).write_text(text, encoding="utf-8")
    (target / "README.md").write_text(COURSE_README.format(title=title), encoding="utf-8")
    (target / ".gitignore").write_text(COURSE_GITIGNORE, encoding="utf-8")
    return target


def check_title(title: str, what: str) -> None:
    """Refuse a title that is empty or would break the page it is shown on (``what`` names it).

    >>> check_title("Housing <b>", "module title")
    Traceback (most recent call last):
      ...
    recovery_capital.authoring.template.AuthoringError: the module title may not contain <, > ...
    """
    if not title.strip():
        raise AuthoringError(f"the {what} is empty: give it some words")
    if any(ch in title for ch in "<>\n\r"):
        raise AuthoringError(f"the {what} may not contain <, > or line breaks: {title!r}")
