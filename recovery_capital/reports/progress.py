"""Individual progress: every assessment one participant gave on one instrument, over time.

The report sets the first assessment beside the latest (the distance travelled), gives the
change on each scale and, where the instrument's reliability is published (see
:mod:`.reliability`), the reliable change index of Jacobson and Truax (1991). The SD in the
index comes from a stated reference sample: by default the cohort's baseline, that is each
person's first assessment on the same instrument, and at least :data:`MIN_REFERENCE_SIZE`
people of it.

The report names the participant, so it is made only through
:class:`~recovery_capital.store.access.TrainerAccess`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..charts.drawing import Chart, change_over_time, radar
from ..documents.html import fmt, fmt_date, fmt_signed, page, paragraph, section, table
from ..scoring.definitions import Instrument, load_instrument
from ..store.access import TrainerAccess
from .errors import ReportError
from .figures import first_latest_bars
from .reliability import PublishedReliability, published_reliability
from .scored import score_submissions
from .stats import ReliableChange, reliable_change, sample_sd

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "MIN_REFERENCE_SIZE",
    "Assessment",
    "ProgressReport",
    "ReferenceSample",
    "ScaleProgress",
    "cohort_baseline",
    "participant_progress",
    "progress_html",
]

#: The fewest people whose scores may give the reference SD for a reliable change index.
MIN_REFERENCE_SIZE = 5


@dataclass(frozen=True)
class ReferenceSample:
    """Where the SD in the reliable change index comes from: a description, and per scale the
    SD and how many people it came from (``None`` when a published SD was given)."""

    description: str
    sd: Mapping[str, float]
    size: Mapping[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """One submission: when, which activity, the item values and every scale."""

    submission_id: int
    activity_id: str
    time: datetime
    items: Mapping[str, float | None]
    scales: Mapping[str, float | None]
    band: str | None


@dataclass(frozen=True)
class ScaleProgress:
    """First, latest and change on one scale, with the reliable change index if it applies."""

    scale_id: str
    label: str
    low: float | None
    high: float | None
    first: float | None
    latest: float | None
    reliability: PublishedReliability | None
    rci: ReliableChange | None
    rci_note: str | None

    @property
    def change(self) -> float | None:
        """latest - first, or None when either is missing."""
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


@dataclass(frozen=True)
class ProgressReport:
    """One participant's assessments on one instrument, with the change since the first."""

    cohort_code: str
    cohort_name: str
    handle: str
    instrument: Instrument
    assessments: tuple[Assessment, ...]
    scales: tuple[ScaleProgress, ...]
    reference: ReferenceSample | None
    generated: datetime

    @property
    def first(self) -> Assessment:
        """The earliest assessment."""
        return self.assessments[0]

    @property
    def latest(self) -> Assessment:
        """The most recent assessment."""
        return self.assessments[-1]

    def scale(self, scale_id: str) -> ScaleProgress:
        """The progress on one scale (``KeyError`` if the instrument has no such scale)."""
        for entry in self.scales:
            if entry.scale_id == scale_id:
                return entry
        raise KeyError(scale_id)

    @property
    def title(self) -> str:
        """The instrument's short name."""
        return self.instrument.short_title or self.instrument.title

    def chart(self) -> Chart:
        """First and latest overlaid: a radar of the items when the definition's chart is one
        (:attr:`~recovery_capital.scoring.definitions.Instrument.chart_spec`, BARC-10), else
        side-by-side bars per scale."""
        first, latest = self.first, self.latest
        first_label = f"First ({fmt_date(first.time)})"
        latest_label = f"Latest ({fmt_date(latest.time)})"
        if self.instrument.chart_spec.kind == "radar":
            low, high = self.instrument.item_range
            return radar(
                dict(latest.items),
                labels={i.id: i.domain or i.id for i in self.instrument.items},
                vmin=low,
                vmax=high,
                title=f"{self.title}: first and latest answers by area",
                compare=dict(first.items),
                label=latest_label,
                compare_label=first_label,
            )
        rows = [
            (entry.label, entry.first, entry.latest, entry.low, entry.high)
            for entry in self.scales
            if entry.low is not None and entry.high is not None
        ]
        return first_latest_bars(
            rows,
            title=f"{self.title}: first and latest scores",
            first_label=first_label,
            latest_label=latest_label,
        )

    def timeline_charts(self) -> list[Chart]:
        """Every assessment over time: one line chart per group of scales sharing a range."""
        groups: dict[tuple[float, float], list[ScaleProgress]] = {}
        for entry in self.scales:
            if entry.low is not None and entry.high is not None:
                groups.setdefault((entry.low, entry.high), []).append(entry)
        charts = []
        for (low, high), entries in groups.items():
            series = {
                entry.label: [(a.time, a.scales.get(entry.scale_id)) for a in self.assessments]
                for entry in entries
            }
            names = ", ".join(entry.label for entry in entries)
            charts.append(
                change_over_time(
                    series, title=f"{self.title} over time: {names}", vmin=low, vmax=high
                )
            )
        return charts


