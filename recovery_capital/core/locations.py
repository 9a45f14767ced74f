"""Where the course folder is: one rule shared by instrument discovery, content and the store.

The course folder is ``$RECOVERY_CAPITAL_COURSE_DIR`` when set (``recovery-capital serve`` sets it
for every kernel), else the nearest folder, the current one or a parent, that holds ``assets/``
(Voila runs a notebook in its own folder, ``modules/``), else the current folder.

>>> course_dir().is_dir()
True
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["COURSE_DIR_ENV", "course_dir"]

COURSE_DIR_ENV = "RECOVERY_CAPITAL_COURSE_DIR"


def course_dir() -> Path:
    """The course folder, by the rule in this module's docstring."""
    configured = os.environ.get(COURSE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "assets").is_dir():
            return folder
    return here
