"""The cohort workbook: one sheet per instrument (items and scores), other activities, a codebook.

:func:`write_workbook` is the richer Excel export beside the store's flat
:meth:`Store.export`: questionnaire answers are spread into item columns and scored again with
the current definition, and the ``codebook`` sheet says what every column of every sheet holds.
Like the store's export, it holds handles: it is for the people who run the cohort's store.
Text a spreadsheet would run as a formula is written as plain text.

>>> import os, tempfile
>>> from openpyxl import load_workbook
>>> from recovery_capital.store import Store
>>> store = Store("sqlite://")
>>> code = store.create_cohort("Spring 2027").code
>>> from recovery_capital import score
>>> answers = {f"q{i}": 5 for i in range(1, 11)}
>>> _ = store.submit(code, "fox-12", "m2-barc10", answers, result=score("barc10", answers))
>>> path = os.path.join(tempfile.mkdtemp(), "cohort.xlsx")
>>> write_workbook(store, code, path)
{'barc10': 1, 'activities': 0}
>>> load_workbook(path).sheetnames
['about', 'barc10', 'activities', 'codebook']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..scoring.definitions import Instrument, load_instrument
from ..store.exporting import flatten, neutralise_formula
from .errors import ReportError
from .scored import score_submissions

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..store import Store

__all__ = ["write_workbook", "instrument_sheet", "CODEBOOK_COLUMNS"]

CODEBOOK_COLUMNS = ["sheet", "column", "meaning", "values"]
_COMMON = [
    ("cohort", "The cohort's join code.", "text"),
    ("submission_id", "The submission's number in the store (unique).", "whole number"),
    ("handle", "The participant's pseudonymous handle in the cohort.", "text"),
    ("activity_id", "The course activity the answers belong to (m<module>-<name>).", "text"),
    ("time", "When the answers were submitted (UTC).", "date and time"),
]


def _excel(value: Any) -> Any:
    """A cell value openpyxl can write: no timezones, no NaN, no formulas, no control
    characters (whatever the store holds, see :func:`~recovery_capital.store.exporting.
    exportable`)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    if hasattr(value, "to_pydatetime"):
        return _excel(value.to_pydatetime())
    if isinstance(value, str):
        return neutralise_formula(value)  # also replaces characters Excel can't hold
    if hasattr(value, "item"):  # numpy scalars
        return _excel(value.item())
    return value


def instrument_sheet(rows: pd.DataFrame, instrument: Instrument, code: str) -> pd.DataFrame:
    """The sheet for one instrument: who, when, the item values and every score.

    A band that depended on a detail given when answering (AUDIT-C: sex) is taken from the
    stored scores, since it cannot be worked out again from the answers alone.
    """
    import pandas as pd

    scored = score_submissions(rows, instrument)
    if "band" in scored.columns:
        stored = pd.Series([(s or {}).get("band") for s in rows["scores"]], dtype=object)
        scored["band"] = scored["band"].astype(object).where(scored["band"].notna(), stored)
    scored.insert(0, "cohort", code)
    scored.insert(5, "instrument_version", list(rows["instrument_version"]))
    return scored


def _codebook_for(instrument: Instrument, columns: Sequence[str]) -> list[list[str]]:
    sheet = instrument.id
    rows = [[sheet, name, meaning, values] for name, meaning, values in _COMMON]
    rows.append(
        [
            sheet,
            "instrument_version",
            f"The version of the {instrument.short_title or instrument.title} definition "
            "the answers were given on.",
            "text",
        ]
    )
    for item in instrument.items:
        options = "; ".join(f"{o.value:g} = {o.label}" for o in item.options or ())
        extra = (
            " Reverse-keyed when scored."
            if item.reverse
            else (" Asked but not scored." if not item.scored else "")
        )
        rows.append([sheet, item.id, f"Item {item.id[1:]}: {item.prompt}{extra}", options])
    for scale in instrument.scales:
        how = (
            f"formula {scale.formula}"
            if scale.method == "formula"
            else f"{scale.method} of {', '.join(scale.items)}"
        )
        span = f"{scale.range[0]:g} to {scale.range[1]:g}" if scale.range else "number"
        rows.append([sheet, scale.id, f"{scale.label}: {how}.", span])
    described = {row[1] for row in rows}
    for column in columns:
        if column in described:
            continue
        if column == "band":
            meaning = "The instrument's main interpretation label for the scores."
        elif column.endswith("_decile"):
            meaning = f"Norm decile of {column[:-7]} (10 to 90)."
        elif column.endswith("_band") or column in {b.id for b in instrument.bands}:
            meaning = f"Interpretation label: {column.replace('_', ' ')}."
        elif column == "missing":
            meaning = "How many items were left unanswered."
        elif column == "warnings":
            meaning = "Anything to know when reading this row's scores."
        elif column in {f.id for f in instrument.flags}:
            flag = next(f for f in instrument.flags if f.id == column)
            meaning = f"Flag: {flag.label}. {flag.message}"
        else:
            meaning = "Calculated by the scoring engine."
        rows.append([sheet, column, meaning, ""])
    rows.append([sheet, "(sheet)", f"Source: {instrument.citation}", instrument.licence])
    return rows


