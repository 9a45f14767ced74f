"""Charts: rendering, alt text, escaping, missing values, validation and no figure leaks."""

from __future__ import annotations

import gc
import math
import re
import subprocess
import sys
import weakref
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery_capital.charts.drawing import (
    PALETTE,
    Chart,
    _bin_index,
    _bins,
    bars,
    change_over_time,
    deciles,
    distribution,
    radar,
)
from recovery_capital.core.errors import InvalidResponse

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MALICIOUS = "<img src=x onerror=alert(1)>"
DOMAINS = [
    "Substance use and sobriety",
    "Psychological health",
    "Physical health",
    "Citizenship and community",
    "Social support",
    "Meaningful activities",
    "Housing and safety",
    "Risk taking",
    "Coping and life functioning",
    "Recovery experience",
]
ITEMS = [f"q{number}" for number in range(1, 11)]


def barc_radar(**overrides: object) -> Chart:
    options: dict = {
        "labels": dict(zip(ITEMS, DOMAINS, strict=True)),
        "vmin": 1,
        "vmax": 6,
        "title": "BARC-10 by domain",
    }
    options.update(overrides)
    values = options.pop("values", dict(zip(ITEMS, [5, 4, 4, 3, 5, 4, 6, 3, 4, 5], strict=True)))
    return radar(values, **options)


def one_of_each() -> list[Chart]:
    return [
        barc_radar(),
        bars({"Consumption": 6, "Dependence": 2, "Harm": 4}, vmin=0, vmax=12, title="AUDIT"),
        deciles({"recognition": 31}, {"recognition": 40}, title="SOCRATES"),
        change_over_time({"Total": [("2027-03-01", 38)]}, title="Over time", vmin=10, vmax=60),
        distribution([40, 44, 47], vmin=10, vmax=60, title="Cohort"),
    ]


# --- rendering ------------------------------------------------------------------------------


def test_every_chart_renders_png_svg_and_html() -> None:
    for chart in one_of_each():
        assert chart.to_png_bytes().startswith(PNG_SIGNATURE)
        root = ElementTree.fromstring(chart.to_svg())
        assert root.tag.endswith("svg")
        page = chart.to_html()
        assert page.startswith('<img class="rc-chart" src="data:image/png;base64,')
        assert chart._repr_html_() == page
        assert chart.alt_text


def test_svg_is_reproducible() -> None:
    first = bars({"a": 1}, vmin=0, vmax=2, title="t").to_svg()
    second = bars({"a": 1}, vmin=0, vmax=2, title="t").to_svg()
    assert first == second


def test_figures_never_enter_pyplot_and_are_freed() -> None:
    pyplot = pytest.importorskip("matplotlib.pyplot")
    before = set(pyplot.get_fignums())
    references = []
    for _ in range(5):
        chart = bars({"a": 1, "b": 2}, vmin=0, vmax=2, title="t")
        chart.to_png_bytes()
        references.append(weakref.ref(chart.figure))
        del chart
    gc.collect()
    assert set(pyplot.get_fignums()) == before
    assert all(reference() is None for reference in references)


