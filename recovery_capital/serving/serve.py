"""``recovery-capital serve``: serve the course to trainees with safe settings.

One command starts everything a workshop needs::

    recovery-capital serve                        # the course in the current folder
    recovery-capital serve COURSE_DIR --port 9000 --cohort K7P2Q
    recovery-capital serve --workshop 2 --pool 30 --host 0.0.0.0

It reads :class:`~recovery_capital.settings.serving.Settings` (command line, environment,
``course.yaml``), makes sure the port is free, creates a cohort in the store (or reuses
``--cohort``), then runs Voila as a child process (:mod:`recovery_capital.serving.app`) with a
generated config (:mod:`recovery_capital.serving.config`) and prints the trainee link, the
trainer link and the join code once the server answers. Ctrl+C (or SIGTERM) stops Voila and
its kernels.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="recovery-capital")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["serve", "course", "--port", "9000", "--workshop", "2"])
>>> args.course_dir, args.port, args.workshop, args.func is run
('course', 9000, '2', True)
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode

from ..core.errors import RecoveryCapitalError
from ..settings.serving import (
    KERNEL_MEMORY_MB,
    Settings,
    SettingsError,
    add_options,
    load_settings,
    setting_names,
)

__all__ = [
    "register",
    "run",
    "Session",
    "ServeError",
    "check_port_free",
    "open_session",
    "format_links",
    "DASHBOARD_NOTEBOOK",
]

DASHBOARD_NOTEBOOK = "modules/trainer/dashboard.ipynb"
#: The projector view (issue #16); its link carries the join code, since the room sees it.
PRESENTER_NOTEBOOK = "modules/trainer/presenter.ipynb"
READY_TIMEOUT = 90.0
STOP_TIMEOUT = 20.0


class ServeError(RecoveryCapitalError):
    """The course server cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Session:
    """The cohort this run serves. ``trainer_key`` is known only when the cohort was just made."""

    code: str
    name: str | None
    trainer_key: str | None
    created: bool


def register(subparsers: Any) -> None:
    """Add ``serve`` to the command line (called by :mod:`recovery_capital.cli`)."""
    parser = subparsers.add_parser(
        "serve",
        help="serve the course in a browser",
        description=(
            "Serve the course with Voila. Prints the link for trainees, the link for the "
            "trainer's dashboard and the join code. Settings come from these options, then "
            "RECOVERY_CAPITAL_<NAME> environment variables, then the 'serve:' section of the "
            "course's course.yaml."
        ),
    )
    parser.add_argument(
        "course_dir",
        nargs="?",
        default=None,
        metavar="COURSE_DIR",
        help="the course folder (holding modules/ and assets/); default: the current folder",
    )
    add_options(parser)  # one per setting, from the Settings model
    parser.add_argument(
        "--no-browser",
        dest="open_browser",
        action="store_false",
        help="don't open the course in a web browser (by default it opens when this machine "
        "has a desktop)",
    )
    parser.add_argument(
        "--log",
        metavar="FILE",
        default=None,
        help="where Voila's own messages go (default: a new file under "
        "~/.local/share/recovery-capital/logs/); the console shows only the links and keys",
    )
    parser.set_defaults(func=run)


def _cli_values(args: argparse.Namespace) -> dict[str, Any]:
    names = ("course_dir", *setting_names())
    return {name: getattr(args, name, None) for name in names}


def log_path(given: str | None, environ: Mapping[str, str]) -> Path:
    """Where Voila's messages go: ``--log``, else a new dated file under the data folder.

    >>> log_path("voila.log", {}).name
    'voila.log'
    >>> log_path(None, {"XDG_DATA_HOME": "/data"}).parent
    PosixPath('/data/recovery-capital/logs')
    """
    if given:
        return Path(given).expanduser().resolve()
    base = Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    return base / "recovery-capital" / "logs" / f"serve-{stamp}-{os.getpid()}.log"