def _value(row: pd.Series, column: str) -> float | None:
    value = row.get(column)
    if value is None:
        return None
    number = float(value)
    return None if number != number else number  # NaN is unanswered / not computed


def _instrument_rows(
    access: TrainerAccess, instrument: Instrument, activity_id: str | None
) -> pd.DataFrame:
    rows = access.store.responses(access.code, activity_id)
    rows = rows[rows["instrument"] == instrument.id]
    return score_submissions(rows, instrument).sort_values(["time", "submission_id"])


def cohort_baseline(
    access: TrainerAccess,
    instrument: str | Instrument,
    *,
    activity_id: str | None = None,
    course_dir: str | os.PathLike[str] | None = None,
) -> ReferenceSample:
    """The reference SD per scale from the cohort's baseline: each person's first assessment
    on ``instrument`` (in ``activity_id`` only, if given)."""
    inst = _load(instrument, course_dir)
    scored = _instrument_rows(access, inst, activity_id)
    firsts = scored.drop_duplicates("handle", keep="first") if len(scored) else scored
    sds: dict[str, float] = {}
    sizes: dict[str, int | None] = {}
    for scale in inst.scales:
        values = [v for v in firsts.get(scale.id, []) if v == v]
        sizes[scale.id] = len(values)
        if len(values) >= 2:
            sds[scale.id] = sample_sd([float(v) for v in values])
    where = f" in {activity_id}" if activity_id else ""
    description = (
        f"the cohort's baseline: the first {inst.short_title or inst.title} of each person in "
        f"cohort {access.cohort_name} ({access.code}){where}"
    )
    return ReferenceSample(description, sds, sizes)


def _load(instrument: str | Instrument, course_dir: str | os.PathLike[str] | None) -> Instrument:
    if isinstance(instrument, Instrument):
        return instrument
    if course_dir is None:
        from ..content.model import course_dir as find_course_dir

        course_dir = find_course_dir()
    return load_instrument(instrument, course_dir=course_dir)


def _rci_for(
    inst: Instrument,
    scale_id: str,
    first: float | None,
    latest: float | None,
    count: int,
    reference: ReferenceSample | None,
) -> tuple[PublishedReliability | None, ReliableChange | None, str | None]:
    scale = inst.scale(scale_id)
    if scale.method == "formula" or len(scale.items) < 2:
        return None, None, "Single-item or derived score: no reliable change index."
    reliability = published_reliability(inst, scale_id)
    if reliability is None:
        return None, None, "No checked, published reliability for this scale, so no index."
    if count < 2:
        return reliability, None, "Only one assessment so far."
    if first is None or latest is None:
        return reliability, None, "The first or the latest score is missing."
    sd = None if reference is None else reference.sd.get(scale_id)
    size = None if reference is None else reference.size.get(scale_id)
    if reference is None or sd is None or (size is not None and size < MIN_REFERENCE_SIZE):
        return (
            reliability,
            None,
            (
                f"The reference SD needs the scores of at least {MIN_REFERENCE_SIZE} people "
                f"(this sample has {size or 0})."
            ),
        )
    if sd <= 0:
        return reliability, None, "Everyone in the reference sample has the same score."
    return reliability, reliable_change(first, latest, sd=sd, reliability=reliability.value), None


