"""``course.yaml``: the one file that says what a course is.

An educator's course folder holds ``course.yaml`` beside ``modules/`` and ``assets/``. It names
the course and the organisation running it, lists the modules in the order trainees meet them,
says which questionnaires (instruments) the course uses, where answers are stored, the defaults
for a new cohort and the course's look (branding). Serving settings for advanced set-ups live
under ``serve:`` (see :mod:`recovery_capital.settings.serving`).

:func:`load_course_settings` is the one loader: ``serve`` and ``check`` both use it. A course
without ``course.yaml`` (this repository's own course) gets the defaults: every notebook in
``modules/`` in name order and every instrument available.

>>> settings = parse_course_settings({
...     "title": "Supporting people who use drugs and alcohol",
...     "organisation": "Northshire Council",
...     "modules": ["00-start-here.ipynb", "02-recovery-capital.ipynb"],
...     "branding": {"primary_colour": "#1D5C63"},
... })
>>> settings.modules[1], settings.branding.primary_colour, settings.cohort.size
('02-recovery-capital.ipynb', '#1d5c63', 30)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from ..core.errors import DefinitionError
from ..core.problems import validate_model
from ..core.yaml_text import read_yaml_file
from .lms import LtiSettings, XapiSettings

__all__ = [
    "COURSE_FILE",
    "Branding",
    "branding_css",
    "CohortDefaults",
    "CourseSettings",
    "contrast_ratio",
    "course_notebooks",
    "load_course_settings",
    "page_branding",
    "parse_course_settings",
]

COURSE_FILE = "course.yaml"
DEFAULT_TITLE = "Supporting people who use drugs and alcohol"

_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_NOTEBOOK = r"^[A-Za-z0-9][A-Za-z0-9._-]*\.ipynb$"
_INSTRUMENT = r"^[a-z][a-z0-9_]*$"
_LOGO_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def _hex_colour(value: str) -> str:
    """``#abc`` or ``#aabbcc``, returned as lower-case ``#aabbcc``."""
    if not _HEX.match(value):
        raise ValueError(f"{value!r} is not a colour like #1d5c63 (a # and six hex digits)")
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits


def _logo_path(value: str) -> str:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != "assets":
        raise ValueError(f"{value!r} must be a path inside the course's assets/ folder")
    if path.suffix.lower() not in _LOGO_TYPES:
        raise ValueError(f"{value!r} must be an image: {', '.join(_LOGO_TYPES)}")
    return path.as_posix()


def _store_url(value: str) -> str:
    if "://" in value and not re.match(r"^(sqlite|postgresql)(\+[a-z0-9]+)?://", value):
        raise ValueError(
            f"{value!r} is not a store this course can use: give a SQLite file path, "
            "sqlite:///path, or postgresql+psycopg://user@host/dbname"
        )
    return value


def _programme_path(value: str) -> str:
    path = PurePosixPath(value)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != "assets":
        raise ValueError(f"{value!r} must be a YAML file inside the course's assets/ folder")
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise ValueError(f"{value!r} must be a .yaml file")
    return path.as_posix()


