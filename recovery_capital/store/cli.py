"""Store commands: ``cohort create``, ``cohort list``, ``export`` and ``erase``.

Each takes ``--store URL`` (default: ``$RECOVERY_CAPITAL_STORE``, else the local SQLite file).
The store itself is imported only when a command runs, so ``recovery-capital --help`` stays fast.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="recovery-capital")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["erase", "--cohort", "K7P2Q", "--participant", "fox-12", "--yes"])
>>> args.func is run_erase, args.yes
(True, True)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from ..errors import RecoveryCapitalError

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

__all__ = ["register", "run_cohort_create", "run_cohort_list", "run_export", "run_erase"]

STORE_HELP = (
    "where answers are kept: a SQLite file path or a database URL such as "
    "postgresql+psycopg://user@host/db (default: $RECOVERY_CAPITAL_STORE, else "
    "~/.local/share/recovery-capital/store.sqlite3)"
)


def _add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="URL", default=None, help=STORE_HELP)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the store's commands to the ``recovery-capital`` command line.

    >>> import argparse
    >>> parser = argparse.ArgumentParser()
    >>> register(parser.add_subparsers())
    >>> parser.parse_args(["cohort", "create", "Spring 2027"]).name
    'Spring 2027'
    """
    cohort = subparsers.add_parser(
        "cohort", help="create or list cohorts (groups of trainees joined by a code)"
    )

    def show_cohort_help(_args: argparse.Namespace) -> int:
        cohort.print_help()
        return 2

    cohort.set_defaults(func=show_cohort_help)
    cohort_commands = cohort.add_subparsers(title="cohort commands", metavar="COMMAND")

    create = cohort_commands.add_parser(
        "create", help="make a cohort: prints its join code and trainer key (shown once)"
    )
    create.add_argument("name", help='a name trainers recognise, e.g. "Spring 2027"')
    _add_store_option(create)
    create.set_defaults(func=run_cohort_create)

    listing = cohort_commands.add_parser("list", help="list cohorts with their counts")
    _add_store_option(listing)
    listing.set_defaults(func=run_cohort_list)

    export = subparsers.add_parser(
        "export", help="write a cohort's submissions to a .csv or .xlsx file"
    )
    export.add_argument("--cohort", required=True, metavar="CODE", help="the join code")
    export.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write (.csv or .xlsx)"
    )
    export.add_argument(
        "--include-drafts", action="store_true", help="also export unsubmitted drafts"
    )
    export.add_argument(
        "--format", choices=("table", "workbook", "fhir"), default="table",
        help="table: flat .csv or .xlsx (default); workbook: .xlsx with a sheet per "
        "questionnaire and a codebook; fhir: FHIR R4B JSON (.json)",
    )
    _add_store_option(export)
    export.set_defaults(func=run_export)

    erase = subparsers.add_parser(
        "erase", help="erase everything stored for one participant of a cohort"
    )
    erase.add_argument("--cohort", required=True, metavar="CODE", help="the join code")
    erase.add_argument("--participant", required=True, metavar="HANDLE", help="their handle")
    erase.add_argument("--yes", action="store_true", help="don't ask for confirmation")
    _add_store_option(erase)
    erase.set_defaults(func=run_erase)


def _open(args: argparse.Namespace) -> Store:
    from .store import Store

    return Store(args.store)


def _friendly(command: Callable[[argparse.Namespace], int]) -> Callable[..., int]:
    """Run ``command``, turning the package's own errors into a message and exit code 1."""

    def run(args: argparse.Namespace, **kwargs: object) -> int:
        try:
            return command(args, **kwargs)
        except RecoveryCapitalError as exc:
            print(f"recovery-capital: {exc}", file=sys.stderr)
            return 1

    run.__name__ = command.__name__
    run.__doc__ = command.__doc__
    return run


@_friendly
def run_cohort_create(args: argparse.Namespace) -> int:
    """``cohort create NAME``: create a cohort and print its join code and trainer key.

    >>> run_cohort_create(argparse.Namespace(name="Spring 2027", store="sqlite://"))
    ... # doctest: +ELLIPSIS
    Created cohort 'Spring 2027' in sqlite://
      Join code (give this to trainees):  ...
      Trainer key (for the dashboard):    ...-...-...-...
    The trainer key is shown only this once: ...
    0
    """
    store = _open(args)
    created = store.create_cohort(args.name)
    print(f"Created cohort {created.name!r} in {store.location}")
    print(f"  Join code (give this to trainees):  {created.code}")
    print(f"  Trainer key (for the dashboard):    {created.trainer_key}")
    print(
        "The trainer key is shown only this once: only a one-way hash of it is stored. "
        "Keep it somewhere safe; without it, make a new cohort."
    )
    return 0


