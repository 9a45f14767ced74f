"""Cohort evaluation: completion, knowledge checks, self-check change, and who sees handles."""

from __future__ import annotations

import re

import pytest

from recovery_capital import score
from recovery_capital.reports.cohort_pages import evaluation_html, summary_html
from recovery_capital.reports.evaluation import commissioner_summary, evaluate_cohort
from recovery_capital.reports.summary_pdf import summary_pdf, summary_pdf_document
from recovery_capital.store.access import TrainerAccess, trainer_access
from recovery_capital.store.errors import AccessDenied

HANDLES = ("fox-1", "owl-2", "wren-3", "jay-4")


@pytest.fixture(scope="module")
def evaluation(cohort):
    return evaluate_cohort(cohort.access, cohort.course)


def test_wrong_key_or_unknown_cohort_is_refused(cohort) -> None:
    with pytest.raises(AccessDenied, match="does not open cohort"):
        trainer_access(cohort.store, cohort.code, "WRONG-KEY-00")
    with pytest.raises(AccessDenied):
        trainer_access(cohort.store, "ZZZZZ", cohort.key)


def test_access_cannot_be_made_without_the_key(cohort) -> None:
    with pytest.raises(AccessDenied):
        TrainerAccess(cohort.store, cohort.code, "name")


def test_completion_per_module(evaluation) -> None:
    modules = {m.module.number: m for m in evaluation.completion.modules}
    assert evaluation.participants == 4
    assert modules[1].module.activities == ("m1-quiz-words", "m1-selfcheck-pre")
    assert (modules[1].completed, modules[1].percent) == (3, 75.0)
    assert (modules[7].completed, modules[7].percent) == (2, 50.0)
    assert dict(modules[1].submitted_per_activity) == {"m1-quiz-words": 3, "m1-selfcheck-pre": 3}
    assert evaluation.completion.completed_all == 2


def test_completion_per_trainee_and_hours(evaluation) -> None:
    fox = evaluation.completion.trainee("FOX-1")
    wren = evaluation.completion.trainee("wren-3")
    jay = evaluation.completion.trainee("jay-4")
    assert fox.complete and fox.minutes == 30 + 45 and fox.hours == 1.25
    assert wren.completed_modules == (1,) and wren.open_modules == (7,) and wren.hours == 0.5
    assert jay.completed_modules == () and not jay.complete and jay.finished is None


def test_questions_hardest_first(evaluation) -> None:
    found = [(q.question_id, q.answered, q.right) for q in evaluation.questions]
    assert found == [("b", 3, 1), ("a", 3, 2)]
    assert evaluation.questions[0].percent_right == pytest.approx(100 / 3)


def test_self_check_paired_change(evaluation) -> None:
    prepost = evaluation.prepost
    assert (prepost.started, prepost.finished, prepost.paired) == (3, 2, 2)
    assert [s.scale_id for s in prepost.scales] == [
        "knowledge",
        "role",
        "motivation_hope",
        "confidence",
        "overall",
    ]
    for entry in prepost.scales:  # every area: fox 2 -> 4, owl 3 -> 4
        change = entry.change
        assert (change.n, change.mean_before, change.mean_after) == (2, 2.5, 4.0)
        assert change.mean_difference == 1.5
        assert change.sd_difference == pytest.approx(2**-0.5)
        assert change.cohens_dz == pytest.approx(1.5 * 2**0.5)
        margin = 12.7062047 * 2**-0.5 / 2**0.5
        assert change.ci_low == pytest.approx(1.5 - margin, abs=1e-6)
        assert change.ci_high == pytest.approx(1.5 + margin, abs=1e-6)


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<body>")[1])


def test_trainer_report_shows_every_number(evaluation) -> None:
    page = evaluation_html(evaluation)
    text = _text(page)
    for expected in (
        "75%",
        "50%",
        "2 (50%)",
        "33%",
        "67%",
        "2.50",
        "4.00",
        "+1.50",
        "0.71",
        "−4.85 to 7.85",
        "+2.12",
        "1.25",
        "0.50",
    ):
        assert expected in text, expected
    assert all(handle in text for handle in HANDLES)
    assert "Northshire &lt;Spring&gt;" in page and "<Spring>" not in page


def test_commissioner_summary_names_nobody(evaluation) -> None:
    summary = commissioner_summary(evaluation)
    page = summary_html(summary)
    document = summary_pdf_document(summary)
    pdf_text = " ".join(document.written)
    for handle in HANDLES:
        assert handle not in page and handle not in pdf_text
        assert handle not in repr(summary)
    for expected in ("75%", "50%", "33%", "67%", "+1.50", "−4.85 to 7.85", "+2.12"):
        assert expected in _text(page) and expected in pdf_text, expected
    joined = "4 trainees joined and 2 (50%) completed every module (1.25 hours of module work)"
    assert joined in pdf_text
    assert [q.question_id for q in summary.hardest] == ["b", "a"]
    assert summary_pdf(summary).startswith(b"%PDF-")


def test_summary_fits_on_one_page(evaluation) -> None:
    document = summary_pdf_document(commissioner_summary(evaluation))
    document.to_bytes()
    assert document.page_no() == 1


def test_not_enough_pairs_is_said_plainly(tmp_path, course_maker, selfcheck) -> None:
    from recovery_capital.store import Store

    course = course_maker(tmp_path / "course")
    store = Store(f"sqlite:///{tmp_path}/one.sqlite3")
    created = store.create_cohort("Small group")
    for activity, answers in (
        ("m1-selfcheck-pre", selfcheck(2)),
        ("m7-selfcheck-post", selfcheck(3)),
    ):
        scored = score("selfcheck", answers)
        store.submit(created.code, "fox-1", activity, answers, result=scored)
    access = trainer_access(store, created.code, created.trainer_key)
    evaluation = evaluate_cohort(access, course)
    text = _text(summary_html(commissioner_summary(evaluation)))
    assert "Not enough pairs" in text
    assert evaluation.prepost.scale("overall").change.mean_difference == 1.0