def _activities_sheet(rows: pd.DataFrame, code: str) -> pd.DataFrame:
    import pandas as pd

    records = [
        {
            "cohort": code,
            "submission_id": r.submission_id,
            "handle": r.handle,
            "activity_id": r.activity_id,
            "time": r.time,
            **flatten(r.answers, "answer"),
            **flatten(r.scores, "score"),
            "text": r.text,
            "shareable": r.shareable,
            "moderation": r.moderation,
        }
        for r in rows.itertuples(index=False)
    ]
    base = [name for name, _, _ in _COMMON]
    frame = pd.DataFrame.from_records(records)
    return frame if len(frame) else pd.DataFrame(columns=[*base, "text", "shareable", "moderation"])


def _activities_codebook(columns: Sequence[str]) -> list[list[str]]:
    rows = [["activities", name, meaning, values] for name, meaning, values in _COMMON]
    fixed = {
        "text": ("Free text the trainee wrote (shown only after moderation).", "text"),
        "shareable": (
            "Whether the trainee agreed the trainer may show the text to the group.",
            "true / false",
        ),
        "moderation": (
            "The trainer's moderation state of the text.",
            "pending, approved or hidden",
        ),
    }
    for column in columns:
        if column in {name for name, _, _ in _COMMON}:
            continue
        if column in fixed:
            rows.append(["activities", column, *fixed[column]])
        elif column.startswith("answer."):
            rows.append(
                [
                    "activities",
                    column,
                    f"Answer field '{column[7:]}' of the activity, as the exercise stores it "
                    "(lists joined with '; ').",
                    "",
                ]
            )
        elif column.startswith("score."):
            rows.append(
                [
                    "activities",
                    column,
                    f"Result field '{column[6:]}' the exercise worked out on submit.",
                    "",
                ]
            )
    return rows


def _write_sheet(workbook: Any, title: str, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title)
    sheet.append([_excel(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False):
        sheet.append([_excel(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(frame.columns, start=1):
        width = min(max(len(str(column)) + 2, 10), 60)
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = width


def write_workbook(
    store: Store,
    code: str,
    path: str | os.PathLike[str],
    *,
    course_dir: str | os.PathLike[str] | None = None,
) -> dict[str, int]:
    """Write the cohort's workbook to ``path`` (.xlsx); returns the row count per data sheet."""
    import pandas as pd
    from openpyxl import Workbook

    from ..store.keys import normalise_code

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise ReportError(
            f"The workbook is an Excel file: give a name ending in .xlsx, not {target.name!r}."
        )
    cohort = normalise_code(code)
    info = store.cohort(cohort)
    rows = store.responses(cohort)
    if course_dir is None:
        from ..content.model import course_dir as find_course_dir

        course_dir = find_course_dir()
    workbook = Workbook()
    about = workbook.active
    about.title = "about"
    counts: dict[str, int] = {}
    codebook: list[list[str]] = []
    with_instrument = rows[rows["instrument"].notna()]
    for instrument_id in sorted(dict.fromkeys(with_instrument["instrument"])):
        inst = load_instrument(instrument_id, course_dir=course_dir)
        chosen = with_instrument[with_instrument["instrument"] == instrument_id]
        frame = instrument_sheet(chosen.reset_index(drop=True), inst, cohort)
        _write_sheet(workbook, inst.id[:31], frame)
        counts[inst.id] = len(frame)
        codebook += _codebook_for(inst, list(frame.columns))
    others = _activities_sheet(rows[rows["instrument"].isna()], cohort)
    _write_sheet(workbook, "activities", others)
    counts["activities"] = len(others)
    codebook += _activities_codebook(list(others.columns))
    _write_sheet(workbook, "codebook", pd.DataFrame(codebook, columns=CODEBOOK_COLUMNS))
    for line in (
        ["Cohort", f"{info.name} ({cohort})"],
        ["Made", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")],
        [
            "Sheets",
            "One per questionnaire (item answers as numbers, then every score), "
            "'activities' for every other exercise, and 'codebook' describing each "
            "column.",
        ],
        [
            "Privacy",
            "Handles are pseudonyms, but together with the answers they are personal "
            "data: keep this file as your service keeps case notes.",
        ],
    ):
        about.append([_excel(v) for v in line])
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 100
    from ..store.files import private_file

    try:
        with private_file(target, "wb") as out:
            workbook.save(out)
    except OSError as exc:
        raise ReportError(f"Couldn't write {target}: {exc.strerror or exc}.") from None
    return counts
