"""Questionnaire results in words and a chart: what a trainee sees after submitting.

Every result says what the score is, which band or stage it falls in and what that means in
plain words (the definition's own band description when it has one), carries the instrument's
cautions (provisional rules, missing answers, flags), and reminds the reader that scores open a
conversation with a person rather than pass a verdict on them.

The chart is the one the definition names (its ``chart``: a radar of the items' domains for
BARC-10, stage means beside the readiness score for URICA, norm deciles for SOCRATES), otherwise
a bar chart of the scales; no instrument is named in this module.

>>> import recovery_capital as rc
>>> inst = rc.load_instrument("barc10")
>>> html = result_html(inst, rc.score(inst, [5] * 7 + [4] * 3))
>>> 'class="rc-score"' in html and "47" in html and "conversation" in html
True
>>> pick_chart(inst, rc.score(inst, [5] * 10)).alt_text.startswith("Radar chart")
True
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .html import Safe, element, join

if TYPE_CHECKING:  # pragma: no cover
    from ..charts.drawing import Chart
    from ..scoring.definitions import Instrument, Scale
    from ..scoring.engine import ScoreResult

__all__ = [
    "CONVERSATION_NOTE",
    "comparison_html",
    "item_range",
    "pick_chart",
    "result_html",
    "scale_range",
]

CONVERSATION_NOTE = (
    "Scores are conversation starters, not verdicts. Talk a result through with the person: "
    "what fits, what doesn't, and what they would like to build on."
)


def _number(value: float | None) -> str:
    if value is None:
        return "not worked out"
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def item_range(inst: Instrument) -> tuple[float, float]:
    """Lowest and highest answer value over all the instrument's items.

    >>> import recovery_capital as rc
    >>> item_range(rc.load_instrument("barc10"))
    (1.0, 6.0)
    """
    return inst.item_range


def scale_range(inst: Instrument, scale: Scale) -> tuple[float, float] | None:
    """A scale's published range, else what its items allow; ``None`` for an unranged formula
    (the rule is :meth:`~recovery_capital.scoring.definitions.Instrument.scale_range`).

    >>> import recovery_capital as rc
    >>> inst = rc.load_instrument("urica")
    >>> scale_range(inst, inst.scale("action"))
    (1.0, 5.0)
    """
    return inst.scale_range(scale.id)


def _band_sentence(inst: Instrument, result: ScoreResult) -> str:
    if result.band_description:
        return result.band_description
    rule = inst.primary_band
    scale_id = getattr(rule, "scale", None)
    if scale_id is None or result.scales.get(scale_id) is None:
        return f"This result falls in the band: {result.band}."
    scale = inst.scale(scale_id)
    return (
        f"A {scale.label.lower()} of {_number(result.scales[scale_id])} falls in the band "
        f"“{result.band}” for the {inst.short_title or inst.title}."
    )


def _scale_rows(inst: Instrument, result: ScoreResult) -> Safe:
    rows = []
    for scale in inst.scales:
        value = result.scales.get(scale.id)
        extra = []
        decile = result.deciles.get(scale.id)
        if decile is not None:
            extra.append(f"decile {decile}")
        band = result.bands.get(f"{scale.id}_band")
        if band:
            extra.append(band)
        span = scale_range(inst, scale)
        out_of = f" (range {_number(span[0])} to {_number(span[1])})" if span else ""
        rows.append(
            element(
                "tr",
                element("th", scale.label, scope="row"),
                element("td", element("span", _number(value), cls="rc-score"), out_of),
                element("td", ", ".join(extra), cls="rc-band") if extra else element("td", ""),
            )
        )
    return element("table", element("tbody", rows), cls="rc-scales")


def result_html(inst: Instrument, result: ScoreResult, *, chart: Chart | None = None) -> Safe:
    """The whole result block: scales, band and meaning, flags, cautions, chart, source."""
    parts: list[object] = [element("h4", f"Your {inst.short_title or inst.title} result")]
    parts.append(_scale_rows(inst, result))
    if result.band:
        parts.append(element("p", "Band: ", element("span", result.band, cls="rc-band")))
        parts.append(element("p", _band_sentence(inst, result), cls="rc-meaning"))
    for flag in inst.flags:
        if result.flags.get(flag.id):
            parts.append(
                element("p", element("strong", flag.label), ": ", flag.message, cls="rc-warning")
            )
    if chart is not None:
        parts.append(element("div", Safe(chart.to_html()), cls="rc-chart-box"))
    parts += [element("p", warning, cls="rc-warning") for warning in result.warnings]
    parts.append(element("p", CONVERSATION_NOTE, cls="rc-note"))
    parts.append(
        element(
            "p",
            element("small", f"Source: {inst.citation} Item wording: {inst.prompt_source}"),
            cls="rc-source",
        )
    )
    return element("div", join(parts), cls="rc-result")


def pick_chart(inst: Instrument, result: ScoreResult) -> Chart | None:
    """The chart the definition asks for (:attr:`Instrument.chart_spec`), or ``None`` when
    there is nothing to draw.

    >>> import recovery_capital as rc
    >>> inst = rc.load_instrument("urica")
    >>> pick_chart(inst, rc.score(inst, [3] * 32)).alt_text.startswith("Bar chart")
    True
    """
    from ..charts import drawing as charts

    title = f"{inst.short_title or inst.title}"
    if all(result.scales.get(s.id) is None for s in inst.scales):
        return None
    spec = inst.chart_spec
    if spec.kind == "radar":
        low, high = inst.item_range
        spokes = {item.domain or item.id: result.answers.get(item.id) for item in inst.items}
        return charts.radar(
            spokes,
            vmin=low,
            vmax=high,
            title=f"{title}: {spec.title or 'answers by area'}",
            label="Answers",
        )
    if spec.kind == "deciles" and result.deciles:
        labels = {s.id: s.label for s in inst.scales}
        shown = {key: result.scales.get(key) for key in result.deciles}
        return charts.deciles(
            shown,
            result.deciles,
            title=f"{title}: {spec.title or 'scores against the norms'}",
            labels=labels,
        )
    chosen = (
        [inst.scale(s) for s in spec.scales]
        if spec.scales
        else [s for s in inst.scales if s.id != spec.secondary]
    )
    ranged = [(s, inst.scale_range(s.id)) for s in chosen]
    ranged = [(s, span) for s, span in ranged if span is not None]
    if not ranged:
        return None
    low = min(span[0] for _, span in ranged)
    high = max(span[1] for _, span in ranged)
    extra: dict[str, object] = {}
    if spec.secondary:
        secondary = inst.scale(spec.secondary)
        span = inst.scale_range(secondary.id)
        if span is not None:
            extra = {
                "secondary": {secondary.label: result.scales.get(secondary.id)},
                "secondary_range": span,
                "secondary_label": spec.secondary_label or secondary.label,
            }
    if spec.value_label:
        extra["value_label"] = spec.value_label
    return charts.bars(
        {s.label: result.scales.get(s.id) for s, _ in ranged},
        vmin=low,
        vmax=high,
        title=f"{title}: {spec.title or 'scores'}",
        **extra,  # type: ignore[arg-type]
    )


def comparison_html(
    inst: Instrument,
    earlier: Mapping[str, float | None],
    earlier_time: datetime,
    now: Mapping[str, float | None],
) -> Safe:
    """Earlier and current scale scores side by side, with a line chart of the change.

    >>> from datetime import datetime, timezone
    >>> import recovery_capital as rc
    >>> inst = rc.load_instrument("barc10")
    >>> html = comparison_html(inst, {"total": 38.0}, datetime(2027, 3, 1, tzinfo=timezone.utc),
    ...                        {"total": 44.0})
    >>> "38" in html and "+6" in html and "Line chart" in html
    True
    """
    from ..charts import drawing as charts

    rows = []
    series = {}
    moment = datetime.now(timezone.utc)
    for scale in inst.scales:
        before, after = earlier.get(scale.id), now.get(scale.id)
        change = "" if before is None or after is None else f"{after - before:+g}"
        rows.append(
            element(
                "tr",
                element("th", scale.label, scope="row"),
                element("td", _number(before)),
                element("td", _number(after), cls="rc-score"),
                element("td", change),
            )
        )
        if scale_range(inst, scale) is not None:
            series[scale.label] = [(earlier_time, before), (moment, after)]
    header = element(
        "tr", [element("th", text, scope="col") for text in ("Scale", "Before", "Now", "Change")]
    )
    parts: list[object] = [
        element("h4", "Then and now"),
        element("table", element("thead", header), element("tbody", rows), cls="rc-comparison"),
    ]
    spans = [scale_range(inst, s) for s in inst.scales]
    spans = [span for span in spans if span is not None]
    if series and spans:
        chart = charts.change_over_time(
            series,
            title=f"{inst.short_title or inst.title}: then and now",
            vmin=min(low for low, _ in spans),
            vmax=max(high for _, high in spans),
        )
        parts.append(element("div", Safe(chart.to_html()), cls="rc-chart-box"))
    return element("div", join(parts), cls=["rc-result", "rc-then-and-now"])