def desktop_present(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether a browser opened here would be seen: a desktop session, not CI or a test run.

    >>> desktop_present({"DISPLAY": ":0"}, "linux"), desktop_present({}, "linux")
    (True, False)
    >>> desktop_present({"DISPLAY": ":0", "CI": "true"}, "linux"), desktop_present({}, "darwin")
    (False, True)
    """
    if environ.get("CI") or environ.get("PYTEST_CURRENT_TEST"):
        return False
    if platform in ("darwin", "win32"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join("  " + line for line in text.splitlines()[-lines:])


def check_port_free(host: str, port: int) -> None:
    """Raise :class:`ServeError` if ``host:port`` cannot be listened on right now.

    >>> import socket
    >>> with socket.socket() as busy:
    ...     busy.bind(("127.0.0.1", 0)); busy.listen()
    ...     check_port_free("127.0.0.1", busy.getsockname()[1])
    Traceback (most recent call last):
    ...
    recovery_capital.serving.serve.ServeError: port ... on 127.0.0.1 is already in use ...
    """
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on host {host!r}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # Voila (tornado) binds with SO_REUSEADDR too, so a port in TIME_WAIT is not "busy".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"port {port} on {host} is already in use (is the course already being "
                    "served?). Stop the other server or choose another port with --port."
                ) from None
            if exc.errno == errno.EACCES:
                raise ServeError(
                    f"not allowed to listen on port {port}; choose a port above 1023 with --port."
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ServeError(
                    f"{host} is not an address of this machine; check --host."
                ) from None
            raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def open_session(settings: Settings) -> Session:
    """Reuse ``settings.cohort`` (which must exist) or create a new cohort in the store."""
    from ..store import Store

    with Store(settings.store_url) as store:
        if settings.cohort:
            info = store.cohort(settings.cohort)
            return Session(code=info.code, name=info.name, trainer_key=None, created=False)
        name = settings.cohort_name or f"Workshop {time.strftime('%Y-%m-%d %H:%M')}"
        created = store.create_cohort(name)
    return Session(
        code=created.code, name=created.name, trainer_key=created.trainer_key, created=True
    )


def format_links(settings: Settings, session: Session) -> str:
    """The message printed once the server answers: links, join code, and a one-time key.

    >>> s = Settings(course_dir=Path("/c"), port=9000)
    >>> print(format_links(s, Session("K7P2Q", "Spring", "AAAA-BBBB", created=True)))
    ... # doctest: +NORMALIZE_WHITESPACE
    The course is being served.
      Trainees open:   http://127.0.0.1:9000/?cohort=K7P2Q
      Join code:       K7P2Q  (cohort "Spring")
      Trainer opens:   http://127.0.0.1:9000/voila/render/modules/trainer/dashboard.ipynb
                       and types the join code and the trainer key there.
      Trainer key:     AAAA-BBBB
                       Shown only this once: keep it safe. It opens the dashboard.
                       Lost it? recovery-capital cohort key K7P2Q --reissue
      Pages at once:   up to 40 (set by --max-kernels or the course settings)
    Press Ctrl+C to stop the server.
    """
    cohort_query = urlencode({"cohort": session.code})
    lines = ["The course is being served."]
    lines.append(f"  Trainees open:   {settings.url('', cohort_query)}")
    if settings.workshop_notebook:
        module_url = settings.url("voila/render/" + settings.workshop_notebook, cohort_query)
        lines.append(f"  Workshop module: {module_url}")
    named = f'  (cohort "{session.name}")' if session.name else ""
    lines.append(f"  Join code:       {session.code}{named}")
    dashboard = settings.url("voila/render/" + DASHBOARD_NOTEBOOK)
    lines.append(f"  Trainer opens:   {dashboard}")
    lines.append(" " * 19 + "and types the join code and the trainer key there.")
    if (Path(settings.course_dir) / PRESENTER_NOTEBOOK).is_file():
        projector = settings.url("voila/render/" + PRESENTER_NOTEBOOK, cohort_query)
        lines.append(f"  Projector:       {projector}")
    if session.created and session.trainer_key:
        lines.append(f"  Trainer key:     {session.trainer_key}")
        lines.append(" " * 19 + "Shown only this once: keep it safe. It opens the dashboard.")
    else:
        lines.append(f"  The trainer key is the one given when cohort {session.code} was made.")
    lines.append(" " * 19 + f"Lost it? recovery-capital cohort key {session.code} --reissue")
    lines.append(f"  Pages at once:   up to {settings.max_kernels} {capacity_note(settings)}")
    if settings.preheat:
        lines.append(
            f"  Preheating {settings.pool_size} kernels for {settings.workshop_notebook}: "
            "trainees joining together are served from them."
        )
    lines.append("Press Ctrl+C to stop the server.")
    return "\n".join(lines)


def capacity_note(settings: Settings) -> str:
    """Why the server allows as many pages as it does, for the operator.

    >>> capacity_note(Settings(course_dir=Path("."), max_kernels=12))
    '(set by --max-kernels or the course settings)'
    """
    if not settings.max_kernels_from_memory:
        return "(set by --max-kernels or the course settings)"
    return (
        f"(about {KERNEL_MEMORY_MB} MB each, from this machine's free memory; "
        "--max-kernels to change)"
    )


def compile_library() -> bool:
    """Compile this package's modules to bytecode, as pip does when it installs a wheel.

    Every trainee's page is a new Python process that imports the library. Where no bytecode
    is cached (an editable install, or ``PYTHONDONTWRITEBYTECODE`` set), each of them would
    compile the sources again; once here, none does. Returns False if the package's folder
    cannot be written (a read-only install, which carries its bytecode already).

    >>> compile_library()
    True
    """
    import compileall

    package = Path(__file__).resolve().parents[1]
    try:
        return bool(compileall.compile_dir(package, quiet=2, workers=1))
    except OSError:
        return False


def start_voila(
    settings: Settings, config_dir: Path, log: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """Start the course's Voila as a child process with the staged config; its own messages
    (the "running at" line, each kernel's warnings) go to ``log`` when given."""
    # Imported here, not at the top: the config reads the course theme and the widgets' code
    # path, which ``recovery-capital --help`` never needs.
    from .config import child_environment, stage_config

    compile_library()
    stage_config(settings, config_dir)
    command = [sys.executable, "-m", "recovery_capital.serving.app"]
    return subprocess.Popen(
        command,
        env=child_environment(settings, config_dir),
        cwd=settings.course_dir,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
    )


def wait_until_ready(
    settings: Settings, process: subprocess.Popen[bytes], timeout: float, log: str = "above"
) -> None:
    """Return once the course home answers; :class:`ServeError` if Voila exits or stalls."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            raise ServeError(f"Voila stopped while starting (exit code {code}); see its log {log}.")
        try:
            with urllib.request.urlopen(settings.url(), timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise ServeError(f"Voila did not answer within {timeout:.0f} s; see its log {log}.")


def stop_voila(process: subprocess.Popen[bytes], timeout: float = STOP_TIMEOUT) -> int:
    """Ask Voila to stop (it shuts its kernels down), then insist; returns its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def run(args: argparse.Namespace) -> int:
    """Run ``recovery-capital serve``; returns the exit code."""
    from ..store.errors import StoreError

    try:
        settings = load_settings(_cli_values(args), os.environ)
        check_port_free(settings.host, settings.port)
        session = open_session(settings)
    except (SettingsError, ServeError, StoreError) as exc:
        print(f"recovery-capital serve: {exc}", file=sys.stderr)
        return 2

    def stop_on_signal(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    log = log_path(getattr(args, "log", None), os.environ)
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        log_file = log.open("ab")
    except OSError as exc:
        print(
            f"recovery-capital serve: cannot write the log {log}: {exc.strerror}", file=sys.stderr
        )
        return 2
    previous = signal.signal(signal.SIGTERM, stop_on_signal)
    with log_file, tempfile.TemporaryDirectory(prefix="recovery-capital-voila-") as config_dir:
        process = start_voila(settings, Path(config_dir), log_file)
        try:
            wait_until_ready(settings, process, READY_TIMEOUT, log=f"in {log}")
            print(f"Voila's own messages go to {log}", flush=True)
            print(format_links(settings, session), flush=True)
            if getattr(args, "open_browser", True) and desktop_present(os.environ):
                import webbrowser

                webbrowser.open(settings.url("", urlencode({"cohort": session.code})))
            return process.wait()
        except ServeError as exc:
            print(f"recovery-capital serve: {exc}", file=sys.stderr)
            tail = _tail(log)
            if tail:
                print(tail, file=sys.stderr)
            stop_voila(process)
            return 1
        except KeyboardInterrupt:
            print("Stopping the course server...", file=sys.stderr, flush=True)
            stop_voila(process)
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
