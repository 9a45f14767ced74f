"""Reports and exports: progress, cohort evaluation, certificates, workbooks, FHIR and import.

Everything here reads the response store and the course; nothing writes to the store.

=========================  ==================================================================
module                     one job
=========================  ==================================================================
``stats``                  t quantiles, paired change (d_z, t interval), reliable change index
``reliability``            published reliabilities the index may use, with their sources
``course_map``             the activities each module asks for, and its hours
``completion``             who completed which module
``knowledge``              knowledge-check results per question, hardest first
``prepost``                start and end self-check, paired by handle
``evaluation``             the cohort evaluation, and the handle-free commissioner summary
``progress``               one participant's assessments on one instrument, first to latest
``cohort_pages``           evaluation and summary as self-contained HTML
``summary_pdf``            the commissioner summary as a one-page PDF
``certificate``            certificates of completion (PDF), only when every module is done
``workbook``               Excel: a sheet per questionnaire and a codebook
``fhir``                   FHIR R4B Questionnaire and QuestionnaireResponse
``importer``               score another system's CSV or Excel file of answers
=========================  ==================================================================

Privacy: a report that can show a handle takes a
:class:`~recovery_capital.store.access.TrainerAccess`, which only
:func:`~recovery_capital.store.access.trainer_access` makes, after the store has checked
the cohort's trainer key. The commissioner summary is built from a
:class:`~.evaluation.CohortSummary`, which holds no handle at all.

>>> from recovery_capital.store import Store
>>> from recovery_capital.reports import evaluate_cohort, commissioner_summary
>>> from recovery_capital.store.access import trainer_access
>>> store = Store("sqlite://")
>>> cohort = store.create_cohort("Spring 2027")
>>> access = trainer_access(store, cohort.code, cohort.trainer_key)
>>> commissioner_summary(evaluate_cohort(access)).participants
0
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import NotComplete, ReportError

__all__ = [
    "NotComplete",
    "ReportError",
    "evaluate_cohort",
    "commissioner_summary",
    "evaluation_html",
    "summary_html",
    "summary_pdf",
    "participant_progress",
    "progress_html",
    "certificate_for",
    "certificate_pdf",
    "write_workbook",
    "cohort_bundle",
    "definitions_bundle",
    "import_responses",
]

if TYPE_CHECKING:  # pragma: no cover
    from .certificate import certificate_for, certificate_pdf
    from .cohort_pages import evaluation_html, summary_html
    from .evaluation import commissioner_summary, evaluate_cohort
    from .fhir import cohort_bundle, definitions_bundle
    from .importer import import_responses
    from .progress import participant_progress, progress_html
    from .summary_pdf import summary_pdf
    from .workbook import write_workbook

# Loaded on first use, so importing the package does not pull in matplotlib, fpdf2 or FHIR.
_LAZY = {
    "evaluate_cohort": "evaluation",
    "commissioner_summary": "evaluation",
    "evaluation_html": "cohort_pages",
    "summary_html": "cohort_pages",
    "summary_pdf": "summary_pdf",
    "participant_progress": "progress",
    "progress_html": "progress",
    "certificate_for": "certificate",
    "certificate_pdf": "certificate",
    "write_workbook": "workbook",
    "cohort_bundle": "fhir",
    "definitions_bundle": "fhir",
    "import_responses": "importer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
