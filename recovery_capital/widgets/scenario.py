"""BranchingScenario: a practice conversation where each of the trainee's choices is tagged.

The client speaks; the trainee picks what to say next from a keyboard-friendly choice group and
presses "Say this". Every choice is tagged with the practice behaviour it shows (MITI 4.2.1
codes plus closed questions), and its feedback appears in the transcript. When the conversation
reaches an ending, the path is stored and a MITI-style summary of it is shown: the
reflection-to-question ratio and the share of complex reflections
(:mod:`recovery_capital.scoring.miti`), with the counts of each behaviour. The summary
describes this path through a written scenario, not the trainee's practice as a whole;
because a path may be only a few replies long, it also says how many replies were in the
spirit of MI, names the turns where a reflection was on offer and another reply was chosen,
and says when a ratio rests on too few replies to mean much.

Each trainee sees every turn's replies in an order of their own (:mod:`.shuffle`), so the good
path cannot be learnt by position; the stored indexes are those of the content file.

Answers are stored as ``{"path": [choice index at each step]}``; the nodes follow from the
scenario, so a saved path is replayed from the start (and cut short if the file has changed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..content.model import MI_CONSISTENT_TAGS, ScenarioChoice, ScenarioContent
from ..scoring import miti
from .base import Exercise, Outcome
from .choice import ChoiceGroup, ChoiceSet
from .html import Safe, element, join, markdown
from .parts import HTML, Button, Layout
from .shuffle import identity_of, trainee_order

__all__ = ["BranchingScenario", "walk"]

TAG_LABELS = {
    "open_question": "open question",
    "closed_question": "closed question",
    "simple_reflection": "simple reflection",
    "complex_reflection": "complex reflection",
    "affirmation": "affirmation",
    "giving_information": "giving information",
    "persuading": "persuading",
    "persuading_with_permission": "persuading with permission",
    "seeking_collaboration": "seeking collaboration",
    "emphasizing_autonomy": "emphasising autonomy",
    "confronting": "confronting",
}
OUTCOME_WORDS = {
    "good": "The conversation opened up.",
    "mixed": "The conversation went partly well.",
    "poor": "The conversation closed down.",
}
REFLECTIONS = {"simple_reflection", "complex_reflection"}
#: Below this many questions (or reflections) a ratio (or share) is a hint, not a measure.
FEW = 3


def walk(scenario: ScenarioContent, path: list[Any]) -> list[tuple[str, int]]:
    """The ``(node id, choice index)`` steps of ``path`` that fit the scenario, in order.

    Replaying stops at the first index that is not a choice of the node reached.

    >>> from recovery_capital.content.model import parse_content
    >>> s = parse_content({"kind": "scenario", "id": "m4-s", "title": "T",
    ...     "client": {"name": "Jo", "summary": "Jo."}, "start": "a",
    ...     "nodes": {"a": {"client": "Hi.", "choices": [
    ...                 {"text": "Hello", "tag": "affirmation", "next": "b"}]},
    ...               "b": {"client": "Bye.", "ending": True, "outcome": "good"}}})
    >>> walk(s, [0, 0, 5])
    [('a', 0)]
    """
    steps: list[tuple[str, int]] = []
    node_id = scenario.start
    for index in path:
        choices = scenario.nodes[node_id].choices
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(choices):
            break
        steps.append((node_id, index))
        node_id = choices[index].next
    return steps


class BranchingScenario(Exercise):
    """A scenario from ``assets/content/scenarios/`` (``kind: scenario``).

    >>> from recovery_capital.content.model import parse_content
    >>> from recovery_capital.session.context import practice_context
    >>> talk = BranchingScenario(parse_content({"kind": "scenario", "id": "m4-s", "title": "Jo",
    ...     "client": {"name": "Jo", "summary": "Jo."}, "start": "a",
    ...     "nodes": {"a": {"client": "Hi.", "choices": [
    ...                 {"text": "What brings you?", "tag": "open_question", "next": "b"}]},
    ...               "b": {"client": "Thanks.", "ending": True, "outcome": "good"}}}),
    ...     context=practice_context())
    >>> talk.choices.value = "0"
    >>> talk.say(), talk.finished, "rc-miti-summary" in talk.feedback.value
    (True, True, True)
    """

    kind = "scenario"
    announce_drafts = False  # the status line reads out the client's reply instead
    content: ScenarioContent

    def _build(self) -> list[w.Widget]:
        self.steps: list[tuple[str, int]] = []
        self._identity = identity_of(self.context)
        client = self.content.client
        about = HTML(
            join([element("h4", f"About {client.name}"), markdown(client.summary)])
        ).add_class("rc-intro")
        self.transcript = HTML().add_class("rc-transcript")
        self.choices = ChoiceGroup("What do you say next?", [])
        self.choices.add_class("rc-item")
        # its own layout: hidden at an ending (_show)
        self.say_button = Button(description="Say this", button_style="primary", layout=Layout())
        self.say_button.add_class("rc-submit")
        self.say_button.add_class("rc-say")
        self.say_button.on_click(self._guarded(lambda _: self.say()))
        self._show()
        return [about, self.transcript, ChoiceSet([self.choices])]

    def _actions(self) -> list[w.Widget]:
        return [self.say_button, self.reset_button]

    @property
    def node_id(self) -> str:
        """Where the conversation is now."""
        if not self.steps:
            return self.content.start
        node_id, index = self.steps[-1]
        return self.content.nodes[node_id].choices[index].next

    @property
    def finished(self) -> bool:
        """True once the conversation has reached an ending."""
        return self.content.nodes[self.node_id].ending

    def say(self) -> bool:
        """Say the chosen line; True if the conversation moved on."""
        if self.finished:
            return False
        if not self.choices.value:
            self.status.show("Choose what you would say first.", "warning")
            return False
        self.steps.append((self.node_id, int(self.choices.value)))
        self._show()
        self._changed()
        node = self.content.nodes[self.node_id]
        self.status.show(f"{self.content.client.name}: {node.client}", "info")
        if node.ending:
            self.submit()
        return True

    def _show(self) -> None:
        """Draw the transcript so far and offer the current node's choices."""
        nodes = self.content.nodes
        lines: list[Safe] = []
        for node_id, index in self.steps:
            lines.append(self._client_line(node_id))
            lines.append(_practitioner_line(nodes[node_id].choices[index]))
        lines.append(self._client_line(self.node_id))
        self.transcript.value = element("div", join(lines), aria_label="The conversation so far")
        node = nodes[self.node_id]
        order = trainee_order(
            self._identity, f"{self.activity_id}/{self.node_id}", len(node.choices)
        )
        self.choices.set_options([(str(i), node.choices[i].text) for i in order])
        self.choices.hidden = node.ending
        self.say_button.layout.display = "none" if node.ending else None

    def _client_line(self, node_id: str) -> Safe:
        name = self.content.client.name
        return element(
            "p", element("strong", f"{name}: "), self.content.nodes[node_id].client, cls="rc-client"
        )

    def _reorder(self) -> None:
        """Offer the current turn in the order of whoever the page now answers as."""
        identity = identity_of(self.context)
        if identity != self._identity:
            self._identity = identity
            kept = self.choices.value
            with self._quietly():
                self._show()
                self.choices.value = kept

    def _after_join(self) -> None:
        self._reorder()
        super()._after_join()

    def _after_switch(self) -> None:
        self._reorder()
        super()._after_switch()

    # -- answers ------------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        return {"path": [index for _, index in self.steps]}

    def _write(self, answers: Mapping[str, Any]) -> None:
        path = answers.get("path")
        self.steps = walk(self.content, path if isinstance(path, list) else [])
        self._show()

    def _clear(self) -> None:
        self.steps = []
        self._show()

    def _problem(self, answers: Mapping[str, Any]) -> str | None:
        if self.finished:
            return None
        return "Keep going: the conversation hasn't reached an ending yet."

    def _evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        ending = self.content.nodes[self.node_id]
        tags = [self.content.nodes[n].choices[i].tag for n, i in self.steps]
        summary = miti.summarize_tags(tags)
        outcome = ending.outcome or "mixed"
        ending_html = element(
            "div",
            element("h4", "How it ended"),
            element("p", element("span", OUTCOME_WORDS[outcome], cls="rc-band")),
            markdown(ending.feedback),
            cls=["rc-ending", f"rc-ending-{outcome}"],
        )
        missed = _missed_reflections(self.content, self.steps)
        consistent = sum(tag in MI_CONSISTENT_TAGS for tag in tags)
        scores = {
            "ending": self.node_id,
            "outcome": outcome,
            "steps": len(tags),
            "counts": {code: n for code, n in summary.counts.items() if n},
            "reflection_to_question": summary.reflection_to_question.value,
            "percent_complex_reflections": summary.percent_complex_reflections.value,
            "mi_consistent": consistent,
            "mi_adherent": summary.mi_adherent.value,
            "mi_non_adherent": summary.mi_non_adherent.value,
            "missed_reflections": len(missed),
        }
        html = element(
            "div", ending_html, _miti_html(tags, summary, consistent, missed), cls="rc-result"
        )
        return Outcome(html, scores)


