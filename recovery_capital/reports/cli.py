"""Report commands: ``report ...`` (progress, evaluation, summary, certificate, workbook),
``fhir ...`` (questionnaires and cohort responses), ``export`` (a cohort's submissions as a
table, a workbook or FHIR) and ``import`` (score another system's file).

Every ``report`` command and ``fhir responses`` opens one cohort, so each asks for the
cohort's trainer key: from ``$RECOVERY_CAPITAL_TRAINER_KEY`` when set, else typed at a hidden
prompt (never on the command line, where other users of the machine could read it).
Libraries load only when a command runs, so ``recovery-capital --help`` stays fast.

>>> import argparse
>>> parser = argparse.ArgumentParser(prog="recovery-capital")
>>> register(parser.add_subparsers())
>>> args = parser.parse_args(["report", "summary", "--cohort", "K7P2Q", "-o", "s.pdf"])
>>> args.func is run_summary, args.output
(True, 's.pdf')
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.locations import command_course
from ..store.access import KEY_ENV
from ..store.cli import add_store_option, cohort_access, friendly

if TYPE_CHECKING:  # pragma: no cover
    from ..store.access import TrainerAccess

__all__ = [
    "KEY_ENV",
    "register",
    "run_certificate",
    "run_evaluation",
    "run_export",
    "run_fhir_questionnaires",
    "run_fhir_responses",
    "run_import",
    "run_progress",
    "run_summary",
    "run_workbook",
]

COURSE_HELP = "the course folder (default: $RECOVERY_CAPITAL_COURSE_DIR, else this folder)"

REPORT_HELP = f"""\
Reports for the trainer of one cohort. Each asks for the cohort's trainer key (set
${KEY_ENV} to skip the prompt).

Examples:
  recovery-capital report evaluation --cohort K7P2Q -o evaluation.html
  recovery-capital report summary --cohort K7P2Q -o summary.pdf
  recovery-capital report progress --cohort K7P2Q --participant fox-12 --instrument barc10 \\
      -o fox-12-barc10.html
  recovery-capital report certificate --cohort K7P2Q --participant fox-12 --name "Sam Okafor" \\
      -o certificate.pdf
  recovery-capital report certificate --cohort K7P2Q --all -o certificates/
  recovery-capital report workbook --cohort K7P2Q -o cohort.xlsx
"""

IMPORT_HELP = """\
Score a CSV or Excel file of answers exported by another system. Item columns are matched to
the instrument's items q1..qN: columns already named q1..qN, or one family of columns numbered
1..N with a shared prefix (BARC_1..BARC_10, "Item 01".."Item 10"), or your own --map. Answers
may be numbers or the option labels; other columns are kept in front of the scores.

Examples:
  recovery-capital import barc10 from-case-system.csv -o scored.csv
  recovery-capital import audit_c screening.xlsx --context sex=gender -o scored.xlsx
  recovery-capital import socrates8d old.csv --map "S8D 1=q1" --map "S8D 2=q2" ...
