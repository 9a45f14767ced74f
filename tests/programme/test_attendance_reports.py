"""Attendance marked per session, practice-log entries and follow-ups reach the reports and
the certificate, which state the programme's real hours."""

from __future__ import annotations

from pathlib import Path

import pytest

from recovery_capital.cli import main
from recovery_capital.reports.certificate import certificate_for, certificate_pdf_document
from recovery_capital.reports.cohort_pages import summary_html
from recovery_capital.reports.evaluation import commissioner_summary, evaluate_cohort
from recovery_capital.reports.summary_pdf import summary_pdf_document
from recovery_capital.store import Store
from recovery_capital.store.access import trainer_access

QUIZ_ANSWERS = {"a": [0]}


@pytest.fixture
def cohort(course: Path, tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    store = Store(url)
    created = store.create_cohort("Spring 2027")
    for handle in ("ash", "birch"):
        store.join(created.code, handle)
        store.submit(created.code, handle, "m1-quiz-words", QUIZ_ANSWERS)
    return store, created, url


def test_the_attendance_command_marks_and_shows_sessions(
    cohort, course: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store, created, url = cohort
    monkeypatch.setenv("RECOVERY_CAPITAL_TRAINER_KEY", created.trainer_key)
    base = ["attendance", "--cohort", created.code, "--store", url, "--course", str(course)]
    assert main([*base, "--session", "d1-welcome", "--everyone"]) == 0
    assert main([*base, "--session", "d1-pairs", "ash"]) == 0
    assert main([*base, "--session", "d1-pairs", "--absent", "birch"]) == 0
    assert main([*base, "--session", "set-1", "birch"]) == 0
    assert store.attendance(created.code) == {
        "d1-welcome": ["ash", "birch"], "d1-pairs": ["ash"], "set-1": ["birch"],
    }  # fmt: skip
    capsys.readouterr()
    assert main(base) == 0
    shown = capsys.readouterr().out
    assert "d1-welcome" in shown and "d1-break" not in shown  # breaks take no register
    assert "set-1" in shown and "follow-up-6" in shown
    assert main([*base, "--session", "d9-nothing", "ash"]) == 1
    assert "no session 'd9-nothing'" in capsys.readouterr().err


def test_the_certificate_states_the_programme_attendance_and_follow_up(cohort, course) -> None:
    store, created, _ = cohort
    store.mark_attendance(created.code, "d1-welcome", ["ash", "birch"])
    store.mark_attendance(created.code, "d1-pairs", ["ash"])
    store.mark_attendance(created.code, "set-1", ["ash"])
    store.submit(created.code, "ash", "followup-6-review", {"did": "Tried it."})
    access = trainer_access(store, created.code, created.trainer_key)
    ash = certificate_for(access, "ash", course_dir=course)
    assert ash.programme_lines() == [
        "The course is a one-day programme of 3 contact hours, with 1 online action-learning "
        "set meeting (1.5 hours) and follow-ups at 6 weeks.",
        "Attended 2 of the 3 sessions (1.75 hours) and 1 of the 1 set meetings, as marked by "
        "the trainer.",
        "Follow-up completed at 6 weeks.",
    ]
    written = " ".join(certificate_pdf_document(ash).written)
    assert "Attended 2 of the 3 sessions" in written and "Follow-up completed at 6 weeks" in written
    birch = certificate_for(access, "birch", course_dir=course)
    assert birch.programme_lines()[1:] == [
        "Attended 1 of the 3 sessions (0.5 hours) and 0 of the 1 set meetings, as marked by "
        "the trainer.",
        "Follow-up not yet completed at 6 weeks.",
    ]


def test_reports_count_attendance_logs_and_follow_ups_without_handles(cohort, course) -> None:
    store, created, _ = cohort
    store.mark_attendance(created.code, "d1-welcome", ["ash", "birch"])
    store.add_log_entry(created.code, "ash", "day1", {"tried": "A ruler"})
    store.add_log_entry(created.code, "ash", "day1", {"tried": "A reflection"})
    store.submit(created.code, "birch", "followup-6-review", {"did": "Tried it."})
    access = trainer_access(store, created.code, created.trainer_key)
    evaluation = evaluate_cohort(access, course)
    assert evaluation.programme.trainee("ash").log_entries == 2
    summary = commissioner_summary(evaluation)
    assert "ash" not in repr(summary) and "birch" not in repr(summary)
    for text in (" ".join(summary_pdf_document(summary).written), summary_html(summary)):
        assert "one-day programme of 3 contact hours" in text
        assert "attended 33% of the 3 sessions" in text
        assert "1 trainee wrote 2 practice-log entries" in text
        assert "Follow-up reviews submitted: 1 at 6 weeks." in text
        assert "-hour course" not in text


def test_before_anyone_is_marked_the_reports_say_so(cohort, course) -> None:
    store, created, _ = cohort
    access = trainer_access(store, created.code, created.trainer_key)
    summary = commissioner_summary(evaluate_cohort(access, course))
    assert "Attendance at the sessions has not been marked yet." in summary_html(summary)
    assert len(certificate_for(access, "ash", course_dir=course).programme_lines()) == 2
