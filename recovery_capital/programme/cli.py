"""Programme commands: ``guide`` (the facilitator guide as PDF or HTML), ``sets`` (split a
cohort into action-learning sets, move people, name facilitators) and ``attendance`` (mark
who was at each session).

``sets`` and ``attendance`` open one cohort, so they ask for its trainer key like the report
commands: from ``$RECOVERY_CAPITAL_TRAINER_KEY`` when set, else at a hidden prompt.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="recovery-capital")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["guide", "course", "-o", "g.pdf"])
>>> args.func is run_guide, args.course_dir, args.output
(True, 'course', 'g.pdf')
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import RecoveryCapitalError
from ..core.locations import command_course
from ..store.cli import add_store_option, cohort_access, friendly

if TYPE_CHECKING:  # pragma: no cover
    from ..store.access import TrainerAccess

__all__ = ["register", "run_attendance", "run_guide", "run_sets"]

COURSE_HELP = (
    "the course folder (default: $RECOVERY_CAPITAL_COURSE_DIR, else the folder holding assets/ "
    "that this one is in)"
)

SETS_HELP = """\
Split a cohort into action-learning sets of 5 to 7 (the programme's set_size), mixed by area
and role where you have recorded them, and print them. Sets stay as they are once made:
running it again places only people who joined since (a late joiner goes into the smallest
set). Each new set gets a set key, shown once: give it to that set's facilitator, who uses it
on the set-facilitator page to read the practice-log entries the set's members share.

Examples:
  recovery-capital sets --cohort K7P2Q --details trainees.csv   (columns: handle, area, role)
  recovery-capital sets --cohort K7P2Q
  recovery-capital sets --cohort K7P2Q --move fox-12=3 --facilitator "3=Ama Boateng"
  recovery-capital sets --cohort K7P2Q --show
"""

ATTENDANCE_HELP = """\
Mark who was at a programme session (ids are in the programme: a day's session such as
d1-welcome, a set meeting such as set-1, a follow-up such as follow-up-6), or without
--session, show attendance for every one.

Examples:
  recovery-capital attendance --cohort K7P2Q --session d1-welcome fox-12 wren-3
  recovery-capital attendance --cohort K7P2Q --session d1-welcome --everyone
  recovery-capital attendance --cohort K7P2Q --session d1-welcome --absent wren-3
  recovery-capital attendance --cohort K7P2Q
"""


class ProgrammeCommandError(RecoveryCapitalError):
    """A programme command was given something it cannot use (the message says what)."""


def _course(value: str | None, need: str | None = "modules") -> Path:
    """The course folder (``--course``, else the rule in :mod:`recovery_capital.core.locations`),
    said on stderr so the person sees which course the command used."""
    folder, how = command_course(value, need=need)
    print(f"Course: {folder} ({how})", file=sys.stderr)
    return folder


def _cohort_command(
    subparsers: argparse._SubParsersAction,
    name: str,
    run: Callable[[TrainerAccess, Path, argparse.Namespace], int],
    **options: Any,
) -> argparse.ArgumentParser:
    """A command that opens one cohort of one course: ``--cohort``, ``--course`` and ``--store``;
    ``run`` gets the checked trainer access and the course folder."""
    parser = subparsers.add_parser(
        name, formatter_class=argparse.RawDescriptionHelpFormatter, **options
    )
    parser.add_argument("--cohort", required=True, help="the cohort's join code")
    parser.add_argument("--course", default=None, help=COURSE_HELP)
    add_store_option(parser)

    @friendly
    def command(args: argparse.Namespace) -> int:
        course = _course(args.course)
        return run(cohort_access(args), course, args)

    parser.set_defaults(func=command, run=run)
    return parser


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``guide``, ``sets`` and ``attendance`` to the command line."""
    guide = subparsers.add_parser(
        "guide", help="build the facilitator guide (PDF, or HTML with --html)",
        description="Build the printable facilitator guide from the course's programme.",
    )  # fmt: skip
    guide.add_argument("course_dir", nargs="?", default=None, help=COURSE_HELP)
    guide.add_argument(
        "-o",
        "--output",
        default=None,
        help="where to write it (default: guide.pdf, or guide.html with --html)",
    )
    guide.add_argument("--html", action="store_true", help="write HTML instead of PDF")
    guide.set_defaults(func=run_guide)

    sets = _cohort_command(
        subparsers, "sets", run_sets, help="split a cohort into action-learning sets",
        description=SETS_HELP,
    )  # fmt: skip
    sets.add_argument(
        "--details",
        default=None,
        help="a CSV of handle, area, role to record before placing people",
    )
    sets.add_argument(
        "--move",
        action="append",
        default=[],
        metavar="HANDLE=N",
        help="move a trainee to set N (repeatable)",
    )
    sets.add_argument(
        "--facilitator",
        action="append",
        default=[],
        metavar="N=NAME",
        help="name set N's facilitator; prints a new set key (repeatable)",
    )
    sets.add_argument("--show", action="store_true", help="only show the sets; place nobody")

    attendance = _cohort_command(
        subparsers, "attendance", run_attendance,
        help="mark or show attendance at programme sessions", description=ATTENDANCE_HELP,
    )  # fmt: skip
    attendance.add_argument("handles", nargs="*", help="trainees' handles")
    attendance.add_argument("--session", default=None, help="the session id, e.g. d1-welcome")
    attendance.add_argument("--everyone", action="store_true", help="mark everyone in the cohort")
    attendance.add_argument("--absent", action="store_true", help="mark them absent instead")


def run_guide(args: argparse.Namespace) -> int:
    """``guide``: write the facilitator guide."""
    from .guide_content import build_guide

    course = _course(args.course_dir, need=None)  # the programme says what is missing
    as_html = args.html or (args.output or "").lower().endswith((".html", ".htm"))
    output = Path(args.output or ("guide.html" if as_html else "guide.pdf"))
    guide = build_guide(course)
    if as_html:
        from .guide_html import guide_html

        data: bytes = guide_html(guide).encode("utf-8")
    else:
        from .guide_pdf import guide_pdf

        data = guide_pdf(guide)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        raise ProgrammeCommandError(f"Can't write {output}: {exc.strerror or exc}") from None
    print(f"Wrote the facilitator guide to {output}.")
    return 0


def _pairs(values: list[str], what: str) -> list[tuple[str, str]]:
    found = []
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise ProgrammeCommandError(f"{what} {value!r} should look like {what.upper()}")
        found.append((left.strip(), right.strip()))
    return found


def _number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ProgrammeCommandError(f"{text!r} is not a set number (1, 2, 3, ...)")
    return int(text)


def _set_size(course: Path) -> tuple[int, int]:
    from .load import load_programme

    try:
        plan = load_programme(course).action_learning
    except RecoveryCapitalError:
        plan = None
    return plan.set_size if plan else (5, 7)


def _meetings(course: Path) -> list[str]:
    from .load import load_programme

    try:
        plan = load_programme(course).action_learning
    except RecoveryCapitalError:
        return []
    return [m.id for m in plan.meetings] if plan else []


def _read_details(path: str) -> list[tuple[str, str, str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ProgrammeCommandError(f"Can't read {path}: {exc.strerror or exc}") from None
    if not rows or "handle" not in {k.strip().lower() for k in rows[0]}:
        raise ProgrammeCommandError(
            f"{path} needs a header row with a handle column "
            "(and area and role columns where you have them)"
        )
    found = []
    for row in rows:
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if clean.get("handle"):
            found.append((clean["handle"], clean.get("area", ""), clean.get("role", "")))
    return found


def run_sets(access: TrainerAccess, course: Path, args: argparse.Namespace) -> int:
    """``sets``: record details, place people, apply moves and facilitators, print the sets."""
    from .sets import Trainee, allocate, presenter_rota

    store, code = access.store, access.code
    low, high = _set_size(course)
    new_keys: dict[int, str] = {}
    if args.details:
        for handle, area, role in _read_details(args.details):
            store.set_participant_details(code, handle, area=area, role=role)
    if not args.show:
        details = store.participant_details(code)
        trainees = [Trainee(h, *details.get(h, ("", ""))) for h in store.participants(code)]
        existing = {h: s.number for s in store.learning_sets(code) for h in s.members}
        placed = allocate(trainees, existing, low=low, high=high)
        changes = {n: [h for h in hs if h not in existing] for n, hs in placed.items()}
        new_keys.update(store.save_sets(code, {n: hs for n, hs in changes.items() if hs}))
    for handle, number in _pairs(args.move, "handle=n"):
        new_keys.update(store.save_sets(code, {_number(number): [handle]}))
    for number, name in _pairs(args.facilitator, "n=name"):
        new_keys[_number(number)] = store.set_facilitator(code, _number(number), name)
    details = store.participant_details(code)
    sets = store.learning_sets(code)
    if not sets:
        print(f"Cohort {code} has no sets yet: nobody has joined.")
        return 0
    print(f"Action-learning sets of cohort {code} ({access.cohort_name}):")
    for info in sets:
        facilitator = info.facilitator or "no facilitator named yet"
        print(f"\nSet {info.number} ({facilitator}), {len(info.members)} people:")
        for handle in info.members:
            area, role = details.get(handle, ("", ""))
            extra = ", ".join(part for part in (area, role) if part)
            print(f"  {handle}" + (f" ({extra})" if extra else ""))
    meetings = _meetings(course)
    if meetings:
        print("\nWho brings a question to each set meeting (two a meeting, in turn):")
        for info in sets:
            rota = presenter_rota(info.members, meetings)
            print(
                f"  Set {info.number}: "
                + "; ".join(f"{meeting} {', '.join(names)}" for meeting, names in rota.items())
            )
    sizes = [len(s.members) for s in sets]
    if max(sizes) - min(sizes) > 1 or min(sizes) < low or max(sizes) > high:
        print(
            f"\nNote: set sizes are {', '.join(map(str, sizes))}; the programme asks for "
            f"{low} to {high}, within one of each other. Move people with --move HANDLE=N."
        )
    if new_keys:
        print("\nSet keys (shown once; give each to that set's facilitator):")
        for number, key in sorted(new_keys.items()):
            print(f"  Set {number}: {key}")
    return 0


def run_attendance(access: TrainerAccess, course: Path, args: argparse.Namespace) -> int:
    """``attendance``: mark a session, or show every session's attendance."""
    from .load import load_programme

    store, code = access.store, access.code
    programme = load_programme(course)
    everyone = store.participants(code)
    if args.session is None:
        if args.handles or args.everyone or args.absent:
            raise ProgrammeCommandError("Say which session with --session ID.")
        marked = store.attendance(code)
        print(f"Attendance in cohort {code} ({len(everyone)} trainees):")
        for line in programme.register():
            present = len(marked.get(line.id, []))
            print(f"  {line.id:<24} {present:>3}  {line.title} ({line.part})")
        return 0
    register = {line.id: line for line in programme.register()}
    session = register.get(args.session)
    if session is None:
        known = ", ".join(list(register)[:3])
        raise ProgrammeCommandError(
            f"The programme has no session {args.session!r} (sessions look like {known}, ...; "
            "set meetings and follow-ups count too)."
        )
    handles = everyone if args.everyone else args.handles
    if not handles:
        raise ProgrammeCommandError("Name the trainees (their handles), or use --everyone.")
    changed = store.mark_attendance(code, session.id, handles, present=not args.absent)
    state = "absent from" if args.absent else "present at"
    print(f"Marked {changed} trainee(s) {state} {session.id} ({session.title}).")
    return 0
