"""MITI 4.2.1 summary scores from coded behaviour counts and global ratings.

The Motivational Interviewing Treatment Integrity code (MITI 4.2.1; Moyers, Manuel & Ernst
2015; Moyers et al. 2016) describes a practice conversation in two ways: **behaviour counts**
(how often the practitioner asked a question, offered a simple or complex reflection, affirmed,
and so on) and four **global ratings** from 1 to 5 (cultivating change talk, softening sustain
talk, partnership, empathy). This module turns them into the six MITI summary scores:

* technical global = (cultivating + softening) / 2
* relational global = (partnership + empathy) / 2
* reflection-to-question ratio = (simple + complex reflections) / questions
* % complex reflections = complex / (simple + complex reflections) x 100
* MI-adherent = seeking collaboration + affirm + emphasizing autonomy
* MI-non-adherent = persuade + confront

The first four get a band, "below fair", "fair" or "good", from the thresholds in
:data:`THRESHOLDS`. Those thresholds are **expert guidance, not norms** (Moyers, Manuel & Ernst
2015; Moyers et al. 2016): they describe what experienced coders consider fair or good practice,
not how a measured population scored. The two MI-adherent counts have no published thresholds,
so their band is always ``None``. The MITI 3 percentages (open questions, MI-adherent %) are
deliberately not computed.

A conversation coded without global ratings still gets its count-based summaries; a summary that
cannot be worked out (no questions, no reflections, missing globals) is ``None`` with a note in
plain words rather than an error or an infinity.

>>> result = summarize({"question": 4, "simple_reflection": 3, "complex_reflection": 3})
>>> result.reflection_to_question.value, result.reflection_to_question.band
(1.5, 'fair')
>>> result.percent_complex_reflections.value, result.percent_complex_reflections.band
(50.0, 'good')
>>> result.technical_global.value is None
True
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any

from ..core.errors import InvalidResponse

__all__ = [
    "BEHAVIOUR_CODES",
    "GLOBAL_CODES",
    "SCENARIO_TAGS",
    "THRESHOLDS",
    "BANDS",
    "Summary",
    "MitiResult",
    "summarize",
    "counts_from_tags",
    "summarize_tags",
]

#: The MITI 4.2.1 behaviour codes, in the manual's order.
BEHAVIOUR_CODES: tuple[str, ...] = (
    "giving_information",
    "persuade",
    "persuade_with_permission",
    "question",
    "simple_reflection",
    "complex_reflection",
    "affirm",
    "seeking_collaboration",
    "emphasizing_autonomy",
    "confront",
)

#: The four MITI 4.2.1 global ratings, each a whole number from 1 to 5.
GLOBAL_CODES: tuple[str, ...] = ("cultivating", "softening", "partnership", "empathy")

#: Branching-scenario choice tags (docs/content-format.md) and the behaviour each one counts as.
#: Open and closed questions both count as ``question``.
SCENARIO_TAGS: Mapping[str, str] = MappingProxyType(
    {
        "open_question": "question",
        "closed_question": "question",
        "simple_reflection": "simple_reflection",
        "complex_reflection": "complex_reflection",
        "affirmation": "affirm",
        "giving_information": "giving_information",
        "persuading": "persuade",
        "persuading_with_permission": "persuade_with_permission",
        "seeking_collaboration": "seeking_collaboration",
        "emphasizing_autonomy": "emphasizing_autonomy",
        "confronting": "confront",
    }
)

#: Band names, lowest first.
BANDS: tuple[str, str, str] = ("below fair", "fair", "good")

#: (fair, good) minimum values for each banded summary. Percentages are in percent (0-100).
#: Kept as fractions so that a value exactly on a threshold is never pushed below it by
#: floating-point rounding (2 / 5 * 100 is 40.00000000000001 in floats).
THRESHOLDS: Mapping[str, tuple[Fraction, Fraction]] = MappingProxyType(
    {
        "technical_global": (Fraction(3), Fraction(4)),
        "relational_global": (Fraction(7, 2), Fraction(4)),
        "reflection_to_question": (Fraction(1), Fraction(2)),
        "percent_complex_reflections": (Fraction(40), Fraction(50)),
    }
)

_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "technical_global": "Technical global",
        "relational_global": "Relational global",
        "reflection_to_question": "Reflection-to-question ratio",
        "percent_complex_reflections": "Complex reflections (%)",
        "mi_adherent": "MI-adherent behaviours",
        "mi_non_adherent": "MI-non-adherent behaviours",
    }
)

#: Each global summary is the mean of these two ratings.
_GLOBAL_PARTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "technical_global": ("cultivating", "softening"),
        "relational_global": ("partnership", "empathy"),
    }
)

_NO_THRESHOLD_NOTE = "MITI 4.2.1 gives no fair or good threshold for this count."

#: The largest behaviour count accepted: far above any coded conversation, and small enough
#: that every summary stays an ordinary float (a count of 10**400 has no float ratio).
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class Summary:
    """One MITI summary score.

    ``value`` is ``None`` when it cannot be worked out, and ``note`` then says why in plain
    words. ``band`` is "below fair", "fair", "good", or ``None`` (no value, or no threshold).

    >>> s = summarize({"question": 2, "simple_reflection": 4}).reflection_to_question
    >>> s.describe()
    'Reflection-to-question ratio: 2 (good; fair from 1, good from 2)'
    """

    name: str
    label: str
    value: float | None
    band: str | None
    note: str | None = None

    def describe(self) -> str:
        """One plain-words line: the value, its band and the thresholds, or why it is missing.

        >>> summarize({}).mi_adherent.describe()
        'MI-adherent behaviours: 0 (MITI 4.2.1 gives no fair or good threshold for this count.)'
        """
        if self.value is None:
            return f"{self.label}: not worked out. {self.note}"
        shown = _format_number(self.value)
        thresholds = THRESHOLDS.get(self.name)
        if thresholds is None:
            return f"{self.label}: {shown} ({self.note})" if self.note else f"{self.label}: {shown}"
        fair, good = (_format_number(float(t)) for t in thresholds)
        return f"{self.label}: {shown} ({self.band}; fair from {fair}, good from {good})"

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form.

        >>> summarize({"question": 1}).percent_complex_reflections.to_dict()["value"] is None
        True
        """
        return {
            "label": self.label,
            "value": self.value,
            "band": self.band,
            "note": self.note,
        }


