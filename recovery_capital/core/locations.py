"""Where the course folder is: one rule shared by instrument discovery, content, the store and
every command.

The course folder is ``$RECOVERY_CAPITAL_COURSE_DIR`` when set (``recovery-capital serve`` sets it
for every kernel), else the nearest folder, the current one or a parent, that holds ``assets/``
(Voila runs a notebook in its own folder, ``modules/``), else the current folder.

A command's ``--course DIR`` wins over that rule; :func:`command_course` applies both and says
which it used, so a person running a report outside the course folder learns why.

>>> course_dir().is_dir()
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from .errors import RecoveryCapitalError

__all__ = ["COURSE_DIR_ENV", "CourseNotFound", "command_course", "course_dir"]

COURSE_DIR_ENV = "RECOVERY_CAPITAL_COURSE_DIR"


class CourseNotFound(RecoveryCapitalError):
    """No course folder where a command looked; the message says where and what to give."""


def course_dir(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """The course folder, by the rule in this module's docstring.

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp()); (course / "assets").mkdir(); (course / "modules").mkdir()
    >>> course_dir({}, cwd=course / "modules") == course
    True
    >>> course_dir({COURSE_DIR_ENV: "/srv/course"}, cwd=course)
    PosixPath('/srv/course')
    """
    environ = os.environ if environ is None else environ
    configured = environ.get(COURSE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    here = Path.cwd() if cwd is None else cwd
    for folder in (here, *here.parents):
        if (folder / "assets").is_dir():
            return folder
    return here


def command_course(
    given: str | os.PathLike[str] | None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    *,
    need: str | None = "modules",
) -> tuple[Path, str]:
    """The course folder a command works on, and how it was found (for the person to read).

    ``given`` is the command's ``--course``; without it, :func:`course_dir`'s rule. The folder
    must hold ``need`` (``modules/`` unless told otherwise; ``None``: anything goes), or
    :class:`CourseNotFound` says where it looked.

    >>> import tempfile
    >>> course = Path(tempfile.mkdtemp()); (course / "assets").mkdir(); (course / "modules").mkdir()
    >>> folder, how = command_course(None, {}, cwd=course / "modules")
    >>> folder == course, how
    (True, 'found from the current folder')
    >>> command_course(None, {}, cwd=Path("/"))
    Traceback (most recent call last):
    ...
    recovery_capital.core.locations.CourseNotFound: No course here: / has no modules/ folder ...
    """
    environ = os.environ if environ is None else environ
    if given:
        folder, how = Path(given).expanduser(), "given with --course"
    elif environ.get(COURSE_DIR_ENV):
        folder, how = course_dir(environ, cwd), f"from ${COURSE_DIR_ENV}"
    else:
        folder, how = course_dir(environ, cwd), "found from the current folder"
    folder = folder.resolve()
    if need and not (folder / need).is_dir():
        raise CourseNotFound(
            f"No course here: {folder} has no {need}/ folder ({how}). Run the command in the "
            "course folder, or give it with --course DIR."
        )
    return folder, how
