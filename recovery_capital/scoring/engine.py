"""Score one respondent (:func:`score`) or a whole DataFrame (:func:`score_frame`).

Both run the same rules from the instrument's YAML definition: published skip logic, reverse
keying ``(lowest + highest) - x``, sum / mean / formula scales, the missing-data rule, bands
(ranges, nearest mean, deciles, highest scale) and flags. The frame path is vectorised with
numpy: it loops over items and rules, never over rows.

>>> import recovery_capital as rc
>>> res = rc.score("urica", [3] * 32)
>>> res.scales["readiness"], res.band
(6.0, 'Precontemplation')
>>> df = rc.read_dataset("barc10_example")
>>> rc.score_frame("barc10", df)[["person", "total", "band"]].head(3)
  person  total                                               band
0   P001   47.0    At or above the remission-associated score (47+)
1   P002   28.0  Below the remission-associated score (under 47)
2   P003   55.0    At or above the remission-associated score (47+)
"""

from __future__ import annotations

import ast
import numbers
import operator
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..core.errors import InvalidResponse, shown
from .definitions import (
    DecileBand,
    HighestBand,
    Instrument,
    NearestBand,
    RangeBand,
    load_instrument,
    normalise_text,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["INVALID", "ScoreResult", "parse_answer", "score", "score_frame"]

_OPS = {">=": operator.ge, ">": operator.gt, "==": operator.eq, "<=": operator.le, "<": operator.lt}
_DIGITS = 9  # rounding before comparisons, so 11.8 is exactly between 11.0 and 12.6
_MAX_LISTED_PROBLEMS = 50
_ITEM_LIKE = re.compile(r"q[0-9]+")


@dataclass(frozen=True)
class ScoreResult:
    """The scores of one respondent.

    ``scales`` maps scale id to its value (``None`` when it cannot be computed); ``band`` is the
    primary interpretation label; ``bands`` holds every label (keyed like :func:`score_frame`'s
    columns), ``deciles`` any decile norms, ``flags`` any raised flags; ``missing`` the
    unanswered items; ``warnings`` everything a reader should know (provisional rules,
    missing answers, context needed).
    """

    instrument: str
    version: str
    status: str
    scales: dict[str, float | None]
    band: str | None
    band_description: str | None
    bands: dict[str, str | None] = field(default_factory=dict)
    deciles: dict[str, int | None] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    answers: dict[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (what the store keeps).

        >>> import recovery_capital as rc
        >>> rc.score("dast10", ["no"] * 10).to_dict()["scales"]
        {'total': 1.0}
        """
        return asdict(self)


# --------------------------------------------------------------------------- shared engine


@dataclass
class _Computed:
    scales: dict[str, np.ndarray]
    labels: dict[str, tuple[np.ndarray, list[str]]]  # column -> (codes, categories); -1 = none
    deciles: dict[str, np.ndarray]  # scale -> float array (NaN = none)
    flags: dict[str, np.ndarray]
    undecided_context: dict[str, np.ndarray]  # band id -> rows that needed context
    skipped: np.ndarray  # rows x items filled by a skip rule
    fired: list[np.ndarray]  # per skip rule: the rows it filled


def _eval_formula(formula: str, values: Mapping[str, np.ndarray]) -> np.ndarray:
    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.BinOp):
            left, right = walk(node.left), walk(node.right)
            return {
                ast.Add: np.add,
                ast.Sub: np.subtract,
                ast.Mult: np.multiply,
                ast.Div: np.divide,
            }[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp):
            operand = walk(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.Name):
            return values[node.id]
        if isinstance(node, ast.Constant):
            return float(node.value)
        raise ValueError(f"unsupported formula {formula!r}")  # the loader already refused it

    return np.asarray(walk(ast.parse(formula, mode="eval")), dtype=float)


def _range_codes(ranges: Sequence[Any], values: np.ndarray, categories: list[str]) -> np.ndarray:
    """Category code of the range each value falls in (lower bounds inclusive), else -1."""
    ordered = sorted(ranges, key=lambda r: r.min)
    mins = np.array([r.min for r in ordered])
    codes = np.array([categories.index(r.label) for r in ordered], dtype=np.int8)
    top = max(r.max for r in ordered)
    if len(mins) <= 8:  # a few comparisons beat a binary search over a million values
        position = np.zeros(len(values), dtype=np.int8)
        for bound in mins[1:]:
            position += values >= bound
        inside = (values >= mins[0]) & (values <= top)  # NaN fails both
    else:
        # NaN sorts after every bound and fails "<= top"; position -1 (below the lowest)
        # is masked below, so indexing with it is harmless
        position = np.searchsorted(mins, values, side="right") - 1
        inside = (values <= top) & (position >= 0)
    return np.where(inside, codes[position], np.int8(-1))


def _range_categories(band: RangeBand) -> list[str]:
    ranges = band.ranges or [r for rs in (band.by_context or {}).values() for r in rs]
    return list(dict.fromkeys(r.label for r in sorted(ranges, key=lambda r: r.min)))


def _pick(scores: np.ndarray, tie: Literal["earlier", "later"], *, lowest: bool) -> np.ndarray:
    """Column of the best score per row; ties resolved towards ``tie``."""
    rounded = np.round(scores, _DIGITS)
    if tie == "later":
        rounded = rounded[:, ::-1]
    best = np.argmin(rounded, axis=1) if lowest else np.argmax(rounded, axis=1)
    return scores.shape[1] - 1 - best if tie == "later" else best


def _compute(inst: Instrument, raw: np.ndarray, context: Mapping[str, np.ndarray]) -> _Computed:
    """Score a (rows x items) array of answer values, NaN meaning unanswered.

    Labels come back as category codes, so a million rows never build a million strings.
    """
    n_rows = raw.shape[0]
    column = {item_id: index for index, item_id in enumerate(inst.item_ids)}
    unanswered = np.isnan(raw).any(axis=0)  # per item: is any row unanswered?
    skip_rules = inst.missing.skip if unanswered.any() else ()
    answered = raw.copy(order="F") if skip_rules else raw
    skipped = np.zeros(raw.shape, dtype=bool)
    fired: list[np.ndarray] = [np.zeros(n_rows, dtype=bool) for _ in inst.missing.skip]
    for rule_index, rule in enumerate(skip_rules):
        # a sum with an unanswered item is NaN, so a rule applies only when all are answered
        deciding = answered[:, [column[item_id] for item_id in rule.condition_items]]
        applies = deciding.sum(axis=1) == rule.equals
        filled = np.zeros(n_rows, dtype=bool)
        for item_id in rule.items:
            col = column[item_id]
            fill = applies & np.isnan(answered[:, col])
            answered[fill, col] = rule.value
            skipped[:, col] |= fill
            filled |= fill
        fired[rule_index] = filled
    if skip_rules:
        unanswered = np.isnan(answered).any(axis=0)
    reverse = {
        column[item.id]: min(item.allowed_values) + max(item.allowed_values)
        for item in inst.items
        if item.reverse
    }

    def keyed(col: int) -> np.ndarray:
        """One item's column after reverse keying, (lowest + highest) - x."""
        return reverse[col] - answered[:, col] if col in reverse else answered[:, col]

    integral = all(float(v).is_integer() for item in inst.items for v in item.allowed_values)
    scales: dict[str, np.ndarray] = {}
    allowed_missing = inst.missing.max_missing if inst.missing.rule == "prorate" else 0
    for scale in inst.scales:
        exact = False  # a sum of whole numbers needs no rounding
        if scale.method == "formula":
            value = _eval_formula(scale.formula or "", scales)
        elif not unanswered[[column[item_id] for item_id in scale.items]].any():
            # every row answered every item: add the columns one by one, no block copy
            columns = [column[item_id] for item_id in scale.items]
            value = keyed(columns[0]).copy()
            for col in columns[1:]:
                value += keyed(col)
            if scale.method == "mean":
                value /= len(columns)
            exact = integral and scale.method == "sum"
        else:
            columns = [column[item_id] for item_id in scale.items]
            block = np.column_stack([keyed(col) for col in columns])
            size = len(columns)
            absent = np.isnan(block)
            if absent.any():
                count = size - np.count_nonzero(absent, axis=1)
                total = np.nansum(block, axis=1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = total / count
                usable = (count > 0) & (size - count <= allowed_missing)
                value = (
                    np.where(count == size, total, mean * size) if scale.method == "sum" else mean
                )
                value = np.where(usable, value, np.nan)
            else:
                value = block.sum(axis=1)
                if scale.method == "mean":
                    value /= size
        scales[scale.id] = value if exact else np.round(value, 10)

    labels: dict[str, tuple[np.ndarray, list[str]]] = {}
    deciles: dict[str, np.ndarray] = {}
    undecided: dict[str, np.ndarray] = {}
    for band in inst.bands:
        key = "band" if band.primary else band.id
        if isinstance(band, RangeBand):
            values = scales[band.scale]
            categories = _range_categories(band)
            if band.context and band.by_context:
                per_value = {
                    name: _range_codes(ranges, values, categories)
                    for name, ranges in band.by_context.items()
                }
                given = context.get(band.context, np.full(n_rows, None, dtype=object))
                first = next(iter(per_value.values()))
                # without the attribute, a label stands only where every value gives the same one
                agree = np.logical_and.reduce([codes == first for codes in per_value.values()])
                no_context = np.equal(given, None)
                codes = np.where(no_context & agree, first, -1)
                for name, value_codes in per_value.items():
                    codes = np.where(given == name, value_codes, codes)
                undecided[band.id] = no_context & ~agree & ~np.isnan(values)
            else:
                codes = _range_codes(band.ranges, values, categories)
            labels[key] = (codes, categories)
        elif isinstance(band, NearestBand):
            values = scales[band.scale]
            targets = np.array([t.value for t in band.targets])
            distance = np.abs(values[:, None] - targets[None, :])
            best = _pick(np.nan_to_num(distance, nan=np.inf), band.tie, lowest=True)
            labels[key] = (np.where(np.isnan(values), -1, best), [t.label for t in band.targets])
        elif isinstance(band, HighestBand):
            block = np.column_stack([scales[s] for s in band.scales])
            ok = ~np.isnan(block).any(axis=1)
            best = _pick(np.nan_to_num(block, nan=-np.inf), band.tie, lowest=False)
            names = [(band.labels or {}).get(s, s) for s in band.scales]
            labels[key] = (np.where(ok, best, -1), names)
        elif isinstance(band, DecileBand):
            categories = list(dict.fromkeys(band.labels[d] for d in sorted(band.labels)))
            for scale_id, table in band.deciles.items():
                values = scales[scale_id]
                found = np.full(n_rows, np.nan)
                codes = np.full(n_rows, -1)
                for decile, (low, high) in table.items():
                    rows = (values >= low) & (values <= high)
                    found[rows] = decile
                    codes[rows] = categories.index(band.labels[decile])
                deciles[scale_id] = found
                labels[f"{scale_id}_band"] = (codes, categories)

    flags: dict[str, np.ndarray] = {}
    for flag in inst.flags:
        raised = np.zeros(n_rows, dtype=bool)
        for condition in flag.any:
            block = answered[:, [column[item_id] for item_id in condition.items]]
            with np.errstate(invalid="ignore"):
                raised |= _OPS[condition.op](block, condition.value).any(axis=1)
        flags[flag.id] = raised
    return _Computed(scales, labels, deciles, flags, undecided, skipped, fired)


def _band_description(
    inst: Instrument, label: str | None, context: Mapping[str, str | None]
) -> str | None:
    """Plain-words meaning of the primary band label for one respondent."""
    band = inst.primary_band
    if label is None or band is None:
        return None
    if isinstance(band, RangeBand):
        if band.context and band.by_context:
            given = context.get(band.context)
            choices = band.by_context[given] if given else None
            if choices is None:  # the label holds for every value; so must the words
                found = {
                    r.description for rs in band.by_context.values() for r in rs if r.label == label
                }
                return found.pop() if len(found) == 1 else None
        else:
            choices = band.ranges
        return next((r.description for r in choices if r.label == label), None)
    if isinstance(band, NearestBand):
        return next((t.description for t in band.targets if t.label == label), None)
    return None


def _context_message(inst: Instrument, band_id: str) -> str:
    band = next(b for b in inst.bands if b.id == band_id)
    assert isinstance(band, RangeBand) and band.context
    field_ = inst.context[band.context]
    return (
        f"The {band.id} result for this score depends on {band.context} "
        f"({field_.description.rstrip('.')}): give it as context, e.g. "
        f"context={{'{band.context}': '{next(iter(field_.values))}'}}."
    )


_INVALID = object()  # the parser's verdict for an answer the item does not allow
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def _is_missing(value: object) -> bool:
    """Unanswered: None, NaN (float, NumPy or Decimal), pandas' NA and NaT, NumPy's NaT."""
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return bool(value != value)
    if isinstance(value, Decimal):
        return value.is_nan()
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    kind = type(value)
    return kind.__name__ in ("NAType", "NaTType") and kind.__module__.startswith("pandas")


def _as_text(value: object) -> str | None:
    """Text for a str or UTF-8 bytes answer; None for anything else (or bytes not UTF-8)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def parse_answer(
    lookup: Mapping[str, float], allowed: frozenset[float], value: object
) -> float | None | object:
    """The one answer parser that :func:`score` and :func:`score_frame` share.

    Returns the scored value, ``None`` for unanswered (None, NaN, NA, blank text) or the
    marker ``INVALID``; it never raises. Accepted: a number equal to an allowed value (int,
    float, NumPy, Decimal, Fraction; not True or False), or text (or UTF-8 bytes) that is an
    option label or a plain decimal number, compared after
    :func:`~recovery_capital.scoring.definitions.normalise_text` (so "５" and " agree " are read,
    "1_0", "5e0" and "nan" are not).

    >>> inst = load_instrument("barc10")
    >>> lookup, allowed = inst.answer_lookup["q1"], inst.allowed_sets["q1"]
    >>> [parse_answer(lookup, allowed, v) for v in (5, " Agree ", b"5", "\\uff15", "")]
    [5.0, 5.0, 5.0, 5.0, None]
    >>> [parse_answer(lookup, allowed, v) is INVALID for v in (10**400, True, "1_0", b"\\x88")]
    [True, True, True, True]
    """
    if _is_missing(value):
        return None
    text = _as_text(value)
    if text is not None:
        spelled = normalise_text(text)
        if spelled == "":
            return None
        found = lookup.get(spelled)
        if found is not None:
            return found
        if _NUMBER_TEXT.fullmatch(spelled):
            number = float(spelled)
            return number if number in allowed else _INVALID
        return _INVALID
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, Decimal)):
        return _INVALID
    try:
        number = float(value)  # type: ignore[arg-type]
        exact = bool(number == value)  # Decimal("5.00000000000000000001") is not 5
    except (ArithmeticError, ValueError, TypeError):  # 10**400, a signalling NaN
        return _INVALID
    return number if exact and number in allowed else _INVALID


INVALID = _INVALID


def _context_value(inst: Instrument, name: str, value: object) -> str | None | object:
    """A context attribute's canonical value, None when not given, or ``INVALID``."""
    if _is_missing(value):
        return None
    text = _as_text(value)
    if text is None:
        return _INVALID
    spelled = normalise_text(text)
    if spelled == "":
        return None
    for canonical, spellings in inst.context[name].values.items():
        if spelled == canonical or spelled in spellings:
            return canonical
    return _INVALID


def _normalise_context(inst: Instrument, name: str, value: object) -> str | None:
    found = _context_value(inst, name, value)
    if found is _INVALID:
        choices = ", ".join(inst.context[name].values)
        raise InvalidResponse(name, value, f"{choices} (or leave it out)")
    return found  # type: ignore[return-value]


# --------------------------------------------------------------------------- one respondent


def _pandas_type(name: str) -> Any:
    """A pandas class if pandas is already imported (scoring one person never imports it)."""
    module = sys.modules.get("pandas")
    return getattr(module, name, None) if module is not None else None


def _answers_dict(inst: Instrument, answers: object) -> dict[str, object]:
    expected = f"exactly {len(inst.items)}, one per item in published order"
    series = _pandas_type("Series")
    if series is not None and isinstance(answers, series):
        labels = list(answers.index)
        if any(isinstance(label, str) and label in inst.item_ids for label in labels):
            given: dict[str, object] = {}
            for label, value in zip(labels, answers.to_numpy(dtype=object)):
                if isinstance(label, str) and label in inst.item_ids:
                    if label in given:
                        raise InvalidResponse(
                            label, "(given more than once)", "one answer per item"
                        )
                    given[label] = value
                elif isinstance(label, str) and _ITEM_LIKE.fullmatch(label):
                    raise InvalidResponse(
                        label, value, f"item ids {inst.item_ids[0]}..{inst.item_ids[-1]}"
                    )
            return given  # other labels (an id, a date) are left out, as score_frame does
        answers = list(answers.to_numpy(dtype=object))
    if isinstance(answers, np.ndarray):
        if answers.ndim != 1:
            raise InvalidResponse(
                "answers",
                f"an array of shape {answers.shape}",
                f"a one-dimensional array of {expected}",
            )
        answers = list(answers)
    if isinstance(answers, Mapping):
        for key, value in answers.items():
            if not isinstance(key, str) or key not in inst.item_ids:
                raise InvalidResponse(
                    str(key), value, f"item ids {inst.item_ids[0]}..{inst.item_ids[-1]}"
                )
        return dict(answers)
    if isinstance(answers, (str, bytes, bytearray)) or not isinstance(answers, Sequence):
        raise InvalidResponse(
            "answers",
            f"a {type(answers).__name__}",
            "a mapping of item id to answer, or a list in item order",
        )
    if len(answers) != len(inst.items):
        raise InvalidResponse("answers", f"{len(answers)} answers", expected)
    return dict(zip(inst.item_ids, answers))


def score(
    instrument: str | Instrument,
    answers: Mapping[str, object] | Sequence[object],
    *,
    context: Mapping[str, object] | None = None,
) -> ScoreResult:
    """Score one respondent.

    Parameters
    ----------
    instrument
        An instrument id (see :func:`recovery_capital.list_instruments`) or a loaded definition.
    answers
        ``{"q1": 5, "q2": "Agree", ...}`` (numbers or option labels; ``None`` or ``""`` for
        unanswered), a list or one-dimensional NumPy array in published item order, or a
        pandas row (``df.iloc[0]``: its item columns are read, other columns left out).
    context
        Respondent attributes some rules need, e.g. ``{"sex": "female"}`` for AUDIT-C.

    Returns
    -------
    ScoreResult
        Scales, band, flags, missing items and warnings.

    Raises
    ------
    InvalidResponse
        For an answer the item does not allow, naming the item, the value and what is allowed,
        and for answers or context that are not a mapping or list. Nothing else is raised for
        any answers (an unknown id raises :class:`~recovery_capital.UnknownInstrument`).

    Examples
    --------
    >>> import recovery_capital as rc
    >>> rc.score("barc10", [6] * 10).scales
    {'total': 60.0}
    >>> res = rc.score("audit_c", {"q1": 2, "q2": 1, "q3": 0})
    >>> res.scales["total"], res.band
    (3.0, None)
    >>> rc.score("audit_c", {"q1": 2, "q2": 1, "q3": 0}, context={"sex": "female"}).band
    'Positive screen'
    >>> rc.score("barc10", {"q1": 7})
    Traceback (most recent call last):
    ...
    recovery_capital.core.errors.InvalidResponse: q1: 7 is not allowed (allowed: 1 ('Strongly ...
    """
    inst = load_instrument(instrument)
    given = _answers_dict(inst, answers)
    parsed: dict[str, float | None] = {}
    lookup, allowed = inst.answer_lookup, inst.allowed_sets
    for item_id in inst.item_ids:
        value = given.get(item_id)
        found = parse_answer(lookup[item_id], allowed[item_id], value)
        if found is _INVALID:
            raise InvalidResponse(item_id, value, inst.describe_allowed(item_id))
        parsed[item_id] = found  # type: ignore[assignment]
    raw = np.array([[np.nan if v is None else v for v in parsed.values()]], dtype=float)
    if context is not None and not isinstance(context, Mapping):
        raise InvalidResponse(
            "context", f"a {type(context).__name__}", "a mapping such as {'sex': 'female'}"
        )
    context_values = {
        name: np.array([_normalise_context(inst, name, (context or {}).get(name))], dtype=object)
        for name in inst.context
    }
    computed = _compute(inst, raw, context_values)

    skipped = {inst.item_ids[i] for i in np.flatnonzero(computed.skipped[0])}
    missing = [item_id for item_id, v in parsed.items() if v is None and item_id not in skipped]
    warnings: list[str] = []
    if inst.provisional_warning:
        warnings.append(inst.provisional_warning)
    for rule, rows in zip(inst.missing.skip, computed.fired):
        if rows[0]:
            counted = [item_id for item_id in rule.items if item_id in skipped]
            warnings.append(rule.note or f"{', '.join(counted)} counted as {rule.value:g}.")
    if missing:
        warnings.append(f"Not answered: {', '.join(missing)}.")
    scales = {key: (None if np.isnan(v[0]) else float(v[0])) for key, v in computed.scales.items()}
    not_computed = [scale.label for scale in inst.scales if scales[scale.id] is None]
    if not_computed and missing:
        warnings.append(f"{', '.join(not_computed)} not computed: {_missing_reason(inst)}")
    for band_id, rows in computed.undecided_context.items():
        if rows[0]:
            warnings.append(_context_message(inst, band_id))
    labels = {
        key: (categories[codes[0]] if codes[0] >= 0 else None)
        for key, (codes, categories) in computed.labels.items()
    }
    return ScoreResult(
        instrument=inst.id,
        version=inst.version,
        status=inst.status,
        scales=scales,
        band=labels.get("band"),
        band_description=_band_description(
            inst, labels.get("band"), {k: v[0] for k, v in context_values.items()}
        ),
        bands=labels,
        deciles={k: (None if np.isnan(v[0]) else int(v[0])) for k, v in computed.deciles.items()},
        flags={k: bool(v[0]) for k, v in computed.flags.items()},
        missing=missing,
        warnings=warnings,
        answers=parsed,
    )


def _missing_reason(inst: Instrument) -> str:
    if inst.missing.rule == "prorate":
        return (
            f"more than {inst.missing.max_missing} of its items are unanswered "
            "(up to that many are prorated)."
        )
    if inst.missing.note:  # the definition's own words for its rule
        return inst.missing.note
    return "some of its items are unanswered and no rule for missing answers is published."


# --------------------------------------------------------------------------- many respondents


_SAME_TYPE_KINDS = frozenset(
    {"string", "empty", "integer", "floating", "mixed-integer-float", "boolean", "bytes"}
)
_NO_MASK = np.zeros(0, dtype=bool)
_FEW_OBJECTS = 256


def _object_addresses(objects: np.ndarray) -> np.ndarray:
    """The object references of a contiguous object array, as integers (a view, no copy).

    Identical answers read from a CSV or built by a program are usually one shared string
    object, so grouping by reference finds the distinct objects of a million-row column in a
    few milliseconds. Only the reference values are read; no object is reached through them,
    and ``objects`` holds every object alive while the numbers are used.
    """
    import ctypes

    pointer = ctypes.cast(objects.ctypes.data, ctypes.POINTER(ctypes.c_ssize_t))
    return np.ctypeslib.as_array(pointer, shape=(len(objects),))


def _distinct_values(values: np.ndarray) -> tuple[np.ndarray, list[object]]:
    """Codes and distinct values of an object array, equal values sharing a code.

    ``pd.factorize`` would merge ``True`` with ``1`` (equal in Python), so an array mixing
    kinds of value, or holding values that cannot be hashed, is walked value by value instead,
    with each value's type in its key.
    """
    import pandas as pd

    if pd.api.types.infer_dtype(values, skipna=True) in _SAME_TYPE_KINDS:
        try:
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
            return np.asarray(codes), list(uniques)
        except Exception:  # noqa: BLE001 - e.g. a signalling NaN cannot be hashed
            pass
    seen: dict[tuple[type, object], int] = {}
    distinct: list[object] = []
    codes = np.empty(len(values), dtype=np.intp)
    for row, value in enumerate(values):
        try:
            key = (type(value), value)
            code = seen.get(key)
            if code is None:
                code = seen[key] = len(distinct)
                distinct.append(value)
        except Exception:  # noqa: BLE001 - unhashable (a list), a signalling NaN: its own entry
            code = len(distinct)
            distinct.append(value)
        codes[row] = code
    return codes, distinct


def _map_distinct(
    column: pd.Series, parse: Callable[[object], object]
) -> tuple[np.ndarray, list[object]]:
    """``parse`` applied once per distinct value: (a code per row, parsed value per code)."""
    import pandas as pd

    if column.dtype == object or isinstance(column.array, pd.arrays.StringArray):
        objects = np.ascontiguousarray(column.to_numpy(dtype=object))
        by_object, addresses = pd.factorize(_object_addresses(objects))
        if len(addresses) > len(objects) // 2:  # hardly any sharing: group by value at once
            codes, distinct = _distinct_values(objects)
            return codes, [parse(value) for value in distinct]
        first = np.empty(len(addresses), dtype=np.intp)  # a row holding each object
        first[by_object[::-1]] = np.arange(len(objects) - 1, -1, -1)
        codes, distinct = _distinct_values(objects[first])
        parsed = [parse(value) for value in distinct]
        if len(codes) <= _FEW_OBJECTS:  # the usual case: a few shared strings
            return by_object, [parsed[code] for code in codes]
        return codes[by_object], parsed  # many objects holding few values: one gather
    codes, uniques = pd.factorize(column.array, use_na_sentinel=False)
    return np.asarray(codes), [parse(value) for value in uniques]


def _allowed_check(allowed: frozenset[float], values: np.ndarray) -> np.ndarray:
    """Which values are allowed: a range test for whole-number options in a run, else isin."""
    ordered = sorted(allowed)
    low, high = ordered[0], ordered[-1]
    run = all(float(v).is_integer() for v in ordered) and len(ordered) == high - low + 1
    if run and values.dtype.kind in "iu":
        if len(values) and low <= values.min() and values.max() <= high:
            return np.ones(len(values), dtype=bool)  # two reductions instead of two masks
        return (values >= low) & (values <= high)
    if run:
        return (values >= low) & (values <= high) & (np.floor(values) == values)
    return np.isin(values, np.array(ordered))


def _parse_column(
    inst: Instrument, item_id: str, column: pd.Series, out: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Write one item column's values into ``out`` (NaN: unanswered or not allowed); return
    the masks of unanswered and of not-allowed cells (empty when there are none).

    Number columns are checked with NumPy; anything else (labels, text, mixed objects) goes
    through :func:`parse_answer` once per distinct value.
    """
    import pandas as pd

    allowed = inst.allowed_sets[item_id]
    dtype = column.dtype
    if (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
        and not pd.api.types.is_complex_dtype(dtype)
    ):
        data = (
            column.to_numpy()
            if isinstance(dtype, np.dtype)
            else column.to_numpy(dtype=float, na_value=np.nan)
        )
        ok = _allowed_check(allowed, data)
        out[:] = data
        if ok.all():
            return _NO_MASK, _NO_MASK
        missing = np.isnan(out) if data.dtype.kind == "f" else np.zeros(len(out), dtype=bool)
        invalid = ~ok & ~missing
        out[invalid] = np.nan
        return (missing if missing.any() else _NO_MASK), (invalid if invalid.any() else _NO_MASK)
    if len(column) == 0:
        return _NO_MASK, _NO_MASK
    lookup = inst.answer_lookup[item_id]
    codes, parsed = _map_distinct(column, lambda value: parse_answer(lookup, allowed, value))
    per_code = np.array([np.nan if v is None or v is _INVALID else v for v in parsed], dtype=float)
    np.take(per_code, codes, out=out)
    missing_code = np.array([v is None for v in parsed], dtype=bool)
    invalid_code = np.array([v is _INVALID for v in parsed], dtype=bool)
    return (
        missing_code[codes] if missing_code.any() else _NO_MASK,
        invalid_code[codes] if invalid_code.any() else _NO_MASK,
    )


class _Notes:
    """The warnings of every row, kept as codes into a short list of texts: a million rows
    with the same few notes never build a million strings."""

    def __init__(self, n_rows: int) -> None:
        self.codes = np.zeros(n_rows, dtype=np.int32)
        self.texts: list[str] = [""]
        self._known: dict[str, int] = {"": 0}

    def _code(self, text: str) -> int:
        code = self._known.get(text)
        if code is None:
            code = self._known[text] = len(self.texts)
            self.texts.append(text)
        return code

    def add_patterns(self, ids: np.ndarray, mask: np.ndarray, prefix: str) -> None:
        """One note per row listing its flagged item ids (built once per distinct pattern)."""
        rows = np.flatnonzero(mask.any(axis=1))
        if rows.size:
            patterns, inverse = np.unique(mask[rows], axis=0, return_inverse=True)
            codes = np.array(
                [self._code(f"{prefix}{', '.join(ids[p])}.") for p in patterns], dtype=np.int32
            )
            self.codes[rows] = codes[inverse.ravel()]

    def append(self, rows: np.ndarray, message: str) -> None:
        """Add ``message`` to the note of every row in ``rows`` (a boolean mask)."""
        old = np.unique(self.codes[rows])
        remap = np.arange(len(self.texts), dtype=np.int32)
        for code in old:
            remap[code] = self._code(f"{self.texts[code]} {message}".strip())
        self.codes[rows] = remap[self.codes[rows]]

    def append_row(self, row: int, message: str) -> None:
        self.codes[row] = self._code(f"{self.texts[self.codes[row]]} {message}".strip())

    def column(self) -> pd.Categorical:
        import pandas as pd

        return pd.Categorical.from_codes(self.codes, categories=self.texts)


def score_frame(
    instrument: str | Instrument,
    frame: pd.DataFrame,
    *,
    errors: Literal["raise", "coerce"] = "raise",
    context: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Score every row of ``frame`` (one respondent per row, item columns ``q1..qN``).

    Parameters
    ----------
    instrument
        An instrument id or a loaded definition.
    frame
        One row per respondent. Item columns hold numbers or option labels; blank or NaN is
        unanswered. Other columns are kept in the result, in front of the scores.
    errors
        ``"raise"`` (default): any answer the item does not allow raises
        :class:`~recovery_capital.InvalidResponse` naming the row, item and value (``problems``
        lists every bad cell). ``"coerce"``: bad answers become unanswered and the row's
        ``warnings`` says so.
    context
        For instruments whose bands need a respondent attribute (AUDIT-C: ``sex``): maps the
        attribute to a column name or to one value for every row. By default a column named
        like the attribute is used when present.

    Returns
    -------
    pandas.DataFrame
        The non-item columns, one float column per scale, ``band`` (primary label), any other
        labels (``<band>`` or ``<scale>_band`` and ``<scale>_decile``), one bool column per flag,
        ``missing`` (count of unanswered items) and ``warnings`` (text, ``""`` when none; a
        categorical column, since a million rows share a handful of notes). Instrument-wide
        warnings (provisional rules) are in ``result.attrs["warnings"]``.

    Raises
    ------
    InvalidResponse
        With ``errors="raise"``, for any answer an item does not allow (``problems`` lists up to
        50 bad cells as ``(row, item, value)``), and for a frame without the item columns or
        with an item column twice. Nothing else is raised for any frame; with
        ``errors="coerce"`` a frame with its item columns never raises.

    Notes
    -----
    Vectorised with NumPy: the work grows with the number of items and rules, not with a Python
    loop over rows. Numbers are checked column by column; labels and other text are read by
    :func:`parse_answer` once per distinct value, so results equal :func:`score` row by row.

    Examples
    --------
    >>> import recovery_capital as rc
    >>> df = rc.read_dataset("urica_example")
    >>> out = rc.score_frame("urica", df)
    >>> out[["person", "readiness", "band"]].round(2).iloc[[0, 4, 6]]
      person  readiness                    band
    0   U001       6.00        Precontemplation
    4   U005      10.57           Contemplation
    6   U007      12.29  Action (participation)
    """
    import pandas as pd

    inst = load_instrument(instrument)
    if not isinstance(errors, str) or errors not in ("raise", "coerce"):
        raise InvalidResponse("errors", errors, "'raise' or 'coerce'")
    if not isinstance(frame, pd.DataFrame):
        raise InvalidResponse(
            "frame", f"a {type(frame).__name__}", "a pandas DataFrame with one row per respondent"
        )
    if context is not None and not isinstance(context, Mapping):
        raise InvalidResponse(
            "context",
            f"a {type(context).__name__}",
            "a mapping such as {'sex': 'gender'} (attribute to column)",
        )
    columns = list(frame.columns)
    absent = [item_id for item_id in inst.item_ids if item_id not in columns]
    if absent:
        raise InvalidResponse(
            absent[0],
            "(no such column)",
            f"one column per item, {inst.item_ids[0]}..{inst.item_ids[-1]}; "
            f"missing: {', '.join(absent)}",
        )
    repeated = [item_id for item_id in inst.item_ids if columns.count(item_id) > 1]
    if repeated:
        raise InvalidResponse(
            repeated[0],
            f"(a column heading used {columns.count(repeated[0])} times)",
            f"one column per item; repeated: {', '.join(repeated)}",
        )
    n_rows = len(frame)
    raw = np.empty((n_rows, len(inst.items)), order="F")  # column-major: items are read whole
    missing = np.zeros(raw.shape, dtype=bool, order="F")
    invalid = np.zeros(raw.shape, dtype=bool, order="F")
    any_missing = any_invalid = False
    for index, item_id in enumerate(inst.item_ids):
        missing_cells, invalid_cells = _parse_column(inst, item_id, frame[item_id], raw[:, index])
        if missing_cells.size:
            missing[:, index], any_missing = missing_cells, True
        if invalid_cells.size:
            invalid[:, index], any_invalid = invalid_cells, True
    ids = np.array(inst.item_ids)
    if any_invalid and errors == "raise":
        rows, cols = np.nonzero(invalid)
        problems = [
            (frame.index[r], ids[c], frame.iat[r, frame.columns.get_loc(ids[c])])
            for r, c in zip(rows[:_MAX_LISTED_PROBLEMS], cols[:_MAX_LISTED_PROBLEMS])
        ]
        row, item_id, value = problems[0]
        raise InvalidResponse(
            item_id, value, inst.describe_allowed(item_id), row=row, problems=problems
        )

    context_values: dict[str, np.ndarray] = {}
    for name in inst.context:
        source = (context or {}).get(name, name)
        if isinstance(source, str) and columns.count(source) == 1:
            canonical = np.full(n_rows, None, dtype=object)
            unknown = np.zeros(n_rows, dtype=bool)
            if n_rows:
                codes, found = _map_distinct(
                    frame[source], lambda value, name=name: _context_value(inst, name, value)
                )
                unknown = np.array([v is _INVALID for v in found], dtype=bool)[codes]
                canonical = np.array([None if v is _INVALID else v for v in found], dtype=object)[
                    codes
                ]
            if unknown.any() and errors == "raise":
                first = unknown.nonzero()[0][0]
                raise InvalidResponse(
                    name,
                    frame[source].iloc[first],
                    f"{', '.join(inst.context[name].values)} or blank",
                    row=frame.index[first],
                )
            context_values[name] = canonical
        elif (context or {}).get(name) is not None:
            context_values[name] = np.full(
                n_rows, _normalise_context(inst, name, source), dtype=object
            )
        else:
            context_values[name] = np.full(n_rows, None, dtype=object)

    computed = _compute(inst, raw, context_values)

    notes = _Notes(n_rows)
    if any_missing:
        notes.add_patterns(ids, missing & ~computed.skipped, "Not answered: ")
    if any_invalid:
        rows, cols = np.nonzero(invalid)
        for r, c in zip(rows, cols):  # only the bad cells, which coerce turned into blanks
            value = frame.iat[r, frame.columns.get_loc(ids[c])]
            notes.append_row(r, f"{ids[c]}: {shown(value)} is not allowed; treated as unanswered.")
    for band_id, rows in computed.undecided_context.items():
        if rows.any():
            notes.append(rows, _context_message(inst, band_id))

    out: dict[str, Any] = {key: values for key, values in computed.scales.items()}
    for key, (codes, categories) in computed.labels.items():
        out[key] = pd.Categorical.from_codes(codes, categories=categories)
    for key, values in computed.deciles.items():
        out[f"{key}_decile"] = pd.array(np.where(np.isnan(values), None, values), dtype="Int64")
    out.update(computed.flags)
    if any_missing or any_invalid:
        out["missing"] = ((missing | invalid) & ~computed.skipped).sum(axis=1)
    else:
        out["missing"] = np.zeros(n_rows, dtype=np.int64)
    out["warnings"] = notes.column()
    scores = pd.DataFrame(out, index=frame.index)
    kept = frame.drop(columns=list(inst.item_ids))
    result = pd.concat([kept, scores], axis=1) if len(kept.columns) else scores
    result.attrs["warnings"] = [w for w in (inst.provisional_warning,) if w]
    result.attrs["instrument"] = inst.id
    return result
