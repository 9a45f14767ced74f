"""Instrument facts live in the YAML: chart kind and axes, stage scales, reliabilities, radar."""

from __future__ import annotations

import textwrap

import pytest

import recovery_capital as rc
from recovery_capital.reports.reliability import published_reliability
from recovery_capital.scoring.definitions import load_instrument_file
from recovery_capital.widgets.results import pick_chart

NEW_INSTRUMENT = """
id: change_demo
title: A made-up readiness measure (test fixture)
version: test
citation: Test fixture, not a published instrument.
licence: test
status: verified
response_options:
  - {value: 1, label: "No"}
  - {value: 2, label: A little}
  - {value: 3, label: A lot}
items:
  - {id: q1, prompt: One}
  - {id: q2, prompt: Two}
  - {id: q3, prompt: Three}
  - {id: q4, prompt: Four}
scales:
  - id: early
    label: Early stage
    method: mean
    items: [q1, q2]
    reliability: {value: 0.8, kind: test-retest, cited: Fixture 2027, source: A test fixture.}
  - {id: late, label: Late stage, method: mean, items: [q3, q4]}
  - {id: lean, label: Lean, method: formula, formula: late - early, range: [-2, 2]}
chart:
  kind: bars
  title: stage scores and lean
  scales: [early, late]
  value_label: Mean (1-3)
  secondary: lean
  secondary_label: Lean towards change
"""


def write(tmp_path, text):
    path = tmp_path / "change_demo.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_new_instrument_gets_its_chart_and_reliability_from_yaml_alone(tmp_path):
    inst = load_instrument_file(write(tmp_path, NEW_INSTRUMENT))
    chart = pick_chart(inst, rc.score(inst, [1, 1, 3, 3]))
    assert chart is not None and chart.alt_text.startswith("Bar chart")
    assert "stage scores and lean" in chart.alt_text
    assert "Early stage 1, Late stage 3" in chart.alt_text
    assert "On its own scale from -2 to 2: Lean 2" in chart.alt_text
    used = published_reliability(inst, "early")
    assert (used.value, used.cited) == (0.8, "Fixture 2027")
    assert published_reliability(inst, "late") is None


def test_bundled_facts_come_from_the_definitions():
    urica = rc.load_instrument("urica")
    assert urica.chart_spec.scales == ("precontemplation", "contemplation", "action", "maintenance")
    assert urica.chart_spec.secondary == "readiness"
    assert rc.load_instrument("barc10").chart_spec.kind == "radar"
    assert rc.load_instrument("socrates8d").chart_spec.kind == "deciles"
    # Miller & Tonigan (1996) test-retest ICCs, as listed in shared/INSTRUMENTS.md
    assert [
        published_reliability("socrates8a", s).value
        for s in ("recognition", "ambivalence", "taking_steps")
    ] == [0.88, 0.82, 0.91]
    assert published_reliability("barc10", "total").kind.startswith("internal consistency")


def test_one_radar_rule_for_results_and_progress_reports(tmp_path):
    """A radar needs 3+ items, each with its own domain, on one answer range."""
    text = NEW_INSTRUMENT.replace("chart:\n  kind: bars", "chart:\n  kind: radar").split(
        "  title: stage scores"
    )[0]
    with pytest.raises(rc.DefinitionError, match="a radar needs three or more items"):
        load_instrument_file(write(tmp_path, text))
    with_domains = NEW_INSTRUMENT.split("chart:")[0]
    for n, area in enumerate(("Home", "Work", "Friends", "Health"), start=1):
        with_domains = with_domains.replace(
            f"prompt: {('One', 'Two', 'Three', 'Four')[n - 1]}}}", f"prompt: x, domain: {area}}}"
        )
    inst = load_instrument_file(write(tmp_path, with_domains))
    assert inst.radar_fits and inst.chart_spec.kind == "radar"
    assert pick_chart(inst, rc.score(inst, [1, 2, 3, 2])).alt_text.startswith("Radar chart")


def test_a_chart_naming_an_unknown_scale_is_refused(tmp_path):
    text = NEW_INSTRUMENT.replace("secondary: lean", "secondary: leaning")
    with pytest.raises(rc.DefinitionError, match="chart: unknown scale 'leaning'"):
        load_instrument_file(write(tmp_path, text))


def test_a_formula_with_text_in_it_is_refused_when_loading(tmp_path):
    text = NEW_INSTRUMENT.replace("formula: late - early", "formula: \"late - 'x'\"")
    with pytest.raises(rc.DefinitionError, match="only \\+ - \\* / numbers and scale names"):
        load_instrument_file(write(tmp_path, text))
