"""Certificates: only for trainees who completed every module, with modules and hours."""

from __future__ import annotations

import pytest

from recovery_capital.reports.certificate import (
    certificate_for,
    certificate_pdf,
    certificate_pdf_document,
)
from recovery_capital.reports.errors import NotComplete, ReportError


def test_complete_trainee_gets_modules_hours_and_date(cohort) -> None:
    cert = certificate_for(
        cohort.access, "fox-1", name="Zoë Nowak-Łukasz", course_dir=cohort.course
    )
    assert cert.modules == (("Module 1: Starting out", 0.5), ("Module 7: Looking back", 0.75))
    assert cert.total_hours == 1.25
    assert cert.cohort_name == "Northshire <Spring>"
    last = cohort.store.responses(cohort.code, "m7-selfcheck-post")
    assert cert.completed_on == last[last["handle"] == "fox-1"]["time"].max().to_pydatetime()


def test_certificate_pdf_says_it_all_on_one_page(cohort) -> None:
    cert = certificate_for(
        cohort.access, "fox-1", name="Zoë Nowak-Łukasz", course_dir=cohort.course
    )
    document = certificate_pdf_document(cert)
    data = document.to_bytes()
    written = " ".join(document.written)
    assert data.startswith(b"%PDF-") and document.page_no() == 1
    for text in (
        "Certificate of completion",
        "Zoë Nowak-Łukasz",
        "Module 1: Starting out",
        "0.50",
        "0.75",
        "1.25 hours",
        "Northshire <Spring>",
    ):
        assert text in written, text
    assert certificate_pdf(cert)[:5] == b"%PDF-"


def test_handle_is_printed_when_no_name_is_given(cohort) -> None:
    cert = certificate_for(cohort.access, "OWL-2", course_dir=cohort.course)
    assert cert.name == "owl-2"


def test_unfinished_trainees_get_no_certificate(cohort) -> None:
    with pytest.raises(NotComplete) as partly:
        certificate_for(cohort.access, "wren-3", course_dir=cohort.course)
    assert partly.value.missing == ["Module 7: Looking back"]
    with pytest.raises(NotComplete) as nothing:
        certificate_for(cohort.access, "jay-4", course_dir=cohort.course)
    assert nothing.value.missing == ["Module 1: Starting out", "Module 7: Looking back"]
    with pytest.raises(ReportError, match="Nobody with the handle"):
        certificate_for(cohort.access, "nobody-9", course_dir=cohort.course)
