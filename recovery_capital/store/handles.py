"""Pseudonymous handles: checking the one a trainee chose, or making one up for them.

A handle is how a trainee appears to their trainer ("fox-12"): a display name, never a key to
their answers (that is the personal secret in their link, see :mod:`.keys`). Cohorts give
everyone a made-up handle; a cohort that allows chosen handles still refuses ones that look
like a real name or an e-mail address (:func:`check_chosen_handle`), because handles are
shown on dashboards and in exports.

>>> validate_handle("  Sam   the  otter ")
'Sam the otter'
>>> handle_key("Sam the Otter") == handle_key("sam the otter")
True
>>> import random
>>> generate_handle(random.Random(3))
'heron-85'
"""

from __future__ import annotations

import random
import re
import secrets
import unicodedata

from .errors import InvalidHandle

__all__ = [
    "MAX_HANDLE_LENGTH",
    "validate_handle",
    "check_chosen_handle",
    "handle_key",
    "generate_handle",
]

MAX_HANDLE_LENGTH = 40

# Animals and plants that are short, easy to spell and say, and carry no judgement.
WORDS = (
    "ash", "badger", "bee", "birch", "crane", "deer", "dove", "elm", "fern", "finch",
    "fox", "frog", "hare", "hawk", "hazel", "heron", "ivy", "kite", "lark", "lynx",
    "maple", "mole", "moss", "newt", "oak", "otter", "owl", "pine", "robin", "rowan",
    "seal", "swan", "swift", "teal", "thrush", "vole", "willow", "wren",
)  # fmt: skip

_ALLOWED_PUNCTUATION = " -_."
_SPACES = re.compile(r"\s+")


def _describe(characters: list[str]) -> str:
    names = []
    for char in dict.fromkeys(characters):  # unique, in order of appearance
        if char.isprintable() and not char.isspace():
            names.append(repr(char))
        else:
            names.append(f"U+{ord(char):04X}")
    return ", ".join(names[:5]) + (" and others" if len(names) > 5 else "")


def _allowed(char: str) -> bool:
    # Combining marks (category M*) are part of letters in many scripts, e.g. Devanagari.
    return (
        char.isalnum() or char in _ALLOWED_PUNCTUATION or unicodedata.category(char).startswith("M")
    )


def validate_handle(handle: object) -> str:
    """The cleaned handle, or :class:`InvalidHandle` saying what to change.

    Letters (any alphabet), digits, spaces, ``-``, ``_`` and ``.`` are allowed; the first
    character must be a letter or digit; at most 40 characters after trimming spaces.

    >>> validate_handle("Zoë_2")
    'Zoë_2'
    >>> validate_handle("<b>me</b>")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidHandle: A handle can only use letters, digits, \
spaces, '-', '_' and '.'; please leave out '<', '>', '/'.
    >>> validate_handle("x" * 5000)
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidHandle: A handle can be at most 40 characters \
(this one has 5000). A short nickname works best.
    """
    if not isinstance(handle, str):
        raise InvalidHandle(f"A handle must be text, like fox-12 (got {type(handle).__name__}).")
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFC", handle)).strip()
    if not cleaned:
        raise InvalidHandle(
            "Please choose a handle (a nickname such as fox-12), or leave it empty to be given one."
        )
    if len(cleaned) > MAX_HANDLE_LENGTH:
        raise InvalidHandle(
            f"A handle can be at most {MAX_HANDLE_LENGTH} characters (this one has "
            f"{len(cleaned)}). A short nickname works best."
        )
    not_allowed = [c for c in cleaned if not _allowed(c)]
    if not_allowed:
        raise InvalidHandle(
            "A handle can only use letters, digits, spaces, '-', '_' and '.'; "
            f"please leave out {_describe(not_allowed)}."
        )
    if not cleaned[0].isalnum():
        raise InvalidHandle("A handle must start with a letter or a digit.")
    return cleaned


_NAME_PARTS = re.compile(r"[ ._-]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_chosen_handle(handle: object) -> str:
    """A handle a trainee chose, cleaned, unless it looks like a real name or e-mail address.

    A name is two or more words of letters only (``Jane Smith``, ``jane.smith``); a chosen
    handle with a number in it, or a single word, is fine.

    >>> check_chosen_handle("Sam-7"), check_chosen_handle("otter")
    ('Sam-7', 'otter')
    >>> check_chosen_handle("jane.smith")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidHandle: 'jane.smith' looks like a real name. Your \
handle is shown to your trainer and in exports, so please choose a nickname with a number in \
it, such as otter-7.
    >>> check_chosen_handle("sam@example.org")
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.InvalidHandle: That looks like an e-mail address. Your \
handle is shown to your trainer and in exports, so please choose a nickname with a number in \
it, such as otter-7.
    """
    why = (
        "Your handle is shown to your trainer and in exports, so please choose a nickname "
        "with a number in it, such as otter-7."
    )
    if isinstance(handle, str) and ("@" in handle and _EMAIL.search(handle.strip())):
        raise InvalidHandle(f"That looks like an e-mail address. {why}")
    cleaned = validate_handle(handle)
    parts = [part for part in _NAME_PARTS.split(cleaned) if part]
    if len(parts) >= 2 and all(part.isalpha() for part in parts):
        raise InvalidHandle(f"{cleaned!r} looks like a real name. {why}")
    return cleaned


def handle_key(handle: str) -> str:
    """The form two handles are compared in, so "Sam" and "sam" are the same person.

    >>> handle_key("Fox-12")
    'fox-12'
    """
    return handle.casefold()


def generate_handle(rng: random.Random | None = None) -> str:
    """A random handle such as ``"otter-37"``: a word from nature and a number 10-99.

    >>> handle = generate_handle()
    >>> word, number = handle.split("-")
    >>> word in WORDS and 10 <= int(number) <= 99
    True
    """
    if rng is None:
        return f"{secrets.choice(WORDS)}-{10 + secrets.randbelow(90)}"
    return f"{rng.choice(WORDS)}-{rng.randint(10, 99)}"
