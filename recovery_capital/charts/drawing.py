"""Accessible matplotlib charts of scores: radar, bars, deciles, change over time, distribution.

Every function returns a :class:`Chart`: the matplotlib ``Figure`` plus ``alt_text``, a
plain-words description with the numbers for people using a screen reader. A chart renders
itself as PNG bytes, SVG text or an HTML ``<img>`` (``_repr_html_``), so a notebook cell or a
widget ``Output`` shows it directly.

Design choices that matter to callers:

* matplotlib is imported only when a chart is drawn, so ``import recovery_capital`` stays light.
* Figures are built with the object-oriented API on an explicit Agg canvas, never through
  ``pyplot``: nothing is registered in pyplot's global figure list, so nothing has to be closed
  and thousands of charts in a long-running trainer dashboard do not pile up. The user's own
  pyplot backend (e.g. inline) is left untouched and no chart is shown twice.
* Colours come from the Okabe-Ito palette (distinguishable with the common colour-vision
  differences), and series also differ by marker and line style. No text is smaller than 10pt.
* Labels are drawn literally: a ``$`` in a label is a dollar sign, not the start of mathtext.
* Missing values (``None`` or NaN) are drawn as gaps or marked "no score", and the alt text says
  which ones are missing. A value outside ``vmin``-``vmax`` raises
  :class:`~recovery_capital.core.errors.InvalidResponse` rather than being clipped.

>>> chart = bars({"Consumption": 6, "Dependence": 2, "Harm": 4}, vmin=0, vmax=12,
...              title="AUDIT subscales")
>>> chart.alt_text
'Bar chart: AUDIT subscales. Scale 0 to 12. Consumption 6, Dependence 2, Harm 4.'
>>> chart.to_png_bytes()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import base64
import html
import io
import logging
import math
import numbers
import sys
import textwrap
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..core.errors import InvalidResponse

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["Chart", "radar", "bars", "deciles", "change_over_time", "distribution", "PALETTE"]

#: Okabe-Ito colours, in the order series use them (blue and vermillion first: they stay
#: apart for every common colour-vision difference and in greyscale).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
_LINESTYLES = ("-", "--", "-.", ":")
_GREY = "#595959"  # 7:1 contrast on white, for reference lines and notes

_STYLE = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "recovery-capital",  # stable SVG ids, so the same chart gives the same SVG
}

_DECILE_BANDS = (  # (first decile, last decile, label), from the SOCRATES norms tables
    (10, 10, "very low"),
    (20, 30, "low"),
    (40, 60, "medium"),
    (70, 80, "high"),
    (90, 90, "very high"),
)

_PNG_DPI = 110


@dataclass(frozen=True, eq=False)
class Chart:
    """A drawn figure and its plain-words description.

    >>> chart = distribution([40, 44, 47, 51], vmin=10, vmax=60, title="BARC-10 totals")
    >>> chart.to_html().startswith('<img class="rc-chart" src="data:image/png;base64,')
    True
    >>> "median 45.5" in chart.alt_text
    True
    """

    figure: Figure
    alt_text: str

    def to_png_bytes(self, *, dpi: int = _PNG_DPI) -> bytes:
        """The chart as a PNG image.

        >>> radar({"a": 1, "b": 2, "c": 3}, vmin=0, vmax=5, title="t").to_png_bytes()[1:4]
        b'PNG'
        """
        buffer = io.BytesIO()
        with _style():
            self.figure.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        return buffer.getvalue()

    def to_svg(self) -> str:
        """The chart as SVG text (text drawn as outlines, so it looks the same everywhere).

        >>> radar({"a": 1, "b": 2, "c": 3}, vmin=0, vmax=5, title="t").to_svg()[:5]
        '<?xml'
        """
        buffer = io.StringIO()
        with _style():
            self.figure.savefig(buffer, format="svg", dpi=_PNG_DPI, metadata={"Date": None})
        return buffer.getvalue()

    def to_html(self) -> str:
        """An ``<img>`` holding the PNG inline, with the alt text escaped for an attribute.

        >>> chart = bars({"<b>": 1}, vmin=0, vmax=2, title="t")
        >>> "&lt;b&gt;" in chart.to_html() and "<b>" not in chart.to_html()
        True
        """
        encoded = base64.b64encode(self.to_png_bytes()).decode("ascii")
        alt = html.escape(self.alt_text, quote=True)
        return (
            f'<img class="rc-chart" src="data:image/png;base64,{encoded}" alt="{alt}" '
            'style="max-width:100%;height:auto">'
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def radar(
    values: Mapping[str, float | None],
    *,
    labels: Mapping[str, str] | None = None,
    vmin: float,
    vmax: float,
    title: str,
    compare: Mapping[str, float | None] | None = None,
    label: str = "This rating",
    compare_label: str = "Comparison",
) -> Chart:
    """A radar (spider) chart: one spoke per item, e.g. BARC-10's ten recovery-capital domains.

    Parameters
    ----------
    values
        Spoke key -> value, in the order the spokes go round (clockwise from the top). At least
        three spokes. ``None`` or NaN is drawn as a gap in the outline.
    labels
        Optional spoke key -> label shown at the end of the spoke (default: the key).
    vmin, vmax
        The scale; the centre of the chart is ``vmin``.
    title
        Shown above the chart and at the start of the alt text.
    compare
        Optional second outline over the same spokes (a reference rating, a first rating
        against the latest, a cohort mean), drawn dashed in a second colour.
    label, compare_label
        Legend names of the two outlines.

    Examples
    --------
    >>> domains = ["Substance use", "Psychological health", "Physical health",
    ...            "Citizenship", "Social support", "Meaningful activities", "Housing",
    ...            "Risk taking", "Coping", "Recovery experience"]
    >>> answers = dict(zip(domains, [5, 4, 4, 3, 5, 4, None, 3, 4, 5]))
    >>> chart = radar(answers, vmin=1, vmax=6, title="BARC-10 by domain")
    >>> len(chart.figure.axes[0].get_xticklabels())
    10
    >>> "Not answered: Housing (shown as a gap)." in chart.alt_text
    True
    """
    keys = list(values)
    if len(keys) < 3:
        raise InvalidResponse("values", dict(values), "at least 3 spokes for a radar chart")
    _check_range(vmin, vmax)
    names = _labels_for(keys, labels)
    main = _clean_values(values, vmin, vmax)
    other = _clean_compare(compare, keys, vmin, vmax) if compare is not None else None

    with _style():
        figure = _new_figure(7.2, 7.0 if other is None else 7.6)
        axes = figure.add_subplot(projection="polar")
        angles = [2 * math.pi * index / len(keys) for index in range(len(keys))]
        axes.set_theta_offset(math.pi / 2)
        axes.set_theta_direction(-1)
        axes.set_ylim(vmin, vmax)
        axes.set_yticks(_nice_ticks(vmin, vmax))
        axes.set_rlabel_position(180 / len(keys))
        axes.tick_params(axis="y", labelcolor=_GREY)
        spoke_labels = [
            _wrap(names[key], 16) + ("\n(no answer)" if main[key] is None else "") for key in keys
        ]
        axes.set_xticks(angles, spoke_labels)
        axes.tick_params(axis="x", pad=14)
        _draw_outline(axes, angles, [main[key] for key in keys], 0, label)
        if other is not None:
            _draw_outline(axes, angles, [other[key] for key in keys], 1, compare_label)
            axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2, frameon=False)
        axes.set_title(_wrap(title, 60), pad=28)

    parts = [
        f"Radar chart: {title}.",
        f"{len(keys)} areas, each on a scale from {_fmt(vmin)} to {_fmt(vmax)}.",
        f"{label}: {_list_values(keys, names, main)}.",
    ]
    if other is not None:
        parts.append(f"{compare_label}: {_list_values(keys, names, other)}.")
    whose = f" in {label}" if other is not None else ""
    parts += _missing_notes(keys, names, main, f"Not answered{whose}", "a gap")
    if other is not None:
        parts += _missing_notes(keys, names, other, f"Not answered in {compare_label}", "a gap")
    return Chart(_laid_out(figure), " ".join(parts))


def bars(
    values: Mapping[str, float | None],
    *,
    vmin: float,
    vmax: float,
    title: str,
    reference_lines: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    value_label: str = "Score",
    secondary: Mapping[str, float | None] | None = None,
    secondary_range: tuple[float, float] | None = None,
    secondary_label: str = "Score",
) -> Chart:
    """A bar chart of scores on one scale, with optional labelled reference lines.

    Parameters
    ----------
    values
        Bar key -> value, in display order; ``None`` or NaN shows "no score".
    vmin, vmax
        The value axis. Bars grow from 0 when 0 is inside the scale, else from ``vmin``.
    reference_lines
        Optional label -> value, drawn as labelled dashed lines (e.g. AUDIT zone starts).
    labels
        Optional bar key -> label (default: the key).
    value_label
        Name of the value axis.
    secondary, secondary_range, secondary_label
        Bars on a different scale, drawn in their own panel on the right with their own axis,
        e.g. URICA readiness (-2 to 14) beside the four stage means (1 to 5).

    Examples
    --------
    >>> stages = {"Precontemplation": 1.6, "Contemplation": 4.1, "Action": 3.7,
    ...           "Maintenance": 2.9}
    >>> chart = bars(stages, vmin=1, vmax=5, title="URICA", value_label="Mean (1-5)",
    ...              secondary={"Readiness": 9.1}, secondary_range=(-2, 14))
    >>> len(chart.figure.axes)
    2
    >>> chart.alt_text.endswith("On its own scale from -2 to 14: Readiness 9.1.")
    True
    """
    if not values:
        raise InvalidResponse("values", dict(values), "at least one bar")
    _check_range(vmin, vmax)
    keys = list(values)
    names = _labels_for(keys, labels)
    main = _clean_values(values, vmin, vmax)
    lines = _clean_reference_lines(reference_lines or {}, vmin, vmax)
    second: dict[str, float | None] | None = None
    if secondary is not None:
        if not isinstance(secondary_range, (tuple, list)) or len(secondary_range) != 2:
            raise InvalidResponse(
                "secondary_range", secondary_range, "(low, high) for the secondary bars"
            )
        _check_range(*secondary_range)
        second = _clean_values(secondary, *secondary_range)
        second_names = _labels_for(list(second), None)

    with _style():
        width = max(5.5, 1.1 * len(keys) + 2.5) + (1.1 * len(second) + 1.5 if second else 0)
        figure = _new_figure(min(width, 13.0), 5.0)
        if second:
            grid = figure.add_gridspec(1, 2, width_ratios=[len(keys), max(len(second), 1)])
            axes = figure.add_subplot(grid[0])
            extra_axes = figure.add_subplot(grid[1])
        else:
            axes = figure.add_subplot()
        _draw_bars(axes, keys, names, main, vmin, vmax, PALETTE[0], value_label)
        _draw_reference_lines(axes, lines)
        if second:
            _draw_bars(
                extra_axes,
                list(second),
                second_names,
                second,
                *secondary_range,
                PALETTE[1],
                secondary_label,
            )
        figure.suptitle(_wrap(title, 70), fontsize=13, fontweight="bold")

    parts = [
        f"Bar chart: {title}.",
        f"Scale {_fmt(vmin)} to {_fmt(vmax)}.",
        f"{_list_values(keys, names, main, 'no score')}.",
    ]
    if lines:
        shown = ", ".join(f"{name} at {_fmt(value)}" for name, value in lines.items())
        parts.append(f"Reference lines: {shown}.")
    parts += _missing_notes(keys, names, main, "No score for", '"no score"')
    if second:
        low, high = secondary_range
        second_keys = list(second)
        parts.append(
            f"On its own scale from {_fmt(low)} to {_fmt(high)}: "
            f"{_list_values(second_keys, second_names, second, 'no score')}."
        )
        parts += _missing_notes(second_keys, second_names, second, "No score for", '"no score"')
    return Chart(_laid_out(figure), " ".join(parts))


def deciles(
    scales: Mapping[str, float | None],
    decile_of: Mapping[str, int | None],
    *,
    title: str,
    labels: Mapping[str, str] | None = None,
) -> Chart:
    """Each scale's score placed on its norm decile (10-90), over the named decile bands.

    Made for SOCRATES (Miller & Tonigan 1996): the bands are very low (10), low (20-30),
    medium (40-60), high (70-80) and very high (90). A scale with no decile (no score, or a
    score outside the norms table) is marked "no decile" and named in the alt text.

    Examples
    --------
    >>> chart = deciles(
    ...     {"recognition": 31, "ambivalence": 12, "taking_steps": 24},
    ...     {"recognition": 40, "ambivalence": 30, "taking_steps": 10},
    ...     title="SOCRATES 8A",
    ... )
    >>> print(chart.alt_text)  # doctest: +NORMALIZE_WHITESPACE
    Decile chart: SOCRATES 8A. Each score placed on its decile (10 to 90) in the norms.
    Recognition: score 31, decile 40 (medium). Ambivalence: score 12, decile 30 (low).
    Taking steps: score 24, decile 10 (very low).
    """
    if not scales:
        raise InvalidResponse("scales", dict(scales), "at least one scale")
    unknown = [key for key in decile_of if key not in scales]
    if unknown:
        raise InvalidResponse(unknown[0], decile_of[unknown[0]], "a decile for a scale in scales")
    keys = list(scales)
    names = _labels_for(keys, labels)
    scores = _clean_values(scales, -math.inf, math.inf)
    places = {key: _clean_decile(key, decile_of.get(key)) for key in keys}

    with _style():
        figure = _new_figure(8.0, 1.9 + 0.8 * len(keys))
        axes = figure.add_subplot()
        axes.set_xlim(5, 95)
        axes.set_ylim(len(keys) - 0.4, -0.9)
        for index, (first, last, band) in enumerate(_DECILE_BANDS):
            axes.axvspan(
                first - 5,
                last + 5,
                facecolor=PALETTE[5],
                alpha=0.1 + 0.08 * index,
                edgecolor="white",
                linewidth=2,
            )
            axes.text((first + last) / 2, -0.7, band, ha="center", va="center", fontsize=10)
        axes.set_xticks(range(10, 100, 10))
        axes.set_xlabel("Decile in the norms")
        axes.set_yticks(range(len(keys)), [_wrap(names[key], 18) for key in keys])
        axes.spines["left"].set_visible(False)
        axes.tick_params(axis="y", length=0)
        for row, key in enumerate(keys):
            place = places[key]
            if place is None:
                axes.text(8, row, "no decile", va="center", color=_GREY, style="italic")
                continue
            axes.plot([place], [row], marker="o", markersize=11, color=PALETTE[0], zorder=3)
            axes.annotate(
                "no score" if scores[key] is None else f"score {_fmt(scores[key])}",
                xy=(place, row),
                xytext=(0, 11),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=10,
            )
        axes.set_title(_wrap(title, 70))

    parts = [f"Decile chart: {title}.", "Each score placed on its decile (10 to 90) in the norms."]
    for key in keys:
        score = "no score" if scores[key] is None else f"score {_fmt(scores[key])}"
        place = places[key]
        where = "no decile" if place is None else f"decile {place} ({_decile_band(place)})"
        parts.append(f"{names[key]}: {score}, {where}.")
    return Chart(_laid_out(figure), " ".join(parts))


def change_over_time(
    series: Mapping[str, Sequence[tuple[datetime | date | str, float | None]]],
    *,
    title: str,
    vmin: float,
    vmax: float,
    value_label: str = "Score",
) -> Chart:
    """Lines of scores over time, one per series (e.g. a trainee's BARC-10 total, URICA stages).

    Each series is a list of ``(when, value)``; ``when`` is a ``datetime``, a ``date`` or an
    ISO 8601 string ("2027-03-01" or "2027-03-01T14:05"). Points are sorted by time; a ``None``
    value is left out and named in the alt text. The alt text gives each value with its date
    and the change from first to latest.

    Examples
    --------
    >>> chart = change_over_time(
    ...     {"BARC-10 total": [("2027-03-01", 38), ("2027-04-15", 44)]},
    ...     title="Recovery capital", vmin=10, vmax=60,
    ... )
    >>> print(chart.alt_text)  # doctest: +NORMALIZE_WHITESPACE
    Line chart: Recovery capital. Scale 10 to 60. BARC-10 total: 38 on 1 Mar 2027,
    44 on 15 Apr 2027; up 6 from first to latest.
    """
    _check_range(vmin, vmax)
    cleaned = {name: _clean_series(name, points, vmin, vmax) for name, points in series.items()}

    with _style():
        figure = _new_figure(8.0, 4.8)
        axes = figure.add_subplot()
        axes.set_ylim(vmin, vmax)
        axes.set_ylabel(value_label)
        axes.set_title(_wrap(title, 70))
        drawn = 0
        for index, (name, (points, _)) in enumerate(cleaned.items()):
            if not points:
                continue
            drawn += 1
            axes.plot(
                [when for when, _ in points],
                [value for _, value in points],
                color=PALETTE[index % len(PALETTE)],
                marker=_MARKERS[index % len(_MARKERS)],
                linestyle=_LINESTYLES[index % len(_LINESTYLES)],
                linewidth=2,
                markersize=7,
                label=name,
            )
        if drawn:
            _date_axis(axes, [when for points, _ in cleaned.values() for when, _ in points])
            if len(cleaned) > 1:
                axes.legend(frameon=False, loc="best")
            axes.grid(axis="y", alpha=0.3)
        else:
            _no_data(axes, "No scores yet")

    parts = [f"Line chart: {title}.", f"Scale {_fmt(vmin)} to {_fmt(vmax)}."]
    if not any(points for points, _ in cleaned.values()):
        parts.append("No scores yet.")
    moments = [when for points, _ in cleaned.values() for when, _ in points]
    with_time = len({moment.date() for moment in moments}) < len(moments)
    for name, (points, left_out) in cleaned.items():
        if points:
            parts.append(f"{name}: {_describe_series(points, with_time)}.")
        if left_out:
            count = f"{left_out} missing value{'s' if left_out != 1 else ''}"
            parts.append(f"{name}: {count} left out.")
    return Chart(_laid_out(figure), " ".join(parts))


def distribution(
    values: Sequence[float | None],
    *,
    vmin: float,
    vmax: float,
    title: str,
    value_label: str = "Score",
) -> Chart:
    """A histogram of a cohort's scores, with the median marked.

    Whole-number scores on a short scale (41 points or fewer) get one bar per score; otherwise
    ten equal bins span ``vmin``-``vmax``. Missing scores are left out and counted in the alt
    text; an empty list draws "No scores yet" instead of failing.

    Examples
    --------
    >>> chart = distribution([3, 5, 5, 6, None], vmin=0, vmax=10, title="Importance ruler")
    >>> print(chart.alt_text)  # doctest: +NORMALIZE_WHITESPACE
    Histogram: Importance ruler. 4 scores on a scale from 0 to 10: lowest 3, median 5,
    highest 6, mean 4.75. Number of people per score: 3: 1, 5: 2, 6: 1.
    1 missing score left out.
    """
    _check_range(vmin, vmax)
    present: list[float] = []
    missing = 0
    for index, value in enumerate(values):
        number = _clean_value(f"values[{index}]", value, vmin, vmax)
        if number is None:
            missing += 1
        else:
            present.append(number)
    edges, bin_names, per_score = _bins(present, vmin, vmax)
    counts = [0] * len(bin_names)
    for number in present:
        counts[_bin_index(number, edges)] += 1

    with _style():
        figure = _new_figure(7.5, 4.6)
        axes = figure.add_subplot()
        axes.set_title(_wrap(title, 70))
        axes.set_xlabel(value_label)
        axes.set_ylabel("Number of people")
        axes.set_xlim(edges[0], edges[-1])
        if per_score:
            axes.set_xticks(_nice_ticks(vmin, vmax))
        if present:
            widths = [high - low for low, high in zip(edges, edges[1:], strict=False)]
            drawn = axes.bar(
                edges[:-1],
                counts,
                width=widths,
                align="edge",
                color=PALETTE[0],
                edgecolor="white",
                linewidth=1.5,
            )
            axes.bar_label(drawn, labels=[str(c) if c else "" for c in counts], fontsize=10)
            middle = _median(present)
            axes.axvline(middle, color=PALETTE[1], linestyle="--", linewidth=2)
            axes.annotate(
                f"median {_fmt(middle)}",
                xy=(middle, 1),
                xycoords=("data", "axes fraction"),
                xytext=(4, -4),
                textcoords="offset points",
                va="top",
                color=PALETTE[1],
                fontsize=10,
            )
            axes.set_ylim(0, max(counts) * 1.15 + 0.5)
            axes.yaxis.get_major_locator().set_params(integer=True)
        else:
            _no_data(axes, "No scores yet")

    parts = [f"Histogram: {title}."]
    if present:
        parts.append(
            f"{len(present)} score{'s' if len(present) != 1 else ''} on a scale from "
            f"{_fmt(vmin)} to {_fmt(vmax)}: lowest {_fmt(min(present))}, "
            f"median {_fmt(_median(present))}, highest {_fmt(max(present))}, "
            f"mean {_fmt(sum(present) / len(present))}."
        )
        shown = ", ".join(
            f"{name}: {count}" for name, count in zip(bin_names, counts, strict=True) if count
        )
        per = "score" if per_score else "range"
        parts.append(f"Number of people per {per}: {shown}.")
    else:
        parts.append("No scores yet.")
    if missing:
        parts.append(f"{missing} missing score{'s' if missing != 1 else ''} left out.")
    return Chart(_laid_out(figure), " ".join(parts))


# --- drawing helpers ------------------------------------------------------------------------


# matplotlib's settings are global: one chart is drawn at a time, even when a preheated
# kernel's warm-up thread (see warm_up_in_background) is still drawing.
_DRAWING = threading.RLock()
_WARMING: threading.Thread | None = None


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    with _DRAWING, matplotlib.rc_context(_STYLE):
        yield


def warm_up() -> None:
    """Import matplotlib and draw one small chart, so that the next chart is quick.

    The first chart in a process costs most of a second (imports, fonts); a preheated kernel
    pays it while it waits for its trainee instead of when the trainee submits.

    >>> warm_up()
    """
    radar({"a": 1, "b": 2, "c": 3}, vmin=0, vmax=5, title="warm-up").to_png_bytes()


def warm_up_in_background() -> None:
    """Run :func:`warm_up` once per process on a background thread (a failure is only logged)."""
    global _WARMING
    if _WARMING is not None:
        return

    def run() -> None:
        try:
            warm_up()
        except Exception:  # a cold first chart is slower, never broken
            logging.getLogger(__name__).warning("chart warm-up failed", exc_info=True)

    _WARMING = threading.Thread(target=run, name="rc-chart-warm-up", daemon=True)
    _WARMING.start()


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)  # explicit non-interactive canvas; see the module docstring
    return figure


def _laid_out(figure: Figure) -> Figure:
    """Run the constrained layout once, then keep it.

    Polar tick labels move as the axes resize, so re-running the layout on every render drifts
    by a fraction of a pixel; a frozen layout makes every PNG and SVG of a chart identical.
    """
    with _style():
        figure.draw_without_rendering()
    figure.set_layout_engine("none")
    return figure


def _draw_outline(
    axes: Axes, angles: list[float], values: list[float | None], index: int, name: str
) -> None:
    """One closed radar outline; NaN breaks the line, so a missing spoke is a visible gap."""
    radii = [math.nan if value is None else value for value in values]
    colour = PALETTE[index]
    axes.plot(
        angles + angles[:1],
        radii + radii[:1],
        color=colour,
        linewidth=2.2,
        linestyle=_LINESTYLES[index],
        marker=_MARKERS[index],
        markersize=7,
        label=name,
        zorder=3,
    )
    if all(value is not None for value in values):
        axes.fill(angles, radii, color=colour, alpha=0.12 if index == 0 else 0.06)


def _draw_bars(
    axes: Axes,
    keys: list[str],
    names: Mapping[str, str],
    values: Mapping[str, float | None],
    vmin: float,
    vmax: float,
    colour: str,
    value_label: str,
) -> None:
    base = 0.0 if vmin <= 0 <= vmax else vmin
    positions = range(len(keys))
    heights = [0.0 if values[key] is None else values[key] - base for key in keys]
    axes.bar(positions, heights, bottom=base, color=colour, width=0.65, zorder=2)
    axes.set_ylim(vmin, vmax)
    axes.set_ylabel(value_label)
    axes.set_xticks(positions, [_wrap(names[key], 14) for key in keys])
    axes.grid(axis="y", alpha=0.3, zorder=0)
    if base != vmin:
        axes.axhline(base, color="black", linewidth=0.8)
    for position, key in zip(positions, keys, strict=True):
        value = values[key]
        text = "no score" if value is None else _fmt(value)
        below = value is not None and value < base
        axes.annotate(
            text,
            xy=(position, base if value is None else value),
            xytext=(0, -4 if below else 4),
            textcoords="offset points",
            ha="center",
            va="top" if below else "bottom",
            fontsize=10,
            color=_GREY if value is None else "black",
            style="italic" if value is None else "normal",
        )


def _draw_reference_lines(axes: Axes, lines: Mapping[str, float]) -> None:
    for index, (name, value) in enumerate(lines.items()):
        style = _LINESTYLES[1 + index % 3]
        axes.axhline(value, color=_GREY, linewidth=1.2, linestyle=style, zorder=1)
        axes.annotate(
            f"{name} ({_fmt(value)})",
            xy=(1, value),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            color=_GREY,
            fontsize=10,
        )


def _nice_ticks(vmin: float, vmax: float) -> list[float]:
    """Every whole number on a short whole-number scale, else about six round steps."""
    if float(vmin).is_integer() and float(vmax).is_integer() and vmax - vmin <= 10:
        return list(range(int(vmin), int(vmax) + 1))
    from matplotlib.ticker import MaxNLocator

    return [tick for tick in MaxNLocator(6).tick_values(vmin, vmax) if vmin <= tick <= vmax]


def _date_axis(axes: Axes, moments: list[datetime]) -> None:
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    if len(set(moments)) == 1:  # one moment: show the days around it, not several years
        axes.set_xlim(moments[0] - timedelta(days=3), moments[0] + timedelta(days=3))

    locator = AutoDateLocator(minticks=2, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _no_data(axes: Axes, message: str) -> None:
    axes.text(0.5, 0.5, message, transform=axes.transAxes, ha="center", va="center", color=_GREY)
    axes.set_xticks([])


# --- input checking -------------------------------------------------------------------------


def _check_range(vmin: float, vmax: float) -> None:
    for name, bound in (("vmin", vmin), ("vmax", vmax)):
        if isinstance(bound, bool) or not isinstance(bound, numbers.Real):
            raise InvalidResponse(name, bound, "a number")
        if not math.isfinite(bound):
            raise InvalidResponse(name, bound, "a finite number")
    if vmin >= vmax:
        raise InvalidResponse("vmax", vmax, f"a number greater than vmin ({_fmt(vmin)})")


def _clean_value(field: str, value: object, vmin: float, vmax: float) -> float | None:
    """The value as a float, ``None`` when missing; out of range or not a number raises."""
    if value is None or _is_pandas_missing(value):
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isnan(number):
            return None
        if vmin <= number <= vmax:
            return number
    allowed = "a number, or None when missing"
    if math.isfinite(vmin) and math.isfinite(vmax):
        allowed = f"a number from {_fmt(vmin)} to {_fmt(vmax)}, or None when missing"
    raise InvalidResponse(field, value, allowed)


def _is_pandas_missing(value: object) -> bool:
    pandas = sys.modules.get("pandas")  # only loaded if the caller uses it; never imported here
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)


def _clean_values(
    values: Mapping[str, object], vmin: float, vmax: float
) -> dict[str, float | None]:
    return {str(key): _clean_value(str(key), value, vmin, vmax) for key, value in values.items()}


def _clean_compare(
    compare: Mapping[str, object], keys: list[str], vmin: float, vmax: float
) -> dict[str, float | None]:
    unknown = [key for key in compare if key not in keys]
    if unknown:
        raise InvalidResponse(unknown[0], compare[unknown[0]], "a spoke that is also in values")
    cleaned = _clean_values(compare, vmin, vmax)
    return {key: cleaned.get(key) for key in keys}


def _clean_reference_lines(
    lines: Mapping[str, object], vmin: float, vmax: float
) -> dict[str, float]:
    cleaned = {}
    for name, value in lines.items():
        number = _clean_value(str(name), value, vmin, vmax)
        if number is None:
            raise InvalidResponse(str(name), value, f"a number from {_fmt(vmin)} to {_fmt(vmax)}")
        cleaned[str(name)] = number
    return cleaned


def _clean_decile(key: str, decile: object) -> int | None:
    if decile is None or _is_pandas_missing(decile):
        return None
    if isinstance(decile, numbers.Real) and not isinstance(decile, bool):
        if isinstance(decile, float) and math.isnan(decile):
            return None
        if decile in range(10, 100, 10):
            return int(decile)
    raise InvalidResponse(key, decile, "a decile 10, 20, ... 90, or None")


def _clean_series(
    name: str, points: Sequence[tuple[object, object]], vmin: float, vmax: float
) -> tuple[list[tuple[datetime, float]], int]:
    """Sorted (time, value) points and how many were left out as missing."""
    kept: list[tuple[datetime, float]] = []
    left_out = 0
    for index, point in enumerate(points):
        if not isinstance(point, (tuple, list)) or len(point) != 2:
            raise InvalidResponse(f"{name}[{index}]", point, "a (date, value) pair")
        when = _as_datetime(f"{name}[{index}]", point[0])
        value = _clean_value(f"{name}[{index}]", point[1], vmin, vmax)
        if value is None:
            left_out += 1
        else:
            kept.append((when, value))
    kept.sort(key=lambda pair: pair[0])
    return kept, left_out


def _as_datetime(field: str, when: object) -> datetime:
    if isinstance(when, str):
        with suppress(ValueError):
            when = datetime.fromisoformat(when.strip())
    if isinstance(when, datetime):
        # aware times (e.g. UTC from the store) are shown in this machine's local time, and
        # made naive so they sort and plot together with naive ones
        return when if when.tzinfo is None else when.astimezone().replace(tzinfo=None)
    if isinstance(when, date):
        return datetime(when.year, when.month, when.day)
    raise InvalidResponse(field, when, "a date, a datetime or an ISO date such as 2027-03-01")


# --- words and numbers ----------------------------------------------------------------------


def _fmt(value: float) -> str:
    """A number as a person would write it: 5, 4.5, 3.33 (two decimals at most)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _wrap(text: str, width: int) -> str:
    lines = textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=True)
    return "\n".join(lines) or str(text)


