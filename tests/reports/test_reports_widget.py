"""CohortReport in a notebook: refused without the right key, then the evaluation and downloads."""

from __future__ import annotations

import base64
import re

from recovery_capital.widgets.cohort_report import CohortReport
from recovery_capital.widgets.trainer_sign_in import WRONG_KEY


def test_wrong_key_shows_nothing_about_the_cohort(cohort) -> None:
    report = CohortReport(cohort.code, store=cohort.store, course=cohort.course)
    report.sign_in.key_field.value = "WRONG-KEY-00"
    assert report.open() is False
    assert report.status.text == WRONG_KEY and report.sign_in.key_field.value == ""
    assert report.report.value == "" and report.downloads.value == ""
    report.sign_in.code_field.value = "K0O"
    assert report.open() is False and "never use 0, O" in report.status.text


def test_right_key_shows_the_evaluation_and_offers_downloads(cohort) -> None:
    report = CohortReport(store=cohort.store, course=cohort.course)
    report.sign_in.code_field.value = cohort.code.lower()
    report.sign_in.key_field.value = cohort.key
    assert report.open() is True
    assert report.sign_in.key_field.value == "" and report.sign_in.box.layout.display == "none"
    shown = report.report.value
    for text in ("75%", "50%", "fox-1", "−4.85 to 7.85", "Northshire &lt;Spring&gt;"):
        assert text in shown, text
    assert f"summary-{cohort.code}.pdf" in report.downloads.value
    summary = re.search(
        r'href="data:text/html;base64,([^"]+)" download="summary-', report.downloads.value
    )
    page = base64.b64decode(summary.group(1)).decode("utf-8")
    assert "75%" in page and "fox-1" not in page
    assert "4 trainees" in report.status.text


def test_a_failure_becomes_a_message_not_a_traceback(cohort, monkeypatch) -> None:
    report = CohortReport(cohort.code, store=cohort.store, course=cohort.course)
    report.sign_in.key_field.value = cohort.key

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("recovery_capital.reports.evaluation.evaluate_cohort", broken)
    report.sign_in.open_button.click()
    assert report.status.tone == "error" and "disk on fire" not in report.status.text


def test_a_course_without_modules_is_explained(cohort, tmp_path) -> None:
    report = CohortReport(cohort.code, store=cohort.store, course=tmp_path)
    report.sign_in.key_field.value = cohort.key
    report.sign_in.open_button.click()
    assert report.status.tone == "warning" and "No module notebooks" in report.status.text