@_friendly
def run_cohort_list(args: argparse.Namespace) -> int:
    """``cohort list``: one line per cohort with its counts.

    >>> run_cohort_list(argparse.Namespace(store="sqlite://"))
    No cohorts yet in sqlite://. Make one with: recovery-capital cohort create NAME
    0
    """
    store = _open(args)
    cohorts = store.cohorts()
    if not cohorts:
        print(
            f"No cohorts yet in {store.location}. "
            "Make one with: recovery-capital cohort create NAME"
        )
        return 0
    print(f"{'code':<9} {'created (UTC)':<17} {'people':>6} {'answers':>8}  name")
    for info in cohorts:
        created = info.created.strftime("%Y-%m-%d %H:%M")
        print(
            f"{info.code:<9} {created:<17} {info.participants:>6} {info.submissions:>8}  "
            f"{info.name}"
        )
    return 0


@_friendly
def run_export(args: argparse.Namespace) -> int:
    """``export --cohort CODE -o FILE``: write the cohort's submissions to CSV or Excel.

    >>> import os, tempfile
    >>> from recovery_capital.store import Store
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "store.sqlite3")
    >>> code = Store(url).create_cohort("Spring 2027").code
    >>> target = os.path.join(tempfile.mkdtemp(), "session.csv")
    >>> args = argparse.Namespace(cohort=code, output=target, include_drafts=False, store=url)
    >>> run_export(args)  # doctest: +ELLIPSIS
    Wrote 0 rows to .../session.csv
    0
    """
    if getattr(args, "format", "table") != "table":
        from ..reports_cli import run_export_format

        return run_export_format(args)
    from .exporting import check_export_path

    target = check_export_path(args.output)
    store = _open(args)
    count = store.export(args.cohort, target, include_drafts=args.include_drafts)
    print(f"Wrote {count} row{'s' if count != 1 else ''} to {target}")
    return 0


@_friendly
def run_erase(args: argparse.Namespace, *, stdin: TextIO | None = None) -> int:
    """``erase --cohort CODE --participant HANDLE``: remove one person's answers and record.

    Asks first unless ``--yes``; no answer (end of input) erases nothing.

    >>> import io, os, tempfile
    >>> from recovery_capital.store import Store
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "store.sqlite3")
    >>> store = Store(url)
    >>> code = store.create_cohort("Spring 2027").code
    >>> _ = store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    >>> args = argparse.Namespace(cohort=code, participant="fox-12", yes=False, store=url)
    >>> run_erase(args, stdin=io.StringIO("no\\n"))  # doctest: +ELLIPSIS
    Erase every answer and the record of 'fox-12' in cohort ...? ... Nothing was erased.
    1
    >>> run_erase(args, stdin=io.StringIO("yes\\n"))  # doctest: +ELLIPSIS
    Erase every ... Erased 'fox-12' from cohort ...: 1 answer row and the participant record.
    0
    """
    from .handles import validate_handle
    from .keys import normalise_code

    code = normalise_code(args.cohort)
    handle = validate_handle(args.participant)
    store = _open(args)
    if handle.casefold() not in {h.casefold() for h in store.participants(code)}:
        print(
            f"recovery-capital: nobody with the handle {handle!r} has joined cohort {code}.",
            file=sys.stderr,
        )
        return 1
    if not args.yes and not _confirm(
        f"Erase every answer and the record of {handle!r} in cohort {code}? "
        "This can't be undone. Type 'yes' to erase: ",
        stdin or sys.stdin,
    ):
        print("Nothing was erased.")
        return 1
    removed = store.erase_participant(code, handle)
    print(
        f"Erased {handle!r} from cohort {code}: {removed} answer row{'s' if removed != 1 else ''} "
        "and the participant record."
    )
    return 0


def _confirm(question: str, stdin: TextIO) -> bool:
    print(question, end="", flush=True)
    answer = stdin.readline()
    if not answer:  # no one to ask (end of input): the safe answer is no
        print()
        return False
    return answer.strip().lower() in ("y", "yes")
