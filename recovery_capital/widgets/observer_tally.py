"""ObserverTally: the observer of a triad real-play counts what the listener does.

Three trainees take turns as speaker, listener and observer (``kind: triad``,
``assets/content/triads/``). The page offers the three printable briefs (a PDF built from the
content file) and, for the observer, a timer and one button per behaviour: tap "Question",
"Simple reflection" and so on each time the listener does it. Buttons are native buttons, so
Tab and Enter or Space work as well as a tap; "Undo last tap" takes back a slip.

At the end the observer may add the four MITI global ratings (1-5, optional), and "Show the
listener's summary" works out the MITI 4.2.1 summary scores with their fair and good bands
through :func:`recovery_capital.scoring.miti.summarize`, exactly as it would for any coded
conversation, for the observer to talk through with the listener.

Answers are stored as ``{"counts": {MITI code: n}, "globals": {code: 1-5}, "seconds": n}``; the
scores are ``miti.summarize(counts, globals).to_dict()`` plus the practice's length.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import TriadContent
from ..scoring import miti
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet
from .html import Safe, element, join, markdown
from .parts import HTML, Button, HBox, Layout, VBox

__all__ = ["ObserverTally", "TALLY_CODES"]

#: The behaviours the observer counts (MITI 4.2.1 codes) and their button labels.
TALLY_CODES: tuple[tuple[str, str], ...] = (
    ("question", "Question"),
    ("simple_reflection", "Simple reflection"),
    ("complex_reflection", "Complex reflection"),
    ("affirm", "Affirmation"),
    ("seeking_collaboration", "Seeking collaboration"),
    ("emphasizing_autonomy", "Emphasising autonomy"),
    ("persuade", "Persuading (no permission)"),
    ("confront", "Confronting"),
)
_GROUPS = (
    ("Questions and reflections", ("question", "simple_reflection", "complex_reflection")),
    ("MI-adherent", ("affirm", "seeking_collaboration", "emphasizing_autonomy")),
    ("MI-non-adherent", ("persuade", "confront")),
)
_GLOBALS = (
    ("cultivating", "Cultivating change talk"),
    ("softening", "Softening sustain talk"),
    ("partnership", "Partnership"),
    ("empathy", "Empathy"),
)
_GLOBAL_OPTIONS = [(str(n), str(n)) for n in range(1, 6)]


def _clock(seconds: float) -> str:
    """``m:ss``.

    >>> _clock(605.4)
    '10:05'
    """
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class ObserverTally(Exercise):
    """A triad real-play from ``assets/content/triads/`` (``kind: triad``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> tally = ObserverTally(parse_content({"kind": "triad", "id": "m4-t", "title": "T",
    ...     "roles": {"speaker": {"brief": "Talk."}, "listener": {"brief": "Listen."},
    ...               "observer": {"brief": "Count."}}}), context=practice_context())
    >>> for code in ("question", "simple_reflection", "complex_reflection"):
    ...     tally.tap(code)
    >>> tally.counts["question"], tally.submit()
    (1, True)
    >>> "Reflection-to-question ratio: 2 (good" in tally.feedback.value
    True
    """

    kind = "triad"
    submit_label = "Show the listener's summary"
    reset_label = "New practice"
    announce_drafts = False  # a status message per tap would drown a screen reader
    content: TriadContent

    def _build(self) -> list[w.Widget]:
        self.counts: dict[str, int] = {code: 0 for code, _ in TALLY_CODES}
        self._taps: list[str] = []
        self._started: float | None = None
        self._elapsed = 0.0  # seconds counted before this page's timer started
        self._ticker: asyncio.Task[None] | None = None
        roles = self.content.roles
        briefs = [
            element(
                "details",
                element("summary", f"The {name}'s brief"),
                markdown(getattr(roles, name).brief),
                _topics_html(self.content.topics) if name == "speaker" else "",
                cls="rc-brief",
            )
            for name in ("speaker", "listener", "observer")
        ]
        intro = [markdown(self.content.intro)] if self.content.intro else []
        about = HTML(join([*intro, *briefs])).add_class("rc-intro")
        self.briefs_button = Button(description="Prepare the printable briefs (PDF)")
        self.briefs_button.add_class("rc-briefs")
        self.briefs_button.on_click(self._guarded(lambda _: self.prepare_briefs()))
        self.download = HTML().add_class("rc-download")
        self.timer = HTML().add_class("rc-timer")
        self.start_button = Button(description="Start the timer", layout=Layout())
        self.start_button.add_class("rc-timer-start")
        self.start_button.on_click(self._guarded(lambda _: self.start()))
        self.buttons: dict[str, Button] = {}
        rows: list[w.Widget] = []
        labels = dict(TALLY_CODES)
        for heading, codes in _GROUPS:
            buttons = []
            for code in codes:
                button = Button(description=labels[code])
                button.add_class("rc-tally-button")
                button.add_class(f"rc-tally-{code.replace('_', '-')}")
                button.on_click(self._guarded(lambda _, code=code: self.tap(code)))
                self.buttons[code] = button
                buttons.append(button)
            rows.append(HTML(element("h4", heading)))
            rows.append(HBox(buttons).add_class("rc-tally-row"))
        self.undo_button = Button(description="Undo last tap").add_class("rc-undo")
        self.undo_button.on_click(self._guarded(lambda _: self.undo()))
        self.tally = HTML().add_class("rc-tally")
        self.globals = {
            code: ChoiceGroup(label, _GLOBAL_OPTIONS, orientation="horizontal").add_class(
                "rc-global"
            )
            for code, label in _GLOBALS
        }
        for group in self.globals.values():
            self._watch(group)
        globals_intro = HTML(
            element(
                "p",
                "Optional, at the end: the four MITI global ratings, 1 (low) to 5 (high), for "
                "the whole practice. Leave them blank if you are not sure; the counts still "
                "give a summary.",
            )
        )
        self._show_counts()
        self._show_time()
        return [
            about,
            HBox([self.briefs_button]),
            self.download,
            VBox([self.timer, HBox([self.start_button])]).add_class("rc-timer-box"),
            *rows,
            HBox([self.undo_button]),
            self.tally,
            globals_intro,
            ChoiceSet(self.globals.values()),
        ]

    # -- the observer's actions -----------------------------------------------------------

    def prepare_briefs(self) -> None:
        """Offer the three briefs as a PDF download link."""
        from ..reports.triad_briefs import briefs_pdf

        data = base64.b64encode(briefs_pdf(self.content)).decode("ascii")
        self.download.value = element(
            "p",
            element(
                "a",
                "Download the speaker's, listener's and observer's briefs (PDF)",
                href=f"data:application/pdf;base64,{data}",
                download=f"{self.activity_id}-briefs.pdf",
                cls="rc-download-link",
            ),
        )

    def start(self) -> None:
        """Start (or restart) timing the practice."""
        if self._started is None:
            self._started = time.monotonic()
        self.start_button.layout.display = "none"
        self.status.show(
            f"Timer started: {self.content.minutes} minutes. Tap a button each time the "
            "listener does it.",
            "info",
        )
        self._show_time()
        self._tick_later()

    def tap(self, code: str) -> None:
        """Count one ``code`` (a MITI behaviour code); the first tap starts the timer."""
        if code not in self.counts:
            raise ValueError(f"{code!r} is not counted here")
        if self._started is None:
            self.start()
        self.counts[code] += 1
        self._taps.append(code)
        self._show_counts()
        self._changed()

    def undo(self) -> None:
        """Take back the last tap."""
        if not self._taps:
            self.status.show("Nothing to undo yet.", "info")
            return
        code = self._taps.pop()
        self.counts[code] -= 1
        self._show_counts()
        self.status.show(f"Took back one {dict(TALLY_CODES)[code].lower()}.", "info")
        self._changed()

    @property
    def seconds(self) -> int:
        """How long the practice has run, in whole seconds."""
        running = time.monotonic() - self._started if self._started is not None else 0.0
        return int(self._elapsed + running)

    def _show_counts(self) -> None:
        for code, label in TALLY_CODES:
            self.buttons[code].description = f"{label}: {self.counts[code]}"
        total = sum(self.counts.values())
        self.tally.value = element(
            "p", f"{total} tap{'' if total == 1 else 's'} counted so far.", aria_live="polite"
        )

    def _show_time(self) -> None:
        limit = self.content.minutes * 60
        seconds = self.seconds
        if self._started is None and not seconds:
            text = f"{self.content.minutes} minutes of practice; the first tap starts the timer."
        elif seconds >= limit:
            text = f"Time is up ({_clock(seconds)}). Finish the exchange, then show the summary."
        else:
            text = f"{_clock(seconds)} gone, {_clock(limit - seconds)} left."
        self.timer.value = element("p", text)

    def _tick_later(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (tests, scripts): the time shows when the page changes
        if self._ticker is None or self._ticker.done():
            self._ticker = loop.create_task(self._tick())

    async def _tick(self) -> None:
        limit = self.content.minutes * 60
        announced = False
        while self._started is not None:
            self._show_time()
            if self.seconds >= limit and not announced:
                announced = True
                self.status.show("Time is up: finish the exchange, then show the summary.", "info")
            await asyncio.sleep(1)

    # -- answers ------------------------------------------------------------------------

    def _globals(self) -> dict[str, int]:
        return {code: int(group.value) for code, group in self.globals.items() if group.value}

    def _read(self) -> dict[str, Any]:
        return {"counts": dict(self.counts), "globals": self._globals(), "seconds": self.seconds}

    def _write(self, answers: Mapping[str, Any]) -> None:
        counts = answers.get("counts")
        if isinstance(counts, Mapping):
            for code in self.counts:
                value = counts.get(code)
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    self.counts[code] = value
        saved = answers.get("globals")
        if isinstance(saved, Mapping):
            for code, group in self.globals.items():
                if saved.get(code) in range(1, 6):
                    group.value = str(saved[code])
        seconds = answers.get("seconds")
        if isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds >= 0:
            self._elapsed = float(seconds)
        self._show_counts()
        self._show_time()

    def _clear(self) -> None:
        self.counts = {code: 0 for code, _ in TALLY_CODES}
        self._taps = []
        self._started = None
        self._elapsed = 0.0
        self.start_button.layout.display = None
        for group in self.globals.values():
            group.value = ""
        self._show_counts()
        self._show_time()

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        if not any(answers["counts"].values()):
            return "Tap a button each time the listener asks, reflects or affirms first."
        return None

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        result = miti.summarize(answers["counts"], answers["globals"])
        self._started, self._elapsed = None, float(answers["seconds"])  # the practice is over
        self._show_time()
        scores = {**result.to_dict(), "seconds": answers["seconds"]}
        return Outcome(_summary_html(result, answers["seconds"]), scores)


def _topics_html(topics: tuple[str, ...]) -> Safe | str:
    if not topics:
        return ""
    items = [element("li", topic) for topic in topics]
    return join([element("p", "Topics you might choose:"), element("ul", items)])


def _summary_lines(result: miti.MitiResult) -> list[Safe | str]:
    """The counted summaries first, then the globals (or one line saying how to get them)."""
    counted = (
        result.reflection_to_question,
        result.percent_complex_reflections,
        result.mi_adherent,
        result.mi_non_adherent,
    )
    lines: list[Safe | str] = [
        element("span", summary.describe(), cls="rc-score") for summary in counted[:2]
    ]
    lines += [summary.describe().split(" (")[0] for summary in counted[2:]]
    rated = [s for s in (result.technical_global, result.relational_global) if s.value is not None]
    if rated:
        lines += [element("span", summary.describe(), cls="rc-score") for summary in rated]
    if len(rated) < 2:
        lines.append(
            "Technical and relational globals: add all four global ratings above to see them."
        )
    return lines


def _summary_html(result: miti.MitiResult, seconds: int) -> Safe:
    counts = result.counts
    labels = dict(TALLY_CODES)
    return element(
        "div",
        element("h4", "The listener's MITI 4.2.1 summary"),
        element("p", f"From {_clock(seconds)} of practice.") if seconds else "",
        element(
            "ul", [element("li", line) for line in _summary_lines(result)], cls="rc-tally-summary"
        ),
        element("p", "What the observer counted:"),
        element("ul", [element("li", f"{labels[code]}: {counts[code]}") for code in labels]),
        element(
            "p",
            "Talk it through with the listener: start with what went well, then one thing to "
            "try next time. The fair and good thresholds are expert guidance for a recorded "
            "conversation of about twenty minutes, coded by a trained coder; a short practice "
            "tallied live gives a rough picture, not a verdict.",
            cls="rc-note",
        ),
        cls="rc-result",
    )