def _missed_reflections(
    scenario: ScenarioContent, steps: list[tuple[str, int]]
) -> list[tuple[int, ScenarioChoice, ScenarioChoice]]:
    """``(turn number, what was said, a reflection on offer)`` for each turn where a reflection
    was offered and something that was neither a reflection nor MI-consistent was chosen."""
    missed = []
    for turn, (node_id, index) in enumerate(steps, start=1):
        choices = scenario.nodes[node_id].choices
        said = choices[index]
        if said.tag in MI_CONSISTENT_TAGS:
            continue
        offered = [c for c in choices if c.tag in REFLECTIONS]
        if offered:
            missed.append((turn, said, offered[0]))
    return missed


def _practitioner_line(choice: ScenarioChoice) -> Safe:
    return element(
        "div",
        element(
            "p",
            element("strong", "You: "),
            choice.text,
            " ",
            element("small", f"({TAG_LABELS[choice.tag]})", cls="rc-tag"),
        ),
        element("div", markdown(choice.feedback), cls="rc-choice-feedback")
        if choice.feedback
        else "",
        cls="rc-practitioner",
    )


def _few_note(summary: miti.Summary, count: int, noun: str) -> Safe | str:
    if summary.value is None or count >= FEW:
        return ""
    return element(
        "small",
        f" This rests on only {count} {noun}{'' if count == 1 else 's'}: one reply more or "
        "less would change it a lot, so read it as a hint.",
        cls="rc-note",
    )


