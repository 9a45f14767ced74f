"""CohortReport: the trainer's evaluation of a cohort, in a notebook, behind the trainer key.

The trainer types the join code and trainer key (as for the dashboard); the widget then shows
the cohort's evaluation (completion per module, per-trainee progress, knowledge checks hardest
first, start and end self-check) and offers downloads: the full evaluation (HTML, names
trainees by handle) and the commissioner summary (PDF or HTML, names nobody). A wrong key is
refused with a message; nothing about the cohort is shown before the key is checked.
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

from ..core.errors import RecoveryCapitalError
from ..store import Store
from ..store.access import TrainerAccess
from .base import guarded
from .html import Safe, element, join
from .parts import HTML, Button, HBox, Layout, VBox
from .status import StatusLine
from .trainer_sign_in import TrainerSignIn

__all__ = ["CohortReport", "REPORT_CSS"]

log = logging.getLogger("recovery_capital.widgets")

#: Styles for the report inside the page, scoped so they touch nothing else on it.
REPORT_CSS = """
.rc-report-body table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
.rc-report-body th, .rc-report-body td { border: 1px solid #b9c3c9; padding: 0.3rem 0.5rem;
  text-align: left; vertical-align: top; }
.rc-report-body thead th { background: #e8f0f3; }
.rc-report-body td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rc-report-body h2 { font-size: 1.2rem; border-bottom: 2px solid #0b4f6c; color: #0b4f6c; }
.rc-report-body .note { background: #fff8e5; border-left: 4px solid #b26b00;
  padding: 0.4rem 0.7rem; }
.rc-report-body img.rc-chart { max-width: 100%; height: auto; }
"""


def _download(label: str, data: bytes, mime: str, filename: str) -> Safe:
    encoded = base64.b64encode(data).decode("ascii")
    return element(
        "a", label, href=f"data:{mime};base64,{encoded}", download=filename, cls="rc-download-link"
    )


class CohortReport:
    """The cohort evaluation for its trainer (see the module notes).

    ``code`` fills in the join code; ``store`` and ``course`` (the course folder) default to
    the configured store and the course this notebook belongs to.

    >>> from recovery_capital.store import Store
    >>> store = Store("sqlite://")
    >>> cohort = store.create_cohort("Spring 2027")
    >>> report = CohortReport(cohort.code, store=store)
    >>> report.sign_in.key_field.value = "NOT-THE-KEY"
    >>> report.open(), report.report.value
    (False, '')
    >>> report.sign_in.key_field.value = cohort.trainer_key
    >>> report.open(), "Completion per module" in report.report.value
    (True, True)
    """

    def __init__(
        self,
        code: str | None = None,
        *,
        store: Store | None = None,
        course: str | Path | None = None,
    ) -> None:
        self._store = store
        self._course = course
        self.access: TrainerAccess | None = None
        self.status = StatusLine()
        self.sign_in = TrainerSignIn(
            code,
            button="Show the evaluation",
            status=self.status,
            on_open=self.open,
            css_class="rc-report-login",
        )
        self.refresh_button = Button(description="Refresh").add_class("rc-refresh")
        self.refresh_button.on_click(
            guarded(lambda _: self.refresh(), self.status, "report refresh")
        )
        self.downloads = HTML().add_class("rc-downloads")
        self.report = HTML().add_class("rc-report-body")
        self.body = VBox(  # its own layout: shown once the trainer is signed in
            [HBox([self.refresh_button]), self.downloads, self.report], layout=Layout()
        )
        self.body.layout.display = "none"
        self.widget = VBox(
            [
                HTML(element("h3", "Cohort report", cls="rc-title")),
                self.sign_in.box,
                self.status,
                self.body,
            ]
        ).add_class("rc-cohort-report")
        self.widget.add_class("rc-exercise")

    @property
    def store(self) -> Store:
        """The response store (opened on first use)."""
        if self._store is None:
            self._store = Store()
        return self._store

    def open(self) -> bool:
        """Check the code and key; on success show the evaluation. True if it opened."""
        self.access = self.sign_in.check(self.store)
        if self.access is None:
            return False
        self.sign_in.hide()
        self.body.layout.display = None
        self.refresh()
        return True

    def refresh(self) -> None:
        """Work out the evaluation again from the store and show it with fresh downloads."""
        from ..reports.cohort_pages import evaluation_html, evaluation_sections, summary_html
        from ..reports.evaluation import commissioner_summary, evaluate_cohort
        from ..reports.summary_pdf import summary_pdf

        if self.access is None:
            return
        self.status.show("Working out the evaluation…", "info")
        try:
            evaluation = evaluate_cohort(self.access, self._course)
        except RecoveryCapitalError as exc:  # e.g. no module notebooks in the course folder
            self.status.show(str(exc), "warning")
            return
        summary = commissioner_summary(evaluation)
        code = self.access.code
        self.report.value = join(
            [
                Safe(f"<style>{REPORT_CSS}</style>"),
                element("h2", f"Training evaluation: {self.access.cohort_name} ({code})"),
                Safe(evaluation_sections(evaluation)),
            ]
        )
        self.downloads.value = element(
            "p",
            "Download: ",
            _download(
                "commissioner summary (PDF)",
                summary_pdf(summary),
                "application/pdf",
                f"summary-{code}.pdf",
            ),
            " · ",
            _download(
                "commissioner summary (HTML)",
                summary_html(summary).encode("utf-8"),
                "text/html",
                f"summary-{code}.html",
            ),
            " · ",
            _download(
                "full evaluation with handles (HTML)",
                evaluation_html(evaluation).encode("utf-8"),
                "text/html",
                f"evaluation-{code}.html",
            ),
            ". The summaries name nobody; the full evaluation lists trainees by handle, so keep "
            "it to yourself.",
        )
        self.status.show(
            f"Showing cohort {code} ({self.access.cohort_name}): {evaluation.participants} "
            "trainees.",
            "ok",
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
