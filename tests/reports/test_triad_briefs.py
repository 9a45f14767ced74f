"""The triad real-play briefs: one printable page per role, built from the content file, with
the observer's tally and the MITI 4.2.1 thresholds taken from ``recovery_capital.scoring.miti``."""

from __future__ import annotations

from pathlib import Path

from recovery_capital.content.model import load_content
from recovery_capital.reports.triad_briefs import _build, briefs_pdf, briefs_text
from recovery_capital.scoring import miti

REPO = Path(__file__).resolve().parents[2]
TRIAD = load_content(REPO / "assets/content/triads/m4-triad-real-play.yaml")


def test_one_page_per_role_each_with_its_brief():
    pdf = _build(TRIAD)
    assert pdf.pages_count == 3
    text = briefs_text(TRIAD)
    for title in ("speaker's brief", "listener's brief", "observer's brief"):
        assert f"Real-play in threes: the {title}" in text
    assert "Choose something real but not raw" in text  # markdown emphasis dropped for print
    assert "• Open questions: a few, to invite them to talk." in text
    assert all(topic in text for topic in TRIAD.topics)
    assert briefs_pdf(TRIAD).startswith(b"%PDF-")


def test_the_observers_page_has_the_tally_and_mitis_thresholds():
    written = _build(TRIAD).written
    assert "Complex reflections" in written and "Confronting (MI-non-adherent)" in written
    fair, good = (f"{float(v):g}" for v in miti.THRESHOLDS["percent_complex_reflections"])
    at = written.index("Complex reflections (% of reflections)")
    assert written[at + 1 : at + 3] == [fair, good] == ["40", "50"]
    at = written.index("Relational global (1-5)")
    assert written[at + 1 : at + 3] == ["3.5", "4"]
