"""Everything ``recovery-capital serve`` needs to know, read in one place.

:func:`load_settings` merges four sources, strongest first:

1. the command line (``--port 9000``);
2. the environment (``RECOVERY_CAPITAL_PORT=9000``; the store URL is ``RECOVERY_CAPITAL_STORE``);
3. the ``serve:`` section of the course's ``course.yaml``;
4. the defaults below.

The result is one frozen :class:`Settings` that the rest of the serving code is handed
explicitly; nothing else reads the environment or the YAML.

>>> import tempfile
>>> course = Path(tempfile.mkdtemp()); (course / "modules").mkdir()
>>> settings = load_settings({"course_dir": course}, environ={}, course_yaml={})
>>> settings.host, settings.port, settings.base_url, settings.pool_size
('127.0.0.1', 8866, '/', 0)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from ..core.errors import RecoveryCapitalError

__all__ = [
    "Settings",
    "SettingsError",
    "load_settings",
    "read_course_yaml",
    "resolve_module",
    "ENV_PREFIX",
    "STORE_ENV",
    "COURSE_DIR_ENV",
]

ENV_PREFIX = "RECOVERY_CAPITAL_"
STORE_ENV = "RECOVERY_CAPITAL_STORE"
COURSE_DIR_ENV = "RECOVERY_CAPITAL_COURSE_DIR"
WORKSHOP_POOL_SIZE = 30
WORKSHOP_FILL_DELAY = 15.0


class SettingsError(RecoveryCapitalError, ValueError):
    """A serving setting that cannot work, named with where it came from.

    >>> print(SettingsError("port", "must be between 1 and 65535", source="--port"))
    port (from --port): must be between 1 and 65535
    """

    def __init__(self, name: str, problem: str, *, source: str | None = None) -> None:
        self.name = name
        self.problem = problem
        self.source = source
        where = f" (from {source})" if source else ""
        super().__init__(f"{name}{where}: {problem}")


@dataclass(frozen=True)
class Settings:
    """How to serve one course. Build it with :func:`load_settings`, which validates it.

    Times are in seconds. ``pool_size`` kernels are kept preheated for ``workshop_notebook``
    (a path relative to ``course_dir``); ``max_kernels`` caps every kernel, pooled or not.
    ``cell_timeout`` applies when nothing is preheated (a pooled kernel waits for its trainee
    inside a cell, for as long as the workshop needs).
    """

    course_dir: Path
    store_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8866
    base_url: str = "/"
    workshop: str | None = None
    workshop_notebook: str | None = None
    pool_size: int = 0
    fill_delay: float = 1.0
    max_kernels: int = 40
    cull_idle_timeout: int = 1200
    cull_interval: int = 10
    cull_unconnected_timeout: int = 40
    cell_timeout: int = 120
    cohort: str | None = None
    cohort_name: str | None = None
    course_title: str = "Supporting people who use drugs and alcohol"
    #: True when ``max_kernels`` was worked out from this machine's memory (none was given)
    max_kernels_from_memory: bool = False

    @property
    def preheat(self) -> bool:
        """Whether a kernel pool is kept warm (workshop mode)."""
        return self.workshop_notebook is not None and self.pool_size > 0

    @property
    def theme_dir(self) -> Path:
        """Where the course's Voila template lives (``assets/theme``)."""
        return self.course_dir / "assets" / "theme"

    @property
    def connect_host(self) -> str:
        """The address a local client (the launcher, a kernel) uses to reach the server."""
        return "127.0.0.1" if self.host in {"0.0.0.0", "", "::"} else self.host

    def url(self, path: str = "", query: str = "") -> str:
        """An address on this server, as a trainee on this machine would type it.

        >>> Settings(course_dir=Path("."), port=9000, base_url="/course/").url("voila/x", "a=1")
        'http://127.0.0.1:9000/course/voila/x?a=1'
        """
        host = self.connect_host
        if ":" in host:  # a bare IPv6 address needs brackets in a URL
            host = f"[{host}]"
        suffix = f"?{query}" if query else ""
        return f"http://{host}:{self.port}{self.base_url}{path.lstrip('/')}{suffix}"


#: What one module page's kernel costs once a chart is drawn (measured 110-140 MB PSS, with
#: room to spare), and what the server and the machine keep for themselves.
KERNEL_MEMORY_MB = 150
RESERVED_MEMORY_MB = 1536
#: However much memory there is: a floor so a small machine still serves a few pages, a
#: ceiling because two cores cannot keep more kernels responsive during a busy moment.
MAX_KERNELS_RANGE = (4, 160)


