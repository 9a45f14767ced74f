"""Stored questionnaire submissions, scored again from their answers with the current rules.

Reports read answers, not the scores stored beside them, so every figure comes from one
scoring engine and one definition, even for rows stored by an older version.

>>> import pandas as pd
>>> import recovery_capital as rc
>>> rows = pd.DataFrame({"submission_id": [1], "handle": ["fox-12"], "activity_id": ["a"],
...                      "time": [pd.Timestamp("2027-03-01", tz="UTC")],
...                      "answers": [{f"q{i}": 4 for i in range(1, 11)}]})
>>> score_submissions(rows, rc.load_instrument("barc10"))[["handle", "q1", "total"]]
   handle   q1  total
0  fox-12  4.0   40.0
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..scoring.engine import INVALID, parse_answer, score_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..scoring.definitions import Instrument

__all__ = ["KEPT_COLUMNS", "scale_range", "score_submissions"]

KEPT_COLUMNS = ("submission_id", "handle", "activity_id", "time")


def _item_value(instrument: Instrument, item_id: str, value: object) -> float:
    """An answer as its scored number (the scoring parser), NaN when unanswered or not allowed."""
    found = parse_answer(instrument.answer_lookup[item_id], instrument.allowed_sets[item_id], value)
    return math.nan if found is None or found is INVALID else float(found)  # type: ignore[arg-type]


def score_submissions(rows: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """One row per submission: who, which activity, when, the item values and the scores.

    ``rows`` is (a slice of) :meth:`Store.responses`. Answers the definition no longer allows
    are left out of the scores and named in that row's ``warnings``.
    """
    import pandas as pd

    kept = [column for column in KEPT_COLUMNS if column in rows.columns]
    items = pd.DataFrame.from_records(
        [
            {item_id: (answers or {}).get(item_id) for item_id in instrument.item_ids}
            for answers in rows["answers"]
        ],
        columns=list(instrument.item_ids),
        index=rows.index,
    )
    scored = score_frame(instrument, items, errors="coerce")
    values = pd.DataFrame(
        {
            item_id: [_item_value(instrument, item_id, v) for v in items[item_id]]
            for item_id in instrument.item_ids
        },
        index=rows.index,
        dtype=float,
    )
    scales = scored.drop(columns=[c for c in scored.columns if c in instrument.item_ids])
    frame = pd.concat([rows[kept], values, scales], axis=1)
    return frame.reset_index(drop=True)


def scale_range(instrument: Instrument, scale_id: str) -> tuple[float, float] | None:
    """The lowest and highest score a scale can take (see
    :meth:`~recovery_capital.scoring.definitions.Instrument.scale_range`, where the rule lives).

    >>> import recovery_capital as rc
    >>> scale_range(rc.load_instrument("socrates8a"), "ambivalence")
    (4.0, 20.0)
    """
    return instrument.scale_range(scale_id)
