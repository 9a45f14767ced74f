"""The cohort workbook: a sheet per questionnaire, other activities, and a complete codebook."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from recovery_capital.reports.errors import ReportError
from recovery_capital.reports.workbook import write_workbook


@pytest.fixture(scope="module")
def workbook(cohort, tmp_path_factory):
    path = tmp_path_factory.mktemp("workbook") / "cohort.xlsx"
    cohort.store.submit(
        cohort.code,
        "jay-4",
        "m1-reflection",
        {"shareable": False},
        text='=HYPERLINK("http://example.invalid")',
    )
    counts = write_workbook(cohort.store, cohort.code, path, course_dir=cohort.course)
    return counts, load_workbook(path)


def _rows(sheet):
    values = list(sheet.values)
    return [dict(zip(values[0], row)) for row in values[1:]]


def test_sheets_and_row_counts(workbook) -> None:
    counts, book = workbook
    assert book.sheetnames == ["about", "selfcheck", "activities", "codebook"]
    assert counts == {"selfcheck": 5, "activities": 4}


def test_questionnaire_sheet_has_items_and_scores(workbook, cohort) -> None:
    _, book = workbook
    rows = _rows(book["selfcheck"])
    fox_pre = next(r for r in rows if r["handle"] == "fox-1" and r["activity_id"].endswith("pre"))
    assert fox_pre["cohort"] == cohort.code
    assert [fox_pre[f"q{i}"] for i in range(1, 13)] == [2] * 12
    assert fox_pre["overall"] == 2 and fox_pre["knowledge"] == 2
    assert fox_pre["instrument_version"] == "1"


def test_codebook_describes_every_column_of_every_sheet(workbook) -> None:
    _, book = workbook
    described = {(r["sheet"], r["column"]) for r in _rows(book["codebook"])}
    for name in ("selfcheck", "activities"):
        header = next(book[name].values)
        missing = [c for c in header if (name, c) not in described]
        assert not missing, (name, missing)
    codebook = _rows(book["codebook"])
    q1 = next(r for r in codebook if r["sheet"] == "selfcheck" and r["column"] == "q1")
    assert "1 = Strongly disagree" in q1["values"]


def test_typed_text_is_never_a_formula(workbook) -> None:
    _, book = workbook
    texts = [r["text"] for r in _rows(book["activities"]) if r["text"]]
    assert texts == ['\'=HYPERLINK("http://example.invalid")']


def test_workbook_needs_an_xlsx_name(cohort, tmp_path) -> None:
    with pytest.raises(ReportError, match="ending in .xlsx"):
        write_workbook(cohort.store, cohort.code, tmp_path / "cohort.csv")