def participant_progress(
    access: TrainerAccess,
    handle: str,
    instrument: str | Instrument,
    *,
    activity_id: str | None = None,
    reference: ReferenceSample | None = None,
    course_dir: str | os.PathLike[str] | None = None,
) -> ProgressReport:
    """Every assessment of ``handle`` on ``instrument`` in the cohort, first to latest.

    ``reference`` gives the SD for the reliable change index; by default it is
    :func:`cohort_baseline` (same instrument and activity filter).

    >>> from recovery_capital.store import Store
    >>> from recovery_capital.store.access import trainer_access
    >>> store = Store("sqlite://")
    >>> cohort = store.create_cohort("Spring 2027")
    >>> from recovery_capital import score
    >>> for total in (3, 5):
    ...     answers = {f"q{i}": total for i in range(1, 11)}
    ...     _ = store.submit(cohort.code, "fox-12", "m2-barc10", answers,
    ...                      result=score("barc10", answers))
    >>> access = trainer_access(store, cohort.code, cohort.trainer_key)
    >>> report = participant_progress(access, "fox-12", "barc10")
    >>> total = report.scale("total")
    >>> total.first, total.latest, total.change
    (30.0, 50.0, 20.0)
    >>> total.rci_note
    'The reference SD needs the scores of at least 5 people (this sample has 1).'
    >>> progress_html(report).count("fox-12") >= 1
    True
    """
    inst = _load(instrument, course_dir)
    scored = _instrument_rows(access, inst, activity_id)
    mine = scored[scored["handle"].str.casefold() == handle.strip().casefold()]
    if mine.empty:
        where = f" in {activity_id}" if activity_id else ""
        raise ReportError(
            f"There are no {inst.short_title or inst.title} answers from {handle!r}{where} in "
            f"cohort {access.code} yet."
        )
    assessments = tuple(
        Assessment(
            submission_id=int(row["submission_id"]),
            activity_id=str(row["activity_id"]),
            time=row["time"].to_pydatetime(),
            items={item_id: _value(row, item_id) for item_id in inst.item_ids},
            scales={scale.id: _value(row, scale.id) for scale in inst.scales},
            band=None
            if row.get("band") is None or row.get("band") != row.get("band")
            else str(row["band"]),
        )
        for _, row in mine.iterrows()
    )
    if reference is None:
        reference = cohort_baseline(access, inst, activity_id=activity_id)
    scales = []
    for scale in inst.scales:
        first = assessments[0].scales[scale.id]
        latest = assessments[-1].scales[scale.id]
        reliability, rci, note = _rci_for(
            inst, scale.id, first, latest, len(assessments), reference
        )
        low_high = inst.scale_range(scale.id)
        scales.append(
            ScaleProgress(
                scale.id,
                scale.label,
                low_high[0] if low_high else None,
                low_high[1] if low_high else None,
                first,
                latest,
                reliability,
                rci,
                note,
            )
        )
    return ProgressReport(
        cohort_code=access.code,
        cohort_name=access.cohort_name,
        handle=str(mine.iloc[0]["handle"]),
        instrument=inst,
        assessments=assessments,
        scales=tuple(scales),
        reference=reference,
        generated=datetime.now(timezone.utc),
    )


def _rci_cell(entry: ScaleProgress) -> tuple[str, str]:
    if entry.rci is None:
        return "–", entry.rci_note or ""
    return fmt_signed(entry.rci.index), entry.rci.verdict


