"""The course self-check at the start and the end: paired change per area.

Trainees are paired by handle between :data:`PRE_ACTIVITY` and :data:`POST_ACTIVITY` (each
person's latest submission of each); a pair counts for an area when both of its scores exist.

>>> import pandas as pd
>>> from recovery_capital.scoring.definitions import load_instrument
>>> from .course_map import REPOSITORY_COURSE
>>> selfcheck = load_instrument("selfcheck", course_dir=REPOSITORY_COURSE)
>>> def answers(value): return {f"q{i}": value for i in range(1, 13)}
>>> rows = pd.DataFrame({
...     "submission_id": [1, 2, 3, 4], "handle": ["fox", "owl", "fox", "owl"],
...     "activity_id": [PRE_ACTIVITY, PRE_ACTIVITY, POST_ACTIVITY, POST_ACTIVITY],
...     "time": pd.to_datetime(["2027-03-01"] * 2 + ["2027-03-05"] * 2, utc=True),
...     "answers": [answers(2), answers(3), answers(4), answers(4)]})
>>> result = pre_post_change(rows, selfcheck)
>>> overall = result.scale("overall").change
>>> overall.n, overall.mean_difference, round(overall.sd_difference, 4)
(2, 1.5, 0.7071)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .scored import scale_range, score_submissions
from .stats import PairedChange, paired_change

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..scoring.definitions import Instrument

__all__ = [
    "PRE_ACTIVITY",
    "POST_ACTIVITY",
    "SELFCHECK",
    "PrePostChange",
    "ScaleChange",
    "pre_post_change",
]

PRE_ACTIVITY = "m1-selfcheck-pre"
POST_ACTIVITY = "m7-selfcheck-post"
SELFCHECK = "selfcheck"


@dataclass(frozen=True)
class ScaleChange:
    """One area of the self-check: its label, its range and the paired change."""

    scale_id: str
    label: str
    low: float
    high: float
    change: PairedChange


@dataclass(frozen=True)
class PrePostChange:
    """Start and end self-check for a cohort: how many took each, and change per area."""

    instrument_title: str
    started: int  # people with a start self-check
    finished: int  # people with an end self-check
    paired: int  # people with both
    scales: tuple[ScaleChange, ...]

    def scale(self, scale_id: str) -> ScaleChange:
        """The change in one area (``KeyError`` if the self-check has no such area)."""
        for entry in self.scales:
            if entry.scale_id == scale_id:
                return entry
        raise KeyError(scale_id)


def _latest_by_person(scored: pd.DataFrame) -> dict[str, pd.Series]:
    ordered = scored.sort_values(["time", "submission_id"])
    return {str(row["handle"]).casefold(): row for _, row in ordered.iterrows()}


def pre_post_change(
    submissions: pd.DataFrame,
    instrument: Instrument,
    *,
    pre: str = PRE_ACTIVITY,
    post: str = POST_ACTIVITY,
    confidence: float = 0.95,
) -> PrePostChange:
    """Paired change per scale between the ``pre`` and ``post`` activities.

    ``submissions`` is the cohort's :meth:`Store.responses` (other activities are ignored).
    Answers are scored again with ``instrument`` (see :mod:`.scored`).
    """
    chosen = submissions[submissions["activity_id"].isin([pre, post])]
    scored = score_submissions(chosen, instrument)
    before = _latest_by_person(scored[scored["activity_id"] == pre])
    after = _latest_by_person(scored[scored["activity_id"] == post])
    both = sorted(set(before) & set(after))
    scales = []
    for scale in instrument.scales:
        pairs = [
            (float(before[person][scale.id]), float(after[person][scale.id]))
            for person in both
            if before[person][scale.id] == before[person][scale.id]  # NaN fails this test
            and after[person][scale.id] == after[person][scale.id]
        ]
        low, high = scale_range(instrument, scale.id) or (float("nan"), float("nan"))
        scales.append(
            ScaleChange(
                scale.id,
                scale.label,
                low,
                high,
                paired_change([b for b, _ in pairs], [a for _, a in pairs], confidence=confidence),
            )
        )
    return PrePostChange(
        instrument.short_title or instrument.title,
        started=len(before),
        finished=len(after),
        paired=len(both),
        scales=tuple(scales),
    )
