"""Read a YAML file's text into data, naming every problem by line.

Content files and instrument definitions are read in every page's kernel, so reading must be
quick: PyYAML's C parser (libyaml) is about ten times faster than its pure-Python one. When a
file does not parse, it is read once more with the pure-Python parser, whose messages are the
ones the course's guides and checks quote ("while scanning a quoted scalar ...").

A key that appears twice in one mapping is a problem too (YAML itself silently keeps the
last), since an educator who repeats ``feedback:`` has usually lost some of their text.

>>> read_yaml("kind: quiz\\nid: m1\\n", "quiz.yaml")
{'kind': 'quiz', 'id': 'm1'}
>>> read_yaml("id: a\\nid: b\\n", "quiz.yaml")
Traceback (most recent call last):
...
recovery_capital.core.errors.DefinitionError: quiz.yaml: 1 problem
  - line 2: key 'id' appears twice
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import DefinitionError

__all__ = ["read_yaml"]

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


def read_yaml(text: str, source: str) -> Any:
    """The data in ``text``; raise :class:`DefinitionError` naming ``source`` and the lines."""
    try:
        data, repeated = _load(_FastStrictLoader, text)
    except yaml.YAMLError:
        try:  # the same text again, for the pure-Python parser's fuller message
            data, repeated = _load(_StrictLoader, text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            what = " ".join(part for part in (exc.context, exc.problem) if part)
            raise DefinitionError(source, [(where, f"YAML syntax: {what}")]) from None
        except yaml.YAMLError as exc:
            raise DefinitionError(source, [("", f"YAML syntax: {exc}")]) from None
    if repeated:
        raise DefinitionError(source, repeated)
    return data
