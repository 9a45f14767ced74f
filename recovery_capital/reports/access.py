"""Trainer access: every report that can show a handle starts from a verified trainer key.

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
recovery_capital.reports.errors.AccessDenied: That trainer key does not open cohort ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import AccessDenied

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

__all__ = ["TrainerAccess", "trainer_access"]

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

    Raises :class:`~recovery_capital.reports.errors.AccessDenied` for a wrong key or an
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
