"""Line numbers for problems found in YAML files.

Validation reports a problem by its path inside the file (``questions.0.options``), which is
what pydantic and the content checks know. An educator fixing the file wants the line. This
module composes the YAML once (``yaml.compose`` keeps where every node starts) and walks a
path down that tree to the line of the deepest part of it that exists, so a missing field is
reported at the line of the item that lacks it.

One implementation serves every kind of file: content, instruments and ``course.yaml``.

>>> lines = YamlLines("kind: quiz\\nquestions:\\n  - id: a\\n    prompt: Why?\\n")
>>> lines.line_of("questions.0.prompt"), lines.line_of("questions.0.options"), lines.line_of("")
(4, 3, None)
"""

from __future__ import annotations

import re

import yaml

__all__ = ["YamlLines", "line_in_path"]

# Problems the YAML readers report by position rather than path ("line 7, column 3").
_LINE_PREFIX = re.compile(r"^line (\d+)\b")


def line_in_path(path: str) -> int | None:
    """The line number a problem path already names (``"line 7, column 3"``), else None.

    >>> line_in_path("line 7, column 3"), line_in_path("questions.0")
    (7, None)
    """
    match = _LINE_PREFIX.match(path)
    return int(match.group(1)) if match else None


class YamlLines:
    """Find the line of a dotted path (``nodes.opening.choices.1.next``) in YAML text.

    Text that is not valid YAML gives no lines (every lookup returns None), because the syntax
    error itself already carries its position.

    >>> text = "nodes:\\n  a.b:\\n    client: Hi\\n"
    >>> YamlLines(text).line_of("nodes.a.b.client")
    3
    """

    def __init__(self, text: str) -> None:
        try:
            self._root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            self._root = None

    def scalar_at(self, path: str) -> str | None:
        """The text exactly as written at ``path``, when the whole path leads to a plain value.

        >>> YamlLines("options: [Yes, 'No']\\n").scalar_at("options.0")
        'Yes'
        """
        node: yaml.Node | None = self._root
        parts = path.split(".") if path else []
        while parts and node is not None:
            node, _, used = _step(node, parts)
            parts = parts[used:]
        return node.value if isinstance(node, yaml.ScalarNode) and not parts else None

    def line_of(self, path: str) -> int | None:
        """1-based line for ``path``; the line of its deepest existing part; None for the whole
        file (an empty path) or unreadable YAML."""
        named = line_in_path(path)
        if named is not None:
            return named
        if not path or self._root is None:
            return None
        line = None
        node: yaml.Node | None = self._root
        parts = path.split(".")
        while parts and node is not None:
            node, key_line, used = _step(node, parts)
            if node is None:
                break
            line = key_line
            parts = parts[used:]
        return line if line is not None else self._root.start_mark.line + 1


def _step(node: yaml.Node, parts: list[str]) -> tuple[yaml.Node | None, int | None, int]:
    """Go one level down ``node`` along ``parts``: (child, the line naming it, parts used).

    A mapping key may itself contain dots (a scenario node called ``part.2``), so the longest
    run of parts that names a key wins.
    """
    if isinstance(node, yaml.MappingNode):
        keys = {str(key.value): (key, value) for key, value in node.value}
        for used in range(len(parts), 0, -1):
            found = keys.get(".".join(parts[:used]))
            if found is not None:
                key, value = found
                return value, key.start_mark.line + 1, used
        return None, None, 0
    if isinstance(node, yaml.SequenceNode) and parts[0].isdigit():
        index = int(parts[0])
        if index < len(node.value):
            child = node.value[index]
            return child, child.start_mark.line + 1, 1
    return None, None, 0
