"""Import answers exported by another system and score them.

Other systems name item columns their own way ("BARC_1", "Item 01", "q1_score"). The importer
matches them to the instrument's items (``q1..qN``): an explicit mapping first, then columns
already named ``q1``..``qN`` in any letter case, then a family of columns sharing one prefix and
numbered 1..N. Answers may be numbers or the option labels. Every other column (an id, a
date) is kept in front of the scores.

>>> import io
>>> text = "client,BARC_1,BARC_2,BARC_3,BARC_4,BARC_5,BARC_6,BARC_7,BARC_8,BARC_9,BARC_10\\n" \\
...        "C-01,5,5,5,5,5,5,5,4,4,4\\n"
>>> scored = import_responses(io.StringIO(text), "barc10")
>>> scored[["client", "total"]].values.tolist()
[['C-01', 47.0]]
>>> scored.attrs["columns"]["BARC_10"]
'q10'
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..scoring.definitions import Instrument, load_instrument
from ..scoring.engine import score_frame
from .errors import ReportError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["import_responses", "match_item_columns", "read_table"]

_NUMBERED = re.compile(r"^(?P<prefix>.*?)[\s_.\-#]*0*(?P<number>[1-9]\d*)\s*$")


def match_item_columns(
    columns: Sequence[str], instrument: Instrument, mapping: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Source column -> item id for every item, or :class:`ReportError` saying what to map.

    >>> import recovery_capital as rc
    >>> dast = rc.load_instrument("dast10")
    >>> match_item_columns([f"Item {n:02d}" for n in range(1, 11)], dast)["Item 03"]
    'q3'
    >>> match_item_columns(["id", "Q1", "Q2"], dast)
    Traceback (most recent call last):
    ...
    recovery_capital.reports.errors.ReportError: Couldn't find a column for every DAST-10 ...
    """
    items = list(instrument.item_ids)
    found: dict[str, str] = {}
    for source, target in (mapping or {}).items():
        if source not in columns:
            raise ReportError(
                f"The mapping names a column {source!r} that the file does not "
                f"have. Its columns are: {', '.join(map(str, columns))}."
            )
        if target not in items:
            raise ReportError(
                f"The mapping sends {source!r} to {target!r}, which is not an item "
                f"of {instrument.id} (items are {items[0]}..{items[-1]})."
            )
        found[source] = target
    wanted = [item for item in items if item not in found.values()]
    if not wanted:
        return found
    spare = [str(c) for c in columns if c not in found]
    exact = {c: c.strip().casefold() for c in spare if c.strip().casefold() in wanted}
    found.update(exact)
    wanted = [item for item in wanted if item not in exact.values()]
    spare = [c for c in spare if c not in exact]
    if wanted:
        families: dict[str, dict[str, str]] = {}
        for column in spare:
            match = _NUMBERED.match(column)
            if match:
                key = match.group("prefix").strip().casefold()
                item = f"q{int(match.group('number'))}"
                families.setdefault(key, {})
                if item in wanted and item not in families[key].values():
                    families[key][column] = item
        complete = [f for f in families.values() if set(f.values()) == set(wanted)]
        if len(complete) == 1:
            found.update(complete[0])
            wanted = []
        elif len(complete) > 1:
            raise ReportError(
                f"More than one set of columns could be the {instrument.id} items; say which "
                "with --map COLUMN=q1 (one per item)."
            )
    if wanted:
        raise ReportError(
            f"Couldn't find a column for every {instrument.short_title or instrument.title} "
            f"item: {', '.join(wanted)} have none. Name the columns q1..q{len(items)}, number "
            f"them with one prefix (e.g. item_1..item_{len(items)}), or map them with "
            f"--map COLUMN=q1. The file's columns are: {', '.join(map(str, columns))}."
        )
    return found


def read_table(source: str | os.PathLike[str] | io.TextIOBase) -> pd.DataFrame:
    """A CSV (comma, semicolon or tab separated; UTF-8 or Windows-1252) or an .xlsx file, with
    every cell read as text so labels and numbers both survive."""
    import pandas as pd

    if isinstance(source, io.TextIOBase):
        return pd.read_csv(source, dtype=str, sep=None, engine="python")
    path = Path(source)
    if not path.is_file():
        raise ReportError(f"There is no file {str(path)!r} to import.")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        return pd.read_csv(io.StringIO(text), dtype=str, sep=None, engine="python")
    except (ValueError, OSError) as exc:
        raise ReportError(f"Couldn't read {path.name} as a table: {exc}") from None


def import_responses(
    source: str | os.PathLike[str] | io.TextIOBase,
    instrument: str | Instrument,
    *,
    mapping: Mapping[str, str] | None = None,
    errors: Literal["raise", "coerce"] = "raise",
    context: Mapping[str, object] | None = None,
    course_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Read another system's answers, match the item columns and score every row.

    Returns :func:`recovery_capital.score_frame`'s result; ``result.attrs["columns"]`` records
    which source column became which item. ``errors`` and ``context`` are passed to
    ``score_frame`` (e.g. ``context={"sex": "gender"}`` for AUDIT-C).
    """
    inst = (
        instrument
        if isinstance(instrument, Instrument)
        else load_instrument(instrument, course_dir=course_dir)
    )
    table = read_table(source)
    if table.empty:
        raise ReportError("The file has a header but no rows of answers.")
    matched = match_item_columns(list(table.columns), inst, mapping)
    clashes = [c for c in table.columns if c in inst.item_ids and c not in matched]
    renamed = table.drop(columns=clashes).rename(columns=matched)
    scored = score_frame(inst, renamed, errors=errors, context=context)
    scored.attrs["columns"] = dict(matched)
    return scored
