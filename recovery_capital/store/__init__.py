"""The response store: cohorts, pseudonymous participants, drafts, submissions, live polls.

Everything trainees and trainers share goes through one :class:`Store` (see
``docs/architecture.md`` for the API and ``docs/deployment.md`` for SQLite vs PostgreSQL).
Importing this package is cheap: SQLAlchemy loads when ``Store`` is first used.

>>> from recovery_capital.store import Store
>>> Store.PRACTICE_CODE
'PRACTICE'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    InvalidHandle,
    InvalidInput,
    JoinRefused,
    StoreError,
    StoreUnavailable,
    UnknownCohort,
    UnknownParticipant,
    UnknownSubmission,
)

__all__ = [
    "Store",
    "CreatedCohort",
    "CohortInfo",
    "Latest",
    "ActivityState",
    "FreeText",
    "StoreError",
    "StoreUnavailable",
    "UnknownCohort",
    "UnknownParticipant",
    "UnknownSubmission",
    "InvalidHandle",
    "InvalidInput",
    "JoinRefused",
    "Membership",
    "ErasureReport",
]

if TYPE_CHECKING:  # pragma: no cover
    from .records import (
        ActivityState,
        CohortInfo,
        CreatedCohort,
        ErasureReport,
        FreeText,
        Latest,
        Membership,
    )
    from .store import Store

_LAZY = {
    "Store": "store",
    "CreatedCohort": "records",
    "CohortInfo": "records",
    "Latest": "records",
    "ActivityState": "records",
    "FreeText": "records",
    "Membership": "records",
    "ErasureReport": "records",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'recovery_capital.store' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module_name}", __name__), name)
    globals()[name] = value
    return value
