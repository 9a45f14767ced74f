"""Shaping stored rows into the DataFrames the trainer's views and exports use.

>>> frame = summary_frame([("m5-poll", "submission", 3, 2, None)], [("m5-poll", True, False)], 4)
>>> frame.iloc[0].to_dict()["submissions"], frame.iloc[0].to_dict()["opened"], frame.attrs
(3, True, {'participants': 4})
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .exporting import flatten
from .models import as_utc

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["RESPONSE_COLUMNS", "SUMMARY_COLUMNS", "responses_frame", "summary_frame"]

RESPONSE_COLUMNS = [
    "submission_id", "handle", "activity_id", "kind", "time", "instrument",
    "instrument_version", "answers", "scores", "text", "shareable", "moderation",
]  # fmt: skip
SUMMARY_COLUMNS = [
    "activity_id", "participants", "submissions", "drafting", "last_submission",
    "opened", "revealed",
]  # fmt: skip


def responses_frame(rows: Iterable[Any], *, flat: bool = False) -> pd.DataFrame:
    """One row per stored row (as returned by ``queries.submission_rows``).

    With ``flat``, the ``answers`` and ``scores`` dicts become ``answer.<id>`` and
    ``score.<path>`` columns.
    """
    import pandas as pd

    records = [
        {
            "submission_id": row.id, "handle": row.handle, "activity_id": row.activity_id,
            "kind": row.kind, "time": as_utc(row.created_at), "instrument": row.instrument,
            "instrument_version": row.instrument_version, "answers": row.answers,
            "scores": row.scores, "text": row.text, "shareable": bool(row.shareable),
            "moderation": row.moderation,
        }
        for row in rows
    ]  # fmt: skip
    frame = pd.DataFrame.from_records(records, columns=RESPONSE_COLUMNS)
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    if not flat:
        return frame
    spread = pd.DataFrame.from_records(
        [{**flatten(r["answers"], "answer"), **flatten(r["scores"], "score")} for r in records],
        index=frame.index,
    )
    return pd.concat([frame.drop(columns=["answers", "scores"]), spread], axis=1)


def summary_frame(
    counts: Sequence[Sequence[Any]], states: Sequence[Sequence[Any]], people: int
) -> pd.DataFrame:
    """Per activity: participants who submitted, submissions, participants drafting, newest
    submission, and the live state; ``attrs["participants"]`` is the cohort's size."""
    import pandas as pd

    table: dict[str, dict[str, Any]] = {}

    def entry(activity: str) -> dict[str, Any]:
        return table.setdefault(activity, {
            "activity_id": activity, "participants": 0, "submissions": 0, "drafting": 0,
            "last_submission": None, "opened": False, "revealed": False,
        })  # fmt: skip

    for activity, kind, rows, distinct_people, newest in counts:
        if kind == "submission":
            entry(activity).update(
                participants=distinct_people,
                submissions=rows,
                last_submission=None if newest is None else as_utc(newest),
            )
        else:
            entry(activity)["drafting"] = distinct_people
    for activity, opened, revealed in states:
        entry(activity).update(opened=bool(opened), revealed=bool(revealed))
    frame = pd.DataFrame.from_records([table[a] for a in sorted(table)], columns=SUMMARY_COLUMNS)
    frame["last_submission"] = pd.to_datetime(frame["last_submission"], utc=True)
    frame.attrs["participants"] = people
    return frame