"""


def _common(parser: argparse.ArgumentParser, *, cohort: bool = True) -> None:
    if cohort:
        parser.add_argument("--cohort", required=True, metavar="CODE", help="the join code")
    add_store_option(parser)
    parser.add_argument("--course", metavar="DIR", default=None, help=COURSE_HELP)


def _output(parser: argparse.ArgumentParser, kinds: str) -> None:
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=f"where to write ({kinds})"
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``report``, ``fhir`` and ``import`` to the ``recovery-capital`` command line."""
    report = subparsers.add_parser(
        "report",
        help="trainer reports: progress, evaluation, summary, certificates, workbook",
        description=REPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.set_defaults(func=lambda _args: _usage(report))
    reports = report.add_subparsers(title="report commands", metavar="REPORT")

    progress = reports.add_parser(
        "progress", help="one participant's assessments on one instrument, first to latest"
    )
    _common(progress)
    progress.add_argument("--participant", required=True, metavar="HANDLE")
    progress.add_argument("--instrument", required=True, metavar="ID", help="e.g. barc10")
    progress.add_argument("--activity", metavar="ID", help="only this activity's assessments")
    progress.add_argument(
        "--reference-sd",
        action="append",
        default=[],
        metavar="SCALE=SD",
        help="a published SD for the reliable change index, instead of the cohort's baseline "
        "(give --reference-label too)",
    )
    progress.add_argument(
        "--reference-label", metavar="TEXT", help="where the --reference-sd values come from"
    )
    _output(progress, ".html report, or the first-and-latest chart as .png or .svg")
    progress.set_defaults(func=run_progress)

    evaluation = reports.add_parser(
        "evaluation", help="the trainer's evaluation of a cohort (names trainees by handle)"
    )
    _common(evaluation)
    _output(evaluation, ".html")
    evaluation.set_defaults(func=run_evaluation)

    summary = reports.add_parser(
        "summary", help="one-page summary for a commissioner, with no trainee named"
    )
    _common(summary)
    _output(summary, ".html or .pdf")
    summary.set_defaults(func=run_summary)

    certificate = reports.add_parser(
        "certificate", help="certificate of completion (PDF), only once every module is done"
    )
    _common(certificate)
    who = certificate.add_mutually_exclusive_group(required=True)
    who.add_argument("--participant", metavar="HANDLE")
    who.add_argument(
        "--all",
        action="store_true",
        help="one certificate per trainee who has finished, into the -o folder",
    )
    certificate.add_argument("--name", help="the name to print (default: the handle)")
    certificate.add_argument("--course-title", help="the course's name on the certificate")
    _output(certificate, ".pdf, or a folder with --all")
    certificate.set_defaults(func=run_certificate)

    workbook = reports.add_parser(
        "workbook", help="Excel workbook: a sheet per questionnaire and a codebook"
    )
    _common(workbook)
    _output(workbook, ".xlsx")
    workbook.set_defaults(func=run_workbook)

    fhir = subparsers.add_parser(
        "fhir", help="FHIR (R4B) Questionnaires and QuestionnaireResponses as JSON"
    )
    fhir.set_defaults(func=lambda _args: _usage(fhir))
    fhir_commands = fhir.add_subparsers(title="fhir commands", metavar="COMMAND")
    definitions = fhir_commands.add_parser(
        "questionnaires", help="instrument definitions as FHIR Questionnaires (no key needed)"
    )
    definitions.add_argument(
        "instruments", nargs="*", metavar="ID", help="instrument ids (default: every instrument)"
    )
    definitions.add_argument("--base", default=None, help="canonical URL base of your system")
    definitions.add_argument("--course", metavar="DIR", default=None, help=COURSE_HELP)
    _output(definitions, ".json")
    definitions.set_defaults(func=run_fhir_questionnaires)
    responses = fhir_commands.add_parser(
        "responses", help="a cohort's questionnaire submissions as QuestionnaireResponses"
    )
    _common(responses)
    responses.add_argument("--base", default=None, help="canonical URL base of your system")
    responses.add_argument(
        "--no-handles",
        action="store_true",
        help="leave the participant's handle out of every response",
    )
    _output(responses, ".json")
    responses.set_defaults(func=run_fhir_responses)

    export = subparsers.add_parser(
        "export",
        help="write a cohort's submissions to a .csv, .xlsx or .json file (needs the trainer key)",
    )
    export.add_argument("--cohort", required=True, metavar="CODE", help="the join code")
    export.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="where to write (.csv or .xlsx)"
    )
    export.add_argument(
        "--include-drafts", action="store_true", help="also export unsubmitted drafts"
    )
    export.add_argument(
        "--format",
        choices=tuple(EXPORT_FORMATS),
        default="table",
        help="table: flat .csv or .xlsx (default); workbook: .xlsx with a sheet per "
        "questionnaire and a codebook; fhir: FHIR R4B JSON (.json)",
    )
    add_store_option(export)
    export.set_defaults(func=run_export)

    importing = subparsers.add_parser(
        "import",
        help="score a CSV or Excel file of answers from another system",
        description=IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    importing.add_argument("instrument", help="instrument id, e.g. barc10")
    importing.add_argument("file", help="the answers: .csv or .xlsx, one row per person")
    importing.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=ITEM",
        help="match one column to an item, e.g. --map 'BARC one=q1'",
    )
    importing.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="NAME=COLUMN",
        help="a respondent detail some scores need, e.g. sex=gender",
    )
    importing.add_argument(
        "--coerce",
        action="store_true",
        help="treat answers that are not allowed as unanswered, with a warning",
    )
    importing.add_argument("--course", metavar="DIR", default=None, help=COURSE_HELP)
    importing.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the scores to .csv or .xlsx (default: print them)",
    )
    importing.set_defaults(func=run_import)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _access(args: argparse.Namespace) -> TrainerAccess:
    """The one access rule (:mod:`recovery_capital.store.access`): the cohort's key.

    A command that reports on a course finds its folder first (``--course``, else the rule in
    :mod:`recovery_capital.core.locations`) and says which it used, so a wrong folder is
    named before anyone types a key; ``args.course`` then holds the folder found.
    """
    if hasattr(args, "course"):
        folder, how = command_course(args.course)
        print(f"Course: {folder} ({how})", file=sys.stderr)
        args.course = str(folder)
    return cohort_access(args)


