"""Splitting a cohort into action-learning sets.

Sets hold five to seven people (the programme's ``set_size``), differ in size by at most one,
mix areas and roles where the trainer has recorded them, and stay as they are once made: a
trainee who joins late goes into the smallest set, preferring one with fewest people from
their own area and role, and nobody already placed moves unless the trainer moves them.

>>> cohort = [Trainee(f"t{i}", area=("Leeds", "York", "Hull")[i % 3]) for i in range(30)]
>>> sets = allocate(cohort)
>>> sorted(len(members) for members in sets.values())
[6, 6, 6, 6, 6]
>>> sorted({t.area for t in cohort if t.handle in sets[1]})
['Hull', 'Leeds', 'York']
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Trainee", "allocate", "presenter_rota", "set_count"]


@dataclass(frozen=True)
class Trainee:
    """A trainee to place: their handle and, where recorded, their area and role."""

    handle: str
    area: str = ""
    role: str = ""


def set_count(people: int, low: int = 5, high: int = 7) -> int:
    """How many sets ``people`` make: the fewest that keep every set at ``high`` or below
    (one set for a group smaller than ``low``).

    >>> set_count(30), set_count(31), set_count(36), set_count(4), set_count(0)
    (5, 5, 6, 1, 0)
    """
    if people <= 0:
        return 0
    return max(1, math.ceil(people / high))


def allocate(
    trainees: Sequence[Trainee],
    existing: Mapping[str, int] | None = None,
    *,
    low: int = 5,
    high: int = 7,
) -> dict[int, list[str]]:
    """Set number -> handles for everyone in ``trainees``.

    ``existing`` (handle -> set number) are kept where they are; everyone else is placed: all
    at once when there are no sets yet (dealt out by area and role so each set gets a mix),
    else one by one into the smallest set. Each set lists its members in ``trainees`` order.

    >>> first = allocate([Trainee(f"t{i}") for i in range(12)])
    >>> existing = {h: n for n, handles in first.items() for h in handles}
    >>> later = allocate([Trainee(f"t{i}") for i in range(13)], existing)
    >>> all(existing[h] == n for n, handles in later.items() for h in handles if h in existing)
    True
    >>> sorted(len(v) for v in later.values())
    [6, 7]
    """
    known = {t.handle for t in trainees}
    kept = {h: n for h, n in (existing or {}).items() if h in known}
    sets: dict[int, list[str]] = {}
    for trainee in trainees:
        if trainee.handle in kept:
            sets.setdefault(kept[trainee.handle], []).append(trainee.handle)
    waiting = [t for t in trainees if t.handle not in kept]
    if not sets:
        count = set_count(len(waiting), low, high)
        # Sorting by area then role puts colleagues from one area next to each other, so
        # dealing them round the sets sends them to different sets.
        order = sorted(
            range(len(waiting)),
            key=lambda i: (waiting[i].area.casefold(), waiting[i].role.casefold(), i),
        )
        for position, index in enumerate(order):
            sets.setdefault(position % count + 1, []).append(waiting[index].handle)
        return _in_order(sets, trainees)
    by_handle = {t.handle: t for t in trainees}
    for trainee in waiting:

        def fit(number: int, trainee: Trainee = trainee) -> tuple[int, int, int, int]:
            members = [by_handle[h] for h in sets[number]]
            same_area = sum(1 for m in members if trainee.area and m.area == trainee.area)
            same_role = sum(1 for m in members if trainee.role and m.role == trainee.role)
            return (len(members), same_area, same_role, number)

        sets[min(sets, key=fit)].append(trainee.handle)
    return _in_order(sets, trainees)


def _in_order(sets: dict[int, list[str]], trainees: Sequence[Trainee]) -> dict[int, list[str]]:
    """Sets by number, each listing its members in the order ``trainees`` gives them."""
    rank = {t.handle: i for i, t in enumerate(trainees)}
    return {n: sorted(sets[n], key=rank.__getitem__) for n in sorted(sets)}


def presenter_rota(
    members: Sequence[str], meetings: Sequence[str], per_meeting: int = 2
) -> dict[str, list[str]]:
    """Who presents a question at each set meeting: ``per_meeting`` people a meeting, taking
    turns in order, so everyone presents before anyone presents twice.

    >>> rota = presenter_rota(["a", "b", "c", "d", "e", "f"], ["set-1", "set-2", "set-3",
    ...                       "set-4", "set-5"])
    >>> rota["set-1"], rota["set-3"], rota["set-4"]
    (['a', 'b'], ['e', 'f'], ['a', 'b'])
    """
    rota: dict[str, list[str]] = {}
    turn = 0
    for meeting in meetings:
        count = min(per_meeting, len(members))
        rota[meeting] = [members[(turn + i) % len(members)] for i in range(count)]
        turn += count
    return rota
