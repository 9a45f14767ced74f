"""ObserverTally: tap to count, undo, optional globals; the listener's summary is exactly
``miti.summarize`` of the counts entered, stored, and back after a reload."""

from __future__ import annotations

import base64
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recovery_capital.content.model import load_content
from recovery_capital.scoring import miti
from recovery_capital.widgets import ObserverTally
from recovery_capital.widgets.observer_tally import TALLY_CODES

REPO = Path(__file__).resolve().parents[2]
TRIAD = load_content(REPO / "assets/content/triads/m4-triad-real-play.yaml")


def test_each_tap_counts_one_behaviour_and_undo_takes_it_back(context):
    tally = ObserverTally(TRIAD, context=context)
    tally.buttons["question"].click()
    tally.buttons["complex_reflection"].click()
    tally.buttons["complex_reflection"].click()
    assert tally.counts["question"] == 1 and tally.counts["complex_reflection"] == 2
    assert tally.buttons["complex_reflection"].description == "Complex reflection: 2"
    assert "3 taps counted so far." in tally.tally.value
    tally.undo_button.click()
    assert tally.counts["complex_reflection"] == 1
    assert tally.status.text == "Took back one complex reflection."
    # the first tap started the timer
    assert tally.start_button.layout.display == "none"
    assert "left." in tally.timer.value


def test_nothing_counted_means_nothing_to_summarise(context):
    tally = ObserverTally(TRIAD, context=context)
    assert tally.submit() is False
    assert "Tap a button" in tally.status.text


def test_the_summary_shows_bands_and_is_stored_as_miti_summarize_gives_it(context):
    tally = ObserverTally(TRIAD, context=context)
    for code, times in {"question": 4, "simple_reflection": 3, "complex_reflection": 5,
                        "affirm": 2, "persuade": 1}.items():  # fmt: skip
        for _ in range(times):
            tally.tap(code)
    for code, rating in {"cultivating": "4", "softening": "3", "partnership": "4",
                         "empathy": "5"}.items():  # fmt: skip
        tally.globals[code].value = rating
    assert tally.submit()
    counts = {code: 0 for code, _ in TALLY_CODES}
    counts |= {"question": 4, "simple_reflection": 3, "complex_reflection": 5, "affirm": 2,
               "persuade": 1}  # fmt: skip
    expected = miti.summarize(
        counts, {"cultivating": 4, "softening": 3, "partnership": 4, "empathy": 5}
    )
    latest = context.store.latest(context.cohort, context.handle, "m4-triad-real-play")
    stored = dict(latest.scores)
    assert stored.pop("seconds") == latest.answers["seconds"]
    assert stored == expected.to_dict()
    html = tally.feedback.value
    for summary in expected.summaries:  # every summary shown, banded ones with their bands
        assert (summary.describe() if summary.band else f"{summary.label}: {summary.value}") in html
    assert "Reflection-to-question ratio: 2 (good" in html
    assert "Technical global: 3.5 (fair" in html


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.dictionaries(st.sampled_from([c for c, _ in TALLY_CODES]), st.integers(0, 6)))
def test_any_counts_give_exactly_miti_summarize(context, taps):
    tally = ObserverTally(TRIAD, context=context)
    tally.reset()
    for code, times in taps.items():
        for _ in range(times):
            tally.tap(code)
    if not any(taps.values()):
        assert tally.submit() is False
        return
    assert tally.submit()
    latest = context.store.latest(context.cohort, context.handle, "m4-triad-real-play")
    scores = {k: v for k, v in latest.scores.items() if k != "seconds"}
    assert scores == miti.summarize(latest.answers["counts"]).to_dict()
    assert latest.answers["counts"] == {code: taps.get(code, 0) for code, _ in TALLY_CODES}


def test_the_tally_comes_back_after_a_reload(context, reopen):
    tally = ObserverTally(TRIAD, context=context)
    tally.tap("question")
    tally.tap("simple_reflection")
    tally.globals["empathy"].value = "4"
    again = reopen(tally)
    assert again.counts["question"] == 1 and again.counts["simple_reflection"] == 1
    assert again.globals["empathy"].value == "4"


def test_a_tampered_global_rating_is_refused(context):
    tally = ObserverTally(TRIAD, context=context)
    tally.globals["empathy"].value = "9"
    assert tally.globals["empathy"].value == ""


def test_the_briefs_are_on_the_page_and_as_a_printable_pdf(context):
    tally = ObserverTally(TRIAD, context=context)
    intro = tally.widget.children[1].value
    assert intro.count('class="rc-brief"') == 3 and "<summary>The observer" in intro
    tally.briefs_button.click()
    link = tally.download.value
    assert 'download="m4-triad-real-play-briefs.pdf"' in link
    data = base64.b64decode(link.split("base64,")[1].split('"')[0])
    assert data.startswith(b"%PDF-")


def test_a_new_practice_starts_from_zero(context):
    tally = ObserverTally(TRIAD, context=context)
    tally.tap("confront")
    tally.reset()
    assert not any(tally.counts.values()) and tally.seconds == 0
    assert tally.start_button.layout.display is None
