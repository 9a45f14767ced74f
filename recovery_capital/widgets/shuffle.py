"""A trainee's own order of options: shuffled per trainee, the same for them every time.

A quiz or a conversation that always lists its best answer first teaches position, not practice.
:func:`trainee_order` shuffles options by hashing the trainee's identity (cohort and handle,
from the page's :class:`~recovery_capital.session.context.Context`) with the activity and the
question, so a trainee who comes back sees the same order, and the next trainee a different one. The
hash is SHA-256, not Python's salted ``hash()``, so the order survives a restart.

Only the order shown changes: an option keeps its index in the content file, which is what the
store keeps, so answers saved before (or by someone else's order) still mean the same thing.

>>> trainee_order("K7P2Q/fox-12", "m1-quiz/q1", 4) == trainee_order("K7P2Q/fox-12", "m1-quiz/q1", 4)
True
>>> sorted(trainee_order("K7P2Q/fox-12", "m1-quiz/q1", 4))
[0, 1, 2, 3]
"""

from __future__ import annotations

import hashlib

from ..session.context import Context

__all__ = ["identity_of", "trainee_order"]


def identity_of(context: Context | None) -> str:
    """Who the page answers as (cohort and handle); ``""`` when there is no context yet.

    >>> identity_of(Context(None, "K7P2Q", "fox-12"))
    'K7P2Q/fox-12'
    """
    if context is None:
        return ""
    return f"{context.cohort}/{context.handle}"


def trainee_order(identity: str, key: str, count: int) -> list[int]:
    """The order in which this trainee sees ``count`` options of ``key`` (a permutation of
    ``range(count)``).

    >>> trainee_order("PRACTICE/otter-3", "m4-scenario-jo/opening", 3)
    [1, 0, 2]
    >>> trainee_order("PRACTICE/otter-4", "m4-scenario-jo/opening", 3)
    [2, 0, 1]
    """

    def rank(index: int) -> bytes:
        return hashlib.sha256(f"{identity}\x00{key}\x00{index}".encode()).digest()

    return sorted(range(count), key=rank)
