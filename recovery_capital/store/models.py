"""The store's tables, as SQLAlchemy 2 declarative models.

The schema itself is created and changed only by the Alembic migrations in ``migrations/``;
these models describe it for queries and must agree with the newest migration (a test checks).

>>> sorted(Base.metadata.tables)[:4]
['activity_states', 'attendance', 'cohorts', 'learning_sets']

The programme's tables (sets, attendance, practice log) are in :mod:`.programme_models`,
imported at the end of this module.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base", "Cohort", "Participant", "Submission", "ActivityStateRow", "utcnow", "as_utc",
]  # fmt: skip

KINDS = ("draft", "submission")
MODERATION_STATES = ("pending", "hidden", "approved")

# Plain JSON (not JSONB) on PostgreSQL too: it keeps keys in the order they were given.
JSONDocument = JSON()

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware.

    >>> utcnow().tzinfo
    datetime.timezone.utc
    """
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """The same instant in UTC whichever back-end read it (SQLite hands back naive values,
    which the store always wrote in UTC).

    >>> as_utc(datetime(2027, 3, 1, 9, 30)).isoformat()
    '2027-03-01T09:30:00+00:00'
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base carrying the constraint naming convention the migrations use."""

    metadata = MetaData(naming_convention=NAMING)


class Cohort(Base):
    """A group of trainees taking the course together, joined by a short code."""

    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    trainer_key_hash: Mapped[str] = mapped_column(String(200))
    joins_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    chosen_handles: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Participant(Base):
    """One pseudonymous trainee in one cohort; ``secret_hash`` is the key to their answers."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("cohort_id", "handle_key", name="uq_participants_cohort_handle"),
        Index("ix_participants_secret_hash", "secret_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    handle: Mapped[str] = mapped_column(String(40))
    handle_key: Mapped[str] = mapped_column(String(40))
    secret_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Submission(Base):
    """One saved answer set: a draft (saved while typing) or a submission. Never updated,
    except for the trainer's moderation state of its free text."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint(
            "cohort_id", "participant_id", "request_id", name="uq_submissions_request"
        ),
        CheckConstraint("kind IN ('draft', 'submission')", name="ck_submissions_kind"),
        CheckConstraint(
            "moderation IS NULL OR moderation IN ('pending', 'hidden', 'approved')",
            name="ck_submissions_moderation",
        ),
        Index("ix_submissions_participant_activity", "participant_id", "activity_id", "id"),
        Index("ix_submissions_cohort_activity", "cohort_id", "activity_id"),
        {"sqlite_autoincrement": True},  # never reuse the id of an erased row
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    activity_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(12))
    instrument: Mapped[str | None] = mapped_column(String(80))
    instrument_version: Mapped[str | None] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    text: Mapped[str | None] = mapped_column(Text)
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    moderation: Mapped[str | None] = mapped_column(String(12))
    request_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ActivityStateRow(Base):
    """Whether the trainer has opened a live activity, and revealed its group results."""

    __tablename__ = "activity_states"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    activity_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    opened: Mapped[bool] = mapped_column(Boolean, default=False)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


from . import programme_models  # noqa: E402,F401  (the programme's tables, same Base)
