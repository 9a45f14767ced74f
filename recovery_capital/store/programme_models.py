"""The store's tables for the programme: action-learning sets and who is in them, what the
trainer records about each trainee for mixing sets (area, role), attendance per session and
the practice log. Created by migration 0003; :mod:`.models` imports this module so that
``Base.metadata`` holds every table.

>>> sorted(t for t in Base.metadata.tables if t in PROGRAMME_TABLES)
['attendance', 'learning_sets', 'participant_details', 'practice_log', 'set_members']
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow

__all__ = [
    "PROGRAMME_TABLES",
    "Attendance",
    "LearningSet",
    "ParticipantDetails",
    "PracticeLogEntry",
    "SetMember",
]

PROGRAMME_TABLES = (
    "attendance", "learning_sets", "participant_details", "practice_log", "set_members",
)  # fmt: skip


class LearningSet(Base):
    """One action-learning set of a cohort: its number, facilitator and set key (hashed)."""

    __tablename__ = "learning_sets"
    __table_args__ = (UniqueConstraint("cohort_id", "number", name="uq_learning_sets_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    facilitator: Mapped[str] = mapped_column(String(200), default="")
    key_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SetMember(Base):
    """Which set a trainee is in (at most one)."""

    __tablename__ = "set_members"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    set_id: Mapped[int] = mapped_column(ForeignKey("learning_sets.id", ondelete="CASCADE"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ParticipantDetails(Base):
    """What the trainer records about a trainee to mix the sets: area and role (both free
    text, both optional)."""

    __tablename__ = "participant_details"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(120), default="")


class Attendance(Base):
    """A trainee was at a programme session (a row means present)."""

    __tablename__ = "attendance"
    __table_args__ = (Index("ix_attendance_cohort", "cohort_id"),)

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PracticeLogEntry(Base):
    """One practice-log entry: private to its author unless ``shared`` with their set."""

    __tablename__ = "practice_log"
    __table_args__ = (
        Index("ix_practice_log_participant", "participant_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    day: Mapped[str] = mapped_column(String(40))
    skill: Mapped[str] = mapped_column(String(200), default="")
    entry: Mapped[dict[str, Any]] = mapped_column(JSON())
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