def test_import_does_not_load_matplotlib() -> None:
    code = (
        "import sys, recovery_capital, recovery_capital.charts.drawing;"
        "import recovery_capital.scoring.miti;"
        "print(any(name.startswith('matplotlib') for name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_text_is_at_least_ten_points_and_colours_are_okabe_ito() -> None:
    from matplotlib.text import Text

    chart = barc_radar(compare=dict.fromkeys(ITEMS, 3), compare_label="Cohort mean")
    chart.to_png_bytes()  # draws, so lazily made tick labels exist
    sizes = [t.get_fontsize() for t in chart.figure.findobj(Text) if t.get_text().strip()]
    assert sizes and min(sizes) >= 10
    colours = {line.get_color() for line in chart.figure.axes[0].get_lines()}
    assert colours <= {colour.lower() for colour in PALETTE} | {colour for colour in PALETTE}


def test_dollar_signs_are_drawn_literally() -> None:
    # if parsed as mathtext, an unknown command raises when the figure is drawn
    chart = bars({r"$\notacommand$ a day": 2}, vmin=0, vmax=5, title=r"Spend $\bad$")
    assert chart.to_png_bytes().startswith(PNG_SIGNATURE)
    assert r"$\notacommand$ a day 2" in chart.alt_text


# --- escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: barc_radar(labels={"q1": MALICIOUS}, title=MALICIOUS),
        lambda: bars({MALICIOUS: 2}, vmin=0, vmax=5, title=f'"{MALICIOUS}'),
        lambda: deciles({MALICIOUS: 31}, {MALICIOUS: 40}, title="SOCRATES"),
        lambda: change_over_time({MALICIOUS: [("2027-01-01", 2)]}, title="t", vmin=0, vmax=5),
        lambda: distribution([1], vmin=0, vmax=5, title=MALICIOUS),
    ],
)
def test_html_escapes_labels_in_alt_text(make) -> None:
    chart = make()
    assert MALICIOUS in chart.alt_text  # the alt text itself keeps the words
    page = chart.to_html()
    assert page.count("<img") == 1
    assert "onerror=alert(1)>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    alt = re.search(r'alt="([^"]*)"', page)
    assert alt is not None and "&lt;img" in alt.group(1)


# --- radar ----------------------------------------------------------------------------------


def test_radar_with_ten_spokes_has_ten_labels_in_order() -> None:
    chart = barc_radar()
    labels = [
        label.get_text().replace("\n", " ") for label in chart.figure.axes[0].get_xticklabels()
    ]
    assert labels == DOMAINS
    assert chart.figure.axes[0].get_title() == "BARC-10 by domain"


def test_radar_alt_text_has_every_value() -> None:
    chart = barc_radar()
    assert chart.alt_text.startswith("Radar chart: BARC-10 by domain. 10 areas")
    assert "scale from 1 to 6" in chart.alt_text
    assert "Substance use and sobriety 5" in chart.alt_text
    assert "Housing and safety 6" in chart.alt_text
    assert "Not answered" not in chart.alt_text


def test_radar_missing_value_is_a_gap_and_said() -> None:
    values = dict(zip(ITEMS, [5, 4, 4, 3, 5, 4, None, 3, 4, 5], strict=True))
    values["q2"] = math.nan
    chart = barc_radar(values=values)
    assert "Not answered: Psychological health, Housing and safety (shown as a gap)." in (
        chart.alt_text
    )
    assert "Housing and safety not answered" in chart.alt_text
    radii = list(chart.figure.axes[0].get_lines()[0].get_ydata())
    assert math.isnan(radii[1]) and math.isnan(radii[6])
    assert sum(math.isnan(r) for r in radii) == 2
    labels = [t.get_text() for t in chart.figure.axes[0].get_xticklabels()]
    assert labels[6].endswith("(no answer)")


def test_radar_compare_draws_a_second_outline_with_legend() -> None:
    first = dict(zip(ITEMS, [3, 3, 2, 2, 4, 3, None, 2, 3, 3], strict=True))
    chart = barc_radar(compare=first, label="Latest", compare_label="First rating")
    axes = chart.figure.axes[0]
    assert len(axes.get_lines()) == 2
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Latest", "First rating"]
    assert "First rating: Substance use and sobriety 3" in chart.alt_text
    assert "Not answered in First rating: Housing and safety (shown as a gap)." in chart.alt_text


def test_radar_compare_may_leave_out_spokes() -> None:
    chart = barc_radar(compare={"q1": 2})
    assert "Comparison: Substance use and sobriety 2, Psychological health not answered" in (
        chart.alt_text
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"values": {"a": 1, "b": 2}}, "values"),
        ({"values": dict.fromkeys(ITEMS, 7)}, "q1"),
        ({"values": {**dict.fromkeys(ITEMS, 3), "q4": "high"}}, "q4"),
        ({"values": {**dict.fromkeys(ITEMS, 3), "q5": math.inf}}, "q5"),
        ({"compare": {"q11": 3}}, "q11"),
        ({"labels": {"q12": "extra"}}, "q12"),
        ({"vmin": 6, "vmax": 1}, "vmax"),
        ({"vmin": "1"}, "vmin"),
    ],
)
def test_radar_rejects_bad_input_naming_the_field(overrides: dict, field: str) -> None:
    with pytest.raises(InvalidResponse) as caught:
        barc_radar(**overrides)
    assert caught.value.item == field


# --- bars -----------------------------------------------------------------------------------


def test_bars_alt_text_reference_lines_and_missing() -> None:
    chart = bars(
        {"total": 12, "consumption": 6, "harm": None},
        vmin=0,
        vmax=40,
        title="AUDIT",
        reference_lines={"Zone II starts": 8, "Zone III starts": 16},
    )
    assert chart.alt_text == (
        "Bar chart: AUDIT. Scale 0 to 40. Total 12, Consumption 6, Harm no score. "
        "Reference lines: Zone II starts at 8, Zone III starts at 16. "
        'No score for: Harm (shown as "no score").'
    )
    axes = chart.figure.axes[0]
    heights = [patch.get_height() for patch in axes.patches]
    assert heights == [12, 6, 0]
    texts = [t.get_text() for t in axes.texts]
    assert "no score" in texts and "Zone II starts (8)" in texts