def _labels_for(keys: list[str], labels: Mapping[str, str] | None) -> dict[str, str]:
    labels = labels or {}
    unknown = [key for key in labels if key not in keys]
    if unknown:
        raise InvalidResponse(unknown[0], labels[unknown[0]], "a label for a key in values")
    return {key: str(labels.get(key, _humanise(key))) for key in keys}


def _humanise(key: str) -> str:
    """``taking_steps`` -> ``Taking steps``; keys that already read as words are kept."""
    if key.isidentifier() and key == key.lower():
        text = key.replace("_", " ")
        return text[:1].upper() + text[1:]
    return key


def _list_values(
    keys: list[str], names: Mapping[str, str], values: Mapping, missing: str = "not answered"
) -> str:
    return ", ".join(
        f"{names[key]} {missing if values[key] is None else _fmt(values[key])}" for key in keys
    )


def _missing_notes(
    keys: list[str], names: Mapping[str, str], values: Mapping, prefix: str, drawn_as: str
) -> list[str]:
    missing = [names[key] for key in keys if values[key] is None]
    if not missing:
        return []
    return [f"{prefix}: {', '.join(missing)} (shown as {drawn_as})."]


def _decile_band(decile: int) -> str:
    return next(label for first, last, label in _DECILE_BANDS if first <= decile <= last)


