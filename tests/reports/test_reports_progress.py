"""Individual progress: first and latest, change per scale, reliable change with its sources."""

from __future__ import annotations

import math

import pytest

from recovery_capital import score
from recovery_capital.reports.errors import ReportError
from recovery_capital.reports.progress import (
    ReferenceSample,
    cohort_baseline,
    participant_progress,
    progress_html,
)
from recovery_capital.store import Store
from recovery_capital.store.access import trainer_access

# Everyone answers every SOCRATES item with one value, so recognition = 7v, ambivalence = 4v
# and taking steps = 8v. Baseline values, then fox-1 answers again with all 5s.
BASELINE = {"fox-1": 2, "owl-2": 3, "wren-3": 3, "jay-4": 4, "elk-5": 2, "yak-6": 4}
ITEMS = {"recognition": 7, "ambivalence": 4, "taking_steps": 8}
RELIABILITY = {"recognition": 0.88, "ambivalence": 0.82, "taking_steps": 0.91}


def socrates(value: int) -> dict[str, int]:
    return {f"q{i}": value for i in range(1, 20)}


def baseline_sd(scale: str) -> float:
    values = [ITEMS[scale] * v for v in BASELINE.values()]
    centre = sum(values) / len(values)
    return math.sqrt(sum((v - centre) ** 2 for v in values) / (len(values) - 1))


@pytest.fixture(scope="module")
def access():
    store = Store("sqlite://")
    created = store.create_cohort("Progress group")
    submissions = [
        *((handle, "m3-socrates8d", "socrates8d", socrates(v)) for handle, v in BASELINE.items()),
        ("fox-1", "m3-socrates8d", "socrates8d", socrates(5)),
        ("fox-1", "m2-barc10", "barc10", {f"q{i}": 3 for i in range(1, 11)}),
        ("fox-1", "m2-barc10", "barc10", {f"q{i}": 5 for i in range(1, 11)}),
        ("owl-2", "m3-urica", "urica", {f"q{i}": 3 for i in range(1, 33)}),
    ]
    for handle, activity, instrument, answers in submissions:
        store.submit(created.code, handle, activity, answers, result=score(instrument, answers))
    return trainer_access(store, created.code, created.trainer_key)


def test_first_latest_and_change(access) -> None:
    report = participant_progress(access, "Fox-1", "socrates8d")
    assert report.handle == "fox-1" and len(report.assessments) == 2
    for scale, items in ITEMS.items():
        entry = report.scale(scale)
        assert (entry.first, entry.latest, entry.change) == (2 * items, 5 * items, 3 * items)


def test_reliable_change_uses_the_cohort_baseline_and_published_reliability(access) -> None:
    report = participant_progress(access, "fox-1", "socrates8d")
    assert report.reference.size == {"recognition": 6, "ambivalence": 6, "taking_steps": 6}
    for scale, items in ITEMS.items():
        entry = report.scale(scale)
        sd = baseline_sd(scale)
        assert report.reference.sd[scale] == pytest.approx(sd)
        assert entry.reliability.value == RELIABILITY[scale]
        expected = 3 * items / (math.sqrt(2) * sd * math.sqrt(1 - RELIABILITY[scale]))
        assert entry.rci.index == pytest.approx(expected)
        assert entry.rci.reliable


def test_html_report_shows_the_numbers_and_their_sources(access) -> None:
    report = participant_progress(access, "fox-1", "socrates8d")
    page = progress_html(report)
    recognition = report.scale("recognition")
    assert "Participant fox-1" in page
    sd = baseline_sd("recognition")
    for text in (
        "14",
        "35",
        "+21",
        f"{recognition.rci.index:.2f}",
        f"{sd:.2f}",
        f"{recognition.rci.s_diff:.2f}",
        "0.88",
        "reliable increase",
        "Miller, W. R. &amp; Tonigan",
        "cohort&#x27;s baseline",
    ):
        assert text in page, text
    assert page.count('<img class="rc-chart"') >= 2  # first/latest and the timeline


def test_barc10_uses_internal_consistency_and_says_so(access) -> None:
    report = participant_progress(access, "fox-1", "barc10")
    total = report.scale("total")
    assert (total.first, total.latest) == (30, 50)
    assert total.reliability.value == 0.90 and "alpha" in total.reliability.kind
    assert total.rci is None and "at least 5 people" in total.rci_note  # only fox has BARC-10
    page = progress_html(report)
    assert "internal consistency" in page and "No test-retest reliability" in page
    assert [a.band for a in report.assessments] == [
        "Below the remission-associated score (under 47)",
        "At or above the remission-associated score (47+)",
    ]
    assert "Below the remission-associated score (under 47)" in page
    chart = report.chart()
    assert chart.alt_text.startswith("Radar chart") and "Latest" in chart.alt_text


def test_a_stated_reference_sample_can_replace_the_cohort(access) -> None:
    reference = ReferenceSample("a published sample (example)", {"total": 8.0}, {"total": None})
    report = participant_progress(access, "fox-1", "barc10", reference=reference)
    expected = 20 / (math.sqrt(2) * 8.0 * math.sqrt(0.1))
    assert report.scale("total").rci.index == pytest.approx(expected)
    assert "a published sample (example)" in progress_html(report)


def test_instruments_without_published_reliability_get_no_index(access) -> None:
    report = participant_progress(access, "owl-2", "urica")
    for entry in report.scales:
        assert entry.rci is None and entry.rci_note
    assert report.scale("readiness").rci_note.startswith("Single-item or derived")
    assert "No checked, published reliability" in report.scale("action").rci_note
    assert "Only one assessment" not in report.scale("action").rci_note


def test_one_assessment_and_unknown_people(access) -> None:
    one = participant_progress(access, "owl-2", "socrates8d")
    assert one.scale("recognition").rci_note == "Only one assessment so far."
    with pytest.raises(ReportError, match="no SOCRATES 8D answers from 'nobody-9'"):
        participant_progress(access, "nobody-9", "socrates8d")


def test_baseline_counts_each_person_once(access) -> None:
    sample = cohort_baseline(access, "socrates8d")
    assert sample.size["recognition"] == len(BASELINE)
    assert "Progress group" in sample.description
