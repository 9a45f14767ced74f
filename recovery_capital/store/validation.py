"""Checks on everything the store is asked to keep, before anything is written.

Each check returns the cleaned value or raises :class:`InvalidInput` naming the problem.
Nothing a trainee typed is echoed back in a message, so a message is always safe to show.

Every piece of text, in free text and in every answer and score (keys and values, however
deeply nested), is checked here once by :func:`check_characters`: a character that no
spreadsheet, CSV or XML file can hold faithfully (a control character such as a vertical
tab, a lone surrogate from a broken emoji, U+FFFE/U+FFFF) is refused with the position of
the first one, so nothing is stored that an export would then choke on.

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
    "check_version",
    "check_answers",
    "check_scores",
    "check_text",
    "check_request_id",
    "check_cohort_name",
    "check_label",
    "check_characters",
    "unstorable_character",
]

MAX_ANSWERS_CHARS = 200_000  # a whole questionnaire with notes is a few kB
MAX_TEXT_CHARS = 20_000  # about 3,000 words of reflection
_ACTIVITY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,119}")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-+]{0,79}")
# An instrument's published version, as its YAML names it: "WHO 2001", "UK (PHE/OHID)".
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-+ ()/,]{0,79}")


# C0 controls other than tab, newline and carriage return; surrogates; the two noncharacters
# XML forbids. (openpyxl refuses the same controls; a lone surrogate can't be UTF-8 encoded.)
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def unstorable_character(text: str) -> int | None:
    """The position of the first character that can't be stored and exported, or None.

    >>> unstorable_character("fine\\ttext\\n"), unstorable_character("a\\x0bb")
    (None, 1)
    """
    found = _UNSTORABLE.search(text)
    return None if found is None else found.start()


def check_characters(text: str, what: str) -> str:
    """``text`` unchanged, or :class:`InvalidInput` naming the first unusable character.

    >>> check_characters("Listening first", "free text")
    'Listening first'
    >>> check_characters("tab\\x0bhere", "free text")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidInput: The free text contains a control character \
(U+000B) at character 4 that can't be saved. It is usually invisible, pasted from another \
program: please retype that part.
    >>> check_characters("broken \\ud800", "answers")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidInput: The answers contain a broken character \
(U+D800, half of an emoji or symbol) at character 8 that can't be saved. Please retype that \
part.
    """
    where = unstorable_character(text)
    if where is None:
        return text
    code = ord(text[where])
    verb = "contain" if what.endswith("s") else "contains"
    if 0xD800 <= code <= 0xDFFF:
        raise InvalidInput(
            f"The {what} {verb} a broken character (U+{code:04X}, half of an emoji or symbol) "
            f"at character {where + 1} that can't be saved. Please retype that part."
        )
    kind = "control character" if code < 0x20 else "character"
    raise InvalidInput(
        f"The {what} {verb} a {kind} (U+{code:04X}) at character {where + 1} that can't be "
        "saved. It is usually invisible, pasted from another program: please retype that part."
    )


def _check_strings(value: Any, what: str) -> None:
    """Check every text inside a JSON-clean value (dict keys included)."""
    if isinstance(value, str):
        check_characters(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_characters(key, what)
            _check_strings(item, what)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, what)


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


def check_version(value: object) -> str | None:
    """An optional instrument version: a short plain phrase such as ``UK (PHE/OHID)``, or None.

    >>> check_version("UK (PHE/OHID)"), check_version(None)
    ('UK (PHE/OHID)', None)
    >>> check_version("<1>")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidInput: The instrument version must be a short ...
    """
    if value is None:
        return None
    if isinstance(value, str) and _VERSION.fullmatch(value.strip()):
        return value.strip()
    raise InvalidInput(
        "The instrument version must be a short phrase of letters, digits, spaces and "
        "- _ . : + ( ) / , (at most 80)."
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
    clean = json.loads(text)  # a deep, JSON-clean copy: what is stored is what is returned
    _check_strings(clean, what)
    return clean


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
    check_characters(text, "free text")
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
    cleaned = check_characters(" ".join(name.split()), "cohort name")
    if len(cleaned) > 200:
        raise InvalidInput(
            f"A cohort name can be at most 200 characters (this one has {len(cleaned)})."
        )
    return cleaned