def _miti_html(
    tags: list[str],
    summary: miti.MitiResult,
    consistent: int,
    missed: list[tuple[int, ScenarioChoice, ScenarioChoice]],
) -> Safe:
    used = {tag: tags.count(tag) for tag in TAG_LABELS if tag in tags}
    counts = element(
        "ul", [element("li", f"{TAG_LABELS[tag]}: {count}") for tag, count in used.items()]
    )
    questions = summary.counts["question"]
    reflections = summary.counts["simple_reflection"] + summary.counts["complex_reflection"]
    missed_html: Safe | str = ""
    if missed:
        missed_html = element(
            "div",
            element("p", "Turns where a reflection was on offer and you chose something else:"),
            element(
                "ul",
                [
                    element(
                        "li",
                        f"Turn {turn}: you chose {TAG_LABELS[said.tag]} (\u201c{said.text}\u201d); "
                        f"a {TAG_LABELS[offer.tag]} on offer was \u201c{offer.text}\u201d",
                    )
                    for turn, said, offer in missed
                ],
            ),
            cls="rc-missed",
        )
    total = len(tags)
    return element(
        "div",
        element("h4", "MITI-style summary of your path"),
        element(
            "p",
            element(
                "span",
                f"{consistent} of {total} repl{'y' if total == 1 else 'ies'} in the spirit of MI",
                cls="rc-score",
            ),
            " (reflections, open questions, affirming, seeking collaboration, emphasising "
            "autonomy, and advice offered with permission).",
        ),
        element(
            "p",
            element("span", summary.reflection_to_question.describe(), cls="rc-score"),
            _few_note(summary.reflection_to_question, questions, "question"),
        ),
        element(
            "p",
            element("span", summary.percent_complex_reflections.describe(), cls="rc-score"),
            _few_note(summary.percent_complex_reflections, reflections, "reflection"),
        ),
        element("p", summary.mi_adherent.describe().split(" (")[0]),
        element("p", summary.mi_non_adherent.describe().split(" (")[0]),
        element("p", "What you said, by behaviour:"),
        counts,
        missed_html,
        element(
            "p",
            "The MITI thresholds (fair, good) are expert guidance for whole real conversations, "
            "not norms; here they describe one path through a written scenario. Try another "
            "path and notice what changes.",
            cls="rc-note",
        ),
        cls="rc-miti-summary",
    )
