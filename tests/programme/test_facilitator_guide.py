"""The facilitator guide of the shipped course: five days, every session timed, the set
meeting after each day, the follow-ups, exercise answers from the content, the notes, the
framework mapping and the handouts; as PDF and as HTML through the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recovery_capital.cli import main
from recovery_capital.content.model import load_content
from recovery_capital.programme.guide_content import Heading, build_guide
from recovery_capital.programme.guide_pdf import guide_pdf_document
from recovery_capital.programme.load import load_programme

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def written() -> str:
    return "\n".join(guide_pdf_document(build_guide(REPO)).written)


def test_the_guide_has_every_day_every_timed_session_and_each_set_meeting(written) -> None:
    programme = load_programme(REPO)
    for day in programme.days:
        assert day.title in written
        for session in day.sessions:
            assert f"{session.start}\u2013{session.end}" in written, session.id
            if session.kind not in ("break", "lunch"):
                assert f"{session.start}\u2013{session.end}  {session.title}" in written
    for meeting in programme.action_learning.meetings:
        assert f"After the day: {meeting.title} (online, 90 minutes)" in written
    assert "Week 6: Follow-up at 6 weeks" in written and "Week 12: Follow-up at 12 weeks" in written


def test_the_guide_gives_answers_and_reasoning_from_the_content(written) -> None:
    quiz = load_content(REPO / "assets/content/quizzes/m1-quiz-language.yaml")
    right = next(o for o in quiz.questions[0].options if o.correct)
    assert f"RIGHT: {right.text}" in written
    vignette = load_content(REPO / "assets/content/vignettes/lee.yaml")
    reasoning = next(iter(vignette.reference.items.values())).reasoning.strip()
    assert reasoning[:60] in written
    talk = load_content(REPO / "assets/content/talk/m4-talk-sort-dan.yaml")
    assert talk.statements[0].explanation.strip()[:50] in written
    assert "Answers and reference reasoning" in written  # the live activities'


def test_the_guide_has_the_notes_the_mapping_and_printable_handouts() -> None:
    guide = build_guide(REPO)
    top = [b.text for b in guide.blocks if isinstance(b, Heading) and b.level == 1]
    for title in (
        "Action learning and the community of practice",
        "Safeguarding, self-care and real cases",
        "Learning outcomes and professional frameworks",
        "OARS: a pocket card",
        "DARN-CAT: hearing change talk",
        "BARC-10: a conversation guide",
    ):
        assert title in top, title
    text = "\n".join(getattr(b, "text", "") for b in guide.blocks)
    assert "When a discussion turns to a real case" in text
    pdf = guide_pdf_document(guide)
    assert pdf.pages_count > 30


def test_the_guide_command_writes_pdf_and_html(tmp_path: Path, capsys) -> None:
    assert main(["guide", str(REPO), "-o", str(tmp_path / "guide.pdf")]) == 0
    assert (tmp_path / "guide.pdf").read_bytes()[:5] == b"%PDF-"
    assert main(["guide", str(REPO), "--html", "-o", str(tmp_path / "guide.html")]) == 0
    html = (tmp_path / "guide.html").read_text()
    assert len(re.findall(r"<h1>Day \d:", html)) == 5 and "break-after: page" in html


def test_the_guide_refuses_a_course_without_a_programme(tmp_path: Path, capsys) -> None:
    assert main(["guide", str(tmp_path), "-o", str(tmp_path / "g.pdf")]) == 1
    assert "has no programme" in capsys.readouterr().err
