"""Store commands: ``cohort create|list|reissue-link|close|open``, ``erase`` and
``verify-erasure``, and the helpers every command that opens a cohort shares
(:func:`add_store_option`, :func:`open_store`, :func:`cohort_access`, :func:`friendly`).

Each takes ``--store URL`` (default: ``$RECOVERY_CAPITAL_STORE``, else the local SQLite file).
The store itself is imported only when a command runs, so ``recovery-capital --help`` stays fast.
Commands whose output names participants (``cohort reissue-link``; ``export`` and the
reports live in :mod:`recovery_capital.reports.cli`) and those that
change who may join (``cohort close|open``) need the cohort's trainer key, like every report
(:mod:`recovery_capital.store.access`); erasing and checking an erasure do not.

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

from ..core.errors import RecoveryCapitalError

if TYPE_CHECKING:  # pragma: no cover
    from .access import TrainerAccess
    from .store import Store

__all__ = [
    "register",
    "run_cohort_create",
    "run_cohort_list",
    "run_reissue_link",
    "run_joins",
    "run_cohort_key",
    "add_store_option",
    "open_store",
    "cohort_access",
    "friendly",
    "run_erase",
    "run_verify_erasure",
]

#: Where the course is served, for the personal links ``cohort reissue-link`` prints.
COURSE_URL_ENV = "RECOVERY_CAPITAL_COURSE_URL"

STORE_HELP = (
    "where answers are kept: a SQLite file path or a database URL such as "
    "postgresql+psycopg://user@host/db (default: $RECOVERY_CAPITAL_STORE, else "
    "~/.local/share/recovery-capital/store.sqlite3)"
)


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """``--store URL``, as every command that opens the store takes it."""
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
    create.add_argument(
        "--chosen-handles", action="store_true",
        help="let trainees choose their own handle (names and e-mail addresses are still "
        "refused); by default everyone is given a made-up one",
    )  # fmt: skip
    add_store_option(create)
    create.set_defaults(func=run_cohort_create)

    listing = cohort_commands.add_parser("list", help="list cohorts with their counts")
    add_store_option(listing)
    listing.set_defaults(func=run_cohort_list)

    reissue = cohort_commands.add_parser(
        "reissue-link",
        help="print a new personal link for a trainee who lost theirs (the old one stops "
        "working; needs the trainer key)",
    )
    reissue.add_argument("cohort", metavar="CODE", help="the join code")
    reissue.add_argument("participant", metavar="HANDLE", help="the trainee's handle")
    reissue.add_argument(
        "--url", default=None, metavar="URL",
        help=f"where the course is served (default: ${COURSE_URL_ENV}, else "
        "http://127.0.0.1:8866/)",
    )  # fmt: skip
    add_store_option(reissue)
    reissue.set_defaults(func=run_reissue_link)

    key = cohort_commands.add_parser(
        "key",
        help="with --reissue, print a new trainer key for a cohort (the old one stops working)",
        description="A cohort's trainer key is shown once, when the cohort is made; only a "
        "one-way hash of it is stored, so it cannot be shown again. With --reissue this "
        "makes a new key and prints it; the old key stops opening the dashboard and reports. "
        "It needs no key, only access to the store itself.",
    )
    key.add_argument("cohort", metavar="CODE", help="the join code")
    key.add_argument("--reissue", action="store_true", help="make a new trainer key and print it")
    add_store_option(key)
    key.set_defaults(func=run_cohort_key)

    for name, opening, text in (
        ("close", False, "stop new people joining a cohort (those in it keep working)"),
        ("open", True, "let new people join a cohort again"),
    ):
        joins = cohort_commands.add_parser(name, help=f"{text}; needs the trainer key")
        joins.add_argument("cohort", metavar="CODE", help="the join code")
        add_store_option(joins)
        joins.set_defaults(func=run_joins, joins_open=opening)

    erase = subparsers.add_parser(
        "erase", help="erase everything stored for one participant of a cohort"
    )
    erase.add_argument("--cohort", required=True, metavar="CODE", help="the join code")
    erase.add_argument("--participant", required=True, metavar="HANDLE", help="their handle")
    erase.add_argument("--yes", action="store_true", help="don't ask for confirmation")
    add_store_option(erase)
    erase.set_defaults(func=run_erase)

    verify = subparsers.add_parser(
        "verify-erasure",
        help="check that an erased participant is gone from the store, its file and its log",
    )
    verify.add_argument("--cohort", required=True, metavar="CODE", help="the join code")
    verify.add_argument("--participant", required=True, metavar="HANDLE", help="their handle")
    add_store_option(verify)
    verify.set_defaults(func=run_verify_erasure)


def open_store(args: argparse.Namespace) -> Store:
    """The store a command's ``--store`` names (default: the environment's, else the local one)."""
    from .store import Store

    return Store(args.store)


def cohort_access(args: argparse.Namespace) -> TrainerAccess:
    """The one access rule (:mod:`recovery_capital.store.access`) for a command's ``--cohort``:
    the trainer key from ``$RECOVERY_CAPITAL_TRAINER_KEY``, else a hidden prompt."""
    from .access import command_line_access

    return command_line_access(open_store(args), args.cohort)


def friendly(command: Callable[..., int]) -> Callable[..., int]:
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


@friendly
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
    store = open_store(args)
    created = store.create_cohort(args.name, chosen_handles=getattr(args, "chosen_handles", False))
    print(f"Created cohort {created.name!r} in {store.location}")
    print(f"  Join code (give this to trainees):  {created.code}")
    print(f"  Trainer key (for the dashboard):    {created.trainer_key}")
    print(
        "The trainer key is shown only this once: only a one-way hash of it is stored. "
        "Keep it somewhere safe; without it, make a new cohort."
    )
    return 0


@friendly
def run_cohort_list(args: argparse.Namespace) -> int:
    """``cohort list``: one line per cohort with its counts.

    >>> run_cohort_list(argparse.Namespace(store="sqlite://"))
    No cohorts yet in sqlite://. Make one with: recovery-capital cohort create NAME
    0
    """
    store = open_store(args)
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
            f"{info.name}{'' if info.joins_open else '  (closed to new joiners)'}"
        )
    return 0


@friendly
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
      gone: database rows: no answers or participant record left
      gone: log checkpoint: write-ahead log checkpointed and emptied
      gone: database file: ...store.sqlite3: no erased text found
      gone: write-ahead log: ...store.sqlite3-wal: no erased text found
    0
    """
    from .handles import validate_handle
    from .keys import normalise_code

    code = normalise_code(args.cohort)
    handle = validate_handle(args.participant)
    store = open_store(args)
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
    report = store.erase(code, handle)
    removed = report.rows_removed
    print(
        f"Erased {handle!r} from cohort {code}: {removed} answer row{'s' if removed != 1 else ''} "
        "and the participant record."
    )
    return _print_places(report)


