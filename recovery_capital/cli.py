"""The ``recovery-capital`` command line.

Each group of commands lives beside the code it drives and adds itself here through a
``register(subparsers)`` function, so this file only wires them together.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

# Modules that contribute subcommands; each has ``register(subparsers) -> None`` and sets
# ``func`` on its parsers (a callable taking the parsed namespace, returning an exit code).
COMMAND_MODULES = [
    "recovery_capital.scoring.cli",
    "recovery_capital.store.cli",
    "recovery_capital.serving.serve",
    "recovery_capital.authoring.cli",
    "recovery_capital.reports.cli",
    "recovery_capital.programme.cli",
]

DESCRIPTION = """\
Score recovery-capital, motivation and screening questionnaires, and run the training course.

Common tasks:
  recovery-capital instruments                  list the questionnaires this version can score
  recovery-capital score barc10 answers.csv     score a file of answers (one row per person)
  recovery-capital serve                        serve the course in a browser
  recovery-capital cohort create "Spring 2027"  make a cohort: prints its join code and trainer key
  recovery-capital guide -o guide.pdf           the facilitator guide for the five-day programme
  recovery-capital sets --cohort K7P2Q          split a cohort into action-learning sets
"""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every available command group registered.

    >>> parser = build_parser()
    >>> parser.prog
    'recovery-capital'
    """
    parser = argparse.ArgumentParser(
        prog="recovery-capital",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # that command group is not part of this build yet
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    from .core.errors import RecoveryCapitalError

    try:
        return int(func(args) or 0)
    except RecoveryCapitalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
