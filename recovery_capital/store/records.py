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

__all__ = [
    "CreatedCohort",
    "CohortInfo",
    "Membership",
    "ErasureReport",
    "Latest",
    "ActivityState",
    "FreeText",
]


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
    joins_open: bool = True
    chosen_handles: bool = False


@dataclass(frozen=True)
class Membership:
    """A trainee's place in a cohort: their handle (a display name) and personal secret.

    The secret is the key to their answers; it goes in their personal link and is stored
    only as a hash, so it can be shown only when it is made.

    >>> place = Membership(cohort="K7P2Q9XR", handle="fox-12", secret="s" * 24)
    >>> "sss" in repr(place)
    False
    """

    cohort: str
    handle: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class ErasureReport:
    """Where an erased participant's data was looked for afterwards, and what was found.

    ``places`` holds ``(place, clean, detail)``: ``clean`` is False where something of theirs
    is still there.

    >>> report = ErasureReport("K7P2Q", "fox-12", 3, (("rows", True, "none left"),))
    >>> report.complete
    True
    """

    cohort: str
    handle: str
    rows_removed: int
    places: tuple[tuple[str, bool, str], ...] = ()

    @property
    def complete(self) -> bool:
        """True when no place still holds anything of the erased participant."""
        return all(clean for _place, clean, _detail in self.places)


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
