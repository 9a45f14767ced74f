"""Errors the response store raises, each worded so a trainee or trainer can act on it.

Every class derives from :class:`recovery_capital.core.errors.RecoveryCapitalError`, so a widget can
catch one base class and show the message instead of a traceback.

>>> from recovery_capital.store.errors import UnknownCohort, StoreError
>>> issubclass(UnknownCohort, StoreError) and issubclass(UnknownCohort, LookupError)
True
"""

from __future__ import annotations

from ..core.errors import RecoveryCapitalError

__all__ = [
    "StoreError",
    "StoreUnavailable",
    "UnknownCohort",
    "UnknownParticipant",
    "UnknownSubmission",
    "InvalidHandle",
    "InvalidInput",
    "JoinRefused",
    "AccessDenied",
]


class StoreError(RecoveryCapitalError):
    """Base class for every error the response store raises on purpose."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class StoreUnavailable(StoreError):
    """The store cannot be reached, opened, written to, or stayed busy for too long."""


class UnknownCohort(StoreError, LookupError):
    """A join code that is malformed or that no cohort in this store uses."""


class UnknownParticipant(StoreError, LookupError):
    """A handle that has not joined the given cohort."""


class UnknownSubmission(StoreError, LookupError):
    """A submission id that does not exist (for example, erased since it was listed)."""


class InvalidHandle(StoreError, ValueError):
    """A handle that is empty, too long or uses characters a handle may not contain."""


class InvalidInput(StoreError, ValueError):
    """Any other argument the store cannot accept: activity id, answers, text, state, ..."""


class JoinRefused(StoreError):
    """A cohort that is closed to new joiners, or too many joins at once (try again soon)."""


class AccessDenied(RecoveryCapitalError, PermissionError):
    """The trainer key does not open this cohort (see :mod:`recovery_capital.store.access`)."""