def progress_html(report: ProgressReport) -> str:
    """The progress report as one self-contained HTML page (charts embedded)."""
    inst = report.instrument
    count = len(report.assessments)
    intro = paragraph(
        f"{count} assessment{'s' if count != 1 else ''} from {fmt_date(report.first.time)} to "
        f"{fmt_date(report.latest.time)}. Scores are a starting point for a conversation with "
        "the person, never a verdict about them."
    )
    warnings = "".join(paragraph(text, "note") for text in [inst.provisional_warning] if text)
    change_rows = []
    for entry in report.scales:
        index, meaning = _rci_cell(entry)
        change_rows.append(
            [
                entry.label,
                fmt(entry.first, trim=True),
                fmt(entry.latest, trim=True),
                fmt_signed(entry.change, trim=True),
                index,
                meaning,
            ]
        )
    change_table = table(
        ["Scale", "First", "Latest", "Change", "Reliable change index", "Meaning"],
        change_rows,
        numeric=(1, 2, 3, 4),
    )
    method = _method_notes(report)
    banded = inst.primary_band is not None
    per_assessment = table(
        ["Date", "Activity", *[s.label for s in report.scales], *(["Band"] if banded else [])],
        [
            [
                fmt_date(a.time),
                a.activity_id,
                *[fmt(a.scales[s.scale_id], trim=True) for s in report.scales],
                *([a.band or "–"] if banded else []),
            ]
            for a in report.assessments
        ],
        numeric=range(2, 2 + len(report.scales)),
    )
    timeline = (
        "".join(f"<figure>{chart.to_html()}</figure>" for chart in report.timeline_charts())
        if count > 1
        else ""
    )
    body = "".join(
        [
            intro,
            warnings,
            section(
                "Distance travelled",
                f"<figure>{report.chart().to_html()}</figure>",
                change_table,
                method,
            ),
            section("Every assessment", per_assessment, timeline),
            section(
                "About this instrument",
                paragraph(inst.citation, "quiet"),
                paragraph(inst.prompt_source, "quiet"),
            ),
        ]
    )
    return page(
        f"Progress on the {report.title}",
        body,
        subtitle=(
            f"Participant {report.handle}, cohort {report.cohort_name} ({report.cohort_code}). "
            f"Made for the cohort's trainer on {fmt_date(report.generated)}."
        ),
    )


def _method_notes(report: ProgressReport) -> str:
    used = [entry for entry in report.scales if entry.reliability is not None]
    if not used:
        return paragraph(
            "No scale of this instrument has a checked, published reliability, so no reliable "
            "change index is given: read the changes as they are.",
            "quiet",
        )
    parts = [
        paragraph(
            "The reliable change index (Jacobson & Truax 1991) divides the change by the spread "
            "expected from measurement error alone: SE = SD × √(1 − r), S_diff = √2 × SE, "
            "index = change ÷ S_diff. Beyond ±1.96, the change is larger than measurement error "
            "would usually explain.",
            "quiet",
        )
    ]
    rows = []
    for entry in used:
        reliability = entry.reliability
        assert reliability is not None
        sd = None if report.reference is None else report.reference.sd.get(entry.scale_id)
        size = None if report.reference is None else report.reference.size.get(entry.scale_id)
        rows.append(
            [
                entry.label,
                fmt(reliability.value),
                reliability.kind,
                fmt(sd),
                "–" if size is None else size,
                "–" if entry.rci is None else fmt(entry.rci.s_diff),
            ]
        )
    parts.append(
        table(
            ["Scale", "Reliability (r)", "Kind", "Reference SD", "People", "S_diff"],
            rows,
            numeric=(1, 3, 4, 5),
        )
    )
    if report.reference is not None:
        parts.append(
            paragraph(f"Reference sample for the SD: {report.reference.description}.", "quiet")
        )
    sources = dict.fromkeys(entry.reliability.source for entry in used if entry.reliability)
    notes = dict.fromkeys(
        entry.reliability.note for entry in used if entry.reliability and entry.reliability.note
    )
    parts += [paragraph(f"Reliability source: {source}", "quiet") for source in sources]
    parts += [paragraph(note, "note") for note in notes if note]
    return "".join(parts)
