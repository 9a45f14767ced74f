"""Course content: load and validate the YAML behind every exercise.

Each file under ``assets/content/`` describes one activity (a quiz, vignette, talk sort,
scenario, ruler, reflection or poll; see ``docs/content-format.md``). :func:`load_content`
turns a file into a small immutable object, or raises
:class:`~recovery_capital.errors.DefinitionError` naming *every* problem found, each with its
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
    ValidationError,
    WrapSerializer,
    model_validator,
)

from .errors import DefinitionError
from .locations import COURSE_DIR_ENV, course_dir
from .yaml_text import read_yaml

__all__ = [
    "BEHAVIOUR_TAGS",
    "COURSE_DIR_ENV",
    "STAGES",
    "TALK_CATEGORIES",
    "Content",
    "PollContent",
    "QuizContent",
    "ReflectionContent",
    "RulerContent",
    "ScenarioContent",
    "TalkSortContent",
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
BEHAVIOUR_TAGS = (
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "affirmation",
    "giving_information",
    "persuading",
    "persuading_with_permission",
    "seeking_collaboration",
    "emphasizing_autonomy",
    "confronting",
)

Stage = Literal["precontemplation", "contemplation", "preparation", "action", "maintenance"]
TalkCategory = Literal[
    "desire", "ability", "reasons", "need", "commitment", "activation", "taking_steps"
]
BehaviourTag = Literal[
    "open_question",
    "closed_question",
    "simple_reflection",
    "complex_reflection",
    "affirmation",
    "giving_information",
    "persuading",
    "persuading_with_permission",
    "seeking_collaboration",
    "emphasizing_autonomy",
    "confronting",
]

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
    from . import definitions

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


KINDS: dict[str, type[Content]] = {
    "quiz": QuizContent,
    "vignette": VignetteContent,
    "talk_sort": TalkSortContent,
    "scenario": ScenarioContent,
    "ruler": RulerContent,
    "reflection": ReflectionContent,
    "poll": PollContent,
}


# --- reading files --------------------------------------------------------------------


def _pydantic_problems(error: ValidationError) -> Problems:
    problems: Problems = []
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"])
        kind = item["type"]
        if kind == "too_short":
            needed = item["ctx"]["min_length"]
            given = item["input"]
            if isinstance(given, list | dict) and len(given) >= needed:
                continue  # only short because entries failed; those errors are listed already
            message = f"needs at least {needed} entr{'y' if needed == 1 else 'ies'}"
        elif kind == "value_error":
            message = str(item["ctx"]["error"])
        elif kind == "missing":
            message = "required"
        elif kind == "extra_forbidden":
            message = "is not a known field here (check the spelling)"
        else:
            message = item["msg"]
        problems.append((path, message))
    return problems


def parse_content(data: Any, source: str = "<content>", kind: str | None = None) -> Content:
    """Validate already-parsed YAML ``data``; raise DefinitionError listing every problem.

    >>> parse_content({"kind": "poll", "id": "m1-p", "title": "T", "question": "Q?",
    ...                "options": ["a"]}, "p.yaml")
    Traceback (most recent call last):
      ...
    recovery_capital.errors.DefinitionError: p.yaml: 1 problem
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
    try:
        content = KINDS[file_kind].model_validate(data)
    except ValidationError as exc:
        raise DefinitionError(source, _pydantic_problems(exc)) from None
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
    recovery_capital.errors.DefinitionError: no/such/file.yaml: 1 problem
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
    try:
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(str(path), [("", f"cannot read the file: {exc}")]) from None
    return parse_content(read_yaml(text, str(path)), str(path), kind)


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
