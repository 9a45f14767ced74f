"""TrainerDashboard: the live view of a workshop, behind the cohort's trainer key.

After the trainer types the join code and trainer key, the dashboard shows, refreshed every
couple of seconds by an asyncio task (it never blocks the kernel):

* how many people have submitted or are working on each activity;
* open / close and reveal / hide buttons for every poll in the course, with its live results;
* the cohort's results per activity, aggregated (never by name; see :mod:`.cohort_views`);
* free text to moderate (see :mod:`.moderation`);
* a link to download every answer as CSV.

Parts are redrawn only when their data changed, so charts are not redrawn every two seconds.
"""

from __future__ import annotations

import base64
import logging
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from ..content.model import Content, PollContent, ReflectionContent, content_files, load_content
from ..core.errors import DefinitionError
from ..core.locations import course_dir
from ..store import Store
from .base import guarded
from .cohort_views import activity_view
from .html import element, join
from .live import LIVE_SECONDS, Refresher
from .live_poll import poll_counts, poll_results_html
from .moderation import ModerationPanel
from .parts import HTML, Button, HBox, VBox
from .status import StatusLine
from .trainer_sign_in import TrainerSignIn

__all__ = ["TrainerDashboard", "course_activities"]

log = logging.getLogger("recovery_capital.widgets")


def course_activities(root: str | Path | None = None) -> tuple[dict[str, Content], list[str]]:
    """Every content file of the course that loads, by activity id, and a note per broken file.

    >>> course_activities("/nonexistent")
    ({}, [])
    """
    found: dict[str, Content] = {}
    broken: list[str] = []
    for path in content_files(root):
        try:
            content = load_content(path)
        except DefinitionError as exc:
            broken.append(f"{path.name}: {len(exc.problems)} problem(s)")
            continue
        found.setdefault(content.id, content)
    return found, broken


def _state_words(row: Mapping[str, Any], poll: bool) -> str:
    """What trainees can do with an activity and see of it, in words.

    >>> _state_words({"opened": True, "revealed": False}, poll=True)
    'open; results hidden'
    >>> _state_words({"revealed": True}, poll=False)
    'results shown on the projector'
    """
    shown = "shown" if row.get("revealed") else "hidden"
    if not poll:
        return f"results {shown} on the projector"
    return f"{'open' if row.get('opened') else 'closed'}; results {shown}"


class PollControls:
    """Open/close and reveal/hide buttons for one poll, with its live results for the trainer."""

    def __init__(self, dashboard: TrainerDashboard, poll: PollContent) -> None:
        self.dashboard = dashboard
        self.poll = poll
        self.open_button = Button(description="Open poll").add_class("rc-open")
        self.reveal_button = Button(description="Reveal results").add_class("rc-reveal")
        self.state_line = HTML().add_class("rc-poll-state")
        self.results = HTML().add_class("rc-poll-results-area")
        status = dashboard.status
        self.open_button.on_click(guarded(lambda _: self.toggle("opened"), status, poll.id))
        self.reveal_button.on_click(guarded(lambda _: self.toggle("revealed"), status, poll.id))
        heading = HTML(join([element("h4", poll.title), element("p", poll.question)]))
        self.widget = VBox(
            [heading, self.state_line, HBox([self.open_button, self.reveal_button]), self.results]
        ).add_class("rc-activity")
        self.widget.add_class("rc-poll-controls")
        self._fingerprint: tuple[Any, ...] | None = None

    def toggle(self, flag: str) -> None:
        """Flip ``opened`` or ``revealed`` for the cohort, then show the new state."""
        store, code = self.dashboard.store, self.dashboard.code
        state = store.activity_state(code, self.poll.id)
        store.set_activity_state(code, self.poll.id, **{flag: not getattr(state, flag)})
        self.dashboard.refresh()

    def show(self, opened: bool, revealed: bool, submissions: int) -> None:
        """Update the buttons and, when answers changed, the results."""
        self.open_button.description = "Close poll" if opened else "Open poll"
        self.reveal_button.description = "Hide results" if revealed else "Reveal results"
        words = (
            f"{'Open' if opened else 'Closed'}; results "
            f"{'shown to trainees' if revealed else 'not shown to trainees'}."
        )
        self.state_line.value = element("p", words)
        fingerprint = (submissions,)
        if fingerprint == self._fingerprint:
            return
        frame = self.dashboard.store.responses(self.dashboard.code, self.poll.id, latest_only=True)
        answers = list(frame["answers"])
        self.results.value = poll_results_html(
            self.poll, poll_counts(self.poll, answers), len(answers)
        )
        self._fingerprint = fingerprint


