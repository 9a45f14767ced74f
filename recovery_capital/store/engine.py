"""Where the store lives and how to talk to it: URL, SQLite file, engine, retries.

* :func:`resolve_url` picks the database: the ``url`` argument, else ``$RECOVERY_CAPITAL_STORE``,
  else a SQLite file in the user's data folder (``$XDG_DATA_HOME`` is respected).
* :func:`make_engine` creates the SQLAlchemy engine. For SQLite it creates the file private to
  its owner (an existing one with looser permissions is tightened, or a warning says why
  not), refuses a path whose folder does not exist (a typo must not start an empty store;
  only the default location's folders are made), turns on WAL, a busy timeout, foreign keys
  and secure delete, and starts write transactions with ``BEGIN IMMEDIATE`` so two writers
  wait for each other instead of failing.
* :func:`run_with_retries` re-runs a transaction that lost a race (SQLite "database is locked",
  PostgreSQL serialization failure or deadlock) so a trainee never sees one.

>>> resolve_url("sqlite://").drivername
'sqlite'
>>> resolve_url("/tmp/workshop.sqlite3").database
'/tmp/workshop.sqlite3'
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool

from .errors import StoreUnavailable

__all__ = [
    "ENV_VAR",
    "default_sqlite_path",
    "resolve_url",
    "describe_url",
    "make_engine",
    "is_retryable",
    "run_with_retries",
    "unavailable",
]

T = TypeVar("T")

ENV_VAR = "RECOVERY_CAPITAL_STORE"
WRITE = {"rc_begin": "BEGIN IMMEDIATE"}  # execution options for a writing transaction

_RETRYABLE_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_RETRYABLE_SQLITE_MESSAGES = ("database is locked", "database is busy", "database table is locked")


def default_sqlite_path(environ: Mapping[str, str] | None = None) -> Path:
    """The default store file: ``$XDG_DATA_HOME/recovery-capital/store.sqlite3``.

    >>> default_sqlite_path({"XDG_DATA_HOME": "/data"}).as_posix()
    '/data/recovery-capital/store.sqlite3'
    >>> default_sqlite_path({"HOME": "/home/sam"}).as_posix()
    '/home/sam/.local/share/recovery-capital/store.sqlite3'
    """
    environ = os.environ if environ is None else environ
    data_home = environ.get("XDG_DATA_HOME") or ""
    if not os.path.isabs(data_home):  # the XDG spec says to ignore a relative value
        home = environ.get("HOME") or str(Path.home())
        data_home = os.path.join(home, ".local", "share")
    return Path(data_home) / "recovery-capital" / "store.sqlite3"


def resolve_url(url: str | URL | None = None, environ: Mapping[str, str] | None = None) -> URL:
    """The database URL to use; a bare file path means a SQLite file.

    >>> resolve_url(None, {"RECOVERY_CAPITAL_STORE": "postgresql+psycopg://u@db/rc"}).host
    'db'
    >>> resolve_url("not a url://")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.StoreUnavailable: 'not a url://' is not a database URL. Use \
