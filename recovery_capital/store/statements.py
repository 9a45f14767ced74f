"""The statements on the store's hot path (every keystroke's draft, every submit), built once.

Building a SQLAlchemy statement costs more than running it on SQLite, so the statements a
trainee triggers many times are made once per dialect and executed with bound parameters.
They use ``INSERT ... ON CONFLICT``, which SQLite and PostgreSQL both understand.

>>> from sqlalchemy.dialects import sqlite
>>> sql = HotStatements("sqlite")
>>> print(sql.prune_drafts.compile(dialect=sqlite.dialect()))  # doctest: +NORMALIZE_WHITESPACE
DELETE FROM submissions WHERE submissions.participant_id = ? AND submissions.activity_id = ?
AND submissions.kind = ? AND submissions.id < ?
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select

from .models import Participant, Submission

__all__ = ["HotStatements", "dialect_insert"]

participants = Participant.__table__
submissions = Submission.__table__


def dialect_insert(dialect_name: str, table: Any) -> Any:
    """An INSERT for ``table`` that supports ``on_conflict_do_nothing/do_update``.

    >>> dialect_insert("sqlite", submissions).table.name
    'submissions'
    """
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


class HotStatements:
    """Prepared statements for one dialect; execute them with a dict of parameters."""

    def __init__(self, dialect_name: str) -> None:
        p, s = participants.c, submissions.c
        self.find_participant = select(p.id, p.handle).where(
            p.cohort_id == bindparam("cohort_id"), p.handle_key == bindparam("handle_key")
        )
        self.find_by_secret = select(p.id, p.handle).where(
            p.cohort_id == bindparam("cohort_id"), p.secret_hash == bindparam("secret_hash")
        )
        self.add_participant = (
            dialect_insert(dialect_name, participants)
            .on_conflict_do_nothing(index_elements=["cohort_id", "handle_key"])
            .returning(p.id)
        )
        self.add_submission = dialect_insert(dialect_name, submissions).returning(s.id)
        self.add_submission_once = (
            dialect_insert(dialect_name, submissions)
            .on_conflict_do_nothing(index_elements=["cohort_id", "participant_id", "request_id"])
            .returning(s.id)
        )
        self.find_request = select(s.id).where(
            s.cohort_id == bindparam("cohort_id"),
            s.participant_id == bindparam("participant_id"),
            s.request_id == bindparam("request_id"),
        )
        self.prune_drafts = delete(submissions).where(
            s.participant_id == bindparam("participant_id"),
            s.activity_id == bindparam("activity_id"),
            s.kind == "draft",
            s.id < bindparam("before_id"),
        )
        self.latest = (
            select(submissions)
            .join(participants, p.id == s.participant_id)
            .where(
                p.cohort_id == bindparam("cohort_id"),
                p.handle_key == bindparam("handle_key"),
                s.activity_id == bindparam("activity_id"),
            )
            .order_by(s.id.desc())
            .limit(1)
        )
        self.latest_by_secret = (
            select(submissions)
            .join(participants, p.id == s.participant_id)
            .where(
                p.cohort_id == bindparam("cohort_id"),
                p.secret_hash == bindparam("secret_hash"),
                s.activity_id == bindparam("activity_id"),
            )
            .order_by(s.id.desc())
            .limit(1)
        )
