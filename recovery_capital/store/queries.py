"""The read queries behind the trainer's views: cohort lists, submissions, summary counts.

Each function takes an open connection and returns plain rows or records; the
:class:`~recovery_capital.store.Store` decides the transaction, retries and shape of the result.

>>> from sqlalchemy import create_engine
>>> from recovery_capital.store.models import Base
>>> engine = create_engine("sqlite://")
>>> Base.metadata.create_all(engine)
>>> with engine.connect() as conn:
...     cohort_infos(conn, None), summary_counts(conn, 1)
([], ([], [], 0))
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from .models import ActivityStateRow, Cohort, Participant, Submission, as_utc
from .records import CohortInfo

__all__ = ["cohort_infos", "submission_rows", "summary_counts"]


def cohort_infos(conn: Connection, cohort_id: int | None) -> list[CohortInfo]:
    """Every cohort (or just ``cohort_id``), oldest first, with participant and submission
    counts."""
    people = select(func.count()).where(Participant.cohort_id == Cohort.id).scalar_subquery()
    answered = (
        select(func.count())
        .where(Submission.cohort_id == Cohort.id, Submission.kind == "submission")
        .scalar_subquery()
    )
    query = select(
        Cohort.code,
        Cohort.name,
        Cohort.created_at,
        people,
        answered,
        Cohort.joins_open,
        Cohort.chosen_handles,
    )
    if cohort_id is not None:
        query = query.where(Cohort.id == cohort_id)
    return [
        CohortInfo(code=code, name=name, created=as_utc(created), participants=count,
                   submissions=submissions, joins_open=bool(joins_open),
                   chosen_handles=bool(chosen))
        for code, name, created, count, submissions, joins_open, chosen
        in conn.execute(query.order_by(Cohort.id))
    ]  # fmt: skip


def submission_rows(
    conn: Connection,
    cohort_id: int,
    activity_id: str | None,
    *,
    include_drafts: bool,
    latest_only: bool,
    text_only: bool = False,
) -> list[Any]:
    """A cohort's rows (every submission column plus ``handle``), oldest first.

    ``latest_only`` keeps each participant's newest matching row per activity; ``text_only``
    keeps rows with free text.
    """
    conditions = [Submission.cohort_id == cohort_id]
    if activity_id is not None:
        conditions.append(Submission.activity_id == activity_id)
    if not include_drafts:
        conditions.append(Submission.kind == "submission")
    if text_only:
        conditions.append(Submission.text.is_not(None))
    if latest_only:
        newest = (
            select(func.max(Submission.id))
            .where(*conditions)
            .group_by(Submission.participant_id, Submission.activity_id)
        )
        conditions.append(Submission.id.in_(newest))
    query = (
        select(Submission.__table__, Participant.handle)
        .join(Participant, Participant.id == Submission.participant_id)
        .where(*conditions)
        .order_by(Submission.id)
    )
    return list(conn.execute(query).all())


def summary_counts(conn: Connection, cohort_id: int) -> tuple[list[Any], list[Any], int]:
    """What a cohort summary is built from.

    Returns ``(counts, states, people)``: per activity and kind, the row count, the number of
    distinct participants and the newest time; every activity state ``(activity_id, opened,
    revealed)``; and how many participants joined.
    """
    counts = conn.execute(
        select(
            Submission.activity_id,
            Submission.kind,
            func.count(),
            func.count(func.distinct(Submission.participant_id)),
            func.max(Submission.created_at),
        )
        .where(Submission.cohort_id == cohort_id)
        .group_by(Submission.activity_id, Submission.kind)
    ).all()
    states = conn.execute(
        select(ActivityStateRow.activity_id, ActivityStateRow.opened, ActivityStateRow.revealed)
        .where(ActivityStateRow.cohort_id == cohort_id)
    ).all()  # fmt: skip
    people = conn.execute(
        select(func.count()).where(Participant.cohort_id == cohort_id)
    ).scalar_one()
    return list(counts), list(states), people
