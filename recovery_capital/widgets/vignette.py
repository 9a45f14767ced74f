"""VignetteRating: read a fictional person's story, rate them, then compare with a reference.

The trainee answers each item of an instrument (usually BARC-10) as they think the person would,
and/or picks the stage of change that fits best. Submitting shows the reference rating item by
item with the reasoning behind it and how far the trainee was from it, a radar of both ratings
when the items have domains, and the discussion prompts. The reference is one practitioner's
reading of the story: differences are for talking through, not marks lost.

Answers are stored as ``{"items": {"q1": 3, ...}, "stage": "contemplation"}``; scores as
agreement figures (``items_exact``, ``items_within_one``, ``mean_abs_difference``,
``stage_match``, and both totals when the instrument has a total).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import STAGES, VignetteContent
from ..scoring.definitions import Instrument, load_instrument
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet
from .html import Safe, element, join, markdown
from .parts import HTML
from .questionnaire import item_groups, read_items, write_items
from .results import item_range

__all__ = ["VignetteRating", "agreement"]

_HIDDEN_FACTS = {"name", "stage"}  # the name heads the story; the stage is the answer


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def stage_label(stage: str) -> str:
    """>>> stage_label("precontemplation")
    'Precontemplation'
    """
    return stage.capitalize()


def agreement(mine: Mapping[str, float], reference: Mapping[str, float]) -> dict[str, Any]:
    """How close one set of item ratings is to the reference.

    >>> agreement({"q1": 3, "q2": 5}, {"q1": 3, "q2": 3})
    {'items': 2, 'items_exact': 1, 'items_within_one': 1, 'mean_abs_difference': 1.0}
    """
    gaps = [abs(mine[key] - reference[key]) for key in reference if key in mine]
    return {
        "items": len(gaps),
        "items_exact": sum(gap == 0 for gap in gaps),
        "items_within_one": sum(gap <= 1 for gap in gaps),
        "mean_abs_difference": round(sum(gaps) / len(gaps), 2) if gaps else None,
    }


class VignetteRating(Exercise):
    """A vignette from ``assets/content/vignettes/`` (``kind: vignette``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> rating = VignetteRating(parse_content({"kind": "vignette", "id": "m3-v", "title": "Jo",
    ...     "person": {"name": "Jo"}, "story": "Jo is fictional.", "rate": {"stage": True},
    ...     "reference": {"stage": {"value": "preparation", "reasoning": "Jo has a plan."}}}),
    ...     context=practice_context())
    >>> rating.stage.value = "action"
    >>> rating.submit(), "Jo has a plan." in rating.feedback.value
    (True, True)
    """

    kind = "vignette"
    submit_label = "Compare with the reference"
    content: VignetteContent

    def _build(self) -> list[w.Widget]:
        person = self.content.person
        self.instrument: Instrument | None = (
            load_instrument(self.content.rate.instrument) if self.content.rate.instrument else None
        )
        body: list[w.Widget] = [HTML(self._story()).add_class("rc-intro")]
        self.items: dict[str, ChoiceGroup] = {}
        if self.instrument is not None:
            name = self.instrument.short_title or self.instrument.title
            body.append(
                HTML(
                    element(
                        "p",
                        f"Answer each {name} statement as you think {person.name} would answer "
                        "it today, from what the story tells you.",
                    )
                )
            )
            self.items = item_groups(self.instrument)
        self.stage: ChoiceGroup | None = None
        if self.content.rate.stage:
            self.stage = ChoiceGroup(
                f"Which stage of change fits {person.name} best right now?",
                [(stage, stage_label(stage)) for stage in STAGES],
            )
            self.stage.add_class("rc-item")
        body.append(ChoiceSet(self._groups()))
        for group in self._groups():
            self._watch(group)
        return body

    def _story(self) -> Safe:
        person = self.content.person
        facts = {
            **{k: v for k, v in person.model_dump(exclude_none=True).items() if v not in ("", ())},
            **(person.model_extra or {}),
        }
        rows = [
            join([element("dt", _label(key)), element("dd", _fact(value))])
            for key, value in facts.items()
            if key not in _HIDDEN_FACTS
        ]
        return join(
            [
                element("p", element("em", "A fictional person, written for this course.")),
                element("dl", rows, cls="rc-facts") if rows else "",
                element("div", markdown(self.content.story), cls="rc-story"),
            ]
        )

    def _groups(self) -> list[ChoiceGroup]:
        return [*self.items.values(), *([self.stage] if self.stage else [])]

    # -- answers ------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        if self.items:
            answers["items"] = read_items(self.items)
        if self.stage is not None:
            answers["stage"] = self.stage.value
        return answers

    def _write(self, answers: Mapping[str, Any]) -> None:
        items = answers.get("items")
        if isinstance(items, Mapping):
            write_items(self.items, items)
        if self.stage is not None and isinstance(answers.get("stage"), str):
            self.stage.value = answers["stage"]

    def _clear(self) -> None:
        for group in self._groups():
            group.value = ""

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        rated = answers.get("items", {})
        missing = [str(n) for n, key in enumerate(self.items, start=1) if key not in rated]
        if missing:
            which = ", ".join(missing)
            return f"Please rate every statement first (still to do: {which})."
        if self.stage is not None and not answers.get("stage"):
            return "Please choose a stage of change first."
        return None

    # -- comparison ---------------------------------------------------------------------

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        parts: list[object] = []
        scores: dict[str, Any] = {}
        if self.instrument is not None:
            item_parts, item_scores = self._compare_items(answers.get("items", {}))
            parts += item_parts
            scores.update(item_scores)
        stage = self.content.reference.stage
        if self.stage is not None and stage is not None:
            mine = answers.get("stage", "")
            scores["stage_match"] = mine == stage.value
            verdict = "the same as" if mine == stage.value else "different from"
            parts += [
                element("h4", "Stage of change"),
                element(
                    "p",
                    f"You chose {stage_label(mine)}; the reference is ",
                    element("span", stage_label(stage.value), cls="rc-band"),
                    f" ({verdict} yours).",
                ),
                element("div", markdown(stage.reasoning), cls="rc-meaning"),
            ]
        parts.append(
            element(
                "p",
                "The reference is one practitioner's reading of the story. Where you differ, "
                "talk it through: what in the story led each of you there?",
                cls="rc-note",
            )
        )
        if self.content.discussion:
            parts += [element("h4", "To discuss"), markdown(self.content.discussion)]
        return Outcome(element("div", join(parts), cls="rc-result"), scores)

    def _compare_items(self, mine: Mapping[str, Any]) -> tuple[list[object], dict[str, Any]]:
        inst = self.instrument
        assert inst is not None
        reference = {key: ref.value for key, ref in self.content.reference.items.items()}
        scores = agreement(mine, reference)
        rows = []
        for number, item in enumerate(inst.items, start=1):
            ref = self.content.reference.items[item.id]
            gap = abs(mine[item.id] - ref.value)
            rows.append(
                element(
                    "tr",
                    element("th", f"{number}. {item.domain or item.prompt}", scope="row"),
                    element("td", _option(item, mine[item.id])),
                    element("td", _option(item, ref.value)),
                    element(
                        "td",
                        "same" if gap == 0 else f"{gap:g} apart",
                        cls="rc-correct" if gap == 0 else "rc-incorrect" if gap > 1 else "",
                    ),
                    element("td", markdown(ref.reasoning)),
                )
            )
        header = element(
            "tr",
            [
                element("th", text, scope="col")
                for text in (
                    "Statement",
                    "Your rating",
                    "Reference",
                    "Difference",
                    "Why the reference",
                )
            ],
        )
        summary = element(
            "p",
            element("span", f"{scores['items_exact']} of {scores['items']}", cls="rc-score"),
            f" ratings matched the reference exactly and {scores['items_within_one']} were "
            f"within one point; on average you were {scores['mean_abs_difference']:g} points "
            "away.",
        )
        parts: list[object] = [element("h4", "Your ratings and the reference"), summary]
        if "total" in inst.scale_ids:
            from ..scoring.engine import score

            mine_total = score(inst, dict(mine)).scales["total"]
            ref_total = score(inst, reference).scales["total"]
            scores.update(total=mine_total, reference_total=ref_total)
            parts.append(
                element(
                    "p",
                    f"Your ratings give a total of {mine_total:g}; the "
                    f"reference gives {ref_total:g}.",
                )
            )
        parts.append(element("table", element("thead", header), element("tbody", rows)))
        chart = self._radar(mine, reference)
        if chart is not None:
            parts.append(element("div", Safe(chart.to_html()), cls="rc-chart-box"))
        return parts, scores

    def _radar(self, mine: Mapping[str, Any], reference: Mapping[str, float]) -> Any:
        inst = self.instrument
        assert inst is not None
        if inst.chart_spec.kind != "radar":
            return None
        from ..charts.drawing import radar

        low, high = item_range(inst)
        return radar(
            {item.domain: mine.get(item.id) for item in inst.items},
            compare={item.domain: reference[item.id] for item in inst.items},
            vmin=low,
            vmax=high,
            title=f"{self.content.person.name}: your ratings and the reference",
            label="Your ratings",
            compare_label="Reference",
        )


def _fact(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


def _option(item: Any, value: float) -> str:
    label = next((o.label for o in item.options or () if o.value == value), "")
    return f"{value:g} ({label})" if label else f"{value:g}"