a SQLite file path or a URL such as postgresql+psycopg://user@host/dbname.
    """
    environ = os.environ if environ is None else environ
    if url is None:
        url = environ.get(ENV_VAR) or None
    if url is None:
        return URL.create("sqlite", database=str(default_sqlite_path(environ)))
    if isinstance(url, URL):
        return url
    text = str(url).strip()
    if "://" not in text:
        return URL.create("sqlite", database=str(Path(text).expanduser().resolve()))
    try:
        return make_url(text)
    except ArgumentError:
        raise StoreUnavailable(
            f"{text!r} is not a database URL. Use a SQLite file path or a URL such as "
            "postgresql+psycopg://user@host/dbname."
        ) from None


def describe_url(url: URL) -> str:
    """The URL as it may be shown to a person: never with its password.

    >>> describe_url(make_url("postgresql+psycopg://rc:secret@db/rc"))
    'postgresql+psycopg://rc:***@db/rc'
    >>> describe_url(make_url("sqlite:////tmp/x.sqlite3"))
    '/tmp/x.sqlite3'
    """
    if is_sqlite_file(url):
        return str(url.database)
    return url.render_as_string(hide_password=True)


def is_sqlite_file(url: URL) -> bool:
    """Whether ``url`` names a SQLite database file (not an in-memory database).

    >>> is_sqlite_file(make_url("sqlite://")), is_sqlite_file(make_url("sqlite:///x.db"))
    (False, True)
    """
    database = url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    return url.get_backend_name() == "sqlite" and not in_memory


def _is_read_only_uri(url: URL) -> bool:
    return url.query.get("mode") == "ro" and url.query.get("uri") == "true"


def _prepare_sqlite_file(url: URL, create_folders: bool = False) -> bool:
    """Create the file (0600), and with ``create_folders`` any missing folders (0700);
    True if it can only be read."""
    import logging

    from .files import tighten_store_files

    database = str(url.database)
    if database.startswith("file:"):  # a SQLite URI: leave the file to SQLite
        return _is_read_only_uri(url)
    path = Path(database)
    if path.exists():
        if path.is_dir():
            raise StoreUnavailable(f"The response store {path} is a folder, not a file.")
        for problem in tighten_store_files(path):
            logging.getLogger(__name__).warning("%s", problem)
        # The permission bits are checked as well as access(): an administrator (root) can
        # write anywhere, but a file made read-only on purpose is treated as read-only.
        return not os.access(path, os.W_OK) or not (path.stat().st_mode & 0o222)
    missing = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    if missing and not create_folders:
        raise StoreUnavailable(
            f"The folder {path.parent} for the response store {path} does not exist. Check "
            "the --store path for a typo, or create the folder first; a new store is only "
            "started in a folder that exists."
        )
    try:
        for folder in reversed(missing):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.fchmod(descriptor, 0o600)
        os.close(descriptor)
    except FileExistsError:
        pass  # another process created it a moment ago
    except OSError as exc:
        raise StoreUnavailable(
            f"Couldn't create the response store at {path}: {exc.strerror}. "
            f"Choose another place with --store or ${ENV_VAR}."
        ) from None
    return False


def _read_only_url(url: URL) -> URL:
    target = Path(str(url.database)).resolve().as_uri()
    return url.set(database=f"{target}?mode=ro", query={"uri": "true"})


def make_engine(
    url: URL, *, busy_timeout: float = 10.0, create_folders: bool = False
) -> tuple[Engine, bool]:
    """The engine for ``url`` and whether the database can only be read.

    ``busy_timeout`` (seconds) is how long one SQLite statement waits for another writer;
    ``create_folders`` lets a new SQLite file's missing folders be made (the default
    location only).

    >>> engine, read_only = make_engine(make_url("sqlite://"))
    >>> engine.dialect.name, read_only
    ('sqlite', False)
    """
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, busy_timeout, create_folders)
    from sqlalchemy import create_engine

    connect_args: dict[str, Any] = {}
    if backend == "postgresql":
        connect_args["connect_timeout"] = 10
    try:
        # Each Voila kernel has its own store and works one step at a time, so a small pool
        # per kernel keeps 30-100 kernels well inside PostgreSQL's connection limit.
        engine = create_engine(
            url,
            pool_pre_ping=True,
            pool_size=2,
            max_overflow=2,
            pool_recycle=1800,
            connect_args=connect_args,
        )
    except (ArgumentError, ImportError) as exc:
        raise StoreUnavailable(
            f"Can't use the response store {describe_url(url)}: {exc}. Use a SQLite file path "
            "or a postgresql+psycopg:// URL."
        ) from None
    return engine, False


def _sqlite_engine(url: URL, busy_timeout: float, create_folders: bool) -> tuple[Engine, bool]:
    from sqlalchemy import create_engine

    file_backed = is_sqlite_file(url)
    read_only = _prepare_sqlite_file(url, create_folders) if file_backed else False
    if read_only and not _is_read_only_uri(url):
        url = _read_only_url(url)
    options: dict[str, Any] = {"connect_args": {"timeout": busy_timeout}}
    if not file_backed:  # one shared in-memory database for every connection of this engine
        options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **options)
    busy_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN, so writers can say IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
            cursor.execute("PRAGMA foreign_keys = ON")
            # Erased answers are overwritten on disk, not just unlinked.
            cursor.execute("PRAGMA secure_delete = ON")
            if file_backed and not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")
                # WAL + NORMAL: a crashed or killed process loses nothing committed.
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("rc_begin", "BEGIN"))

    return engine, read_only


def is_retryable(exc: BaseException) -> bool:
    """Whether ``exc`` only means another writer got there first, so trying again will work.

    >>> import sqlite3
    >>> is_retryable(OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked")))
    True
    >>> is_retryable(ValueError("database is locked"))
    False
    """
    if not isinstance(exc, DBAPIError):
        return False
    original = exc.orig
    sqlstate = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    if isinstance(exc, OperationalError):
        message = str(original).lower()
        return any(part in message for part in _RETRYABLE_SQLITE_MESSAGES)
    return False


def unavailable(exc: DBAPIError, url: URL) -> StoreUnavailable:
    """A :class:`StoreUnavailable` explaining a database error in words a trainer can act on.

    >>> import sqlite3
    >>> err = OperationalError("INSERT", {}, sqlite3.OperationalError(
    ...     "attempt to write a readonly database"))
    >>> print(unavailable(err, make_url("sqlite:////srv/rc.sqlite3")))
    The response store /srv/rc.sqlite3 is read-only, so answers can't be saved. Ask whoever \
runs the course to make the file writable.
    """
    where = describe_url(url)
    message = str(exc.orig).lower()
    if "readonly" in message or "read-only" in message or "read only" in message:
        return StoreUnavailable(
            f"The response store {where} is read-only, so answers can't be saved. "
            "Ask whoever runs the course to make the file writable."
        )
    if is_retryable(exc):
        return StoreUnavailable(
            f"The response store {where} stayed busy (another program is holding it locked), "
            "so nothing was saved. Please try again in a moment."
        )
    if "unable to open" in message or "could not connect" in message or "connection" in message:
        return StoreUnavailable(
            f"Couldn't open the response store {where}: {exc.orig}. Check that it exists and "
            "that this program may use it."
        )
    if "not a database" in message or "malformed" in message:
        return StoreUnavailable(
            f"The response store {where} is damaged or not a database file. Restore it from a "
            "backup, or point --store at another file."
        )
    return StoreUnavailable(f"The response store {where} reported a problem: {exc.orig}")


def run_with_retries(
    attempt: Callable[[], T],
    *,
    url: URL,
    retry_for: float = 30.0,
    sleep: float = 0.001,
    max_sleep: float = 0.02,
) -> T:
    """Call ``attempt`` until it succeeds, re-running it after a retryable conflict.

    Gives up after ``retry_for`` seconds with a :class:`StoreUnavailable` explaining that the
    store stayed busy. Every other database error becomes a clear StoreUnavailable at once.

    >>> run_with_retries(lambda: 42, url=make_url("sqlite://"))
    42
    """
    deadline = time.monotonic() + retry_for
    delay = sleep
    while True:
        try:
            return attempt()
        except DBAPIError as exc:
            if exc.connection_invalidated and time.monotonic() < deadline:
                continue  # the pool has thrown the dead connection away; use a fresh one
            if not is_retryable(exc) or time.monotonic() >= deadline:
                raise unavailable(exc, url) from exc
        time.sleep(delay * (0.5 + random.random()))
        delay = min(delay * 1.5, max_sleep)
