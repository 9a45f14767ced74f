"""Command-line scoring: ``recovery-capital instruments`` and ``recovery-capital score``."""

from __future__ import annotations

import argparse
import codecs
import io
import sys
from pathlib import Path

from ..core.errors import DefinitionError, InvalidResponse, UnknownInstrument

__all__ = ["register", "list_command", "score_command"]

SCORE_HELP = """\
Score a file of answers: one row per person, one column per item named q1, q2, ... in the
instrument's published order (see `recovery-capital instruments --items ID`). Answers may be
numbers or the option labels ("Agree"); a blank cell is an unanswered item. Other columns
(an id, a date) are copied to the output in front of the scores.

CSV files may be saved by Excel as "CSV UTF-8", "CSV" (Windows Latin-1) or "Unicode Text"
(UTF-16, tab-separated); commas, tabs and semicolons all work as separators.

By default any answer the instrument does not allow stops the run and lists every bad cell
(file, row, column, value), exit code 1. With --coerce, bad answers are treated as unanswered
and the row's "warnings" column says so.

Examples:
  recovery-capital score barc10 answers.csv                 print the scores
  recovery-capital score urica clinic.xlsx -o scored.xlsx   write an Excel file
  recovery-capital score audit_c screen.csv --sex-column gender -o out.csv
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``instruments`` and ``score`` commands."""
    listing = subparsers.add_parser(
        "instruments",
        help="list the questionnaires that can be scored",
        description="List every instrument this version can score: id, title, number of "
        "items, status (verified, or provisional with rules not yet checked) and "
        "licence.",
    )
    listing.add_argument(
        "--items", metavar="ID", help="show the items and answers of one instrument instead"
    )
    listing.add_argument("--course", metavar="DIR", help="also list a course's own instruments")
    listing.set_defaults(func=list_command)

    scoring = subparsers.add_parser(
        "score",
        help="score a CSV or Excel file of answers",
        description=SCORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scoring.add_argument("instrument", help="instrument id, e.g. barc10 (see `instruments`)")
    scoring.add_argument("file", help="answers: .csv or .xlsx, one row per person")
    scoring.add_argument(
        "-o", "--output", help="write scores to this .csv or .xlsx file (default: print them)"
    )
    scoring.add_argument(
        "--coerce",
        action="store_true",
        help="treat answers that are not allowed as unanswered, with a warning",
    )
    scoring.add_argument(
        "--sex-column",
        metavar="COLUMN",
        help="column holding each person's sex, for instruments whose cut-off "
        "depends on it (AUDIT-C); default: a column named 'sex'",
    )
    scoring.add_argument("--course", metavar="DIR", help="course folder with its own instruments")
    scoring.set_defaults(func=score_command)


def list_command(args: argparse.Namespace) -> int:
    """Print the instruments table, or one instrument's items."""
    from .definitions import list_instruments, load_instrument

    try:
        if args.items:
            inst = load_instrument(args.items, course_dir=args.course)
            print(f"{inst.title} ({inst.id}, version {inst.version}, {inst.status})")
            print(f"Prompts: {inst.prompt_source}")
            for item in inst.items:
                answers = "; ".join(f"{o.value:g}={o.label}" for o in item.options or ())
                extra = (
                    " [reverse-keyed]"
                    if item.reverse
                    else (" [not scored]" if not item.scored else "")
                )
                print(f"  {item.id}: {item.prompt}{extra}\n      {answers}")
            return 0
        rows = [("ID", "TITLE", "ITEMS", "STATUS", "LICENCE")]
        for instrument_id in list_instruments(args.course):
            inst = load_instrument(instrument_id, course_dir=args.course)
            rows.append(
                (
                    inst.id,
                    inst.short_title or inst.title,
                    str(len(inst.items)),
                    inst.status,
                    inst.licence,
                )
            )
    except (UnknownInstrument, DefinitionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    return 0


def decode_table_text(data: bytes) -> str:
    r"""The text of a CSV file however Excel saved it.

    UTF-16 with a byte-order mark ("Unicode Text"), UTF-8 with or without one ("CSV UTF-8"),
    otherwise Windows-1252 ("CSV", Excel's Latin-1 on UK Windows), whose every byte is text.

    >>> decode_table_text("q1,name\n5,Siân\n".encode("utf-16"))
    'q1,name\n5,Siân\n'
    >>> decode_table_text("q1,name\n5,Siân\n".encode("cp1252"))
    'q1,name\n5,Siân\n'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return data.decode("latin-1")


def _separator(text: str) -> str:
    """The separator of the header line: a comma, or the tab / semicolon Excel writes."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", "\t", ";")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_table(path: Path):
    import pandas as pd

    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=object), 2
    text = decode_table_text(path.read_bytes())
    frame = pd.read_csv(
        io.StringIO(text),
        sep=_separator(text),
        dtype=str,
        keep_default_na=False,
        skipinitialspace=True,
    )
    return frame, 2