def test_bars_on_a_scale_not_starting_at_zero_grow_from_vmin() -> None:
    chart = bars({"Contemplation": 4.14}, vmin=1, vmax=5, title="URICA")
    patch = chart.figure.axes[0].patches[0]
    assert patch.get_y() == 1 and patch.get_height() == pytest.approx(3.14)


def test_bars_secondary_panel_has_its_own_scale() -> None:
    chart = bars(
        {"Precontemplation": 1.6, "Contemplation": 4.1},
        vmin=1,
        vmax=5,
        title="URICA",
        secondary={"readiness": 9.14},
        secondary_range=(-2, 14),
        secondary_label="Readiness",
    )
    main, extra = chart.figure.axes
    assert main.get_ylim() == (1, 5)
    assert extra.get_ylim() == (-2, 14)
    assert chart.alt_text.endswith("On its own scale from -2 to 14: Readiness 9.14.")


def test_bars_negative_values_hang_below_zero() -> None:
    chart = bars({"readiness": -1.5}, vmin=-2, vmax=14, title="t")
    patch = chart.figure.axes[0].patches[0]
    assert patch.get_y() == 0 and patch.get_height() == -1.5


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: bars({}, vmin=0, vmax=1, title="t"), "values"),
        (lambda: bars({"a": 2}, vmin=0, vmax=1, title="t"), "a"),
        (lambda: bars({"a": 1}, vmin=0, vmax=1, title="t", reference_lines={"x": 3}), "x"),
        (lambda: bars({"a": 1}, vmin=0, vmax=1, title="t", secondary={"b": 1}), "secondary_range"),
        (
            lambda: bars(
                {"a": 1}, vmin=0, vmax=1, title="t", secondary={"b": 1}, secondary_range=(0,)
            ),
            "secondary_range",
        ),
        (
            lambda: bars(
                {"a": 1}, vmin=0, vmax=1, title="t", secondary={"b": 20}, secondary_range=(0, 14)
            ),
            "b",
        ),
    ],
)
def test_bars_reject_bad_input(call, field: str) -> None:
    with pytest.raises(InvalidResponse) as caught:
        call()
    assert caught.value.item == field


# --- deciles --------------------------------------------------------------------------------


def test_deciles_place_each_scale_and_name_its_band() -> None:
    chart = deciles(
        {"recognition": 35, "ambivalence": 20, "taking_steps": 40},
        {"recognition": 70, "ambivalence": 90, "taking_steps": 90},
        title="SOCRATES 8A, all answers 5",
    )
    assert "Recognition: score 35, decile 70 (high)." in chart.alt_text
    assert "Ambivalence: score 20, decile 90 (very high)." in chart.alt_text
    axes = chart.figure.axes[0]
    assert [line.get_xdata()[0] for line in axes.get_lines()] == [70, 90, 90]
    bands = {t.get_text() for t in axes.texts}
    assert {"very low", "low", "medium", "high", "very high"} <= bands


def test_deciles_missing_decile_is_marked_and_said() -> None:
    chart = deciles({"recognition": 31, "ambivalence": None}, {"recognition": 40}, title="S")
    assert "Ambivalence: no score, no decile." in chart.alt_text
    assert "no decile" in [t.get_text() for t in chart.figure.axes[0].texts]
    assert len(chart.figure.axes[0].get_lines()) == 1


@pytest.mark.parametrize(
    ("decile_of", "field"),
    [
        ({"recognition": 35}, "recognition"),
        ({"recognition": 100}, "recognition"),
        ({"other": 40}, "other"),
    ],
)
def test_deciles_reject_bad_deciles(decile_of: dict, field: str) -> None:
    with pytest.raises(InvalidResponse) as caught:
        deciles({"recognition": 31}, decile_of, title="S")
    assert caught.value.item == field


# --- change over time -----------------------------------------------------------------------


def test_change_over_time_sorts_mixes_date_types_and_reports_change() -> None:
    chart = change_over_time(
        {
            "BARC-10 total": [
                ("2027-04-15", 44),
                (datetime(2027, 3, 1, 10, 0), 38),
                (date(2027, 5, 20), 41),
            ],
            "Reference": [("2027-03-01", 30), ("2027-05-20", 30), ("2027-04-01", None)],
        },
        title="Recovery capital",
        vmin=10,
        vmax=60,
    )
    assert (
        "BARC-10 total: 38 on 1 Mar 2027 10:00, 44 on 15 Apr 2027 00:00, 41 on 20 May 2027 00:00;"
        " up 3 from first to latest." in chart.alt_text
    )
    assert "no change from first to latest" in chart.alt_text
    assert "Reference: 1 missing value left out." in chart.alt_text
    first_line = chart.figure.axes[0].get_lines()[0]
    assert list(first_line.get_ydata()) == [38, 44, 41]
    assert chart.figure.axes[0].get_legend() is not None


