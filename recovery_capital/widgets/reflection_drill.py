"""ReflectionDrill: write a reply to a client, compare it with model answers, rate your own.

A drill (``kind: drill``, ``assets/content/drills/``) practises one skill: writing reflections,
asking open questions, or responding to sustain talk. For each client statement the trainee
writes their reply first; only then can they open two or three model answers, each tagged with
its MITI behaviour and a line on why it works. They then code their own reply in the same tag
vocabulary ("looking at it again, it is a closed question") and rate it against the models.
Coding one's own replies is how MI practitioners learn to hear what they actually said.

Answers are stored as ``{"items": {item id: {"text": ..., "code": tag, "rating": ...,
"revealed": bool}}}``: the trainee's own words and self-rating are kept with the submission.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import DrillContent, DrillItem
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet
from .html import Safe, element, join, markdown
from .parts import HTML, Button, VBox
from .scenario import TAG_LABELS
from .text import TextField

__all__ = ["ReflectionDrill", "RATINGS"]

#: How a trainee may rate their reply against the model answers.
RATINGS = (
    ("close", "Close to a model answer: it would do the same job"),
    ("partly", "Partly there: I can see what to change"),
    ("not-yet", "Not yet: mine does something different"),
)
_RATING_WORDS = dict(RATINGS)

_ASK = {
    "reflection": ("Your reflection", "Write a reflection: a statement, not a question."),
    "open_question": ("Your open question", "Write one open question you might ask next."),
    "sustain_talk": ("Your response", "Write what you would say back to this sustain talk."),
}

#: A line of advice when a trainee codes their own reply as something the drill did not ask for.
_TIPS = {
    "closed_question": "A closed question invites a yes or a no; try starting with what, how or "
    "tell me, or turn it into a statement.",
    "open_question": "A question asks the person to do the work; a reflection offers your "
    "understanding back. Try saying what you think they mean, with your voice going down.",
    "simple_reflection": "A reflection shows you heard; the drill asked for a question. Which "
    "question would invite them to say more about what matters to them?",
    "complex_reflection": "A reflection can do a lot of a question's work; the drill asked for "
    "a question. Which question would invite them to say more?",
    "giving_information": "Information can wait: first show you understood, then ask whether "
    "they would like to know more.",
    "persuading": "Persuading tends to draw out the other side of ambivalence. Reflect what "
    "you heard, or emphasise that the choice is theirs.",
    "confronting": "Arguing with sustain talk tends to make more of it. A reflection, or "
    "emphasising their choice, lowers the pressure.",
    "emphasizing_autonomy": "Emphasising their choice is a good response to sustain talk; the "
    "drill asked for something else here.",
}


class ReflectionDrill(Exercise):
    """A drill from ``assets/content/drills/`` (``kind: drill``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> drill = ReflectionDrill(parse_content({"kind": "drill", "id": "m4-d", "title": "T",
    ...     "skill": "reflection", "items": [{"id": "a", "client": "I'm fed up.", "models": [
    ...         {"text": "You're fed up.", "tag": "simple_reflection", "why": "Close."},
    ...         {"text": "You have had enough.", "tag": "complex_reflection", "why": "More."}]}]}),
    ...     context=practice_context())
    >>> drill.texts["a"].value = "You're tired of it all."
    >>> drill.reveal("a"), "You have had enough." in drill.models["a"].value
    (True, True)
    >>> drill.codes["a"].value, drill.ratings["a"].value = "complex_reflection", "close"
    >>> drill.submit(), "1 of 1" in drill.feedback.value
    (True, True)
    """

    kind = "drill"
    submit_label = "Save my practice"
    content: DrillContent

    def _build(self) -> list[w.Widget]:
        self.texts: dict[str, TextField] = {}
        self.models: dict[str, HTML] = {}
        self.codes: dict[str, ChoiceGroup] = {}
        self.ratings: dict[str, ChoiceGroup] = {}
        self.revealed: set[str] = set()
        label, ask = _ASK[self.content.skill]
        body: list[w.Widget] = []
        intro = [markdown(self.content.intro)] if self.content.intro else []
        body.append(HTML(join([*intro, element("p", ask)])).add_class("rc-intro"))
        code_options = [(tag, TAG_LABELS[tag]) for tag in self.content.self_codes]
        for number, item in enumerate(self.content.items, start=1):
            statement = HTML(
                element(
                    "div",
                    element("h4", f"Statement {number}"),
                    markdown(item.setting) if item.setting else "",
                    element("blockquote", element("p", item.client), cls="rc-client"),
                )
            )
            text = TextField(f"{label} to statement {number}", rows=3, max_chars=2000)
            text.add_class("rc-drill-text")
            reveal = Button(description="Compare with the model answers")
            reveal.add_class("rc-reveal")
            reveal.on_click(self._guarded(lambda _, item_id=item.id: self.reveal(item_id)))
            models = HTML().add_class("rc-models")
            code = ChoiceGroup(
                f"Looking at your reply to statement {number} again, what is it?",
                code_options,
                hidden=True,
            ).add_class("rc-self-code")
            rating = ChoiceGroup(
                f"How does your reply to statement {number} compare with the models?",
                list(RATINGS),
                hidden=True,
            ).add_class("rc-self-rating")
            for control in (text, code, rating):
                self._watch(control)
            self.texts[item.id], self.models[item.id] = text, models
            self.codes[item.id], self.ratings[item.id] = code, rating
            box = VBox([statement, text, reveal, models, ChoiceSet([code, rating])])
            body.append(box.add_class("rc-item").add_class("rc-drill-item"))
        return body

    def reveal(self, item_id: str) -> bool:
        """Show the model answers for ``item_id``, once the trainee has written a reply."""
        if not self.texts[item_id].value.strip():
            self.status.show("Write your own reply first; then compare it.", "warning")
            return False
        self._show_models(item_id)
        self._changed()
        return True

    def _show_models(self, item_id: str) -> None:
        item = next(i for i in self.content.items if i.id == item_id)
        self.revealed.add(item_id)
        self.models[item_id].value = _models_html(item)
        self.codes[item_id].hidden = self.ratings[item_id].hidden = False

    def _hide_models(self, item_id: str) -> None:
        self.revealed.discard(item_id)
        self.models[item_id].value = ""
        self.codes[item_id].hidden = self.ratings[item_id].hidden = True

    # -- answers ------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        return {
            "items": {
                item.id: {
                    "text": self.texts[item.id].value,
                    "code": self.codes[item.id].value,
                    "rating": self.ratings[item.id].value,
                    "revealed": item.id in self.revealed,
                }
                for item in self.content.items
            }
        }

    def _write(self, answers: Mapping[str, Any]) -> None:
        saved = answers.get("items")
        if not isinstance(saved, Mapping):
            return
        for item in self.content.items:
            entry = saved.get(item.id)
            if not isinstance(entry, Mapping):
                continue
            if isinstance(entry.get("text"), str):
                self.texts[item.id].value = entry["text"]
            if entry.get("revealed") is True and self.texts[item.id].value.strip():
                self._show_models(item.id)
            for group, key in ((self.codes, "code"), (self.ratings, "rating")):
                if isinstance(entry.get(key), str):
                    group[item.id].value = entry[key]  # an unknown value is refused

    def _clear(self) -> None:
        for item in self.content.items:
            self.texts[item.id].value = ""
            self.codes[item.id].value = self.ratings[item.id].value = ""
            self._hide_models(item.id)

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        for number, item in enumerate(self.content.items, start=1):
            entry = answers["items"][item.id]
            if not entry["text"].strip():
                return f"Please write your reply to statement {number} first."
            if not entry["revealed"]:
                return f"Please compare your reply to statement {number} with the models."
            if not entry["code"] or not entry["rating"]:
                return f"Please code and rate your reply to statement {number}."
        return None

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        entries = answers["items"]
        targets = self.content.targets
        on_target = sum(entries[item.id]["code"] in targets for item in self.content.items)
        close = sum(entries[item.id]["rating"] == "close" for item in self.content.items)
        total = len(self.content.items)
        what = {
            "reflection": "as reflections",
            "open_question": "as open questions",
            "sustain_talk": "as reflections or emphasising autonomy",
        }[self.content.skill]
        rows = []
        for number, item in enumerate(self.content.items, start=1):
            entry = entries[item.id]
            tip = "" if entry["code"] in targets else _TIPS.get(entry["code"], "")
            rows.append(
                element(
                    "li",
                    element("p", element("strong", f"Statement {number}: "), "you wrote"),
                    element("blockquote", element("p", entry["text"]), cls="rc-drill-saved"),
                    element(
                        "p",
                        f"You coded it as {TAG_LABELS.get(entry['code'], entry['code'])} and "
                        f"rated it: {_RATING_WORDS.get(entry['rating'], entry['rating'])}.",
                    ),
                    element("p", tip, cls="rc-note") if tip else "",
                )
            )
        html = element(
            "div",
            element(
                "p",
                element("span", f"{on_target} of {total}", cls="rc-score"),
                f" replies coded by you {what}; {close} of {total} rated close to a model.",
            ),
            element("ol", rows),
            element(
                "p",
                "Your replies and ratings are saved. Try one statement aloud with a partner: "
                "a reflection that reads well can sound like a question when spoken.",
                cls="rc-note",
            ),
            cls="rc-result",
        )
        scores = {"items": total, "on_target": on_target, "rated_close": close}
        return Outcome(html, scores)


def _models_html(item: DrillItem) -> Safe:
    return element(
        "div",
        element("h5", "Model answers"),
        element(
            "ul",
            [
                element(
                    "li",
                    element("strong", model.text),
                    " ",
                    element("small", f"({TAG_LABELS[model.tag]})", cls="rc-tag"),
                    element("div", markdown(model.why)),
                )
                for model in item.models
            ],
        ),
        cls="rc-model-answers",
    )