def _describe_series(points: list[tuple[datetime, float]], with_time: bool) -> str:
    """Each value with its date (and time when two points share a day), then the change."""
    shown = points if len(points) <= 12 else points[:1] + points[-1:]
    text = ", ".join(f"{_fmt(value)} on {_when(when, with_time)}" for when, value in shown)
    if len(points) > 12:
        values = [value for _, value in points]
        text += f" ({len(points)} points; lowest {_fmt(min(values))}, highest {_fmt(max(values))})"
    if len(points) > 1:
        change = points[-1][1] - points[0][1]
        if change:
            direction = "up" if change > 0 else "down"
            text += f"; {direction} {_fmt(abs(change))} from first to latest"
        else:
            text += "; no change from first to latest"
    return text


def _when(moment: datetime, with_time: bool) -> str:
    day = f"{moment.day} {moment:%b %Y}"
    return f"{day} {moment:%H:%M}" if with_time else day


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _bins(values: list[float], vmin: float, vmax: float) -> tuple[list[float], list[str], bool]:
    """Bin edges, a name for each bin, and whether there is one bin per whole score."""
    whole_scale = float(vmin).is_integer() and float(vmax).is_integer() and vmax - vmin <= 40
    if whole_scale and all(value.is_integer() for value in values):
        scores = range(int(vmin), int(vmax) + 1)
        edges = [score - 0.5 for score in scores] + [vmax + 0.5]
        return edges, [str(score) for score in scores], True
    step = (vmax - vmin) / 10
    edges = [vmin + step * index for index in range(10)] + [vmax]
    pairs = list(zip(edges, edges[1:], strict=False))
    if float(step).is_integer() and all(value.is_integer() for value in values):
        names = [f"{_fmt(low)} to {_fmt(high - 1)}" for low, high in pairs[:-1]]
        return edges, [*names, f"{_fmt(pairs[-1][0])} to {_fmt(vmax)}"], False
    names = [f"{_fmt(low)} to under {_fmt(high)}" for low, high in pairs[:-1]]
    return edges, [*names, f"{_fmt(pairs[-1][0])} to {_fmt(vmax)}"], False


def _bin_index(value: float, edges: list[float]) -> int:
    """The bin holding ``value``; the last bin includes its upper edge."""
    for index in range(len(edges) - 1):
        if value < edges[index + 1]:
            return index
    return len(edges) - 2
