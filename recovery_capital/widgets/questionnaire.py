"""Questionnaire: any instrument definition, answered item by item and scored on submit.

``Questionnaire("barc10")`` shows every item as an accessible choice group with the
instrument's own answer options; submitting scores the answers with the scoring engine, shows
the result in words and a chart (see :mod:`.results`), and stores the submission with the
instrument and its version so the trainer dashboard can summarise the cohort. Course
instruments (``assets/content/instruments/``) are found by id too.

By default the activity id is the instrument id; give ``activity_id="m7-selfcheck"`` when the
same instrument is used twice in a course (e.g. a self-check at the start and the end), and
``compare_with="m1-selfcheck"`` to show the trainee's earlier scores beside the new ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..content.model import course_dir
from ..scoring.definitions import Instrument, load_instrument
from ..session.context import Context, preheating
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet, value_text
from .html import element, join, markdown
from .parts import HTML
from .results import comparison_html, pick_chart, result_html

if TYPE_CHECKING:  # pragma: no cover
    from ..scoring.engine import ScoreResult

__all__ = ["Questionnaire", "item_groups", "read_items", "write_items"]

CONTEXT_KEY = "_context"  # where a draft keeps answers about the respondent (e.g. sex)


def item_groups(inst: Instrument) -> dict[str, ChoiceGroup]:
    """One choice group per item, with the item's own answer options, keyed by item id.

    Put them on the page with a :class:`~.choice.ChoiceSet`.

    >>> import recovery_capital as rc
    >>> groups = item_groups(rc.load_instrument("dast10"))
    >>> groups["q3"].legend.startswith("3. "), [o["value"] for o in groups["q3"].options]
    (True, ['0', '1'])
    """
    groups = {}
    for number, item in enumerate(inst.items, start=1):
        options = [(o.value, o.label) for o in item.options or ()]
        group = ChoiceGroup(
            f"{number}. {item.prompt}",
            options,
            orientation="horizontal" if len(options) <= 7 else "vertical",
        )
        group.add_class("rc-item")
        groups[item.id] = group
    return groups


def read_items(groups: Mapping[str, ChoiceGroup]) -> dict[str, int | float]:
    """The chosen values of item groups as numbers (unanswered items left out)."""
    values: dict[str, int | float] = {}
    for item_id, group in groups.items():
        if group.value:
            number = float(group.value)
            values[item_id] = int(number) if number.is_integer() else number
    return values


def write_items(groups: Mapping[str, ChoiceGroup], values: Mapping[str, Any]) -> None:
    """Tick saved item values (a value that is no longer an option is left unticked)."""
    for item_id, group in groups.items():
        value = values.get(item_id)
        if isinstance(value, int | float) and not isinstance(value, bool):
            group.value = value_text(float(value))


class Questionnaire(Exercise):
    """A scored questionnaire (BARC-10, URICA, SOCRATES, RCQ, AUDIT, DAST-10, ...).

    >>> from recovery_capital.session.context import practice_context
    >>> dast = Questionnaire("dast10", context=practice_context())
    >>> for group in dast.items.values():
    ...     group.value = "0"
    >>> dast.submit(), 'class="rc-band"' in dast.feedback.value
    (True, True)
    """

    kind = "instrument"
    content: Instrument

    def __init__(
        self,
        instrument: str | Instrument,
        *,
        activity_id: str | None = None,
        intro: str = "",
        compare_with: str | None = None,
        context: Context | None = None,
    ) -> None:
        self._chosen_activity_id = activity_id
        self._intro = intro
        self._compare_with = compare_with
        self._last_scored: tuple[dict[str, Any], ScoreResult] | None = None
        super().__init__(instrument, context=context)
        if preheating():
            from ..charts import drawing as charts

            charts.warm_up_in_background()  # the trainee's first chart is then quick

    # -- building -----------------------------------------------------------------------

    def _load(self, source: Any) -> Instrument:
        if isinstance(source, Instrument):
            return source
        return load_instrument(source, course_dir=course_dir())

    def _activity_id(self) -> str:
        return self._chosen_activity_id or self.content.id

    def _build(self) -> list[w.Widget]:
        inst = self.content
        body: list[w.Widget] = []
        intro = [markdown(self._intro)] if self._intro else []
        if inst.prompts_are_paraphrases:
            intro.append(
                element(
                    "p",
                    "The questions are in our own plain words, not the published wording.",
                    cls="rc-note",
                )
            )
        if intro:
            body.append(HTML(join(intro)).add_class("rc-intro"))
        self.items = item_groups(inst)
        for group in self.items.values():
            self._watch(group)
            group.observe(self._guarded(self._show_progress), names="value")
        self.about: dict[str, ChoiceGroup] = {}
        for name, field in inst.context.items():
            group = ChoiceGroup(
                f"About the person: {name}",
                list(field.values),
                hint=f"Optional: {field.description}.",
                orientation="horizontal",
            )
            group.add_class("rc-item")
            self._watch(group)
            self.about[name] = group
        body.append(ChoiceSet([*self.items.values(), *self.about.values()]))
        self.progress = HTML().add_class("rc-progress")
        self._show_progress()
        body.append(self.progress)
        return body

    def _show_progress(self, _change: Any = None) -> None:
        answered = sum(1 for group in self.items.values() if group.value)
        self.progress.value = element(
            "p", f"{answered} of {len(self.items)} questions answered", cls="rc-progress-text"
        )

    # -- answers ------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        answers: dict[str, Any] = read_items(self.items)
        about = {name: group.value for name, group in self.about.items() if group.value}
        if about:
            answers[CONTEXT_KEY] = about
        return answers

    def _write(self, answers: Mapping[str, Any]) -> None:
        write_items(self.items, answers)
        about = answers.get(CONTEXT_KEY)
        if isinstance(about, Mapping):
            for name, group in self.about.items():
                if isinstance(about.get(name), str):
                    group.value = about[name]

    def _clear(self) -> None:
        for group in (*self.items.values(), *self.about.values()):
            group.value = ""

    def _split(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        items = {k: v for k, v in answers.items() if k != CONTEXT_KEY}
        return items, dict(answers.get(CONTEXT_KEY) or {})

    def _result(self, answers: Mapping[str, Any]) -> ScoreResult:
        # imported here: scoring needs numpy, which a page need not load until someone submits
        from ..scoring.engine import score

        if self._last_scored is not None and self._last_scored[0] == answers:
            return self._last_scored[1]  # one submit checks, shows and stores the same score
        items, about = self._split(answers)
        result = score(self.content, items, context=about)
        self._last_scored = (dict(answers), result)
        return result

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        result = self._result(answers)
        incomplete = any(value is None for value in result.scales.values())
        if not (result.missing and incomplete):
            return None
        numbers = [str(self.content.item_ids.index(i) + 1) for i in result.missing]
        listed = (
            numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
        )
        noun = "question" if len(numbers) == 1 else "questions"
        return f"To see the score, please answer {noun} {listed}."

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        result = self._result(answers)
        html = result_html(self.content, result, chart=pick_chart(self.content, result))
        earlier = self._earlier()
        if earlier is not None:
            html = join([html, comparison_html(self.content, *earlier, result.scales)])
        return Outcome(html, store_kwargs={"result": result})

    def _earlier(self) -> tuple[dict[str, Any], datetime] | None:
        """The scale scores and time of the submission named by ``compare_with``, if any."""
        if not self._compare_with:
            return None
        ctx = self._ctx
        latest = ctx.store.latest(ctx.cohort, ctx.handle, self._compare_with)
        if latest is None or not latest.submitted or not isinstance(latest.scores, Mapping):
            return None
        return dict(latest.scores.get("scales") or {}), latest.time

    def _stored_answers(self, answers: Mapping[str, Any], outcome: Outcome) -> dict[str, Any]:
        return self._split(answers)[0]

    def _restored_answers(self, answers: Mapping[str, Any], scores: Any) -> dict[str, Any]:
        """Work out the respondent details a submission left out, from the band it got."""
        restored = dict(answers)
        band = (scores or {}).get("band")
        if CONTEXT_KEY in restored or band is None or not self.content.context:
            return restored
        about: dict[str, str] = {}
        for name, field in self.content.context.items():
            fits = [v for v in field.values if self._band_with(answers, {name: v}) == band]
            if len(fits) == 1:
                about[name] = fits[0]
        if about:
            restored[CONTEXT_KEY] = about
        return restored

    def _band_with(self, answers: Mapping[str, Any], about: dict[str, str]) -> str | None:
        try:
            return self._result({**answers, CONTEXT_KEY: about}).band
        except ValueError:
            return None
