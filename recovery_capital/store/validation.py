"""Checks on everything the store is asked to keep, before anything is written.

Each check returns the cleaned value or raises :class:`InvalidInput` naming the problem.
Nothing a trainee typed is echoed back in a message, so a message is always safe to show.

>>> check_activity_id(" m2-vignette-amira ")
'm2-vignette-amira'
>>> check_answers({"q1": 5, "note": "ok"})
{'q1': 5, 'note': 'ok'}
>>> import numpy as np
>>> check_answers({"q1": np.int64(5), "q2": np.float64(2.5)})
{'q1': 5, 'q2': 2.5}
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import InvalidInput

__all__ = [
    "MAX_ANSWERS_CHARS",
    "MAX_TEXT_CHARS",
    "check_activity_id",
    "check_answers",
    "check_scores",
    "check_text",
    "check_request_id",
    "check_cohort_name",
    "check_label",
]

MAX_ANSWERS_CHARS = 200_000  # a whole questionnaire with notes is a few kB
MAX_TEXT_CHARS = 20_000  # about 3,000 words of reflection
_ACTIVITY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,119}")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-+]{0,79}")


def check_activity_id(activity_id: object) -> str:
    """An activity id such as ``m2-vignette-amira``: letters, digits and ``-_.:/``, at most 120.

    >>> check_activity_id("m2 <script>")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidInput: An activity id uses letters, digits and - _ . : / \
(at most 120, like m2-vignette-amira); this one does not.
    """
    if isinstance(activity_id, str) and _ACTIVITY_ID.fullmatch(activity_id.strip()):
        return activity_id.strip()
    raise InvalidInput(
        "An activity id uses letters, digits and - _ . : / (at most 120, like "
        "m2-vignette-amira); this one does not."
    )


def check_label(value: object, what: str) -> str | None:
    """An optional short identifier such as an instrument id or version, or None.

    >>> check_label("barc10", "instrument"), check_label(None, "instrument")
    ('barc10', None)
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and _LABEL.fullmatch(value.strip()):
        return value.strip()
    raise InvalidInput(
        f"The {what} must be a short id of letters, digits and - _ . : + (at most 80)."
    )


def _plain(value: Any) -> Any:
    """numpy scalars (e.g. a slider's ``numpy.int64``) as the Python numbers they hold."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "shape", None) == ():
        return item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _json_text(value: Any, what: str) -> str:
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False, default=_plain)
    except (TypeError, ValueError) as exc:
        reason = str(exc)
        if "Out of range float" in reason:
            reason = "numbers must be finite (no NaN or infinity)"
        raise InvalidInput(f"The {what} can't be saved: {reason}.") from None


def _check_mapping(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(
            f"The {what} must be a dictionary of item id to answer (got {type(value).__name__})."
        )
    bad_keys = [key for key in value if not isinstance(key, str)]
    if bad_keys:
        raise InvalidInput(f"The {what} must use text keys; {bad_keys[0]!r} is not text.")
    text = _json_text(value, what)
    if len(text) > MAX_ANSWERS_CHARS:
        raise InvalidInput(
            f"The {what} are too large to save ({len(text):,} characters; at most "
            f"{MAX_ANSWERS_CHARS:,})."
        )
    return json.loads(text)  # a deep, JSON-clean copy: what is stored is what is returned


def check_answers(answers: object) -> dict[str, Any]:
    """A JSON-clean copy of ``answers``, a dict of item id -> answer.

    >>> check_answers({"q1": float("nan")})
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidInput: The answers can't be saved: numbers must be \
finite (no NaN or infinity).
    >>> check_answers(["q1", 5])
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidInput: The answers must be a dictionary of item id \
to answer (got list).
    """
    return _check_mapping(answers, "answers")


def check_scores(scores: object) -> dict[str, Any] | None:
    """A JSON-clean copy of ``scores`` (a dict), or None.

    >>> check_scores({"total": 47.0, "band": "high"})
    {'total': 47.0, 'band': 'high'}
    """
    if scores is None:
        return None
    return _check_mapping(scores, "scores")


def check_text(text: object) -> str | None:
    """Free text as typed (kept verbatim; escaping is for whoever displays it), or None.

    >>> check_text("  I noticed my own assumptions.  ")
    '  I noticed my own assumptions.  '
    >>> check_text("   ") is None
    True
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidInput(f"Free text must be text (got {type(text).__name__}).")
    if "\x00" in text:
        raise InvalidInput("Free text can't contain a NUL character.")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(
            f"This text is too long to save ({len(text):,} characters; at most "
            f"{MAX_TEXT_CHARS:,}). Please shorten it."
        )
    return text if text.strip() else None


def check_request_id(request_id: object) -> str | None:
    """A client request id (any text up to 100 characters, e.g. a UUID), or None.

    >>> check_request_id("3f2a9c1e-submit")
    '3f2a9c1e-submit'
    """
    if request_id is None:
        return None
    if isinstance(request_id, str) and 0 < len(request_id) <= 100 and request_id.isprintable():
        return request_id
    raise InvalidInput("A request id must be printable text of 1 to 100 characters.")


def check_cohort_name(name: object) -> str:
    """A cohort's display name, trimmed; 1 to 200 characters.

    >>> check_cohort_name("  Spring 2027 ")
    'Spring 2027'
    """
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("Please give the cohort a name, such as 'Spring 2027'.")
    cleaned = " ".join(name.split())
    if len(cleaned) > 200:
        raise InvalidInput(
            f"A cohort name can be at most 200 characters (this one has {len(cleaned)})."
        )
    return cleaned
