"""Turning stored rows into tables: flat columns, and CSV or Excel files safe to open.

Answers and scores are nested JSON in the store; an export spreads them into one column per
leaf (``answer.q1``, ``score.scales.total``). Text a trainee typed is written as text: a cell
that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@`` ...) is neutralised.
The store refuses characters no file format can hold (see
:func:`~recovery_capital.store.validation.check_characters`), but a store written before that
check may still hold some, so every writer passes text through :func:`exportable`, which
replaces each such character with U+FFFD: an export never fails on one person's text.
Every file is written owner-only (:func:`~recovery_capital.store.files.private_file`).

>>> flatten({"scales": {"total": 47.0}, "band": "high", "missing": []}, "score")
{'score.scales.total': 47.0, 'score.band': 'high', 'score.missing': ''}
>>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InvalidInput

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["EXPORT_FORMATS", "exportable", "flatten", "neutralise_formula", "write_table"]

EXPORT_FORMATS = (".csv", ".xlsx")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def flatten(value: Mapping[str, Any] | None, prefix: str) -> dict[str, Any]:
    """One ``prefix.key.subkey`` entry per leaf; lists become ``; ``-joined text.

    >>> flatten({"choice": ["a", "b"], "q1": 3}, "answer")
    {'answer.choice': 'a; b', 'answer.q1': 3}
    >>> flatten(None, "score")
    {}
    """
    flat: dict[str, Any] = {}
    if not value:
        return flat
    for key, item in value.items():
        name = f"{prefix}.{key}"
        if isinstance(item, Mapping):
            flat.update(flatten(item, name))
        elif isinstance(item, (list, tuple)):
            flat[name] = "; ".join(
                json.dumps(part, ensure_ascii=False)
                if isinstance(part, (dict, list))
                else str(part)
                for part in item
            )
        else:
            flat[name] = item
    return flat


def exportable(value: Any) -> Any:
    """``value`` with every character no export format can hold replaced by U+FFFD.

    Works through dicts and lists; anything that is not text is returned unchanged.

    >>> exportable("tab\\x0bhere") == "tab\\ufffdhere", exportable(3)
    (True, 3)
    >>> exportable({"note": "half \\ud800"}) == {"note": "half \\ufffd"}
    True
    """
    from .validation import _UNSTORABLE

    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {exportable(key): exportable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [exportable(item) for item in value]
    return value


def neutralise_formula(value: Any) -> Any:
    """``value`` unchanged unless it is text a spreadsheet would treat as a formula (text
    is also made :func:`exportable`).

    >>> neutralise_formula("-5"), neutralise_formula(-5), neutralise_formula("fox-12")
    ("'-5", -5, 'fox-12')
    """
    if not isinstance(value, str):
        return value
    value = exportable(value)
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def check_export_path(path: str | Path) -> Path:
    """The path as a :class:`~pathlib.Path`, if it ends in .csv or .xlsx.

    >>> check_export_path("session.XLSX").suffix
    '.XLSX'
    >>> check_export_path("session.pdf")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidInput: Can't export to 'session.pdf': the file name \
must end in .csv or .xlsx.
    """
    target = Path(path)
    if target.suffix.lower() not in EXPORT_FORMATS:
        raise InvalidInput(
            f"Can't export to {str(path)!r}: the file name must end in .csv or .xlsx."
        )
    return target


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` (CSV in UTF-8 with a BOM so Excel reads accents, or XLSX),
    owner-only.

    Every text cell is passed through :func:`neutralise_formula` first.

    >>> import pandas as pd, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> out = write_table(pd.DataFrame({"handle": ["fox-12"], "text": ["=1+1"]}),
    ...                   os.path.join(folder, "x.csv"))
    >>> out.read_text(encoding="utf-8-sig").splitlines()
    ['handle,text', "fox-12,'=1+1"]
    """
    target = check_export_path(path)
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype) in ("string", "str"):
            safe[column] = safe[column].map(neutralise_formula)
    safe.columns = [neutralise_formula(str(column)) for column in safe.columns]
    from .files import private_file

    try:
        if target.suffix.lower() == ".csv":
            with private_file(target, "w", encoding="utf-8-sig", newline="") as out:
                safe.to_csv(out, index=False)
        else:
            with private_file(target, "wb") as out:
                _write_xlsx(safe, out)
    except OSError as exc:
        raise InvalidInput(f"Couldn't write {target}: {exc.strerror or exc}.") from None
    return target


def _write_xlsx(frame: pd.DataFrame, target: Any) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "responses"
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([_excel_value(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    workbook.save(target)


def _excel_value(value: Any) -> Any:
    """A value openpyxl can write: timezones dropped (Excel has none), missing as empty."""
    if value is None:
        return None
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return value.replace(tzinfo=None)
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value