def default_max_kernels(available_bytes: int | None = None) -> int:
    """How many pages to allow at once, from the memory this machine has free.

    >>> default_max_kernels(8 * 1024**3)   # 8 GB free
    44
    >>> default_max_kernels(1024**3), default_max_kernels(512 * 1024**3)
    (4, 160)
    """
    if available_bytes is None:
        import psutil

        available_bytes = psutil.virtual_memory().available
    usable_mb = available_bytes / 1024**2 - RESERVED_MEMORY_MB
    low, high = MAX_KERNELS_RANGE
    return max(low, min(high, int(usable_mb // KERNEL_MEMORY_MB)))


# Each setting the sources may give, with its type. Its environment variable is
# RECOVERY_CAPITAL_<NAME> and its option --<name> unless renamed just below.
_CONVERTERS: dict[str, type] = {
    "store_url": str,
    "host": str,
    "port": int,
    "base_url": str,
    "workshop": str,
    "pool_size": int,
    "fill_delay": float,
    "max_kernels": int,
    "cull_idle_timeout": int,
    "cull_interval": int,
    "cull_unconnected_timeout": int,
    "cell_timeout": int,
    "cohort": str,
    "cohort_name": str,
}
_ENV_NAMES = {name: ENV_PREFIX + name.upper() for name in _CONVERTERS}
_ENV_NAMES["store_url"] = STORE_ENV
_CLI_NAMES = {name: "--" + name.replace("_", "-") for name in _CONVERTERS}
_CLI_NAMES["store_url"] = "--store"
_CLI_NAMES["pool_size"] = "--pool"


def read_course_yaml(course_dir: Path) -> dict[str, Any]:
    """The course's ``course.yaml`` as the mapping :func:`load_settings` reads (empty when the
    course has none), validated by :func:`recovery_capital.settings.course.load_course_settings`.

    >>> read_course_yaml(Path("/nonexistent"))
    {}
    """
    from ..core.errors import DefinitionError
    from .course import COURSE_FILE, load_course_settings

    path = Path(course_dir) / COURSE_FILE
    if not path.is_file():
        return {}
    try:
        return load_course_settings(course_dir).for_serving(course_dir)
    except DefinitionError as exc:
        problems = "; ".join(f"{where}: {why}" if where else why for where, why in exc.problems)
        raise SettingsError("course.yaml", problems, source=str(path)) from None


def _convert(name: str, value: Any, source: str) -> Any:
    if value is None:
        return None
    kind = _CONVERTERS[name]
    if kind is str:
        text = str(value).strip()
        return text or None
    if isinstance(value, bool):
        raise SettingsError(name, f"must be a number, not {value!r}", source=source)
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise SettingsError(name, f"must be a number, not {value!r}", source=source) from None


def _gather(
    cli: Mapping[str, Any], environ: Mapping[str, str], serve_yaml: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Pick each setting from the strongest source that gives it; remember the source."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    unknown = sorted(set(serve_yaml) - set(_CONVERTERS) - {"store"})
    if unknown:
        known = ", ".join(sorted(set(_CONVERTERS) - {"store_url"} | {"store"}))
        raise SettingsError(
            "course.yaml serve", f"unknown setting(s) {', '.join(unknown)}; known: {known}"
        )
    for name in _CONVERTERS:
        yaml_key = "store" if name == "store_url" else name
        for source, value in (
            (_CLI_NAMES[name], cli.get(name)),
            (_ENV_NAMES[name], environ.get(_ENV_NAMES[name])),
            (f"course.yaml serve.{yaml_key}", serve_yaml.get(yaml_key)),
        ):
            converted = _convert(name, value, source)
            if converted is not None:
                values[name] = converted
                sources[name] = source
                break
    return values, sources


def normalise_base_url(value: str) -> str:
    """``course`` -> ``/course/``: Voila wants a base URL with a slash at each end.

    >>> normalise_base_url("course"), normalise_base_url("/a/b"), normalise_base_url("/")
    ('/course/', '/a/b/', '/')
    """
    if not re.fullmatch(r"[A-Za-z0-9._~/-]*", value) or "//" in value or ".." in value:
        raise ValueError("may use only letters, digits, '-', '_', '.', '~' and single '/'")
    return "/" + value.strip("/") + "/" if value.strip("/") else "/"


def resolve_module(course_dir: Path, name: str) -> str:
    """The notebook a module name points at, relative to the course folder.

    ``name`` may be a module number (``2`` or ``02``), a notebook stem
    (``02-recovery-capital``) or a path (``modules/02-recovery-capital.ipynb``).

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp())
    >>> (course / "modules").mkdir()
    >>> _ = (course / "modules" / "02-recovery-capital.ipynb").write_text("{}")
    >>> resolve_module(course, "2")
    'modules/02-recovery-capital.ipynb'
    """
    modules = Path(course_dir) / "modules"
    notebooks = sorted(p for p in modules.glob("*.ipynb") if not p.name.startswith("."))
    candidate = name.strip()
    if candidate.endswith(".ipynb"):
        candidate = Path(candidate).stem
    if candidate.isdigit():
        matches = [p for p in notebooks if p.stem.split("-", 1)[0] == f"{int(candidate):02d}"]
    else:
        matches = [p for p in notebooks if p.stem == candidate]
    if len(matches) != 1:
        known = ", ".join(p.stem for p in notebooks) or "none found"
        raise SettingsError(
            "workshop", f"no single module matches {name!r} (modules: {known})", source=None
        )
    return matches[0].relative_to(course_dir).as_posix()


def load_settings(
    cli: Mapping[str, Any],
    environ: Mapping[str, str],
    course_yaml: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge command line, environment and ``course.yaml`` into validated :class:`Settings`.

    ``cli`` maps setting names to values (``None`` means "not given"); ``course_dir`` may come
    from ``cli`` or ``RECOVERY_CAPITAL_COURSE_DIR`` and defaults to the current folder.
    ``course_yaml`` is read from the course folder when not given.

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp()); (course / "modules").mkdir()
    >>> s = load_settings({"course_dir": course}, {"RECOVERY_CAPITAL_PORT": "9000"}, {})
    >>> s.port
    9000
    >>> load_settings({"course_dir": course, "port": 0}, {}, {})
    Traceback (most recent call last):
    ...
    recovery_capital.settings.serving.SettingsError: port (from --port): must be between 1 and 65535
    """
    course_dir = Path(cli.get("course_dir") or environ.get(COURSE_DIR_ENV) or ".").resolve()
    if not course_dir.is_dir():
        raise SettingsError("course folder", f"{course_dir} is not a folder")
    if not (course_dir / "modules").is_dir():
        raise SettingsError(
            "course folder",
            f"{course_dir} has no modules/ folder: give the folder that holds the course "
            "(modules/ and assets/), e.g. recovery-capital serve path/to/course",
        )
    if course_yaml is None:
        course_yaml = read_course_yaml(course_dir)
    serve_yaml = course_yaml.get("serve") or {}
    if not isinstance(serve_yaml, Mapping):
        raise SettingsError("course.yaml serve", "must be a mapping of settings")
    values, sources = _gather(cli, environ, serve_yaml)

    def fail(name: str, problem: str) -> SettingsError:
        return SettingsError(name, problem, source=sources.get(name))

    if not 1 <= values.get("port", Settings.port) <= 65535:
        raise fail("port", "must be between 1 and 65535")
    if "base_url" in values:
        try:
            values["base_url"] = normalise_base_url(values["base_url"])
        except ValueError as exc:
            raise fail("base_url", str(exc)) from None
    for name in (
        "max_kernels",
        "cull_idle_timeout",
        "cull_interval",
        "cull_unconnected_timeout",
        "cell_timeout",
    ):
        if values.get(name, 1) < 1:
            raise fail(name, "must be at least 1")
    for name in ("pool_size", "fill_delay"):
        if values.get(name, 0) < 0:
            raise fail(name, "cannot be negative")

    workshop = values.get("workshop")
    if workshop is not None:
        values["workshop_notebook"] = resolve_module(course_dir, workshop)
        values.setdefault("pool_size", course_yaml.get("cohort_size", WORKSHOP_POOL_SIZE))
        values.setdefault("fill_delay", WORKSHOP_FILL_DELAY)
    elif values.get("pool_size"):
        raise fail("pool_size", "a kernel pool needs a workshop module (--workshop MODULE)")
    if "max_kernels" not in values:
        values["max_kernels"] = default_max_kernels()
        values["max_kernels_from_memory"] = True
    max_kernels = values["max_kernels"]
    if values.get("pool_size", 0) > max_kernels:
        pool = values["pool_size"]
        raise fail("pool_size", f"the pool ({pool}) cannot exceed max_kernels ({max_kernels})")
    title = course_yaml.get("title")
    if isinstance(title, str) and title.strip():
        values["course_title"] = title.strip()
    known = {f.name for f in fields(Settings)}
    chosen = {name: value for name, value in values.items() if name in known}
    return replace(Settings(course_dir=course_dir), **chosen)