class TrainerDashboard:
    """The trainer's live view of one cohort (see the module notes).

    ``code`` fills in the join code; ``store`` and ``course`` (the course folder) default to the
    configured store and the course this notebook belongs to.

    >>> from recovery_capital.store import Store
    >>> store = Store("sqlite://")
    >>> cohort = store.create_cohort("Tuesday group")
    >>> board = TrainerDashboard(cohort.code, store=store, course="/nonexistent")
    >>> board.sign_in.key_field.value = cohort.trainer_key
    >>> board.open(), "0 people have joined" in board.header.value
    (True, True)
    """

    def __init__(
        self,
        code: str | None = None,
        *,
        store: Store | None = None,
        course: str | Path | None = None,
    ) -> None:
        self.status = StatusLine()
        self.code = ""
        self._store = store
        self._course = course
        self.sign_in = TrainerSignIn(
            code,
            button="Open dashboard",
            status=self.status,
            on_open=self.open,
            css_class="rc-dashboard-login",
        )
        self.body = VBox().add_class("rc-dashboard-body")
        self.widget = VBox(
            [
                HTML(element("h3", "Trainer dashboard", cls="rc-title")),
                self.sign_in.box,
                self.status,
                self.body,
            ]
        ).add_class("rc-dashboard")
        self.widget.add_class("rc-exercise")
        self.refresher: Refresher | None = None

    @property
    def store(self) -> Store:
        """The response store (opened on first use)."""
        if self._store is None:
            self._store = Store()
        return self._store

    # -- login --------------------------------------------------------------------------

    def open(self) -> bool:
        """Check the code and key; on success show the live view. True if opened."""
        access = self.sign_in.check(self.store)
        if access is None:
            return False
        self.code = access.code
        self._build_view()
        self.sign_in.hide()
        self.status.show(f"Showing cohort {self.code}. Updates every few seconds.", "ok")
        self.refresh()
        self.refresher = Refresher(
            guarded(self.refresh, self.status, "dashboard refresh"), interval=LIVE_SECONDS
        )
        return True

    def _build_view(self) -> None:
        self.contents, broken = course_activities(self._course)
        from .presenter.agenda import questionnaire_titles  # the presenter imports this module

        course = self._course if self._course is not None else course_dir()
        self.titles = {
            **questionnaire_titles(course),  # questionnaires have no content file, so no title
            **{aid: content.title for aid, content in self.contents.items()},
        }
        self.header = HTML().add_class("rc-dashboard-header")
        self.counts = HTML().add_class("rc-dashboard-counts")
        self.polls = {
            aid: PollControls(self, content)
            for aid, content in self.contents.items()
            if isinstance(content, PollContent)
        }
        self.results = VBox().add_class("rc-dashboard-results")
        self.moderation = ModerationPanel(self.store, self.code, self.titles, self.status)
        self.download = HTML().add_class("rc-download")
        export_button = Button(description="Prepare a download of all answers (CSV)")
        export_button.add_class("rc-export")
        export_button.on_click(guarded(lambda _: self.export(), self.status, "export"))
        warning = (
            [
                HTML(
                    element(
                        "p",
                        "Some course files could not be read: "
                        + "; ".join(broken)
                        + ". Run `recovery-capital check`.",
                        cls="rc-warning",
                    )
                )
            ]
            if broken
            else []
        )
        self._result_boxes: dict[str, HTML] = {}
        self._result_marks: dict[str, tuple[Any, ...]] = {}
        self.body.children = [
            *warning,
            self.header,
            self.counts,
            HTML(element("h3", "Polls")),
            *[controls.widget for controls in self.polls.values()],
            HTML(element("h3", "Results by activity")),
            self.results,
            self.moderation.widget,
            HBox([export_button]),
            self.download,
        ]

    # -- live update --------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the cohort's summary and update every part whose data changed."""
        if not self.code:
            return
        summary = self.store.cohort_summary(self.code)
        rows = summary.to_dict("records")
        people = summary.attrs.get("participants", 0)
        now = datetime.now().strftime("%H:%M:%S")
        self.header.value = element(
            "p",
            f"Cohort {self.code}: {people} {'person has' if people == 1 else 'people have'} "
            f"joined. Updated {now}.",
        )
        self.counts.value = self._counts_table(rows)
        by_activity = {row["activity_id"]: row for row in rows}
        for aid, controls in self.polls.items():
            row = by_activity.get(aid, {})
            controls.show(
                bool(row.get("opened")), bool(row.get("revealed")), int(row.get("submissions", 0))
            )
        self._refresh_results(rows)
        self.moderation.refresh()

    def _title(self, activity_id: str) -> str:
        return self.titles.get(activity_id, activity_id)

    def _counts_table(self, rows: list[Mapping[str, Any]]) -> str:
        import pandas as pd

        if not rows:
            return element("p", "No answers yet: they appear here as they arrive.")
        header = element(
            "tr",
            [
                element("th", text, scope="col")
                for text in ("Activity", "Submitted", "Working on it", "Last answer", "State")
            ],
        )
        body = []
        for row in rows:
            last = row.get("last_submission")
            when = "" if pd.isna(last) else last.to_pydatetime().astimezone().strftime("%H:%M")
            body.append(
                element(
                    "tr",
                    element("th", self._title(row["activity_id"]), scope="row"),
                    element("td", str(row["participants"])),
                    element("td", str(row["drafting"])),
                    element("td", when),
                    element("td", _state_words(row, row["activity_id"] in self.polls)),
                )
            )
        return element(
            "table", element("thead", header), element("tbody", body), cls="rc-counts-table"
        )

    def _refresh_results(self, rows: list[Mapping[str, Any]]) -> None:
        for row in rows:
            aid = row["activity_id"]
            content = self.contents.get(aid)
            if isinstance(content, PollContent | ReflectionContent) or not row["submissions"]:
                continue  # polls have their own panel; reflections go to moderation
            mark = (row["submissions"], row["last_submission"])
            if self._result_marks.get(aid) == mark:
                continue
            frame = self.store.responses(self.code, aid, latest_only=True)
            instruments = [i for i in frame["instrument"] if isinstance(i, str)]
            view = activity_view(
                content,
                instruments[-1] if instruments else None,
                list(frame["answers"]),
                list(frame["scores"]),
            )
            box = self._result_boxes.get(aid)
            if box is None:
                box = self._result_boxes[aid] = HTML().add_class("rc-activity")
                self.results.children = [*self.results.children, box]
            box.value = join([element("h4", self._title(aid)), view])
            self._result_marks[aid] = mark

    # -- export -------------------------------------------------------------------------

    def export(self) -> None:
        """Offer every submission of the cohort as a CSV download link."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"cohort-{self.code}.csv"
            count = self.store.export(self.code, path)
            data = base64.b64encode(path.read_bytes()).decode("ascii")
        self.download.value = element(
            "p",
            element(
                "a",
                f"Download {count} answers (CSV)",
                href=f"data:text/csv;base64,{data}",
                download=f"cohort-{self.code}.csv",
            ),
            " The file holds handles, not names; store it as your organisation requires.",
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
