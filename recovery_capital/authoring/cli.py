"""Commands for educators who adapt the course without touching Python.

::

    recovery-capital new-course spring-2027 --title "Spring 2027" --organisation "Northshire"
    recovery-capital new-module spring-2027 "Working with housing services"
    recovery-capital check spring-2027          # exit code 0 when trainees can use it

The guide for educators is ``docs/educators.md``; the work is done by
:mod:`recovery_capital.authoring.template` (making courses),
:mod:`recovery_capital.authoring.module` (adding modules) and
:mod:`recovery_capital.authoring.check` (checking them).

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="recovery-capital")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["check", "spring", "--no-run", "--timeout", "60"])
>>> args.course_dir, args.run, args.timeout, args.func is run_check
('spring', False, 60.0, True)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..core.errors import DefinitionError

# The commands import their machinery (nbformat, pydantic, nbclient) only when they run, so
# every other recovery-capital command starts quickly.

__all__ = ["register", "run_new_course", "run_new_module", "run_check"]


def register(subparsers: Any) -> None:
    """Add ``new-course``, ``new-module`` and ``check`` (called by :mod:`recovery_capital.cli`)."""
    course = subparsers.add_parser(
        "new-course",
        help="make a course folder you can adapt (modules, content YAML, course.yaml)",
        description=(
            "Create a course folder with every module notebook, every quiz, vignette, "
            "scenario, poll and instrument as YAML, and a course.yaml to edit."
        ),
    )
    course.add_argument("course_dir", metavar="DIR", help="the new folder (must not exist yet)")
    course.add_argument(
        "--title", help="the course title (default: the title of the course it is copied from)"
    )
    course.add_argument("--organisation", default="", help="who runs the course")
    course.set_defaults(func=run_new_course)

    module = subparsers.add_parser(
        "new-module",
        help="add a module notebook with the standard sections and an example exercise",
        description=(
            "Add modules/NN-<title>.ipynb with the course's standard sections and an example "
            "knowledge check, and list it in course.yaml."
        ),
    )
    module.add_argument("course_dir", metavar="DIR", help="the course folder")
    module.add_argument("title", metavar="TITLE", help='the module title, e.g. "Housing"')
    module.add_argument(
        "--number", type=int, help="the module number (default: one after the last)"
    )
    module.set_defaults(func=run_new_module)

    check = subparsers.add_parser(
        "check",
        help="check a course: every YAML file, every reference, then run every notebook",
        description=(
            "Validate course.yaml and every content file (each problem with its file and "
            "line), the exercises each notebook uses, scenarios and activity ids, then run "
            "every notebook. Exit code 0 when trainees can use the course, 1 when not."
        ),
    )
    check.add_argument(
        "course_dir", nargs="?", default=".", metavar="DIR",
        help="the course folder (default: the current folder)",
    )  # fmt: skip
    check.add_argument(
        "--no-run", dest="run", action="store_false",
        help="check files only; do not run the notebooks (quicker)",
    )  # fmt: skip
    check.add_argument(
        "--timeout", type=_seconds, default=300.0, metavar="SECONDS",
        help="longest one notebook may take to run (default 300)",
    )  # fmt: skip
    check.add_argument(
        "--strip-outputs", dest="strip", action="store_true",
        help="clear outputs saved in notebooks instead of reporting them",
    )  # fmt: skip
    check.add_argument("--strict", action="store_true", help="fail (exit code 1) on warnings too")
    check.add_argument(
        "--quiet", action="store_true", help="do not show progress while notebooks run"
    )
    check.set_defaults(func=run_check)


def _seconds(text: str) -> float:
    """A positive number of seconds, for ``--timeout``.

    >>> _seconds("90")
    90.0
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _fail(command: str, message: str) -> int:
    print(f"recovery-capital {command}: {message}", file=sys.stderr)
    return 2


def run_new_course(args: argparse.Namespace) -> int:
    """``recovery-capital new-course DIR``."""
    from ..settings.course import DEFAULT_TITLE
    from .template import AuthoringError, new_course

    try:
        title = args.title or DEFAULT_TITLE
        target = new_course(args.course_dir, title=title, organisation=args.organisation)
    except AuthoringError as exc:
        return _fail("new-course", str(exc))
    except OSError as exc:
        return _fail("new-course", f"cannot write the course: {exc.strerror} ({exc.filename})")
    modules = sorted((target / "modules").glob("*.ipynb"))
    content = [p for p in (target / "assets" / "content").rglob("*.y*ml")]
    print(f"Made the course in {target}:")
    print(f"  course.yaml       title, {len(modules)} modules in order, instruments, branding")
    print("  modules/          the module notebooks (trainer notebooks in modules/trainer/)")
    print(f"  assets/content/   {len(content)} quizzes, vignettes, scenarios, polls and more")
    print("Next:")
    print(f"  recovery-capital check {args.course_dir}     check it and run every module")
    print(f"  recovery-capital serve {args.course_dir}     serve it to trainees")
    return 0


def run_new_module(args: argparse.Namespace) -> int:
    """``recovery-capital new-module DIR TITLE``."""
    from .module import new_module
    from .template import AuthoringError

    try:
        made = new_module(args.course_dir, args.title, number=args.number)
    except (AuthoringError, DefinitionError) as exc:
        return _fail("new-module", str(exc))
    except OSError as exc:
        return _fail("new-module", f"cannot write the module: {exc.strerror} ({exc.filename})")
    course = Path(args.course_dir)
    print(f"Made {made.notebook.relative_to(course).as_posix()} and its example quiz "
          f"{made.quiz.relative_to(course).as_posix()}.")  # fmt: skip
    if made.listed:
        print("Added it to the modules in course.yaml (move its line to change the order).")
    else:
        print("course.yaml lists no modules, so the course shows every notebook in modules/.")
    print("Open the notebook in Jupyter, write the module, then run: "
          f"recovery-capital check {args.course_dir}")  # fmt: skip
    return 0


def run_check(args: argparse.Namespace) -> int:
    """``recovery-capital check DIR``: print the report; exit 0 when the course is usable."""
    from ..core.report import format_report
    from .check import check_course

    def progress(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    report = check_course(
        args.course_dir, run=args.run, timeout=args.timeout, strip=args.strip, progress=progress
    )
    print(format_report(report))
    failed = not report.ok or (args.strict and report.warnings)
    return 1 if failed else 0