def _print_places(report: object) -> int:
    """Print where an erased person's data was looked for; 0 if it is gone everywhere."""
    for place, clean, detail in report.places:  # type: ignore[attr-defined]
        print(f"  {'gone' if clean else 'STILL THERE'}: {place}: {detail}")
    if not report.complete:  # type: ignore[attr-defined]
        print(
            "Not everything is gone yet. Run 'recovery-capital verify-erasure' again once "
            "nothing else is using the store.",
            file=sys.stderr,
        )
        return 1
    return 0


@friendly
def run_verify_erasure(args: argparse.Namespace) -> int:
    """``verify-erasure --cohort CODE --participant HANDLE``: is every trace of them gone?

    Checkpoints the store's log again and searches the database and log files for the handle.

    >>> import os, tempfile
    >>> from recovery_capital.store import Store
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "store.sqlite3")
    >>> code = Store(url).create_cohort("Spring 2027").code
    >>> run_verify_erasure(argparse.Namespace(cohort=code, participant="fox-12", store=url))
    ... # doctest: +ELLIPSIS
    Looked for 'fox-12' in cohort ...:
      gone: database rows: no answers or participant record left
      gone: log checkpoint: write-ahead log checkpointed and emptied
      gone: database file: ...: no erased text found
      gone: write-ahead log: ...: no erased text found
    0
    """
    from .handles import validate_handle
    from .keys import normalise_code

    code = normalise_code(args.cohort)
    handle = validate_handle(args.participant)
    report = open_store(args).verify_erasure(code, handle)
    print(f"Looked for {handle!r} in cohort {code}:")
    return _print_places(report)


def _course_url(args: argparse.Namespace) -> str:
    import os

    url = (getattr(args, "url", None) or os.environ.get(COURSE_URL_ENV) or "").strip()
    url = url or "http://127.0.0.1:8866/"
    return url if url.endswith("/") else url + "/"


