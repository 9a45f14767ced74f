"""Read a YAML file's text into data, naming every problem by line, in plain words.

This is the first half of the one YAML-to-model pipeline every kind of file goes through
(instrument definitions, content files, ``course.yaml``, the programme); the second half,
turning a pydantic validation error into the same list of problems, is
:func:`recovery_capital.core.problems.model_problems`.

Content files and instrument definitions are read in every page's kernel, so reading must be
quick: PyYAML's C parser (libyaml) is about ten times faster than its pure-Python one. When a
file does not parse, it is read once more with the pure-Python parser, whose marks are the
more exact, and the problem is put in words an educator understands, at its line and column
("line 5, column 3: YAML syntax: this line is indented differently from the lines above it
..."), never PyYAML's own ("while parsing a block collection expected <block end>").

A key that appears twice in one mapping is a problem too (YAML itself silently keeps the
last), since an educator who repeats ``feedback:`` has usually lost some of their text.

>>> read_yaml("kind: quiz\\nid: m1\\n", "quiz.yaml")
{'kind': 'quiz', 'id': 'm1'}
>>> read_yaml("id: a\\nid: b\\n", "quiz.yaml")
Traceback (most recent call last):
...
recovery_capital.core.errors.DefinitionError: quiz.yaml: 1 problem
  - line 2: key 'id' appears twice
>>> try:
...     read_yaml("options:\\n  - a\\n - b\\n", "poll.yaml")
... except DefinitionError as exc:
...     exc.problems[0][0], exc.problems[0][1][:60]
('line 3, column 2', 'YAML syntax: this line is indented differently from the line')
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import DefinitionError

__all__ = ["read_yaml", "read_yaml_file", "syntax_message", "SYNTAX"]

#: How every YAML syntax problem begins, so checks can recognise one.
SYNTAX = "YAML syntax: "

Problems = list[tuple[str, str]]


class _RepeatedKeys:
    """Constructor behaviour shared by both loaders: note repeated keys with their lines."""

    repeated_keys: Problems

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if key in seen:
                line = key_node.start_mark.line + 1
                self.repeated_keys.append((f"line {line}", f"key {key!r} appears twice"))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


class _StrictLoader(_RepeatedKeys, yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated_keys = []


class _FastStrictLoader(_RepeatedKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeated_keys = []


def _load(loader_class: type, text: str) -> tuple[Any, Problems]:
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.repeated_keys
    finally:
        loader.dispose()


# (words in PyYAML's context or problem, what an educator reads), first match wins
_PLAIN: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "a tab is used for indenting here: YAML needs spaces"),
    (
        "scanning a quoted scalar",
        "a quote is opened but never closed: add the closing quote mark",
    ),
    (
        "flow sequence",
        "a list in [square brackets] is not closed, or its entries lack a comma between them",
    ),
    (
        "flow mapping",
        "a mapping in {curly brackets} is not closed, or its entries lack a comma between them",
    ),
    (
        "mapping values are not allowed",
        "a colon followed by a space inside a value: put the whole value in quotes",
    ),
    ("undefined alias", "a *name refers to an &name anchor that is not defined above it"),
    ("scanning an alias", "a * at the start of a value: put the whole value in quotes"),
    ("scanning an anchor", "a & at the start of a value: put the whole value in quotes"),
    (
        "could not find expected ':'",
        "a line that should read 'key: value' has no colon followed by a space (or a quote "
        "above it is not closed)",
    ),
    (
        "expected a single document",
        "the file holds more than one document: remove the line with only '---' on it",
    ),
    (
        "character that cannot start any token",
        "this character cannot start a value: put the whole value in quotes",
    ),
    (
        "block collection",
        "this line is indented differently from the lines above it (use the same number of "
        "spaces for entries at the same level)",
    ),
    (
        "block mapping",
        "this line is indented differently from the lines above it (use the same number of "
        "spaces for entries at the same level)",
    ),
    ("did not find expected", "this line does not fit the lines above it: check its indentation"),
)


_UNCLOSED = frozenset({"scanning a quoted scalar", "flow sequence", "flow mapping"})


def syntax_message(exc: yaml.YAMLError) -> tuple[str, str]:
    """``(where, message)`` for a PyYAML error: the line and column, and plain words.

    >>> try:
    ...     yaml.safe_load("title: 'Why\\nid: m1\\n")
    ... except yaml.YAMLError as exc:
    ...     where, message = syntax_message(exc)
    >>> where
    'line 3, column 1'
    >>> print(message.replace(": a", ":\\n  a"))
    YAML syntax:
      a quote is opened but never closed: add the closing quote mark (it starts on line 1)
    """
    if not isinstance(exc, yaml.MarkedYAMLError):
        return "", f"{SYNTAX}the file cannot be read as YAML"
    said = " ".join(part for part in (exc.context, exc.problem) if part)
    clue, plain = next(
        ((clue, words) for clue, words in _PLAIN if clue in said),
        ("", "this line cannot be read as YAML: check its indentation, colons and quotes"),
    )
    mark = exc.problem_mark or exc.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    start = exc.context_mark
    unclosed = clue in _UNCLOSED  # reported where the file ends: say where it was opened
    if unclosed and start is not None and mark is not None and start.line != mark.line:
        plain += f" (it starts on line {start.line + 1})"
    return where, SYNTAX + plain


def read_yaml(text: str, source: str) -> Any:
    """The data in ``text``; raise :class:`DefinitionError` naming ``source`` and the lines."""
    try:
        data, repeated = _load(_FastStrictLoader, text)
    except yaml.YAMLError:
        try:  # the same text again, for the pure-Python parser's exacter marks
            data, repeated = _load(_StrictLoader, text)
        except yaml.YAMLError as exc:
            raise DefinitionError(source, [syntax_message(exc)]) from None
    if repeated:
        raise DefinitionError(source, repeated)
    return data


def read_yaml_file(path: str | os.PathLike[str], source: str | None = None) -> Any:
    """The data in the YAML file at ``path``; a file that cannot be read or is not UTF-8 is
    a :class:`DefinitionError` too (naming ``source``, else the path), never a raw OSError.

    >>> read_yaml_file("/nonexistent/quiz.yaml")
    Traceback (most recent call last):
    ...
    recovery_capital.core.errors.DefinitionError: /nonexistent/quiz.yaml: 1 problem
      - (top level): cannot read the file: No such file or directory
    """
    path = Path(path)
    name = str(path) if source is None else source
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DefinitionError(name, [("", f"cannot read the file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = (
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "save the file as UTF-8"
        )
        raise DefinitionError(name, [(f"line {line}", problem)]) from None
    return read_yaml(text, name)