def _suffix(path: str, allowed: tuple[str, ...]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        from .errors import ReportError

        raise ReportError(
            f"Can't write {path!r}: the file name must end in {' or '.join(allowed)}."
        )
    return suffix


def _write(path: str | Path, data: str | bytes) -> Path:
    from ..store.files import private_file
    from .errors import ReportError

    target = Path(path)
    try:
        if isinstance(data, bytes):
            with private_file(target, "wb") as out:
                out.write(data)
        else:
            with private_file(target, "w", encoding="utf-8", errors="replace") as out:
                out.write(data)
    except OSError as exc:
        raise ReportError(f"Couldn't write {target}: {exc.strerror or exc}.") from None
    print(f"Wrote {target}")
    return target


def _pairs(values: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, other = value.partition("=")
        if not sep or not name.strip() or not other.strip():
            from .errors import ReportError

            raise ReportError(f"{what} {value!r} should look like NAME=VALUE.")
        pairs[name.strip()] = other.strip()
    return pairs


@friendly
def run_progress(args: argparse.Namespace) -> int:
    """``report progress``: one participant's progress on one instrument."""
    from .errors import ReportError
    from .progress import ReferenceSample, participant_progress, progress_html

    suffix = _suffix(args.output, (".html", ".png", ".svg"))
    reference = None
    if args.reference_sd:
        if not args.reference_label:
            raise ReportError(
                "Say where the --reference-sd values come from with "
                "--reference-label (a published sample, for example)."
            )
        try:
            sds = {k: float(v) for k, v in _pairs(args.reference_sd, "--reference-sd").items()}
        except ValueError:
            raise ReportError("Each --reference-sd needs a number, like total=8.5.") from None
        reference = ReferenceSample(args.reference_label, sds, {k: None for k in sds})
    report = participant_progress(
        _access(args),
        args.participant,
        args.instrument,
        activity_id=args.activity,
        reference=reference,
        course_dir=args.course,
    )
    if suffix == ".html":
        _write(args.output, progress_html(report))
    elif suffix == ".png":
        _write(args.output, report.chart().to_png_bytes())
    else:
        _write(args.output, report.chart().to_svg())
    return 0


@friendly
def run_evaluation(args: argparse.Namespace) -> int:
    """``report evaluation``: the trainer's full evaluation as HTML."""
    from .cohort_pages import evaluation_html
    from .evaluation import evaluate_cohort

    _suffix(args.output, (".html",))
    _write(args.output, evaluation_html(evaluate_cohort(_access(args), args.course)))
    return 0


@friendly
def run_summary(args: argparse.Namespace) -> int:
    """``report summary``: the commissioner summary as HTML or PDF (no handles)."""
    from .cohort_pages import summary_html
    from .evaluation import commissioner_summary, evaluate_cohort
    from .summary_pdf import summary_pdf

    suffix = _suffix(args.output, (".html", ".pdf"))
    summary = commissioner_summary(evaluate_cohort(_access(args), args.course))
    _write(args.output, summary_html(summary) if suffix == ".html" else summary_pdf(summary))
    return 0


@friendly
def run_certificate(args: argparse.Namespace) -> int:
    """``report certificate``: one trainee's certificate, or every finished trainee's."""
    from .certificate import COURSE_TITLE, certificate_for, certificate_pdf
    from .errors import NotComplete, ReportError

    access = _access(args)
    title = args.course_title or COURSE_TITLE
    if not args.all:
        _suffix(args.output, (".pdf",))
        cert = certificate_for(
            access, args.participant, name=args.name, course_title=title, course_dir=args.course
        )
        _write(args.output, certificate_pdf(cert))
        return 0
    if args.name:
        raise ReportError("--name is for one certificate; with --all each shows the handle.")
    folder = Path(args.output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"Couldn't make the folder {folder}: {exc.strerror or exc}.") from None
    made, waiting = 0, 0
    for handle in access.store.participants(access.code):
        try:
            cert = certificate_for(access, handle, course_title=title, course_dir=args.course)
        except NotComplete:
            waiting += 1
            continue
        _write(folder / f"certificate-{handle}.pdf", certificate_pdf(cert))
        made += 1
    print(
        f"{made} certificate{'s' if made != 1 else ''} made; {waiting} trainee"
        f"{'s have' if waiting != 1 else ' has'} modules still to finish."
    )
    return 0


@friendly
def run_workbook(args: argparse.Namespace) -> int:
    """``report workbook``: the cohort's Excel workbook with a codebook."""
    from .workbook import write_workbook

    _suffix(args.output, (".xlsx",))
    access = _access(args)
    counts = write_workbook(access.store, access.code, args.output, course_dir=args.course)
    listed = ", ".join(f"{sheet} {rows}" for sheet, rows in counts.items())
    print(f"Wrote {args.output} (rows per sheet: {listed})")
    return 0


@friendly
def run_fhir_questionnaires(args: argparse.Namespace) -> int:
    """``fhir questionnaires``: instrument definitions as a FHIR Bundle."""
    from ..scoring.definitions import list_instruments
    from .fhir import DEFAULT_BASE, definitions_bundle, write_bundle

    _suffix(args.output, (".json",))
    ids = args.instruments or list_instruments(args.course)
    bundle = definitions_bundle(ids, base=args.base or DEFAULT_BASE, course_dir=args.course)
    write_bundle(bundle, args.output)
    print(f"Wrote {len(ids)} Questionnaire{'s' if len(ids) != 1 else ''} to {args.output}")
    return 0


@friendly
def run_fhir_responses(args: argparse.Namespace) -> int:
    """``fhir responses``: a cohort's questionnaire submissions as a FHIR Bundle."""
    from .fhir import DEFAULT_BASE, cohort_bundle, write_bundle

    _suffix(args.output, (".json",))
    access = _access(args)
    bundle = cohort_bundle(
        access.store,
        access.code,
        base=args.base or DEFAULT_BASE,
        include_handles=not args.no_handles,
        course_dir=args.course,
    )
    write_bundle(bundle, args.output)
    responses = sum(
        e.resource.get_resource_type() == "QuestionnaireResponse" for e in bundle.entry or []
    )
    print(
        f"Wrote {responses} QuestionnaireResponse{'s' if responses != 1 else ''} to {args.output}"
    )
    return 0


def _export_table(access: TrainerAccess, args: argparse.Namespace) -> str:
    from ..store.exporting import check_export_path

    target = check_export_path(args.output)
    count = access.store.export(access.code, target, include_drafts=args.include_drafts)
    return f"Wrote {count} row{'s' if count != 1 else ''} to {target}"


def _export_workbook(access: TrainerAccess, args: argparse.Namespace) -> str:
    from .workbook import write_workbook

    _suffix(args.output, (".xlsx",))
    counts = write_workbook(access.store, access.code, args.output)
    sheets = ", ".join(f"{sheet} {rows}" for sheet, rows in counts.items())
    return f"Wrote {sum(counts.values())} rows to {args.output} ({sheets})"


def _export_fhir(access: TrainerAccess, args: argparse.Namespace) -> str:
    from .fhir import cohort_bundle, write_bundle

    _suffix(args.output, (".json",))
    bundle = cohort_bundle(access.store, access.code)
    write_bundle(bundle, args.output)
    return f"Wrote {len(bundle.entry or [])} FHIR resources to {args.output}"


#: ``export --format``: each writer takes a checked :class:`TrainerAccess` (the one access rule)
#: and the command's options, and returns the line to print.
EXPORT_FORMATS: dict[str, Callable[[TrainerAccess, argparse.Namespace], str]] = {
    "table": _export_table,
    "workbook": _export_workbook,
    "fhir": _export_fhir,
}


@friendly
def run_export(args: argparse.Namespace) -> int:
    """``export --cohort CODE -o FILE [--format table|workbook|fhir]``: a cohort's submissions.

    Like every output that names participants, it needs the cohort's trainer key
    (``$RECOVERY_CAPITAL_TRAINER_KEY``, else a hidden prompt).

    >>> import os, tempfile
    >>> from recovery_capital.store import Store
    >>> url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "store.sqlite3")
    >>> cohort = Store(url).create_cohort("Spring 2027")
    >>> target = os.path.join(tempfile.mkdtemp(), "session.csv")
    >>> args = argparse.Namespace(cohort=cohort.code, output=target, include_drafts=False,
    ...                           store=url, format="table")
    >>> os.environ[KEY_ENV] = cohort.trainer_key
    >>> run_export(args)  # doctest: +ELLIPSIS
    Wrote 0 rows to .../session.csv
    0
    >>> del os.environ[KEY_ENV]
    """
    from .errors import ReportError

    fmt = getattr(args, "format", "table")
    if args.include_drafts and fmt != "table":
        raise ReportError("Drafts are in the table export only (--format table).")
    print(EXPORT_FORMATS[fmt](_access(args), args))
    return 0


@friendly
def run_import(args: argparse.Namespace) -> int:
    """``import``: score another system's answers file."""
    from ..store.exporting import write_table
    from .importer import import_responses

    if args.output:
        _suffix(args.output, (".csv", ".xlsx"))
    scored = import_responses(
        args.file,
        args.instrument,
        mapping=_pairs(args.map, "--map"),
        errors="coerce" if args.coerce else "raise",
        context=_pairs(args.context, "--context") or None,
        course_dir=args.course,
    )
    matched = ", ".join(
        f"{source}→{item}" for source, item in scored.attrs["columns"].items() if source != item
    )
    if matched:
        print(f"Matched columns: {matched}", file=sys.stderr)
    if args.output:
        write_table(scored, args.output)
        print(f"Scored {len(scored)} row{'s' if len(scored) != 1 else ''} into {args.output}")
    else:
        print(scored.to_string(index=False))
    return 0