def test_change_over_time_says_down() -> None:
    chart = change_over_time(
        {"Importance": [("2027-03-01", 8), ("2027-03-08", 5.5)]}, title="t", vmin=0, vmax=10
    )
    assert "down 2.5 from first to latest" in chart.alt_text


def test_change_over_time_with_nothing_yet() -> None:
    chart = change_over_time({"Importance": []}, title="t", vmin=0, vmax=10)
    assert chart.alt_text == "Line chart: t. Scale 0 to 10. No scores yet."
    assert chart.to_png_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(
    ("points", "field"),
    [
        ([("yesterday", 3)], "s[0]"),
        ([("2027-01-01", 11)], "s[0]"),
        ([(3,)], "s[0]"),
        ([("2027-01-01", 2), (20270101, 2)], "s[1]"),
    ],
)
def test_change_over_time_rejects_bad_points(points: list, field: str) -> None:
    with pytest.raises(InvalidResponse) as caught:
        change_over_time({"s": points}, title="t", vmin=0, vmax=10)
    assert caught.value.item == field


# --- distribution ---------------------------------------------------------------------------


def test_distribution_one_bar_per_score_on_a_short_scale() -> None:
    chart = distribution([3, 5, 5, 6, None, math.nan], vmin=0, vmax=10, title="Importance")
    assert chart.alt_text == (
        "Histogram: Importance. 4 scores on a scale from 0 to 10: lowest 3, median 5, "
        "highest 6, mean 4.75. Number of people per score: 3: 1, 5: 2, 6: 1. "
        "2 missing scores left out."
    )
    heights = [patch.get_height() for patch in chart.figure.axes[0].patches]
    assert len(heights) == 11 and heights[5] == 2 and sum(heights) == 4


def test_distribution_ten_ranges_on_a_long_scale() -> None:
    chart = distribution([10, 14, 15, 60, 59, 55], vmin=10, vmax=60, title="BARC-10")
    assert "per range: 10 to 14: 2, 15 to 19: 1, 55 to 60: 3." in chart.alt_text
    assert len(chart.figure.axes[0].patches) == 10


def test_distribution_of_fractional_scores_uses_half_open_ranges() -> None:
    chart = distribution([1.5, 2.25, 5.0], vmin=1, vmax=5, title="URICA contemplation")
    assert "1.4 to under 1.8: 1" in chart.alt_text
    assert "4.6 to 5: 1" in chart.alt_text


def test_distribution_with_no_scores_yet() -> None:
    chart = distribution([None], vmin=0, vmax=10, title="Importance")
    assert chart.alt_text == "Histogram: Importance. No scores yet. 1 missing score left out."
    assert "No scores yet" in [t.get_text() for t in chart.figure.axes[0].texts]


def test_distribution_rejects_out_of_range_scores() -> None:
    with pytest.raises(InvalidResponse) as caught:
        distribution([15, 70], vmin=10, vmax=60, title="t")
    assert caught.value.item == "values[1]"


@settings(max_examples=200, deadline=None)
@given(
    st.integers(-50, 50),
    st.integers(1, 100),
    st.lists(st.floats(0, 1), max_size=30),
    st.booleans(),
)
def test_every_score_falls_in_exactly_one_bin(
    low: int, span: int, positions: list[float], whole: bool
) -> None:
    high = low + span
    values = [low + position * span for position in positions]
    if whole:
        values = [float(round(value)) for value in values]
    edges, names, per_score = _bins(values, low, high)
    assert len(names) == len(edges) - 1
    assert edges == sorted(edges) and edges[0] <= low and edges[-1] >= high
    for value in values:
        index = _bin_index(value, edges)
        assert edges[index] <= value <= edges[index + 1]
    if per_score:
        assert whole or all(value.is_integer() for value in values)
        assert names == [str(score) for score in range(low, high + 1)]


@settings(max_examples=5, deadline=None)
@given(st.lists(st.integers(0, 40) | st.none(), max_size=40))
def test_distribution_counts_every_score_once(values: list[int | None]) -> None:
    chart = distribution(values, vmin=0, vmax=40, title="AUDIT totals")
    present = [value for value in values if value is not None]
    heights = [patch.get_height() for patch in chart.figure.axes[0].patches]
    assert sum(heights) == len(present)
    if present:
        assert f"{len(present)} score" in chart.alt_text
        assert f"lowest {min(present)}" in chart.alt_text
