"""The store's programme methods: action-learning sets, trainee details, attendance and the
practice log. :class:`~recovery_capital.store.Store` inherits them from
:class:`ProgrammeStoreMixin`.

Privacy of the practice log: a trainee reads their own entries; an entry reaches anyone else
only when its author shares it, and then only the facilitator of the author's own set, with
that set's key (:meth:`ProgrammeStoreMixin.shared_log_entries`).

>>> from recovery_capital.store import Store
>>> store = Store("sqlite://")
>>> code = store.create_cohort("Spring 2027").code
>>> for handle in ("ash", "birch", "cedar"):
...     _ = store.join(code, handle)
>>> keys = store.save_sets(code, {1: ["ash", "birch"], 2: ["cedar"]})
>>> [(s.number, s.members) for s in store.learning_sets(code)]
[(1, ('ash', 'birch')), (2, ('cedar',))]
>>> entry = store.add_log_entry(code, "ash", "day1", {"tried": "A ruler"}, shared=True)
>>> [e.entry["tried"] for e in store.shared_log_entries(code, 1, keys[1])]
['A ruler']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from . import keys
from .errors import InvalidInput, UnknownParticipant
from .handles import handle_key
from .models import Participant, as_utc, utcnow
from .programme_models import (
    Attendance,
    LearningSet,
    ParticipantDetails,
    PracticeLogEntry,
    SetMember,
)

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

__all__ = ["LearningSetInfo", "LogEntry", "ProgrammeStoreMixin"]

MAX_LOG_TEXT = 4000


@dataclass(frozen=True)
class LearningSetInfo:
    """One set: its number, facilitator's name and members' handles (in joining order)."""

    number: int
    facilitator: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class LogEntry:
    """One practice-log entry as its author (or, when shared, their set) sees it."""

    id: int
    handle: str
    day: str
    skill: str
    entry: dict[str, str]
    shared: bool
    created_at: datetime


class ProgrammeStoreMixin:
    """Programme methods of :class:`~recovery_capital.store.Store` (see the module notes)."""

    # Provided by Store.
    _read: Callable[..., Any]
    _write: Callable[..., Any]
    _cohort_id: Callable[[object], int]

    def _participant_id(self, conn: Connection, cohort_id: int, handle: str) -> int:
        found = conn.execute(
            select(Participant.id).where(
                Participant.cohort_id == cohort_id, Participant.handle_key == handle_key(handle)
            )
        ).scalar()
        if found is None:
            raise UnknownParticipant(f"Nobody called {handle!r} has joined this cohort.")
        return found

    # ------------------------------------------------------------------ trainee details

    def set_participant_details(
        self, code: object, handle: str, *, area: str | None = None, role: str | None = None
    ) -> None:
        """Record a trainee's area and role (used to mix the sets); ``None`` keeps a value.

        >>> from recovery_capital.store import Store
        >>> store = Store("sqlite://"); code = store.create_cohort("C").code
        >>> _ = store.join(code, "ash")
        >>> store.set_participant_details(code, "ash", area="Leeds", role="AMHP")
        >>> store.participant_details(code)
        {'ash': ('Leeds', 'AMHP')}
        """
        cohort_id = self._cohort_id(code)
        cleaned = {k: str(v).strip()[:120] for k, v in (("area", area), ("role", role))
                   if v is not None}  # fmt: skip

        def work(conn: Connection) -> None:
            pid = self._participant_id(conn, cohort_id, handle)
            row = conn.execute(
                select(ParticipantDetails).where(ParticipantDetails.participant_id == pid)
            ).first()
            if row is None:
                conn.execute(ParticipantDetails.__table__.insert().values(
                    participant_id=pid, area=cleaned.get("area", ""),
                    role=cleaned.get("role", "")))  # fmt: skip
            elif cleaned:
                conn.execute(
                    update(ParticipantDetails)
                    .where(ParticipantDetails.participant_id == pid)
                    .values(**cleaned)
                )

        self._write(work)

    def participant_details(self, code: object) -> dict[str, tuple[str, str]]:
        """Handle -> (area, role) for every trainee the trainer has recorded details of."""
        cohort_id = self._cohort_id(code)
        rows = self._read(lambda conn: conn.execute(
            select(Participant.handle, ParticipantDetails.area, ParticipantDetails.role)
            .join(ParticipantDetails, ParticipantDetails.participant_id == Participant.id)
            .where(Participant.cohort_id == cohort_id).order_by(Participant.id)
        ).all())  # fmt: skip
        return {row.handle: (row.area, row.role) for row in rows}

    # ------------------------------------------------------------------ sets

    def learning_sets(self, code: object) -> list[LearningSetInfo]:
        """The cohort's sets in number order, with their members."""
        cohort_id = self._cohort_id(code)

        def work(conn: Connection) -> list[LearningSetInfo]:
            sets = conn.execute(
                select(LearningSet.id, LearningSet.number, LearningSet.facilitator)
                .where(LearningSet.cohort_id == cohort_id).order_by(LearningSet.number)
            ).all()  # fmt: skip
            members = conn.execute(
                select(SetMember.set_id, Participant.handle)
                .join(Participant, Participant.id == SetMember.participant_id)
                .where(Participant.cohort_id == cohort_id).order_by(Participant.id)
            ).all()  # fmt: skip
            return [
                LearningSetInfo(s.number, s.facilitator,
                                tuple(m.handle for m in members if m.set_id == s.id))
                for s in sets
            ]  # fmt: skip

        return self._read(work)

    def save_sets(
        self,
        code: object,
        allocation: Mapping[int, Iterable[str]],
        facilitators: Mapping[int, str] | None = None,
    ) -> dict[int, str]:
        """Put each handle in its set (``allocation``: set number -> handles), creating sets
        that do not exist yet. Returns the set key of each *new* set (shown once; keep it for
        the set's facilitator). Handles not named keep their set."""
        cohort_id = self._cohort_id(code)
        names = dict(facilitators or {})

        def work(conn: Connection) -> dict[int, str]:
            new_keys: dict[int, str] = {}
            for number, handles in sorted(allocation.items()):
                if not isinstance(number, int) or number < 1:
                    raise InvalidInput(f"Set numbers start at 1, not {number!r}.")
                set_id = conn.execute(
                    select(LearningSet.id).where(
                        LearningSet.cohort_id == cohort_id, LearningSet.number == number
                    )
                ).scalar()
                if set_id is None:
                    key = keys.new_trainer_key()
                    set_id = conn.execute(LearningSet.__table__.insert().values(
                        cohort_id=cohort_id, number=number, facilitator=names.get(number, ""),
                        key_hash=keys.hash_key(key), created_at=utcnow(),
                    ).returning(LearningSet.id)).scalar()  # fmt: skip
                    new_keys[number] = key
                elif number in names:
                    conn.execute(
                        update(LearningSet)
                        .where(LearningSet.id == set_id)
                        .values(facilitator=names[number])
                    )
                for handle in handles:
                    pid = self._participant_id(conn, cohort_id, handle)
                    conn.execute(delete(SetMember).where(SetMember.participant_id == pid))
                    conn.execute(
                        SetMember.__table__.insert().values(
                            participant_id=pid, set_id=set_id, assigned_at=utcnow()
                        )
                    )
            return new_keys

        return self._write(work)

    def set_facilitator(self, code: object, number: int, name: str) -> str:
        """Name set ``number``'s facilitator and give the set a new key (returned, shown once;
        the old key stops working)."""
        cohort_id = self._cohort_id(code)
        key = keys.new_trainer_key()

        def work(conn: Connection) -> None:
            done = conn.execute(
                update(LearningSet)
                .where(LearningSet.cohort_id == cohort_id, LearningSet.number == number)
                .values(facilitator=name.strip()[:200], key_hash=keys.hash_key(key))
            )
            if not done.rowcount:
                raise InvalidInput(f"This cohort has no set {number}.")

        self._write(work)
        return key

    def verify_set_key(self, code: object, number: int, key: object) -> bool:
        """Whether ``key`` is set ``number``'s key (False for a set that does not exist)."""
        cohort_id = self._cohort_id(code)
        stored = self._read(
            lambda conn: conn.execute(
                select(LearningSet.key_hash).where(
                    LearningSet.cohort_id == cohort_id, LearningSet.number == number
                )
            ).scalar()
        )
        return keys.verify_key(key, stored)

    # ------------------------------------------------------------------ attendance

    def mark_attendance(
        self, code: object, session_id: str, handles: Iterable[str], *, present: bool = True
    ) -> int:
        """Mark ``handles`` present at (or, with ``present=False``, absent from) a session;
        returns how many rows changed.

        >>> from recovery_capital.store import Store
        >>> store = Store("sqlite://"); code = store.create_cohort("C").code
        >>> _ = store.join(code, "ash"); _ = store.join(code, "birch")
        >>> store.mark_attendance(code, "d1-welcome", ["ash", "birch"])
        2
        >>> store.mark_attendance(code, "d1-welcome", ["birch"], present=False)
        1
        >>> store.attendance(code)
        {'d1-welcome': ['ash']}
        """
        cohort_id = self._cohort_id(code)
        session = str(session_id).strip()
        if not session or len(session) > 120:
            raise InvalidInput("Give the id of a programme session, like d1-welcome.")

        def work(conn: Connection) -> int:
            changed = 0
            for handle in handles:
                pid = self._participant_id(conn, cohort_id, handle)
                had = conn.execute(
                    select(Attendance.participant_id).where(
                        Attendance.participant_id == pid, Attendance.session_id == session
                    )
                ).first()
                if present and had is None:
                    conn.execute(Attendance.__table__.insert().values(
                        participant_id=pid, session_id=session, cohort_id=cohort_id,
                        marked_at=utcnow()))  # fmt: skip
                    changed += 1
                elif not present and had is not None:
                    conn.execute(
                        delete(Attendance).where(
                            Attendance.participant_id == pid, Attendance.session_id == session
                        )
                    )
                    changed += 1
            return changed

        return self._write(work)

    def attendance(self, code: object) -> dict[str, list[str]]:
        """Session id -> handles marked present, in joining order."""
        cohort_id = self._cohort_id(code)
        rows = self._read(lambda conn: conn.execute(
            select(Attendance.session_id, Participant.handle)
            .join(Participant, Participant.id == Attendance.participant_id)
            .where(Attendance.cohort_id == cohort_id).order_by(Participant.id)
        ).all())  # fmt: skip
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row.session_id, []).append(row.handle)
        return found

    # ------------------------------------------------------------------ practice log

    def add_log_entry(
        self,
        code: object,
        handle: str,
        day: str,
        entry: Mapping[str, str],
        *,
        skill: str = "",
        shared: bool = False,
    ) -> int:
        """Save a practice-log entry (``entry``: field id -> text); returns its id."""
        cohort_id = self._cohort_id(code)
        cleaned = {str(k): str(v).strip() for k, v in entry.items() if str(v).strip()}
        if not cleaned:
            raise InvalidInput("Write something in at least one box before saving.")
        if any(len(v) > MAX_LOG_TEXT for v in cleaned.values()):
            raise InvalidInput(f"Each box holds up to {MAX_LOG_TEXT} characters.")

        def work(conn: Connection) -> int:
            pid = self._participant_id(conn, cohort_id, handle)
            now = utcnow()
            return conn.execute(PracticeLogEntry.__table__.insert().values(
                cohort_id=cohort_id, participant_id=pid, day=str(day)[:40],
                skill=str(skill).strip()[:200], entry=cleaned, shared=bool(shared),
                created_at=now, updated_at=now,
            ).returning(PracticeLogEntry.id)).scalar()  # fmt: skip

        return self._write(work)

    def share_log_entry(self, code: object, handle: str, entry_id: int, shared: bool) -> None:
        """Share one's own entry with one's set, or stop sharing it."""
        cohort_id = self._cohort_id(code)

        def work(conn: Connection) -> None:
            pid = self._participant_id(conn, cohort_id, handle)
            done = conn.execute(update(PracticeLogEntry).where(
                PracticeLogEntry.id == entry_id, PracticeLogEntry.participant_id == pid,
            ).values(shared=bool(shared), updated_at=utcnow()))  # fmt: skip
            if not done.rowcount:
                raise InvalidInput("That entry is not one of yours.")

        self._write(work)

    def _entries(self, conn: Connection, *where: Any) -> list[LogEntry]:
        table = PracticeLogEntry.__table__
        rows = conn.execute(
            select(*table.c, Participant.handle)
            .join(Participant, Participant.id == PracticeLogEntry.participant_id)
            .where(*where).order_by(PracticeLogEntry.id)
        ).all()  # fmt: skip
        return [
            LogEntry(r.id, r.handle, r.day, r.skill, dict(r.entry), bool(r.shared),
                     as_utc(r.created_at))
            for r in rows
        ]  # fmt: skip

    def log_entries(self, code: object, handle: str) -> list[LogEntry]:
        """A trainee's own entries, oldest first."""
        cohort_id = self._cohort_id(code)

        def work(conn: Connection) -> list[LogEntry]:
            pid = self._participant_id(conn, cohort_id, handle)
            return self._entries(conn, PracticeLogEntry.participant_id == pid)

        return self._read(work)

    def shared_log_entries(self, code: object, number: int, set_key: object) -> list[LogEntry]:
        """The entries members of set ``number`` have shared, for whoever holds that set's
        key; an :class:`InvalidInput` for a wrong key (nothing else is revealed)."""
        if not self.verify_set_key(code, number, set_key):
            raise InvalidInput(f"That key does not open set {number}. Check it with your trainer.")
        cohort_id = self._cohort_id(code)

        def work(conn: Connection) -> list[LogEntry]:
            set_id = conn.execute(
                select(LearningSet.id).where(
                    LearningSet.cohort_id == cohort_id, LearningSet.number == number
                )
            ).scalar()
            members = select(SetMember.participant_id).where(SetMember.set_id == set_id)
            return self._entries(
                conn,
                PracticeLogEntry.shared.is_(True),
                PracticeLogEntry.participant_id.in_(members),
            )

        return self._read(work)

    def log_counts(self, code: object) -> dict[str, int]:
        """Handle -> how many practice-log entries they have written (for reports; no text)."""
        cohort_id = self._cohort_id(code)
        rows = self._read(lambda conn: conn.execute(
            select(Participant.handle, PracticeLogEntry.id)
            .join(Participant, Participant.id == PracticeLogEntry.participant_id)
            .where(PracticeLogEntry.cohort_id == cohort_id)
        ).all())  # fmt: skip
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.handle] = counts.get(row.handle, 0) + 1
        return counts
