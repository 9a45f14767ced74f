"""Files the project writes that hold trainees' answers or handles: private to their owner.

The store, its ``-wal``/``-shm`` companions, exports and reports are created readable and
writable by their owner only (``0600``), whatever the process umask. A store found with
looser permissions (restored with ``cp``, say) is tightened, or, when that is not allowed,
a warning says so.

>>> import os, stat, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "export.csv")
>>> with private_file(path, "w") as out:
...     _ = out.write("handle\\n")
>>> oct(stat.S_IMODE(os.stat(path).st_mode))
'0o600'
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import IO, Any

__all__ = ["PRIVATE_MODE", "private_file", "make_private", "tighten_store_files"]

log = logging.getLogger(__name__)

PRIVATE_MODE = 0o600


def private_file(path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """Open ``path`` for writing (``"w"``/``"wb"``), created or truncated, owner-only (0600).

    An existing file keeps its owner but loses every permission for group and others before
    anything is written to it.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"private_file writes only ('w' or 'wb'), not {mode!r}")
    descriptor = os.open(os.fspath(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        os.fchmod(descriptor, PRIVATE_MODE)
    except OSError:  # a file we may write but not chmod (someone else's): still refuse loose
        if stat.S_IMODE(os.fstat(descriptor).st_mode) & 0o077:
            os.close(descriptor)
            raise
    return os.fdopen(descriptor, mode, **kwargs)


def make_private(path: str | os.PathLike[str]) -> None:
    """Take every permission for group and others off an existing file we wrote.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.txt"
    >>> _ = target.write_text("x"); os.chmod(target, 0o644); make_private(target)
    >>> oct(stat.S_IMODE(target.stat().st_mode))
    '0o600'
    """
    current = stat.S_IMODE(os.stat(path).st_mode)
    if current & 0o077:
        os.chmod(path, current & 0o700)


def tighten_store_files(database: Path) -> list[str]:
    """Make a SQLite store and its ``-wal``/``-shm`` owner-only; returns warnings for the rest.

    A file that is readable by others is corrected when this process may change it (and the
    correction is logged); when it may not, the returned warning names the file.

    >>> import tempfile
    >>> store = Path(tempfile.mkdtemp()) / "store.sqlite3"
    >>> _ = store.write_text(""); os.chmod(store, 0o644)
    >>> tighten_store_files(store), oct(stat.S_IMODE(store.stat().st_mode))
    ([], '0o600')
    """
    problems = []
    for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        try:
            current = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue  # not there (yet): SQLite gives new ones the main file's permissions
        if not current & 0o077:
            continue
        try:
            os.chmod(path, current & 0o700)
        except OSError:
            problems.append(
                f"The response store file {path} can be read by other users of this computer "
                f"(permissions {current:04o}) and this program may not change that. Ask its "
                f"owner to run: chmod go-rwx {path}"
            )
            continue
        log.warning(
            "the response store file %s could be read by other users (permissions %04o); "
            "it is now private to its owner",
            path,
            current,
        )
    return problems
