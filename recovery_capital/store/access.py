"""Trainer access: the one rule for every output that names participants.

**The rule** (``docs/security.md``): anything that shows or writes a cohort's handles beside
their answers (a report, an export in any format, a FHIR bundle, the trainer dashboard, a
reissued personal link) is produced only for someone who gives that cohort's trainer key.
Commands take the key from ``$RECOVERY_CAPITAL_TRAINER_KEY`` or a hidden prompt
(:func:`command_line_access`), never from the command line; pages take it in the trainer's
sign-in. Erasing a person, checking an erasure and listing cohorts (counts only) need no key:
a lost key must never stop an erasure.

A :class:`TrainerAccess` is made only by :func:`trainer_access`, after the store has checked
the cohort's trainer key. Report functions that list participants take one, so a handle can
reach a page only through someone who holds that cohort's key.

>>> from recovery_capital.store import Store
>>> store = Store("sqlite://")
>>> cohort = store.create_cohort("Spring 2027")
>>> access = trainer_access(store, cohort.code, cohort.trainer_key)
>>> access.cohort_name
'Spring 2027'
>>> trainer_access(store, cohort.code, "WRONG-KEY0")
Traceback (most recent call last):
...
recovery_capital.store.errors.AccessDenied: That trainer key does not open cohort ...
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import AccessDenied

if TYPE_CHECKING:  # pragma: no cover
    from . import Store

__all__ = ["KEY_ENV", "TrainerAccess", "trainer_access", "command_line_key", "command_line_access"]

#: Where commands read a cohort's trainer key from (else they ask at a hidden prompt).
KEY_ENV = "RECOVERY_CAPITAL_TRAINER_KEY"

_VERIFIED = object()  # only trainer_access() holds this, so access can't be made by hand


@dataclass(frozen=True)
class TrainerAccess:
    """A store and one cohort whose trainer key was checked."""

    store: Store = field(repr=False)
    code: str
    cohort_name: str
    _token: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._token is not _VERIFIED:
            raise AccessDenied("Trainer access is given only by trainer_access(store, code, key).")


def trainer_access(store: Store, code: str, key: str) -> TrainerAccess:
    """Check ``key`` against cohort ``code``; the access every trainer report needs.

    Raises :class:`~recovery_capital.store.errors.AccessDenied` for a wrong key or an
    unknown cohort (the same message for both, so a guess learns nothing).
    """
    cleaned = str(code or "").strip().upper()
    if not cleaned or not store.verify_trainer_key(cleaned, key):
        raise AccessDenied(
            f"That trainer key does not open cohort {cleaned or '(no code given)'}. Check the "
            "join code and the key you were given when the cohort was made."
        )
    info = store.cohort(cleaned)
    return TrainerAccess(store, info.code, info.name, _VERIFIED)


def command_line_key(code: str) -> str:
    """The trainer key for a command: ``$RECOVERY_CAPITAL_TRAINER_KEY``, else a hidden prompt.

    Without a terminal to ask at, :class:`AccessDenied` says how to give the key.
    """
    key = os.environ.get(KEY_ENV)
    if key:
        return key
    if not sys.stdin or not sys.stdin.isatty():
        raise AccessDenied(
            f"This command needs the trainer key of cohort {code}: set {KEY_ENV} or run the "
            "command in a terminal to be asked for it."
        )
    return getpass.getpass(f"Trainer key for cohort {code}: ")


def command_line_access(store: Store, code: str) -> TrainerAccess:
    """:func:`trainer_access` with the key a command was given (see :func:`command_line_key`).

    >>> import os
    >>> from recovery_capital.store import Store
    >>> store = Store("sqlite://")
    >>> cohort = store.create_cohort("Spring 2027")
    >>> os.environ[KEY_ENV] = cohort.trainer_key
    >>> command_line_access(store, cohort.code).cohort_name
    'Spring 2027'
    >>> del os.environ[KEY_ENV]
    """
    return trainer_access(store, code, command_line_key(str(code or "").strip().upper()))
