"""The small, immutable values the store hands back (never live database rows).

>>> from datetime import datetime, timezone
>>> state = ActivityState(opened=True, revealed=False, updated=None)
>>> state.opened, state.revealed
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["CreatedCohort", "CohortInfo", "Latest", "ActivityState", "FreeText"]


@dataclass(frozen=True)
class CreatedCohort:
    """A new cohort: its join code for trainees and its trainer key, shown only this once.

    >>> created = CreatedCohort(code="K7P2Q", name="Spring", trainer_key="7KQM-2XRB-PD9T-HW4N")
    >>> "7KQM" in repr(created)   # the key never appears in logs by accident
    False
    """

    code: str
    name: str
    trainer_key: str = field(repr=False)


@dataclass(frozen=True)
class CohortInfo:
    """A cohort as listed for a trainer or operator."""

    code: str
    name: str
    created: datetime
    participants: int
    submissions: int


@dataclass(frozen=True)
class Latest:
    """A participant's most recent saved answers for one activity (draft or submission).

    ``submitted`` is False for a draft; ``text`` and ``shareable`` are the free text and the
    trainee's choice whether the trainer may show it to the group.
    """

    id: int
    answers: dict[str, Any]
    scores: dict[str, Any] | None
    submitted: bool
    time: datetime
    text: str | None = None
    shareable: bool = False
    instrument: str | None = None
    instrument_version: str | None = None


@dataclass(frozen=True)
class ActivityState:
    """Whether the trainer has opened a live activity and revealed its group results."""

    opened: bool
    revealed: bool
    updated: datetime | None


@dataclass(frozen=True)
class FreeText:
    """One piece of free text a trainee submitted, for the trainer's moderation list.

    ``text`` is exactly what the trainee typed: escape it before showing it anywhere.
    """

    submission_id: int
    handle: str
    activity_id: str
    text: str
    shareable: bool
    state: str
    time: datetime
