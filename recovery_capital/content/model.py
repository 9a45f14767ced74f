"""Course content: load and validate the YAML behind every exercise.

Each file under ``assets/content/`` describes one activity (a quiz, vignette, talk sort,
scenario, ruler, reflection, poll, skill drill or triad real-play; see
``docs/content-format.md``). :func:`load_content`
turns a file into a small immutable object, or raises
:class:`~recovery_capital.core.errors.DefinitionError` naming *every* problem found, each with its
path inside the file, so an educator can fix a file in one pass.

>>> quiz = parse_content({
...     "kind": "quiz", "id": "m1-words", "title": "Words",
...     "questions": [{"id": "q", "prompt": "Which phrase is person-first?", "options": [
...         {"text": "a person who uses heroin", "correct": True, "feedback": "Yes."},
...         {"text": "a heroin user", "correct": False, "feedback": "Puts the drug first."},
...     ]}],
... })
>>> quiz.kind, quiz.questions[0].type, quiz.questions[0].correct_indexes
('quiz', 'single', (0,))
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WrapSerializer,
    model_validator,
)

from ..core.errors import DefinitionError
from ..core.locations import COURSE_DIR_ENV, course_dir
from ..core.problems import validate_model
from ..core.yaml_text import read_yaml_file
from ..scoring.miti import SCENARIO_TAGS

__all__ = [
    "BEHAVIOUR_TAGS",
    "COURSE_DIR_ENV",
    "DRILL_SKILLS",
    "MAX_LONGEST_SHARE",
    "MAX_POSITION_SHARE",
    "MI_CONSISTENT_TAGS",
    "STAGES",
    "TALK_CATEGORIES",
    "Content",
    "DrillContent",
    "PollContent",
    "QuizContent",
    "ReflectionContent",
    "RulerContent",
    "ScenarioContent",
    "TalkSortContent",
    "TriadContent",
    "VignetteContent",
    "course_dir",
    "load_content",
    "load_course_content",
    "parse_content",
    "resolve_content_path",
]


STAGES = ("precontemplation", "contemplation", "preparation", "action", "maintenance")
TALK_CATEGORIES = (
    "desire",
    "ability",
    "reasons",
    "need",
    "commitment",
    "activation",
    "taking_steps",
)
#: The one tag vocabulary for practitioner replies: the MITI 4.2.1 behaviour codes plus closed
#: questions, held by :mod:`recovery_capital.scoring.miti` (``SCENARIO_TAGS``), in its order.
BEHAVIOUR_TAGS: tuple[str, ...] = tuple(SCENARIO_TAGS)
#: Replies in the spirit of MI: reflections, open questions and the MI-adherent codes, plus
#: information or advice offered with permission. The rest are closed questions, information
#: given unasked, and the MI-non-adherent codes (persuading, confronting).
MI_CONSISTENT_TAGS: frozenset[str] = frozenset(
    {
        "open_question",
        "simple_reflection",
        "complex_reflection",
        "affirmation",
        "seeking_collaboration",
        "emphasizing_autonomy",
        "persuading_with_permission",
    }
)
#: No quiz should have its correct option in one position for more than this share of its
#: single-answer questions (options are shuffled per trainee too; this keeps the file honest).
MAX_POSITION_SHARE = 0.35
#: Nor should the correct option be the longest in more than half of them: once options are
#: shuffled, length is the next give-away.
MAX_LONGEST_SHARE = 0.5
#: Both rules apply from this many single-answer questions (one or two cannot be spread).
MIN_SPREAD = 3

Stage = Literal["precontemplation", "contemplation", "preparation", "action", "maintenance"]
TalkCategory = Literal[
    "desire", "ability", "reasons", "need", "commitment", "activation", "taking_steps"
]


def _known_tag(tag: str) -> str:
    if tag not in SCENARIO_TAGS:
        raise ValueError(f"{tag!r} is not a behaviour tag (tags: {', '.join(BEHAVIOUR_TAGS)})")
    return tag


BehaviourTag = Annotated[str, AfterValidator(_known_tag)]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")]
ActivityId = Annotated[
    str,
    StringConstraints(pattern=r"^m\d+-[a-z0-9]+(?:-[a-z0-9]+)*$"),
    Field(description="m<module>-<name>, e.g. m2-vignette-amira"),
]

_V = TypeVar("_V")
# A mapping that cannot be changed after loading, yet dumps like a plain dict.
ReadOnlyMap = Annotated[
    dict[str, _V],
    AfterValidator(MappingProxyType),
    WrapSerializer(lambda value, handler: handler(dict(value))),
]

Problems = list[tuple[str, str]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Content(_Frozen):
    """What every content file has: a ``kind``, an activity ``id`` and a ``title``."""

    kind: str
    id: ActivityId
    title: Text

    #: the folder under ``assets/content/`` where files of this kind live
    folder: ClassVar[str] = ""

    def check(self) -> Problems:
        """Rules that span several fields; ``[]`` when the content is consistent."""
        return []

    def cautions(self) -> Problems:
        """Advice that does not stop the file loading (``recovery-capital check`` shows it as
        warnings): for example a quiz whose correct answers sit in one position."""
        return []


def _duplicates(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def _repeated_ids(where: str, noun: str, parts: Iterable[Any]) -> Problems:
    """One problem for each id used more than once among ``parts`` (things with an ``id``)."""
    return [
        (where, f"{noun} id {value!r} is used more than once")
        for value in _duplicates(part.id for part in parts)
    ]


# --- quiz -----------------------------------------------------------------------------


class QuizOption(_Frozen):
    text: Text
    correct: bool = False
    feedback: Text


class QuizQuestion(_Frozen):
    id: Slug
    prompt: Text
    type: Literal["single", "multiple"] = "single"
    options: tuple[QuizOption, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _correct_count_fits_type(self) -> QuizQuestion:
        count = sum(option.correct for option in self.options)
        if self.type == "single" and count != 1:
            raise ValueError(
                f"a single-answer question needs exactly one correct option (found {count})"
            )
        if self.type == "multiple" and count == 0:
            raise ValueError("a multiple-answer question needs at least one correct option")
        return self

    @property
    def correct_indexes(self) -> tuple[int, ...]:
        """Positions of the correct options, in order."""
        return tuple(i for i, option in enumerate(self.options) if option.correct)


class QuizContent(Content):
    """A knowledge check: single- and multiple-answer questions with feedback on every option."""

    kind: Literal["quiz"]
    intro: str = ""
    questions: tuple[QuizQuestion, ...] = Field(min_length=1)
    folder: ClassVar[str] = "quizzes"

    def check(self) -> Problems:
        return _repeated_ids("questions", "question", self.questions)

    def correct_positions(self) -> dict[int, int]:
        """How many single-answer questions have their correct option at each position.

        >>> quiz = parse_content({"kind": "quiz", "id": "m1-q", "title": "T", "questions": [
        ...     {"id": f"q{n}", "prompt": "?", "options": [
        ...         {"text": t, "correct": t == right, "feedback": "."} for t in "abc"]}
        ...     for n, right in enumerate("aab")]})
        >>> quiz.correct_positions()
        {0: 2, 1: 1}
        """
        counts: dict[int, int] = {}
        for question in self.questions:
            if question.type == "single":
                position = question.correct_indexes[0]
                counts[position] = counts.get(position, 0) + 1
        return dict(sorted(counts.items()))

    def cautions(self) -> Problems:
        """A position holding the correct option of more than :data:`MAX_POSITION_SHARE` of
        the single-answer questions gives the answers away to anyone who notices.

        >>> quiz = parse_content({"kind": "quiz", "id": "m1-q", "title": "T", "questions": [
        ...     {"id": f"q{n}", "prompt": "?", "options": [
        ...         {"text": t, "correct": t == "a", "feedback": "."} for t in "abc"]}
        ...     for n in range(3)]})
        >>> quiz.cautions()  # doctest: +NORMALIZE_WHITESPACE
        [('questions', 'the correct option is option 1 in 3 of 3 single-answer questions
          (100%); spread the correct answers so no position holds more than 35%')]
        """
        counts = self.correct_positions()
        total = sum(counts.values())
        if total < MIN_SPREAD:
            return []  # too few to spread; each trainee's shuffled order still hides them
        problems = [
            (
                "questions",
                f"the correct option is option {position + 1} in {count} of {total} "
                f"single-answer questions ({count / total:.0%}); spread the correct answers "
                f"so no position holds more than {MAX_POSITION_SHARE:.0%}",
            )
            for position, count in counts.items()
            if count / total > MAX_POSITION_SHARE
        ]
        longest = self.correct_is_longest()
        if longest / total > MAX_LONGEST_SHARE:
            problems.append(
                (
                    "questions",
                    f"the correct option is the longest in {longest} of {total} single-answer "
                    f"questions; make some wrong options as full as the right one (at most "
                    f"{MAX_LONGEST_SHARE:.0%})",
                )
            )
        return problems

    def correct_is_longest(self) -> int:
        """How many single-answer questions have their correct option longer than any other.

        >>> quiz = parse_content({"kind": "quiz", "id": "m1-q", "title": "T", "questions": [
        ...     {"id": "q", "prompt": "?", "options": [
        ...         {"text": "the right and longest one", "correct": True, "feedback": "."},
        ...         {"text": "wrong", "feedback": "."}]}]})
        >>> quiz.correct_is_longest()
        1
        """
        found = 0
        for question in self.questions:
            if question.type == "single":
                right = question.correct_indexes[0]
                sizes = [len(option.text) for option in question.options]
                found += all(sizes[right] > size for i, size in enumerate(sizes) if i != right)
        return found


# --- vignette -------------------------------------------------------------------------

PersonFact = str | int | float | tuple[str, ...]


class Person(_Frozen):
    """Facts about a fictional person; extra facts (housing, work, ...) are welcome."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    name: Text
    age: int | None = Field(default=None, ge=0, le=120)
    gender: str = ""
    ethnicity: str = ""
    substances: tuple[str, ...] = ()
    family: str = ""
    stage: Stage | None = None

    @model_validator(mode="after")
    def _extra_facts_are_plain(self) -> Person:
        for key, value in (self.model_extra or {}).items():
            plain = isinstance(value, str | int | float) or (
                isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
            )
            if not plain:
                raise ValueError(f"{key}: a fact must be text, a number or a list of text")
        return self


class Rate(_Frozen):
    instrument: str | None = None
    stage: bool = False

    @model_validator(mode="after")
    def _rates_something(self) -> Rate:
        if self.instrument is None and not self.stage:
            raise ValueError("set `instrument`, `stage: true`, or both")
        return self


class ItemReference(_Frozen):
    value: int | float
    reasoning: Text


class StageReference(_Frozen):
    value: Stage
    reasoning: Text


class VignetteReference(_Frozen):
    items: ReadOnlyMap[ItemReference] = Field(default_factory=dict)
    stage: StageReference | None = None


class VignetteContent(Content):
    """A fictional person's story with reference ratings and the reasoning behind each."""

    kind: Literal["vignette"]
    person: Person
    story: Text
    rate: Rate
    reference: VignetteReference
    discussion: str = ""
    folder: ClassVar[str] = "vignettes"

    def check(self) -> Problems:
        problems: Problems = []
        if self.rate.stage and self.reference.stage is None:
            problems.append(("reference.stage", "required because rate.stage is true"))
        if self.rate.instrument is None:
            if self.reference.items:
                problems.append(("reference.items", "given, but rate.instrument is not set"))
            return problems
        return problems + _reference_item_problems(self.rate.instrument, self.reference.items)


def _reference_item_problems(instrument_id: str, items: Mapping[str, ItemReference]) -> Problems:
    from ..scoring import definitions

    try:
        instrument = definitions.load_instrument(instrument_id)
    except (KeyError, DefinitionError) as exc:
        return [("rate.instrument", str(exc))]
    problems: Problems = []
    known = [item.id for item in instrument.items]
    for item in instrument.items:
        reference = items.get(item.id)
        if reference is None:
            problems.append((f"reference.items.{item.id}", "missing: every item needs a rating"))
            continue
        allowed = sorted(item.allowed_values)
        if reference.value not in allowed:
            problems.append(
                (
                    f"reference.items.{item.id}.value",
                    f"{reference.value} is outside this item's answers ({_span(allowed)})",
                )
            )
    problems += [
        (
            f"reference.items.{extra}",
            f"{instrument_id} has no item {extra!r} (items: {', '.join(known)})",
        )
        for extra in items
        if extra not in known
    ]
    return problems


def _span(values: list[Any]) -> str:
    words = [f"{v:g}" for v in values]
    if values == list(range(int(values[0]), int(values[-1]) + 1)):
        return f"{words[0]}-{words[-1]}"
    return ", ".join(words)


# --- talk sort ------------------------------------------------------------------------


class Statement(_Frozen):
    id: Slug
    text: Text
    talk: Literal["change", "sustain"]
    category: TalkCategory
    explanation: Text


class TalkSortContent(Content):
    """Client statements to sort into change or sustain talk and a DARN-CAT category."""

    kind: Literal["talk_sort"]
    intro: str = ""
    statements: tuple[Statement, ...] = Field(min_length=1)
    folder: ClassVar[str] = "talk"

    def check(self) -> Problems:
        return _repeated_ids("statements", "statement", self.statements)


# --- scenario -------------------------------------------------------------------------


class ScenarioChoice(_Frozen):
    text: Text
    tag: BehaviourTag
    next: Text
    feedback: str = ""


class ScenarioNode(_Frozen):
    client: Text
    choices: tuple[ScenarioChoice, ...] = ()
    ending: bool = False
    outcome: Literal["good", "mixed", "poor"] | None = None
    feedback: str = ""


class ScenarioClient(_Frozen):
    name: Text
    summary: Text


class ScenarioContent(Content):
    """A branching conversation: nodes of client speech joined by tagged practitioner choices.

    >>> s = parse_content({"kind": "scenario", "id": "m4-s", "title": "T",
    ...     "client": {"name": "Jo", "summary": "Jo, 40."}, "start": "a",
    ...     "nodes": {"a": {"client": "Hi.", "choices": [
    ...                 {"text": "How are things?", "tag": "open_question", "next": "b"}]},
    ...               "b": {"client": "Better.", "ending": True, "outcome": "good"}}})
    >>> s.nodes["a"].choices[0].next
    'b'
    """

    kind: Literal["scenario"]
    client: ScenarioClient
    start: Text
    nodes: ReadOnlyMap[ScenarioNode] = Field(min_length=1)
    folder: ClassVar[str] = "scenarios"

    def check(self) -> Problems:
        problems: Problems = []
        if self.start not in self.nodes:
            problems.append(("start", f"{self.start!r} is not a node ({_names(self.nodes)})"))
        for node_id, node in self.nodes.items():
            where = f"nodes.{node_id}"
            if node.ending:
                if node.choices:
                    problems.append((f"{where}.choices", "an ending cannot offer choices"))
                if node.outcome is None:
                    problems.append((f"{where}.outcome", "an ending needs good, mixed or poor"))
            elif not node.choices:
                problems.append((where, "dead end: add choices, or mark it `ending: true`"))
            for i, choice in enumerate(node.choices):
                if choice.next not in self.nodes:
                    problems.append(
                        (
                            f"{where}.choices.{i}.next",
                            f"{choice.next!r} is not a node ({_names(self.nodes)})",
                        )
                    )
        if not any(node.ending for node in self.nodes.values()):
            problems.append(("nodes", "no node is marked `ending: true`"))
        if problems:  # reachability only makes sense on a well-formed graph
            return problems
        reachable = _reachable({self.start}, self._successors())
        finishing = _reachable(
            {n for n, node in self.nodes.items() if node.ending}, self._predecessors()
        )
        for node_id in self.nodes:
            if node_id not in reachable:
                problems.append(
                    (f"nodes.{node_id}", f"cannot be reached from the start node {self.start!r}")
                )
            elif node_id not in finishing:
                problems.append(
                    (f"nodes.{node_id}", "no ending can be reached from here (a loop, no way out)")
                )
        return problems

    def follow(self, pick: Any) -> list[tuple[str, int]]:
        """The ``(node, choice index)`` steps taken by always choosing ``pick(choices)``,
        from the start until an ending (or until a node comes round a third time).

        >>> s = parse_content({"kind": "scenario", "id": "m4-s", "title": "T",
        ...     "client": {"name": "Jo", "summary": "Jo."}, "start": "a",
        ...     "nodes": {"a": {"client": "Hi.", "choices": [
        ...                 {"text": "Hello", "tag": "affirmation", "next": "b"},
        ...                 {"text": "Hello there", "tag": "confronting", "next": "c"}]},
        ...               "b": {"client": "Bye.", "ending": True, "outcome": "good"},
        ...               "c": {"client": "Go.", "ending": True, "outcome": "poor"}}})
        >>> s.follow(lambda choices: max(range(len(choices)), key=lambda i: len(choices[i].text)))
        [('a', 1)]
        """
        steps: list[tuple[str, int]] = []
        visits: dict[str, int] = {}
        node_id = self.start
        while not self.nodes[node_id].ending:
            visits[node_id] = visits.get(node_id, 0) + 1
            if visits[node_id] > 2:
                break
            index = pick(self.nodes[node_id].choices)
            steps.append((node_id, index))
            node_id = self.nodes[node_id].choices[index].next
        return steps

    def cautions(self) -> Problems:
        """Cues that give the good path away: MI-consistent replies that are longer than the
        others, or a good ending reached by always choosing the longest (or shortest) reply.
        Checked from :data:`MIN_SPREAD` turns with a choice of reply.

        >>> def turn(good_next):
        ...     return {"client": "Hm.", "choices": [
        ...         {"text": "It has been a hard year for you.", "tag": "complex_reflection",
        ...          "next": good_next},
        ...         {"text": "Stop it.", "tag": "confronting", "next": "poor"}]}
        >>> s = parse_content({"kind": "scenario", "id": "m4-s", "title": "T",
        ...     "client": {"name": "Jo", "summary": "Jo."}, "start": "a",
        ...     "nodes": {"a": turn("b"), "b": turn("c"), "c": turn("good"),
        ...               "good": {"client": "Bye.", "ending": True, "outcome": "good"},
        ...               "poor": {"client": "Go.", "ending": True, "outcome": "poor"}}})
        >>> [message.split(":")[0] for _, message in s.cautions()]
        ... # doctest: +NORMALIZE_WHITESPACE
        ['MI-consistent replies average 8 words and the others 2',
         'always choosing the longest reply reaches a good ending']
        """
        turns = sum(len(node.choices) > 1 for node in self.nodes.values())
        if turns < MIN_SPREAD:
            return []  # a conversation this short has no pattern to give away
        problems: Problems = []
        words: dict[bool, list[int]] = {True: [], False: []}
        for node in self.nodes.values():
            for choice in node.choices:
                words[choice.tag in MI_CONSISTENT_TAGS].append(len(choice.text.split()))
        if words[True] and words[False]:
            consistent = sum(words[True]) / len(words[True])
            other = sum(words[False]) / len(words[False])
            if consistent > 1.3 * other:
                problems.append(
                    (
                        "nodes",
                        f"MI-consistent replies average {consistent:.0f} words and the others "
                        f"{other:.0f}: length gives the good replies away; shorten some or "
                        "lengthen the others",
                    )
                )
        for name, longest in (("longest", True), ("shortest", False)):

            def pick(choices: tuple[ScenarioChoice, ...], longest: bool = longest) -> int:
                size = [len(choice.text) for choice in choices]
                return size.index(max(size) if longest else min(size))

            steps = self.follow(pick)
            if steps:
                last_node, last_index = steps[-1]
                end = self.nodes[self.nodes[last_node].choices[last_index].next]
                if end.ending and end.outcome == "good":
                    problems.append(
                        (
                            "nodes",
                            f"always choosing the {name} reply reaches a good ending: vary "
                            "the lengths so the good path is not the " + name,
                        )
                    )
        return problems

    def _successors(self) -> dict[str, set[str]]:
        return {n: {c.next for c in node.choices} for n, node in self.nodes.items()}

    def _predecessors(self) -> dict[str, set[str]]:
        incoming: dict[str, set[str]] = {n: set() for n in self.nodes}
        for node_id, targets in self._successors().items():
            for target in targets:
                incoming[target].add(node_id)
        return incoming


def _names(nodes: Mapping[str, Any]) -> str:
    return "nodes: " + ", ".join(nodes)


def _reachable(starts: set[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(starts)
    frontier = list(starts)
    while frontier:
        for target in edges.get(frontier.pop(), ()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


# --- ruler, reflection, poll ----------------------------------------------------------


class RulerQuestion(_Frozen):
    id: Slug
    question: Text
    follow_up: tuple[Text, ...] = ()


class RulerContent(Content):
    """Importance / confidence / readiness rulers with motivational follow-up questions."""

    kind: Literal["ruler"]
    intro: str = ""
    low: int = Field(default=0, ge=0, le=1)
    high: int = Field(default=10, ge=2, le=10)
    rulers: tuple[RulerQuestion, ...] = Field(min_length=1)
    folder: ClassVar[str] = "rulers"

    def check(self) -> Problems:
        return _repeated_ids("rulers", "ruler", self.rulers)


class ReflectionContent(Content):
    """A free-text reflection the trainee may choose to share with the group."""

    kind: Literal["reflection"]
    prompt: Text
    hints: tuple[Text, ...] = ()
    min_words: int = Field(default=0, ge=0, le=2000)
    folder: ClassVar[str] = "reflections"


class PollContent(Content):
    """A live poll the trainer opens, closes and reveals."""

    kind: Literal["poll"]
    question: Text
    type: Literal["single", "multiple"] = "single"
    options: tuple[Text, ...] = Field(min_length=2)
    folder: ClassVar[str] = "polls"

    def check(self) -> Problems:
        return [
            ("options", f"option {text!r} appears more than once")
            for text in _duplicates(self.options)
        ]


class ShortAnswerContent(Content):
    """A live question answered in one or a few words; the trainer opens it like a poll and
    approves answers before the projector shows them as a word cloud."""

    kind: Literal["short_answer"]
    question: Text
    max_words: int = Field(default=3, ge=1, le=5)
    hint: Text | None = None
    folder: ClassVar[str] = "short-answers"


# --- skill drills and triad real-play ----------------------------------------------------

#: The skills a drill practises, and the tags a trainee may code their own reply as (the
#: skill's own first, then the usual slips).
DRILL_SKILLS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "reflection": (
            "simple_reflection",
            "complex_reflection",
            "open_question",
            "closed_question",
            "giving_information",
            "persuading",
        ),
        "open_question": (
            "open_question",
            "closed_question",
            "simple_reflection",
            "complex_reflection",
            "giving_information",
            "persuading",
        ),
        "sustain_talk": (
            "simple_reflection",
            "complex_reflection",
            "emphasizing_autonomy",
            "open_question",
            "closed_question",
            "giving_information",
            "persuading",
            "confronting",
        ),
    }
)
#: The tags that count as "what the drill asked for" in each skill.
DRILL_TARGETS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "reflection": frozenset({"simple_reflection", "complex_reflection"}),
        "open_question": frozenset({"open_question"}),
        "sustain_talk": frozenset(
            {"simple_reflection", "complex_reflection", "emphasizing_autonomy"}
        ),
    }
)
DrillSkill = Literal["reflection", "open_question", "sustain_talk"]


class ModelAnswer(_Frozen):
    text: Text
    tag: BehaviourTag
    why: Text


class DrillItem(_Frozen):
    id: Slug
    setting: str = ""
    client: Text
    models: tuple[ModelAnswer, ...] = Field(min_length=2, max_length=3)


class DrillContent(Content):
    """A skill drill: the trainee answers a client statement, then compares their reply with
    two or three model answers (and why each works) and rates their own.

    >>> d = parse_content({"kind": "drill", "id": "m4-d", "title": "T", "skill": "reflection",
    ...     "items": [{"id": "a", "client": "I'm fed up.", "models": [
    ...         {"text": "You're fed up.", "tag": "simple_reflection", "why": "Close."},
    ...         {"text": "You've had enough of feeling this way.",
    ...          "tag": "complex_reflection", "why": "Adds meaning."}]}]})
    >>> d.self_codes[:2], [m.tag for m in d.items[0].models]
    (('simple_reflection', 'complex_reflection'), ['simple_reflection', 'complex_reflection'])
    """

    kind: Literal["drill"]
    skill: DrillSkill
    intro: str = ""
    items: tuple[DrillItem, ...] = Field(min_length=1)
    folder: ClassVar[str] = "drills"

    @property
    def self_codes(self) -> tuple[str, ...]:
        """What a trainee may code their own reply as, the skill's own codes first."""
        return DRILL_SKILLS[self.skill]

    @property
    def targets(self) -> frozenset[str]:
        """The codes that count as doing what the drill asks."""
        return DRILL_TARGETS[self.skill]

    def check(self) -> Problems:
        problems = _repeated_ids("items", "item", self.items)
        for i, item in enumerate(self.items):
            if not any(model.tag in self.targets for model in item.models):
                wanted = " or ".join(sorted(self.targets))
                problems.append(
                    (f"items.{i}.models", f"at least one model answer must be a {wanted}")
                )
        if self.skill == "reflection":
            for i, item in enumerate(self.items):
                tags = {model.tag for model in item.models}
                if not {"simple_reflection", "complex_reflection"} <= tags:
                    problems.append((f"items.{i}.models", "give a simple and a complex reflection"))
        return problems


class TriadRole(_Frozen):
    brief: Text


class TriadRoles(_Frozen):
    speaker: TriadRole
    listener: TriadRole
    observer: TriadRole


class TriadContent(Content):
    """A real-play in threes: printable briefs for speaker, listener and observer, and the
    timed practice the observer tallies.

    >>> t = parse_content({"kind": "triad", "id": "m4-t", "title": "T", "minutes": 10,
    ...     "roles": {"speaker": {"brief": "Talk."}, "listener": {"brief": "Listen."},
    ...               "observer": {"brief": "Count."}}})
    >>> t.minutes, t.roles.observer.brief
    (10, 'Count.')
    """

    kind: Literal["triad"]
    intro: str = ""
    minutes: int = Field(default=10, ge=2, le=45)
    roles: TriadRoles
    topics: tuple[Text, ...] = ()
    debrief: tuple[Text, ...] = ()
    folder: ClassVar[str] = "triads"


KINDS: dict[str, type[Content]] = {
    "quiz": QuizContent,
    "vignette": VignetteContent,
    "talk_sort": TalkSortContent,
    "scenario": ScenarioContent,
    "ruler": RulerContent,
    "reflection": ReflectionContent,
    "poll": PollContent,
    "short_answer": ShortAnswerContent,
    "drill": DrillContent,
    "triad": TriadContent,
}


# --- reading files --------------------------------------------------------------------


def parse_content(data: Any, source: str = "<content>", kind: str | None = None) -> Content:
    """Validate already-parsed YAML ``data``; raise DefinitionError listing every problem.

    >>> parse_content({"kind": "poll", "id": "m1-p", "title": "T", "question": "Q?",
    ...                "options": ["a"]}, "p.yaml")
    Traceback (most recent call last):
      ...
    recovery_capital.core.errors.DefinitionError: p.yaml: 1 problem
      - options: needs at least 2 entries
    """
    if not isinstance(data, dict):
        raise DefinitionError(source, [("", "expected a mapping of fields (kind, id, title, ...)")])
    file_kind = data.get("kind")
    if file_kind not in KINDS:
        known = ", ".join(KINDS)
        raise DefinitionError(source, [("kind", f"{file_kind!r} is not one of: {known}")])
    if kind is not None and file_kind != kind:
        expected = f"this is a {file_kind!r} file; expected {kind!r}"
        raise DefinitionError(source, [("kind", expected)])
    content = validate_model(KINDS[file_kind], data, source)
    problems = content.check()
    if problems:
        raise DefinitionError(source, problems)
    return content


def _candidate_paths(path: Path) -> Iterator[Path]:
    if path.is_absolute():
        yield path
        return
    configured = os.environ.get(COURSE_DIR_ENV)
    if configured:
        yield Path(configured).expanduser() / path
    here = Path.cwd()
    # Voila runs a notebook in its own folder (modules/), so look upwards to the course root.
    for folder in (here, *here.parents):
        yield folder / path
        if (folder / "assets").is_dir():
            return


def resolve_content_path(path: str | os.PathLike[str]) -> Path:
    """Find a content file given relative to the course folder (or absolute).

    >>> resolve_content_path("no/such/file.yaml")
    Traceback (most recent call last):
      ...
    recovery_capital.core.errors.DefinitionError: no/such/file.yaml: 1 problem
      - (top level): file not found (looked in the course folder and the folders above)
    """
    wanted = Path(path)
    for candidate in _candidate_paths(wanted):
        if candidate.is_file():
            return candidate
    where = "" if wanted.is_absolute() else " (looked in the course folder and the folders above)"
    raise DefinitionError(str(path), [("", f"file not found{where}")])


def load_content(path: str | os.PathLike[str], kind: str | None = None) -> Content:
    """Load one content file (relative paths resolve against the course folder).

    ``kind`` (e.g. ``"quiz"``) makes a file of another kind an error.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "poll.yaml").write_text(
    ...     "kind: poll\\nid: m1-poll\\ntitle: A poll\\nquestion: Which?\\noptions: [a, b]\\n")
    >>> load_content(folder / "poll.yaml", kind="poll").options
    ('a', 'b')
    """
    resolved = resolve_content_path(path)
    return parse_content(read_yaml_file(resolved, str(path)), str(path), kind)


def content_files(root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Every exercise file under ``<course>/assets/content/`` (instrument files excluded).

    >>> content_files("/nonexistent")
    []
    """
    base = Path(root) if root is not None else course_dir()
    folders = {cls.folder for cls in KINDS.values()}
    content = base / "assets" / "content"
    return sorted(
        path
        for folder in folders
        for pattern in ("*.yaml", "*.yml")
        for path in (content / folder).glob(pattern)
    )


def load_course_content(root: str | os.PathLike[str] | None = None) -> dict[str, Content]:
    """Load every content file of a course, keyed by activity id.

    Raises one DefinitionError naming every broken file and every activity id used twice.

    >>> load_course_content("/nonexistent")
    {}
    """
    loaded: dict[str, Content] = {}
    origin: dict[str, Path] = {}
    problems: Problems = []
    for path in content_files(root):
        try:
            content = load_content(path)
        except DefinitionError as exc:
            problems += [
                (f"{path.name}: {where}" if where else path.name, why)
                for where, why in exc.problems
            ]
            continue
        if content.id in loaded:
            problems.append(
                (f"{path.name}: id", f"{content.id!r} is already used by {origin[content.id].name}")
            )
            continue
        loaded[content.id] = content
        origin[content.id] = path
    if problems:
        raise DefinitionError("course content", problems)
    return loaded