@dataclass(frozen=True)
class MitiResult:
    """The six MITI 4.2.1 summaries of one coded conversation, plus the inputs they came from.

    ``counts`` holds all ten behaviour codes (unlisted ones are 0); ``global_ratings`` holds
    only the globals that were given. Both are read-only mappings.

    >>> result = summarize({"affirm": 2, "persuade": 1}, {"partnership": 4, "empathy": 3})
    >>> result.relational_global.value, result.relational_global.band
    (3.5, 'fair')
    >>> result.mi_adherent.value, result.mi_non_adherent.value
    (2, 1)
    """

    counts: Mapping[str, int]
    global_ratings: Mapping[str, int]
    technical_global: Summary
    relational_global: Summary
    reflection_to_question: Summary
    percent_complex_reflections: Summary
    mi_adherent: Summary
    mi_non_adherent: Summary

    @property
    def summaries(self) -> tuple[Summary, ...]:
        """The six summaries in the manual's order.

        >>> [s.name for s in summarize({}).summaries][:2]
        ['technical_global', 'relational_global']
        """
        return (
            self.technical_global,
            self.relational_global,
            self.reflection_to_question,
            self.percent_complex_reflections,
            self.mi_adherent,
            self.mi_non_adherent,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form: inputs plus one entry per summary.

        >>> d = summarize({"question": 3, "simple_reflection": 3}).to_dict()
        >>> d["reflection_to_question"]["value"], d["counts"]["question"]
        (1.0, 3)
        """
        result: dict[str, Any] = {
            "counts": dict(self.counts),
            "global_ratings": dict(self.global_ratings),
        }
        for summary in self.summaries:
            result[summary.name] = summary.to_dict()
        return result


def summarize(
    counts: Mapping[str, int],
    global_ratings: Mapping[str, int] | None = None,
) -> MitiResult:
    """Work out the MITI 4.2.1 summary scores.

    Parameters
    ----------
    counts
        Behaviour code -> how many times it was coded (a whole number, 0 or more). Codes left
        out count as 0. Allowed codes: :data:`BEHAVIOUR_CODES`.
    global_ratings
        Optional global code -> rating, a whole number from 1 to 5. Any subset of
        :data:`GLOBAL_CODES`; a global summary needs both of its ratings.

    Raises
    ------
    InvalidResponse
        A ``ValueError`` naming the field, for an unknown code, a count that is not a whole
        number from 0 to :data:`MAX_COUNT`, or a global rating outside 1-5. Nothing else is
        raised, whatever the input.

    Notes
    -----
    Thresholds (fair / good) are expert guidance, not norms (Moyers, Manuel & Ernst 2015,
    MITI 4.2.1 manual; Moyers et al. 2016, J Subst Abuse Treat): technical global 3 / 4,
    relational global 3.5 / 4, reflection-to-question ratio 1 / 2, complex reflections 40% / 50%.

    Examples
    --------
    >>> r = summarize(
    ...     {"question": 5, "simple_reflection": 6, "complex_reflection": 4, "affirm": 2},
    ...     {"cultivating": 3, "softening": 4, "partnership": 4, "empathy": 4},
    ... )
    >>> [(s.name, s.value, s.band) for s in r.summaries[:4]]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('technical_global', 3.5, 'fair'), ('relational_global', 4.0, 'good'),
     ('reflection_to_question', 2.0, 'good'), ('percent_complex_reflections', 40.0, 'fair')]
    >>> summarize({"question": 0}).reflection_to_question.note
    'No questions were coded, so there is no reflection-to-question ratio to work out.'
    >>> summarize({"questions": 3})
    Traceback (most recent call last):
    ...
    recovery_capital.core.errors.InvalidResponse: questions: 3 is not allowed (allowed: ...
    """
    clean_counts = _validate_counts(counts)
    clean_globals = _validate_globals(global_ratings or {})
    reflections = clean_counts["simple_reflection"] + clean_counts["complex_reflection"]
    questions = clean_counts["question"]

    if questions:
        ratio = _banded("reflection_to_question", Fraction(reflections, questions))
    else:
        ratio = _not_worked_out(
            "reflection_to_question",
            "No questions were coded, so there is no reflection-to-question ratio to work out.",
        )
    if reflections:
        percent = _banded(
            "percent_complex_reflections",
            Fraction(100 * clean_counts["complex_reflection"], reflections),
        )
    else:
        percent = _not_worked_out(
            "percent_complex_reflections",
            "No reflections were coded, so there is no share of complex reflections to work out.",
        )
    return MitiResult(
        counts=MappingProxyType(clean_counts),
        global_ratings=MappingProxyType(clean_globals),
        technical_global=_global_summary("technical_global", clean_globals),
        relational_global=_global_summary("relational_global", clean_globals),
        reflection_to_question=ratio,
        percent_complex_reflections=percent,
        mi_adherent=_count_summary(
            "mi_adherent",
            clean_counts["seeking_collaboration"]
            + clean_counts["affirm"]
            + clean_counts["emphasizing_autonomy"],
        ),
        mi_non_adherent=_count_summary(
            "mi_non_adherent", clean_counts["persuade"] + clean_counts["confront"]
        ),
    )


def counts_from_tags(tags: Iterable[str]) -> dict[str, int]:
    """Count the behaviours along a branching-scenario path.

    Each tag is one choice the trainee made (see :data:`SCENARIO_TAGS`); open and closed
    questions both count as ``question``. Every behaviour code is in the result, 0 if unused.

    >>> counts = counts_from_tags(["open_question", "closed_question", "complex_reflection"])
    >>> counts["question"], counts["complex_reflection"], counts["confront"]
    (2, 1, 0)
    >>> counts_from_tags(["open question"])
    Traceback (most recent call last):
    ...
    recovery_capital.core.errors.InvalidResponse: tag: 'open question' is not allowed (allowed: ...
    """
    if isinstance(tags, (str, bytes, bytearray)):
        raise InvalidResponse("tags", tags, "a list of tags, not a single string")
    if isinstance(tags, Mapping) or not isinstance(tags, Iterable):
        raise InvalidResponse("tags", tags, "a list of scenario tags")
    tally: Counter[str] = Counter()
    for tag in tags:
        behaviour = SCENARIO_TAGS.get(tag) if isinstance(tag, str) else None
        if behaviour is None:
            raise InvalidResponse(
                "tag", tag, _known_names_hint(tag, SCENARIO_TAGS, "scenario tags")
            )
        tally[behaviour] += 1
    return {code: tally[code] for code in BEHAVIOUR_CODES}


def summarize_tags(
    tags: Iterable[str], global_ratings: Mapping[str, int] | None = None
) -> MitiResult:
    """:func:`summarize` the behaviours along a branching-scenario path.

    >>> r = summarize_tags(["open_question", "simple_reflection", "complex_reflection"])
    >>> r.reflection_to_question.value, r.percent_complex_reflections.band
    (2.0, 'good')
    """
    return summarize(counts_from_tags(tags), global_ratings)


def _validate_counts(counts: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(counts, Mapping):
        raise InvalidResponse("counts", counts, "a mapping of behaviour code to count")
    clean = dict.fromkeys(BEHAVIOUR_CODES, 0)
    for code, value in counts.items():
        if code not in clean:
            raise InvalidResponse(
                code, value, _known_names_hint(code, BEHAVIOUR_CODES, "MITI 4.2.1 behaviour codes")
            )
        number = _whole_number(value)
        if number is None or not 0 <= number <= MAX_COUNT:
            raise InvalidResponse(code, value, f"a whole number from 0 to {MAX_COUNT:,}")
        clean[code] = number
    return clean


def _validate_globals(ratings: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(ratings, Mapping):
        raise InvalidResponse("global_ratings", ratings, "a mapping of global code to rating")
    clean: dict[str, int] = {}
    for code, value in ratings.items():
        if code not in GLOBAL_CODES:
            raise InvalidResponse(
                code, value, _known_names_hint(code, GLOBAL_CODES, "MITI 4.2.1 global ratings")
            )
        number = _whole_number(value)
        if number is None or not 1 <= number <= 5:
            raise InvalidResponse(code, value, "a whole number from 1 to 5")
        clean[code] = number
    return {code: clean[code] for code in GLOBAL_CODES if code in clean}


def _whole_number(value: object) -> int | None:
    """``value`` as an int if it is a whole number (bools and text are not), else None.

    Never raises: a signalling NaN, a number too large for a float or an object whose
    arithmetic fails is simply not a whole number.

    >>> _whole_number(3.0), _whole_number(2.5), _whole_number(True), _whole_number("3")
    (3, None, None, None)
    """
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real) and math.isfinite(value) and float(value).is_integer():
            return int(value)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return None


def _known_names_hint(name: object, known: Iterable[str], kind: str) -> str:
    known = list(known)
    hint = f"only the {kind} " + ", ".join(known)
    close = difflib.get_close_matches(str(name), known, n=1) if isinstance(name, str) else []
    return f"{hint}; did you mean {close[0]!r}?" if close else hint


def _band(name: str, value: Fraction) -> str:
    fair, good = THRESHOLDS[name]
    if value >= good:
        return BANDS[2]
    if value >= fair:
        return BANDS[1]
    return BANDS[0]


def _banded(name: str, value: Fraction) -> Summary:
    return Summary(name, _LABELS[name], float(value), _band(name, value))


def _not_worked_out(name: str, note: str) -> Summary:
    return Summary(name, _LABELS[name], None, None, note)


def _global_summary(name: str, ratings: Mapping[str, int]) -> Summary:
    first, second = _GLOBAL_PARTS[name]
    missing = [code for code in (first, second) if code not in ratings]
    if missing:
        needed = " and ".join(f"the {code} rating" for code in missing)
        verb = "was" if len(missing) == 1 else "were"
        return _not_worked_out(name, f"This needs {needed} (1-5), which {verb} not given.")
    return _banded(name, Fraction(ratings[first] + ratings[second], 2))


def _count_summary(name: str, total: int) -> Summary:
    return Summary(name, _LABELS[name], total, None, _NO_THRESHOLD_NOTE)


def _format_number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")
