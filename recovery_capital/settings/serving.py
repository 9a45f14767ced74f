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
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ..core.errors import RecoveryCapitalError
from ..core.locations import COURSE_DIR_ENV

__all__ = [
    "Settings",
    "SettingNames",
    "add_options",
    "setting_names",
    "SettingsError",
    "load_settings",
    "read_course_yaml",
    "resolve_module",
    "ENV_PREFIX",
    "STORE_ENV",
    "COURSE_DIR_ENV",
    "CONFIG_DIR_ENV",
]

ENV_PREFIX = "RECOVERY_CAPITAL_"
STORE_ENV = "RECOVERY_CAPITAL_STORE"
#: The folder holding the generated ``voila.json``; set by serve for the Voila child process.
CONFIG_DIR_ENV = "RECOVERY_CAPITAL_VOILA_CONFIG_DIR"
WORKSHOP_POOL_SIZE = 30
WORKSHOP_FILL_DELAY = 15.0
#: What one module page's kernel costs once a chart is drawn (measured 110-140 MB PSS, with
#: room to spare), and what the server and the machine keep for themselves.
KERNEL_MEMORY_MB = 150
RESERVED_MEMORY_MB = 1536
#: However much memory there is: a floor so a small machine still serves a few pages, a
#: ceiling because two cores cannot keep more kernels responsive during a busy moment.
MAX_KERNELS_RANGE = (4, 160)


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


def _setting(
    default: Any,
    help: str,
    *,
    cli: str | None = None,
    env: str | None = None,
    yaml: str | None = None,
    metavar: str | None = None,
) -> Any:
    """One setting the operator may give: its default and help, and (when they differ from
    ``--<name>``, ``RECOVERY_CAPITAL_<NAME>`` and ``serve.<name>``) its three names.

    ``help`` may say ``{default}``; the option, the variable and the YAML key come from here
    only (:func:`setting_names`, :func:`add_options`, :func:`load_settings`).
    """
    names = {"help": help, "cli": cli, "env": env, "yaml": yaml, "metavar": metavar}
    return field(default=default, metadata={"setting": names})


@dataclass(frozen=True)
class Settings:
    """How to serve one course. Build it with :func:`load_settings`, which validates it.

    Times are in seconds. ``pool_size`` kernels are kept preheated for ``workshop_notebook``
    (a path relative to ``course_dir``); ``max_kernels`` caps every kernel, pooled or not.
    ``cell_timeout`` applies when nothing is preheated (a pooled kernel waits for its trainee
    inside a cell, for as long as the workshop needs). Each field made with ``_setting`` is
    one the command line, the environment and ``course.yaml``'s ``serve:`` section may give;
    the others are worked out by :func:`load_settings`.
    """

    course_dir: Path
    host: str = _setting("127.0.0.1", "address to listen on (default {default}: this machine only)")
    port: int = _setting(8866, "port to listen on (default {default})")
    base_url: str = _setting(
        "/", "path prefix when served behind a proxy, e.g. /course/ (default {default})"
    )
    store_url: str | None = _setting(
        None,
        "response store URL (default: a local SQLite file)",
        cli="--store", env=STORE_ENV, yaml="store", metavar="URL",
    )  # fmt: skip
    cohort: str | None = _setting(None, "join code of an existing cohort to serve", metavar="CODE")
    cohort_name: str | None = _setting(
        None, "name for the new cohort when --cohort is not given", metavar="NAME"
    )
    workshop: str | None = _setting(
        None,
        "keep kernels preheated for this module (a number like 2, or a notebook name)",
        metavar="MODULE",
    )
    pool_size: int = _setting(
        0,
        f"how many preheated kernels to keep for the workshop module (default: the course's "
        f"cohort size, else {WORKSHOP_POOL_SIZE})",
        cli="--pool", metavar="N",
    )  # fmt: skip
    fill_delay: float = _setting(
        1.0,
        f"wait before refilling a used pool slot (default {WORKSHOP_FILL_DELAY:g} in workshop "
        "mode)",
        metavar="SECONDS",
    )
    max_kernels: int = _setting(
        40,
        "most pages open at once; beyond it visitors see 'the course is full' (default: from "
        f"this machine's free memory, about {KERNEL_MEMORY_MB} MB a page)",
        metavar="N",
    )
    cull_idle_timeout: int = _setting(
        1200,
        "end a page's kernel after this long without activity (default {default}); its "
        "answers are saved",
        metavar="SECONDS",
    )
    cull_interval: int = _setting(
        10, "how often to look for idle kernels (default {default})", metavar="SECONDS"
    )
    cull_unconnected_timeout: int = _setting(
        40,
        "end a kernel no page has been connected to for this long (default {default})",
        metavar="SECONDS",
    )
    cell_timeout: int = _setting(
        120,
        "longest a notebook cell may run while a page loads (default {default})",
        metavar="SECONDS",
    )
    workshop_notebook: str | None = None
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


@dataclass(frozen=True)
class SettingNames:
    """Where one setting may be given: its option, environment variable and YAML key."""

    name: str
    kind: type
    cli: str
    env: str
    yaml: str
    help: str
    metavar: str | None


def _kind(spec: Field[Any]) -> type:
    text = str(spec.type)
    return int if text.startswith("int") else float if text.startswith("float") else str


def setting_names() -> dict[str, SettingNames]:
    """Every setting the operator may give, by name, read off :class:`Settings`' fields.

    >>> names = setting_names()
    >>> names["pool_size"].cli, names["store_url"].env, names["store_url"].yaml
    ('--pool', 'RECOVERY_CAPITAL_STORE', 'store')
    >>> names["port"].env, names["port"].kind, names["port"].help
    ('RECOVERY_CAPITAL_PORT', <class 'int'>, 'port to listen on (default 8866)')
    """
    found = {}
    for spec in fields(Settings):
        given = spec.metadata.get("setting")
        if given is None:
            continue
        env = given["env"] or ENV_PREFIX + spec.name.upper()
        found[spec.name] = SettingNames(
            name=spec.name,
            kind=_kind(spec),
            cli=given["cli"] or "--" + spec.name.replace("_", "-"),
            env=env,
            yaml=given["yaml"] or spec.name,
            help=given["help"].format(default=spec.default, env=env),
            metavar=given["metavar"],
        )
    return found


def add_options(parser: Any) -> None:
    """Add an option for every setting to an argparse ``parser`` (``dest`` is the field name;
    nothing given leaves ``None``, so the environment and ``course.yaml`` can still say).

    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> add_options(parser)
    >>> parser.parse_args(["--pool", "12", "--store", "s.db"]).pool_size
    12
    """
    for names in setting_names().values():
        parser.add_argument(
            names.cli,
            dest=names.name,
            type=None if names.kind is str else names.kind,
            metavar=names.metavar,
            help=names.help + f"; or ${names.env}",
        )


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
    kind = setting_names()[name].kind
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
    settings = setting_names()
    known_keys = {names.yaml for names in settings.values()}
    unknown = sorted(set(serve_yaml) - known_keys)
    if unknown:
        known = ", ".join(sorted(known_keys))
        raise SettingsError(
            "course.yaml serve", f"unknown setting(s) {', '.join(unknown)}; known: {known}"
        )
    for name, names in settings.items():
        for source, value in (
            (names.cli, cli.get(name)),
            (names.env, environ.get(names.env)),
            (f"course.yaml serve.{names.yaml}", serve_yaml.get(names.yaml)),
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