def _write_table(result, out: Path) -> str | None:
    """Write the scores; return a message for the user instead of raising when it cannot."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return f"{out}: the output must end in .csv or .xlsx"
    if not out.parent.is_dir():
        return f"{out}: the folder {out.parent} does not exist; create it or choose another"
    try:
        if suffix == ".xlsx":
            result.to_excel(out, index=False)
        else:
            result.to_csv(out, index=False)
    except OSError as exc:
        return f"{out}: cannot write it ({exc.strerror or exc})"
    return None


def score_command(args: argparse.Namespace) -> int:
    """Score a file; returns 0, or 1 with every bad cell listed on standard error."""
    from .definitions import load_instrument
    from .engine import score_frame

    path = Path(args.file)
    try:
        inst = load_instrument(args.instrument, course_dir=args.course)
    except (UnknownInstrument, DefinitionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not path.exists():
        print(f"error: {path}: no such file", file=sys.stderr)
        return 1
    if args.output:  # say so before scoring a large file, not after
        out = Path(args.output)
        if out.suffix.lower() not in (".csv", ".xlsx") or not out.parent.is_dir():
            print(f"error: {_write_table(None, out)}", file=sys.stderr)
            return 1
    try:
        frame, first_data_line = _read_table(path)
    except Exception as exc:  # the file itself is unreadable: say so without a traceback
        print(f"error: {path}: cannot read it as a table ({exc})", file=sys.stderr)
        return 1
    context = {"sex": args.sex_column} if args.sex_column else None
    try:
        result = score_frame(
            inst, frame, errors="coerce" if args.coerce else "raise", context=context
        )
    except InvalidResponse as exc:
        print(
            f"error: {path}: {len(exc.problems)} answer(s) not allowed by {inst.id}:",
            file=sys.stderr,
        )
        for row, item, value in exc.problems:
            if value == "(no such column)":
                print(f"  {path}: {exc.allowed}", file=sys.stderr)
                break
            line = int(row) + first_data_line if isinstance(row, (int,)) else row
            allowed = inst.describe_allowed(item) if item in inst.item_ids else exc.allowed
            print(
                f"  {path}, row {line}, column {item}: {value!r} (allowed: {allowed})",
                file=sys.stderr,
            )
        print(
            "Fix these cells, or run again with --coerce to treat them as unanswered.",
            file=sys.stderr,
        )
        return 1
    for warning in result.attrs.get("warnings", []):
        print(f"warning: {warning}", file=sys.stderr)
    flagged = int((result["warnings"] != "").sum())
    if flagged:
        print(f"note: {flagged} row(s) have warnings (see the 'warnings' column)", file=sys.stderr)
    if args.output:
        out = Path(args.output)
        problem = _write_table(result, out)
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 1
        print(f"wrote {len(result)} scored row(s) to {out}")
    else:
        print(result.to_csv(index=False), end="")
    return 0
