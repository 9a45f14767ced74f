"""Reflection: free text in answer to a prompt, saved as a draft while the trainee types.

The trainee decides whether their trainer may show the reflection to the group (without their
handle); the answer starts at "No". Submitting stores the text for the trainer's moderation
list with that choice, and shows it back exactly as typed (escaped, so nothing typed can change
the page).

Answers are stored as ``{"text": "...", "shareable": false}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import ReflectionContent
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet
from .html import element, join, markdown
from .parts import HTML
from .text import TextField

__all__ = ["Reflection"]

SHARE_OPTIONS = [
    ("no", "No, keep it between me and my trainer"),
    ("yes", "Yes, my trainer may show it to the group without my handle"),
]


class Reflection(Exercise):
    """A reflection from ``assets/content/reflections/`` (``kind: reflection``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> note = Reflection(parse_content({"kind": "reflection", "id": "m1-r", "title": "R",
    ...     "prompt": "What do you notice?"}), context=practice_context())
    >>> note.text.value = "I notice <b>judgement</b>."
    >>> note.submit(), "&lt;b&gt;judgement" in note.feedback.value
    (True, True)
    """

    kind = "reflection"
    submit_label = "Save my reflection"
    content: ReflectionContent

    def _build(self) -> list[w.Widget]:
        intro = [markdown(self.content.prompt)]
        if self.content.hints:
            intro += [
                element("p", "If you are not sure where to start:"),
                element("ul", [element("li", hint) for hint in self.content.hints]),
            ]
        self.text = TextField("Your reflection", rows=8)
        self.text.add_class("rc-reflection-text")
        self.word_count = HTML().add_class("rc-word-count")
        self.share = ChoiceGroup(
            "May your trainer show this reflection to the group?", SHARE_OPTIONS, value="no"
        )
        self.share.add_class("rc-share")
        self.share.add_class("rc-item")
        for control in (self.text, self.share):
            self._watch(control)
        self.text.observe(self._guarded(self._count_words), names="value")
        self._count_words()
        return [
            HTML(join(intro)).add_class("rc-intro"),
            self.text,
            self.word_count,
            ChoiceSet([self.share]),
        ]

    def _count_words(self, _change: Any = None) -> None:
        count = TextField.count_words(self.text.value)
        wanted = self.content.min_words
        target = f" (aim for at least {wanted})" if wanted else ""
        noun = "word" if count == 1 else "words"
        self.word_count.value = element("p", f"{count} {noun}{target}")

    def _read(self) -> dict[str, Any]:
        return {"text": self.text.value, "shareable": self.share.value == "yes"}

    def _write(self, answers: Mapping[str, Any]) -> None:
        if isinstance(answers.get("text"), str):
            self.text.value = answers["text"]
        self.share.value = "yes" if answers.get("shareable") is True else "no"

    def _clear(self) -> None:
        self.text.value = ""
        self.share.value = "no"

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        count = TextField.count_words(answers["text"])
        if count == 0:
            return "Please write your reflection first."
        if count < self.content.min_words:
            return (
                f"Please write a little more: at least {self.content.min_words} words "
                f"(you have {count})."
            )
        return None

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        shared = answers["shareable"]
        choice = (
            "You said your trainer may show it to the group, without your handle."
            if shared
            else "You chose to keep it between you and your trainer."
        )
        paragraphs = [element("p", part) for part in answers["text"].split("\n\n") if part.strip()]
        html = element(
            "div",
            element("p", "Thank you. Your reflection is saved. ", choice),
            element("blockquote", paragraphs, cls="rc-reflection-saved"),
            cls="rc-result",
        )
        return Outcome(html, store_kwargs={"text": answers["text"], "shareable": shared})
