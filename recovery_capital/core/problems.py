"""The second half of the one YAML-to-model pipeline: a model validated from a file's data,
and every pydantic complaint as ``(path in the file, plain words)``, worded the same way for
instrument definitions, content files, ``course.yaml`` and the programme.

The first half, text to data, is :func:`recovery_capital.core.yaml_text.read_yaml`.

>>> from pydantic import BaseModel, ConfigDict
>>> class Poll(BaseModel):
...     model_config = ConfigDict(extra="forbid")
...     question: str
...     options: list[str]
>>> validate_model(Poll, {"option": ["a"], "colour": "red"}, "poll.yaml")
Traceback (most recent call last):
...
recovery_capital.core.errors.DefinitionError: poll.yaml: 3 problems
  - question: required
  - option: is not a known field here: did you mean 'options'? (it is required)
  - colour: is not a known field here (check the spelling)
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import DefinitionError

__all__ = ["model_problems", "validate_model", "Special"]

M = TypeVar("M", bound=BaseModel)

#: A wording of one's own for a kind of complaint: gets (path, pydantic's detail) and returns
#: the words, or None to use the shared wording.
Special = Callable[[str, Mapping[str, Any]], "str | None"]


def _shared_words(path: str, detail: Mapping[str, Any], noun: str = "field") -> str | None:
    kind = detail["type"]
    given = detail.get("input")
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return f"is not a known {noun} here (check the spelling)"
    if kind == "value_error":
        return str(detail["ctx"]["error"])
    if kind == "too_short":
        needed = detail["ctx"]["min_length"]
        if isinstance(given, list | dict) and len(given) >= needed:
            return None  # only short because entries failed; those errors are listed already
        return f"needs at least {needed} entr{'y' if needed == 1 else 'ies'}"
    if kind == "string_type" and isinstance(given, dict):
        return (
            "reads as a key and a value because of a colon followed by a space: put the whole "
            "line in quotes"
        )
    return str(detail["msg"])


def model_problems(
    error: ValidationError,
    *,
    prefix: str = "",
    special: Special | None = None,
    drop_tags: frozenset[str] = frozenset(),
    noun: str = "field",
) -> list[tuple[str, str]]:
    """Every complaint in ``error`` as ``(dotted path, words)``.

    ``prefix`` goes before each path (``programme.``); ``special`` words some complaints its
    own way; ``drop_tags`` names fields whose discriminated-union tag pydantic puts into the
    path (``bands.0.ranges.min`` -> ``bands.0.min``); ``noun`` is what the file's keys are
    called (``course.yaml`` has settings).
    """
    problems: list[tuple[str, str]] = []
    kinds: list[str] = []
    for detail in error.errors(include_url=False):
        loc = [str(part) for part in detail["loc"]]
        if len(loc) > 2 and loc[0] in drop_tags:
            del loc[2]
        path = ".".join(loc)
        path = f"{prefix}{path}" if path else prefix.rstrip(".")
        words = special(path, detail) if special is not None else None
        if words is None:
            words = _shared_words(path, detail, noun)
            if words is None:
                continue
        problems.append((path, str(words)))
        kinds.append(detail["type"])
    return _misspelt_once(problems, kinds, noun)


def _misspelt_once(
    problems: list[tuple[str, str]], kinds: list[str], noun: str
) -> list[tuple[str, str]]:
    """A misspelt key is one mistake, not two: pydantic says both that the key is unknown
    and that the key it should have been is missing; say it once, at the misspelt key.

    >>> _misspelt_once([("options", "required"), ("option", "is not a known field here")],
    ...                ["missing", "extra_forbidden"], "field")
    [('option', "is not a known field here: did you mean 'options'? (it is required)")]
    """
    missing = {path: i for i, (path, _) in enumerate(problems) if kinds[i] == "missing"}
    merged: dict[int, tuple[str, str]] = {}
    dropped: set[int] = set()
    for i, (path, _) in enumerate(problems):
        if kinds[i] != "extra_forbidden":
            continue
        parent, _, key = path.rpartition(".")
        siblings = {
            p.rpartition(".")[2]: j
            for p, j in missing.items()
            if p.rpartition(".")[0] == parent and j not in dropped
        }
        close = difflib.get_close_matches(key, list(siblings), n=1, cutoff=0.75)
        if close:
            dropped.add(siblings[close[0]])
            merged[i] = (
                path,
                f"is not a known {noun} here: did you mean {close[0]!r}? (it is required)",
            )
    return [merged.get(i, problem) for i, problem in enumerate(problems) if i not in dropped]


def validate_model(
    model: type[M],
    data: Any,
    source: str,
    *,
    special: Special | None = None,
    drop_tags: frozenset[str] = frozenset(),
    noun: str = "field",
) -> M:
    """``model`` validated from ``data``; a :class:`DefinitionError` naming ``source`` and
    every problem otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = model_problems(exc, special=special, drop_tags=drop_tags, noun=noun)
        raise DefinitionError(source, problems) from None
