"""Where the course controls' browser code lives, and the address the course server gives it.

The files in ``widgets/static/`` are the JavaScript modules and stylesheets of the course's own
controls (:mod:`.controls`). The course server serves them at :func:`controls_path`, an
address that changes whenever any file changes, so browsers may keep them for good; it tells
its kernels that address through :data:`CONTROLS_URL_ENV`. Nothing here imports widget
libraries, so the server and the command line can use it cheaply.

>>> controls_path("/course/").startswith("/course/recovery-capital/controls/")
True
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__all__ = ["CONTROLS_URL_ENV", "STATIC_DIR", "code_of", "controls_version", "controls_path"]

#: Set by the course server for its kernels: the URL path where ``widgets/static/`` is served.
CONTROLS_URL_ENV = "RECOVERY_CAPITAL_CONTROLS_URL"
STATIC_DIR = Path(__file__).resolve().parent / "static"


@cache
def code_of(name: str) -> str:
    """The text of one file in ``widgets/static/``.

    >>> "function render" in code_of("choice.js")
    True
    """
    return (STATIC_DIR / name).read_text(encoding="utf-8")


@cache
def controls_version() -> str:
    """A short hash of every file in ``widgets/static/``: part of the URL they are served at.

    >>> len(controls_version())
    12
    """
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def controls_path(base_url: str) -> str:
    """The URL path (ending in ``/``) the files are served under, for a server at ``base_url``."""
    return f"{base_url.rstrip('/')}/recovery-capital/controls/{controls_version()}/"
