"""The trainer's dashboard view of practice: tallies and drills aggregated, never by handle."""

from __future__ import annotations

from pathlib import Path

from recovery_capital.content.model import load_content
from recovery_capital.session.context import Context
from recovery_capital.widgets import ObserverTally, ReflectionDrill
from recovery_capital.widgets.cohort_views import activity_view

REPO = Path(__file__).resolve().parents[2]
TRIAD = load_content(REPO / "assets/content/triads/m4-triad-real-play.yaml")
DRILL = load_content(REPO / "assets/content/drills/m4-drill-open-questions.yaml")


def as_trainee(store, cohort, handle):
    return Context(store, cohort, store.join(cohort, handle))


def test_the_cohorts_practice_summaries_show_bands_without_handles(store, cohort):
    for handle, taps in (("kite-1", {"question": 2, "simple_reflection": 4}),
                         ("lark-2", {"question": 4, "complex_reflection": 2})):  # fmt: skip
        tally = ObserverTally(TRIAD, context=as_trainee(store, cohort, handle))
        for code, times in taps.items():
            for _ in range(times):
                tally.tap(code)
        assert tally.submit()
    frame = store.responses(cohort, TRIAD.id, latest_only=True)
    html = activity_view(TRIAD, None, list(frame["answers"]), list(frame["scores"]))
    assert "2 practices tallied" in html
    assert "Reflection-to-question ratio: median 1.25 (good 1, below fair 1)" in html
    assert "Complex reflections (%): median 50" in html
    assert "kite-1" not in html and "lark-2" not in html


def test_drill_results_count_codes_and_ratings_but_show_no_text(store, cohort):
    drill = ReflectionDrill(DRILL, context=as_trainee(store, cohort, "kite-1"))
    for item in DRILL.items:
        drill.texts[item.id].value = "What would a better day look like, in secret words?"
        drill.reveal(item.id)
        drill.codes[item.id].value = "open_question"
        drill.ratings[item.id].value = "close"
    assert drill.submit()
    frame = store.responses(cohort, DRILL.id, latest_only=True)
    html = activity_view(DRILL, None, list(frame["answers"]), list(frame["scores"]))
    assert "Statement 1: 1 of 1 coded their reply as asked; 1 rated it close" in html
    assert "secret words" not in html and "kite-1" not in html