Colour = Annotated[str, AfterValidator(_hex_colour)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NotebookName = Annotated[
    str,
    StringConstraints(pattern=_NOTEBOOK),
    Field(description="a notebook file name in modules/, e.g. 02-recovery-capital.ipynb"),
]
InstrumentId = Annotated[str, StringConstraints(pattern=_INSTRUMENT)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Branding(_Frozen):
    """How the course looks: a name shown in the banner, two colours and an optional logo.

    The defaults are the course's own calm teal and amber, which meet WCAG AA contrast.

    >>> Branding(primary_colour="#ABC").primary_colour
    '#aabbcc'
    """

    name: str = ""
    primary_colour: Colour = Field(
        "#1d5c63", validation_alias=AliasChoices("primary_colour", "primary_color")
    )
    accent_colour: Colour = Field(
        "#8a4b08", validation_alias=AliasChoices("accent_colour", "accent_color")
    )
    logo: Annotated[str, AfterValidator(_logo_path)] | None = None


class CohortDefaults(_Frozen):
    """What a new cohort starts with when ``recovery-capital serve`` creates one.

    ``name`` names each new cohort (default: "Workshop" and the date and time).
    ``size`` is how many trainees usually join together; in workshop mode
    (``serve.workshop``) that many kernels are kept warm so a class can start at once.
    """

    name: Text | None = None
    size: int = Field(30, ge=1, le=200)


class CourseSettings(_Frozen):
    """The validated contents of ``course.yaml``.

    ``modules`` and ``instruments`` are ``None`` when ``course.yaml`` leaves them out, which
    means "every notebook in modules/" and "every instrument available".
    """

    title: Text
    organisation: str = Field("", validation_alias=AliasChoices("organisation", "organization"))
    modules: tuple[NotebookName, ...] | None = None
    instruments: tuple[InstrumentId, ...] | None = None
    store: Annotated[str, AfterValidator(_store_url)] | None = None
    cohort: CohortDefaults = CohortDefaults()
    branding: Branding = Branding()
    serve: dict[str, Any] = Field(default_factory=dict)
    #: the five-day programme: a mapping written here, or the path of its YAML file inside
    #: assets/ (default: assets/programme/programme.yaml when it exists); validated by
    #: :mod:`recovery_capital.programme.load`.
    programme: Annotated[str, AfterValidator(_programme_path)] | dict[str, Any] | None = None
    xapi: XapiSettings | None = None  # statements to a learning record store (docs/lms.md)
    lti: LtiSettings | None = None  # the course as an LTI 1.3 tool of an LMS (docs/lms.md)

    @field_validator("modules", "instruments")
    @classmethod
    def _no_repeats(cls, values: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if values is not None:
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"listed more than once: {', '.join(repeated)}")
        return values

    def store_url(self, course_dir: str | os.PathLike[str]) -> str | None:
        """The store URL with a relative SQLite file made absolute against ``course_dir``.

        >>> s = parse_course_settings({"title": "T", "store": "data/answers.sqlite3"})
        >>> s.store_url("/courses/spring")
        'sqlite:////courses/spring/data/answers.sqlite3'
        """
        if not self.store:
            return None
        if "://" in self.store:
            return self.store
        path = Path(self.store).expanduser()
        if not path.is_absolute():
            path = Path(course_dir) / path
        return f"sqlite:///{path}"

    def for_serving(self, course_dir: str | os.PathLike[str]) -> dict[str, Any]:
        """The mapping :func:`recovery_capital.settings.serving.load_settings` reads: the title,
        the cohort size (the preheated pool in workshop mode) and the ``serve:`` settings, with
        the store and cohort name folded in (anything set under ``serve:`` itself wins).

        >>> s = parse_course_settings({"title": "T", "cohort": {"name": "Leeds", "size": 12},
        ...                            "serve": {"workshop": "2"}})
        >>> s.for_serving("/c")
        {'title': 'T', 'cohort_size': 12, 'serve': {'cohort_name': 'Leeds', 'workshop': '2'}}
        """
        serve: dict[str, Any] = {}
        if self.cohort.name:
            serve["cohort_name"] = self.cohort.name
        store = self.store_url(course_dir)
        if store:
            serve["store"] = store
        serve.update(self.serve)
        return {"title": self.title, "cohort_size": self.cohort.size, "serve": serve}


def parse_course_settings(data: Any, source: str = COURSE_FILE) -> CourseSettings:
    """Validate already-parsed ``course.yaml`` data, naming every problem at once.

    >>> parse_course_settings({"title": "T", "branding": {"primary_colour": "teal"},
    ...                        "modules": ["intro.md"]})
    Traceback (most recent call last):
      ...
    recovery_capital.core.errors.DefinitionError: course.yaml: 2 problems
      - modules.0: 'intro.md' is not a notebook file name like 02-recovery-capital.ipynb
      - branding.primary_colour: 'teal' is not a colour like #1d5c63 (a # and six hex digits)
    """
    if not isinstance(data, dict):
        problem = "expected a mapping of settings (title, modules, ...)"
        raise DefinitionError(source, [("", problem)])
    return validate_model(CourseSettings, data, source, special=_own_words, noun="setting")


def _own_words(path: str, detail: Mapping[str, Any]) -> str | None:
    """course.yaml's own wording for a file name or an id that does not fit its pattern."""
    if detail["type"] != "string_pattern_mismatch":
        return None
    given = detail.get("input")
    if path.startswith("modules."):
        return f"{given!r} is not a notebook file name like 02-recovery-capital.ipynb"
    if path.startswith("instruments."):
        return f"{given!r} is not an instrument id like barc10 (lower case, no spaces)"
    return None


def load_course_settings(course_dir: str | os.PathLike[str]) -> CourseSettings:
    """The settings of the course in ``course_dir`` (defaults when it has no ``course.yaml``).

    Raises :class:`~recovery_capital.core.errors.DefinitionError` naming every problem.

    >>> load_course_settings("/nonexistent").title
    'Supporting people who use drugs and alcohol'
    """
    path = Path(course_dir) / COURSE_FILE
    if not path.is_file():
        return CourseSettings(title=DEFAULT_TITLE)
    source = str(path)
    data = read_yaml_file(path, source)
    return parse_course_settings({} if data is None else data, source)


def course_notebooks(course_dir: str | os.PathLike[str]) -> list[Path]:
    """The trainee modules in course order: those ``course.yaml`` lists that exist, else every
    notebook in ``modules/`` by name (trainer notebooks in ``modules/trainer/`` never count).

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp())
    >>> (course / "modules").mkdir()
    >>> for name in ("00-start.ipynb", "01-why.ipynb", "02-capital.ipynb"):
    ...     _ = (course / "modules" / name).write_text("{}")
    >>> _ = (course / "course.yaml").write_text(
    ...     "title: T\\nmodules: [02-capital.ipynb, 00-start.ipynb]\\n")
    >>> [p.name for p in course_notebooks(course)]
    ['02-capital.ipynb', '00-start.ipynb']
    """
    folder = Path(course_dir) / "modules"
    listed = load_course_settings(course_dir).modules
    if listed is None:
        return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    return [folder / name for name in listed if (folder / name).is_file()]


def _luminance(colour: str) -> float:
    channels = []
    for i in (1, 3, 5):
        c = int(colour[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21; 4.5 is enough for body text).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    >>> round(contrast_ratio("#1d5c63", "#ffffff"), 1)
    7.6
    """
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` with ``share`` (0-1) of ``other`` mixed in."""
    channels = [
        round(int(colour[i : i + 2], 16) * (1 - share) + int(other[i : i + 2], 16) * share)
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02x}" for c in channels)


def branding_css(branding: Branding) -> str:
    """CSS custom properties that put the course's colours on every page (the theme's
    ``--rc-brand`` family, plus a darker shade and a light tint worked out from it).

    >>> branding_css(Branding(primary_colour="#224466")).split("; ")[:3]
    [':root { --rc-brand: #224466', '--rc-brand-dark: #162c42', '--rc-brand-tint: #e4e9ed']
    """
    brand = branding.primary_colour
    return (
        f":root {{ --rc-brand: {brand}; --rc-brand-dark: {_mix(brand, '#000000', 0.35)}; "
        f"--rc-brand-tint: {_mix(brand, '#ffffff', 0.88)}; "
        f"--rc-accent: {branding.accent_colour}; --jp-brand-color1: {brand}; }}"
    )


def page_branding(course_dir: str | os.PathLike[str], base_url: str = "/") -> dict[str, str]:
    """What the course's pages need to show its branding: ``brand_name``, ``brand_css`` (empty
    while the colours are the theme's own) and ``logo_url`` (empty when there is no logo).

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp())
    >>> _ = (course / "course.yaml").write_text(
    ...     "title: T\\nbranding: {name: Northshire, logo: assets/logo.png}\\n")
    >>> branding = page_branding(course, "/course/")
    >>> branding["brand_name"], branding["logo_url"], branding["brand_css"]
    ('Northshire', '/course/voila/files/assets/logo.png', '')
    """
    branding = load_course_settings(course_dir).branding
    logo = f"{base_url}voila/files/{branding.logo}" if branding.logo else ""
    default = Branding()
    own_colours = (branding.primary_colour, branding.accent_colour) != (
        default.primary_colour, default.accent_colour
    )  # fmt: skip
    css = branding_css(branding) if own_colours else ""  # the theme's own shades otherwise
    return {"brand_name": branding.name, "brand_css": css, "logo_url": logo}