@friendly
def run_reissue_link(args: argparse.Namespace) -> int:
    """``cohort reissue-link CODE HANDLE``: a new personal link; the old one stops working.

    >>> import os, tempfile
    >>> from recovery_capital.store import Store
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "store.sqlite3")
    >>> store = Store(url)
    >>> cohort = store.create_cohort("Spring 2027")
    >>> handle = store.enrol(cohort.code).handle
    >>> os.environ["RECOVERY_CAPITAL_TRAINER_KEY"] = cohort.trainer_key
    >>> run_reissue_link(argparse.Namespace(cohort=cohort.code, participant=handle, store=url,
    ...                                     url="https://course.example/"))
    ... # doctest: +ELLIPSIS
    New personal link for ... in cohort ... (their old link no longer opens their answers):
      https://course.example/?cohort=...&secret=...
    Send it to them privately: whoever has it can open and change their answers.
    0
    >>> del os.environ["RECOVERY_CAPITAL_TRAINER_KEY"]
    """
    from urllib.parse import urlencode

    from .handles import validate_handle

    handle = validate_handle(args.participant)
    access = cohort_access(args)
    known = {h.casefold(): h for h in access.store.participants(access.code)}
    if handle.casefold() not in known:
        print(
            f"recovery-capital: nobody with the handle {handle!r} has joined cohort {access.code}.",
            file=sys.stderr,
        )
        return 1
    secret = access.store.reissue_link(access.code, handle)
    link = _course_url(args) + "?" + urlencode({"cohort": access.code, "secret": secret})
    print(
        f"New personal link for {known[handle.casefold()]} in cohort {access.code} "
        "(their old link no longer opens their answers):"
    )
    print(f"  {link}")
    print("Send it to them privately: whoever has it can open and change their answers.")
    return 0


@friendly
def run_cohort_key(args: argparse.Namespace) -> int:
    """``cohort key CODE --reissue``: a new trainer key, printed once; the old one stops working.

    >>> import os, tempfile
    >>> from recovery_capital.store import Store
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "store.sqlite3")
    >>> cohort = Store(url).create_cohort("Spring 2027")
    >>> run_cohort_key(argparse.Namespace(cohort=cohort.code, store=url, reissue=False))
    ... # doctest: +ELLIPSIS
    The trainer key of cohort ... was shown once, when it was made, ...
    2
    >>> run_cohort_key(argparse.Namespace(cohort=cohort.code, store=url, reissue=True))
    ... # doctest: +ELLIPSIS
    New trainer key for cohort ... ('Spring 2027'):  ...-...-...-...
    The old key no longer opens the dashboard or the reports. ...
    0
    """
    from .keys import normalise_code

    code = normalise_code(args.cohort)
    store = open_store(args)
    info = store.cohort(code)
    if not args.reissue:
        print(
            f"The trainer key of cohort {info.code} was shown once, when it was made, and "
            "only a one-way hash of it is kept. To make a new one (the old one stops "
            f"working): recovery-capital cohort key {info.code} --reissue"
        )
        return 2
    new_key = store.reissue_trainer_key(info.code)
    print(f"New trainer key for cohort {info.code} ({info.name!r}):  {new_key}")
    print(
        "The old key no longer opens the dashboard or the reports. This one is shown only "
        "this once: keep it somewhere safe."
    )
    return 0


@friendly
def run_joins(args: argparse.Namespace) -> int:
    """``cohort close|open CODE``: stop, or allow again, new people joining a cohort.

    >>> import os, tempfile
    >>> from recovery_capital.store import Store
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "store.sqlite3")
    >>> cohort = Store(url).create_cohort("Spring 2027")
    >>> os.environ["RECOVERY_CAPITAL_TRAINER_KEY"] = cohort.trainer_key
    >>> run_joins(argparse.Namespace(cohort=cohort.code, store=url, joins_open=False))
    ... # doctest: +ELLIPSIS
    Cohort ... is now closed to new joiners; people already in it keep their links.
    0
    >>> del os.environ["RECOVERY_CAPITAL_TRAINER_KEY"]
    """
    access = cohort_access(args)
    access.store.set_joins_open(access.code, args.joins_open)
    if args.joins_open:
        print(f"Cohort {access.code} is open to new joiners again.")
    else:
        print(
            f"Cohort {access.code} is now closed to new joiners; people already in it keep "
            "their links."
        )
    return 0


def _confirm(question: str, stdin: TextIO) -> bool:
    print(question, end="", flush=True)
    answer = stdin.readline()
    if not answer:  # no one to ask (end of input): the safe answer is no
        print()
        return False
    return answer.strip().lower() in ("y", "yes")
