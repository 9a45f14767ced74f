"""Report charts that the shared chart module does not draw: first and latest side by side.

:func:`first_latest_bars` draws one small panel per scale, each on its own scale range, with
the first and the latest score as two bars (the distance travelled); it suits instruments whose
scales have different ranges (SOCRATES) as well as one-scale instruments. It returns a
:class:`recovery_capital.charts.drawing.Chart`, so it renders as PNG, SVG or HTML like every chart.

>>> chart = first_latest_bars(
...     [("Recognition", 24, 31, 7, 35), ("Taking steps", 20, None, 8, 40)],
...     title="SOCRATES 8D", first_label="First (1 Mar)", latest_label="Latest (5 Apr)")
>>> print(chart.alt_text)  # doctest: +NORMALIZE_WHITESPACE
Bar chart: SOCRATES 8D. First (1 Mar) and Latest (5 Apr) side by side for each scale.
Recognition (7 to 35): 24 then 31, up 7. Taking steps (8 to 40): 20 then no score.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..charts.drawing import PALETTE, Chart
from ..core.errors import InvalidResponse

__all__ = ["first_latest_bars"]

_STYLE = {
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "text.parse_math": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "recovery-capital",
}


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _clean(label: str, value: float | None, low: float, high: float) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not low <= value <= high:
        raise InvalidResponse(label, value, f"a score from {_number(low)} to {_number(high)}")
    return float(value)


def _change_words(first: float | None, latest: float | None) -> str:
    if first is None or latest is None:
        return ""
    change = latest - first
    if change == 0:
        return ", no change"
    return f", {'up' if change > 0 else 'down'} {_number(abs(change))}"


def first_latest_bars(
    scales: Sequence[tuple[str, float | None, float | None, float, float]],
    *,
    title: str,
    first_label: str = "First",
    latest_label: str = "Latest",
    ticks: tuple[str, str] = ("First", "Latest"),
) -> Chart:
    """First and latest score per scale: ``(label, first, latest, low, high)`` for each.

    ``ticks`` names the two bars under each panel. A missing score (``None`` or NaN) is marked
    "no score"; a score outside its range raises
    :class:`~recovery_capital.core.errors.InvalidResponse` rather than being drawn off the chart.
    """
    if not scales:
        raise InvalidResponse("scales", [], "at least one scale")
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    cleaned = [
        (label, _clean(label, first, low, high), _clean(label, latest, low, high), low, high)
        for label, first, latest, low, high in scales
    ]
    with matplotlib.rc_context(_STYLE):
        columns = min(len(cleaned), 4)
        rows = math.ceil(len(cleaned) / columns)
        figure = Figure(figsize=(2.3 * columns + 1.2, 3.3 * rows + 0.9), layout="constrained")
        FigureCanvasAgg(figure)
        grid = figure.subplots(rows, columns, squeeze=False)
        for index, axes in enumerate(grid.flat):
            if index >= len(cleaned):
                axes.set_visible(False)
                continue
            label, first, latest, low, high = cleaned[index]
            base = 0 if low <= 0 <= high else low
            for position, (value, colour, hatch) in enumerate(
                ((first, PALETTE[5], ""), (latest, PALETTE[0], "//"))
            ):
                if value is None:
                    axes.text(
                        position,
                        base + (high - low) * 0.05,
                        "no score",
                        rotation=90,
                        ha="center",
                        va="bottom",
                        fontsize=10,
                        color="#595959",
                    )
                    continue
                axes.bar(
                    position,
                    value - base,
                    bottom=base,
                    width=0.7,
                    color=colour,
                    hatch=hatch,
                    edgecolor="white" if not hatch else "#003f63",
                )
                axes.annotate(
                    _number(value),
                    xy=(position, value),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=10,
                )
            axes.set_xlim(-0.6, 1.6)
            axes.set_ylim(low, high + (high - low) * 0.12)
            axes.set_xticks([0, 1], list(ticks))
            axes.set_title(label if len(label) <= 22 else label[:21] + "…")
        handles = [
            matplotlib.patches.Patch(facecolor=PALETTE[5], label=first_label),
            matplotlib.patches.Patch(
                facecolor=PALETTE[0], hatch="//", edgecolor="#003f63", label=latest_label
            ),
        ]
        figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
        figure.suptitle(title, fontsize=13, fontweight="bold")
        figure.draw_without_rendering()
        figure.set_layout_engine("none")

    parts = [
        f"Bar chart: {title}.",
        f"{first_label} and {latest_label} side by side for each scale.",
    ]
    for label, first, latest, low, high in cleaned:
        shown_first = "no score" if first is None else _number(first)
        shown_latest = "no score" if latest is None else _number(latest)
        parts.append(
            f"{label} ({_number(low)} to {_number(high)}): {shown_first} then {shown_latest}"
            f"{_change_words(first, latest)}."
        )
    return Chart(figure, " ".join(parts))
