"""Instrument definitions: YAML files validated into small immutable objects.

An instrument is data, not code. Each YAML file in ``recovery_capital/instruments/`` (or in a
course's ``assets/content/instruments/`` folder) describes the items, response options, reverse
keying, scales, missing-data rule, bands and flags exactly as the instrument's authors publish
them. :func:`load_instrument` validates a file against the models below and reports every
problem with the file name and the path inside it.

Where definitions are found, first match wins:

1. folders named in ``RECOVERY_CAPITAL_INSTRUMENTS`` (``os.pathsep``-separated);
2. ``assets/content/instruments/`` under the course folder (the ``course_dir`` argument, else
   the folder :func:`recovery_capital.core.locations.course_dir` finds);
3. the definitions bundled with the package.

A file ``<id>.wording.yaml`` (a mapping ``q1: text``) beside a definition, or the definition's own
``wording_file`` key, or the ``wording`` argument, replaces the item prompts with an
organisation's licensed official wording. Scoring never changes.

>>> inst = load_instrument("barc10")
>>> inst.id, len(inst.items), inst.scale("total").method
('barc10', 10, 'sum')
>>> inst.item("q1").allowed_values
(1.0, 2.0, 3.0, 4.0, 5.0, 6.0)
"""

from __future__ import annotations

import ast
import os
import re
import unicodedata
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.errors import DefinitionError, UnknownInstrument
from ..core.locations import COURSE_DIR_ENV
from ..core.locations import course_dir as default_course_dir
from ..core.problems import validate_model
from ..core.yaml_text import read_yaml_file

__all__ = [
    "Instrument",
    "Item",
    "Option",
    "Scale",
    "list_instruments",
    "load_instrument",
    "load_instrument_file",
    "instrument_paths",
    "clear_instrument_cache",
    "normalise_text",
    "BUNDLED_DIR",
]

BUNDLED_DIR = Path(__file__).parent / "instruments"
_ITEM_ID = re.compile(r"^q([1-9][0-9]*)$")
_NAME = r"^[a-z][a-z0-9_]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def normalise_text(text: str) -> str:
    """How an answer or label is compared: Unicode compatibility form (a full-width "５" is
    "5"), case-folded, without surrounding white space.

    >>> normalise_text("  Strongly AGREE ")
    'strongly agree'
    >>> normalise_text("\uff15")
    '5'
    """
    return unicodedata.normalize("NFKC", text).casefold().strip()


class Option(_Frozen):
    """One response option: the number scored and the label a respondent sees."""

    value: float
    label: str = Field(min_length=1)


class Item(_Frozen):
    """One question, in published order (``q1``..``qN``)."""

    id: str
    prompt: str = Field(min_length=1)
    domain: str | None = None
    options: tuple[Option, ...] | None = None
    reverse: bool = False
    scored: bool = True

    @property
    def allowed_values(self) -> tuple[float, ...]:
        """The response values this item accepts (after the definition fills in options)."""
        return tuple(option.value for option in self.options or ())

    def reverse_value(self, value: float) -> float:
        """Reverse keying: ``(lowest + highest) - value``, e.g. ``5 - x`` on a 1-4 scale.

        >>> Item(id="q2", prompt="p", reverse=True,
        ...      options=[{"value": v, "label": str(v)} for v in (1, 2, 3, 4)]).reverse_value(1)
        4.0
        """
        values = self.allowed_values
        return float(min(values) + max(values) - value)


class Reliability(_Frozen):
    """A scale's published reliability, used for the reliable change index, with its source.

    ``kind`` says which reliability it is (test-retest, internal consistency), ``cited`` is the
    short citation shown beside the value and ``source`` the full reference.
    """

    value: float = Field(gt=0, le=1)
    kind: str = Field(min_length=1)
    cited: str = Field(min_length=1)
    source: str = Field(min_length=1)
    note: str | None = None


class Scale(_Frozen):
    """A score: the sum or mean of listed items, or a formula over earlier scales."""

    id: str = Field(pattern=_NAME)
    label: str
    method: Literal["sum", "mean", "formula"]
    items: tuple[str, ...] = ()
    formula: str | None = None
    range: tuple[float, float] | None = None
    description: str | None = None
    reliability: Reliability | None = None


class SkipRule(_Frozen):
    """Published skip logic: when an item has a value (``when_item``), or several items add up
    to it (``when_total_of``), the listed items may be left out and count as ``value``.

    AUDIT (WHO interview version): after "never" on item 1, or when items 2 and 3 add up to 0,
    go straight to items 9 and 10; the items skipped count 0.
    """

    when_item: str | None = None
    when_total_of: tuple[str, ...] = ()
    equals: float
    items: tuple[str, ...]
    value: float = 0
    note: str | None = None

    @property
    def condition_items(self) -> tuple[str, ...]:
        """The items whose answers decide whether the rule applies."""
        return (self.when_item,) if self.when_item else self.when_total_of


class MissingRule(_Frozen):
    """What to do with unanswered items.

    ``complete``: a scale with any missing item is missing (the default when the authors publish
    no rule). ``prorate``: up to ``max_missing`` items per scale may be missing; a sum scale is then
    the mean of the answered items times the number of items.
    """

    rule: Literal["complete", "prorate"] = "complete"
    max_missing: int = Field(default=0, ge=0)
    skip: tuple[SkipRule, ...] = ()
    note: str | None = None


class Range(_Frozen):
    min: float
    max: float
    label: str
    description: str | None = None


class RangeBand(_Frozen):
    """Label a scale by the range its value falls in. With ``context``, the ranges depend on a
    respondent attribute (AUDIT-C: sex) given at scoring time."""

    id: str = Field(pattern=_NAME)
    method: Literal["ranges"]
    scale: str
    primary: bool = False
    ranges: tuple[Range, ...] = ()
    context: str | None = None
    by_context: dict[str, tuple[Range, ...]] | None = None


class Target(_Frozen):
    label: str
    value: float
    description: str | None = None


class NearestBand(_Frozen):
    """The label whose target value is nearest the scale (URICA: readiness vs. stage means)."""

    id: str = Field(pattern=_NAME)
    method: Literal["nearest"]
    scale: str
    primary: bool = False
    targets: tuple[Target, ...]
    tie: Literal["earlier", "later"] = "later"


class DecileBand(_Frozen):
    """Decile norms per scale (SOCRATES): ``deciles[scale][decile] = [low, high]``."""

    id: str = Field(pattern=_NAME)
    method: Literal["deciles"]
    primary: bool = False
    deciles: dict[str, dict[int, tuple[float, float]]]
    labels: dict[int, str]
    norm_note: str | None = None


class HighestBand(_Frozen):
    """The scale with the highest value names the band (RCQ stage); ties go to ``tie``."""

    id: str = Field(pattern=_NAME)
    method: Literal["highest"]
    primary: bool = False
    scales: tuple[str, ...]
    tie: Literal["earlier", "later"] = "later"
    labels: dict[str, str] | None = None


BandRule = Annotated[
    RangeBand | NearestBand | DecileBand | HighestBand, Field(discriminator="method")
]


class Condition(_Frozen):
    items: tuple[str, ...]
    op: Literal[">=", ">", "==", "<=", "<"]
    value: float


class Flag(_Frozen):
    """A flag raised when any condition holds (AUDIT: escalation to the next level of care)."""

    id: str = Field(pattern=_NAME)
    label: str
    message: str
    any: tuple[Condition, ...]


class ChartSpec(_Frozen):
    """Which chart suits a result, and its axes.

    ``radar``: one spoke per item, labelled by the item's ``domain`` (every item needs its own
    domain and all items one answer range). ``deciles``: the scales against their decile norms.
    ``bars``: the listed ``scales`` (default: every scale with a range) on one axis from
    ``vmin`` to ``vmax`` (default: the scales' ranges), with ``secondary`` drawn beside them on
    its own axis (URICA: readiness beside the four stage means).
    """

    kind: Literal["radar", "bars", "deciles"]
    title: str | None = None
    scales: tuple[str, ...] = ()
    value_label: str | None = None
    secondary: str | None = None
    secondary_label: str | None = None


class ContextField(_Frozen):
    """A respondent attribute that some rule needs, with the spellings accepted for each value."""

    description: str
    values: dict[str, tuple[str, ...]]


class Instrument(_Frozen):
    """A validated instrument definition. Build it with :func:`load_instrument`."""

    id: str = Field(pattern=_NAME)
    title: str
    short_title: str | None = None
    version: str
    citation: str
    licence: str
    status: Literal["verified", "provisional"]
    unchecked: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    prompts_are_paraphrases: bool = True
    prompt_source: str = "Plain-language paraphrase written by the recovery-capital project."
    wording_file: str | None = None
    response_options: tuple[Option, ...] | None = None
    items: tuple[Item, ...] = Field(min_length=1)
    scales: tuple[Scale, ...] = Field(min_length=1)
    missing: MissingRule = MissingRule()
    bands: tuple[BandRule, ...] = ()
    flags: tuple[Flag, ...] = ()
    context: dict[str, ContextField] = {}
    chart: ChartSpec | None = None
    source_path: str | None = None

    @cached_property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @cached_property
    def scale_ids(self) -> tuple[str, ...]:
        return tuple(scale.id for scale in self.scales)

    @cached_property
    def answer_lookup(self) -> dict[str, dict[str, float]]:
        """Per item, every accepted spelling of an answer (label or number, case-folded) -> value.

        >>> load_instrument("dast10").answer_lookup["q1"]["yes"]
        1.0
        """
        lookup: dict[str, dict[str, float]] = {}
        for item in self.items:
            spellings: dict[str, float] = {}
            for option in item.options or ():
                spellings[normalise_text(option.label)] = option.value
                spellings[_number(option.value)] = option.value
                spellings[str(float(option.value))] = option.value
            lookup[item.id] = spellings
        return lookup

    @cached_property
    def allowed_sets(self) -> dict[str, frozenset[float]]:
        """Per item, the set of values it accepts (what the answer parser checks against)."""
        return {item.id: frozenset(item.allowed_values) for item in self.items}

    @cached_property
    def item_range(self) -> tuple[float, float]:
        """Lowest and highest answer value over all the items.

        >>> load_instrument("barc10").item_range
        (1.0, 6.0)
        """
        values = [v for item in self.items for v in item.allowed_values]
        return float(min(values)), float(max(values))

    def scale_range(self, scale_id: str) -> tuple[float, float] | None:
        """The lowest and highest score a scale can take: its stated range, else worked out from
        its items (a sum of item ranges, or the item range for a mean); ``None`` for a formula
        scale without a stated range.

        >>> load_instrument("socrates8a").scale_range("ambivalence")
        (4.0, 20.0)
        >>> load_instrument("urica").scale_range("action")
        (1.0, 5.0)
        """
        scale = self.scale(scale_id)
        if scale.range is not None:
            return float(scale.range[0]), float(scale.range[1])
        if scale.method == "formula":
            return None
        lows = [min(self.item(i).allowed_values) for i in scale.items]
        highs = [max(self.item(i).allowed_values) for i in scale.items]
        if scale.method == "mean":
            return float(min(lows)), float(max(highs))
        return float(sum(lows)), float(sum(highs))

    @property
    def radar_fits(self) -> bool:
        """The one rule for a radar of the items: three or more items, each naming its own
        domain, all answered on the same range.

        >>> load_instrument("barc10").radar_fits, load_instrument("urica").radar_fits
        (True, False)
        """
        domains = [item.domain for item in self.items]
        ranges = {(min(i.allowed_values), max(i.allowed_values)) for i in self.items}
        return (
            len(domains) >= 3
            and all(domains)
            and len(set(domains)) == len(domains)
            and len(ranges) == 1
        )

    @property
    def chart_spec(self) -> ChartSpec:
        """The chart for a result: the definition's ``chart``, else a radar when
        :attr:`radar_fits`, decile norms when a band has them, otherwise bars of the scales.

        >>> load_instrument("barc10").chart_spec.kind, load_instrument("dast10").chart_spec.kind
        ('radar', 'bars')
        """
        if self.chart is not None:
            return self.chart
        if self.radar_fits:
            return ChartSpec(kind="radar")
        if any(isinstance(band, DecileBand) for band in self.bands):
            return ChartSpec(kind="deciles")
        return ChartSpec(kind="bars")

    def item(self, item_id: str) -> Item:
        """The item with this id (``KeyError`` if there is none)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scale(self, scale_id: str) -> Scale:
        """The scale with this id (``KeyError`` if there is none)."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    @property
    def primary_band(self) -> BandRule | None:
        """The band rule whose label is the result's ``band``, if any."""
        return next((band for band in self.bands if band.primary), None)

    @property
    def provisional_warning(self) -> str | None:
        """The warning every result of a provisional instrument carries, else ``None``.

        >>> load_instrument("rcq").provisional_warning.startswith("Provisional scoring")
        True
        """
        if self.status != "provisional":
            return None
        rules = "; ".join(self.unchecked)
        return (
            f"Provisional scoring for {self.short_title or self.title}: not yet checked against "
            f"the published source: {rules}."
        )

    def describe_allowed(self, item_id: str) -> str:
        """Words for what an item accepts, used in error messages.

        >>> load_instrument("dast10").describe_allowed("q3")
        "0 ('No'), 1 ('Yes'), or one of those labels"
        """
        options = self.item(item_id).options or ()
        listed = ", ".join(f"{_number(o.value)} ({o.label!r})" for o in options)
        return f"{listed}, or one of those labels"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# --------------------------------------------------------------------------- validation


def _formula_names(formula: str) -> list[str]:
    tree = ast.parse(formula, mode="eval")
    allowed = (
        ast.Expression,
        ast.BinOp,
        ast.UnaryOp,
        ast.Name,
        ast.Load,
        ast.Constant,
        ast.Add,
        ast.Sub,
        ast.Mult,
        ast.Div,
        ast.USub,
        ast.UAdd,
    )
    for node in ast.walk(tree):
        number = isinstance(node, ast.Constant) and type(node.value) in (int, float)
        if not isinstance(node, allowed) or (isinstance(node, ast.Constant) and not number):
            raise ValueError(f"only + - * / numbers and scale names are allowed, not {formula!r}")
    return [node.id for node in ast.walk(tree) if isinstance(node, ast.Name)]


def _cross_check(inst: Instrument) -> list[tuple[str, str]]:
    """Rules pydantic cannot express: ids in order, references that exist, status notes."""
    problems: list[tuple[str, str]] = []
    for index, item in enumerate(inst.items):
        if item.id != f"q{index + 1}":
            problems.append(
                (
                    f"items.{index}.id",
                    f"expected 'q{index + 1}' (items are q1..qN in published order), "
                    f"found {item.id!r}",
                )
            )
        options = item.options or inst.response_options
        if not options:
            problems.append(
                (
                    f"items.{index}.options",
                    "no response options: give 'options' here or 'response_options'",
                )
            )
        elif len({o.value for o in options}) != len(options):
            problems.append((f"items.{index}.options", "option values must be unique"))
    item_ids = set(inst.item_ids)
    scored = {item.id for item in inst.items if item.scored}
    known_scales: set[str] = set()
    for index, scale in enumerate(inst.scales):
        where = f"scales.{index}"
        if scale.id in known_scales:
            problems.append((f"{where}.id", f"scale {scale.id!r} is defined twice"))
        if scale.method == "formula":
            if not scale.formula:
                problems.append((f"{where}.formula", "a formula scale needs 'formula'"))
            else:
                try:
                    names = _formula_names(scale.formula)
                except (SyntaxError, ValueError) as exc:
                    problems.append((f"{where}.formula", str(exc)))
                else:
                    for name in names:
                        if name not in known_scales:
                            problems.append(
                                (
                                    f"{where}.formula",
                                    f"{name!r} is not a scale defined above this one",
                                )
                            )
        else:
            if not scale.items:
                problems.append((f"{where}.items", f"a {scale.method} scale needs 'items'"))
            for item_id in scale.items:
                if item_id not in item_ids:
                    problems.append((f"{where}.items", f"unknown item {item_id!r}"))
                elif item_id not in scored:
                    problems.append((f"{where}.items", f"item {item_id!r} is marked unscored"))
        known_scales.add(scale.id)
    for index, rule in enumerate(inst.missing.skip):
        if bool(rule.when_item) == bool(rule.when_total_of):
            problems.append(
                (f"missing.skip.{index}", "give exactly one of 'when_item' or 'when_total_of'")
            )
        for item_id in (*rule.condition_items, *rule.items):
            if item_id not in item_ids:
                problems.append((f"missing.skip.{index}", f"unknown item {item_id!r}"))
    if inst.chart is not None:
        chart = inst.chart
        for scale_id in (*chart.scales, *((chart.secondary,) if chart.secondary else ())):
            if scale_id not in known_scales:
                problems.append(("chart", f"unknown scale {scale_id!r}"))
        if chart.kind != "bars" and (chart.scales or chart.secondary):
            problems.append(("chart", f"'scales' and 'secondary' are for bars, not {chart.kind}"))
        if chart.kind == "deciles" and not any(isinstance(b, DecileBand) for b in inst.bands):
            problems.append(("chart.kind", "a deciles chart needs a band with method deciles"))
    band_ids: set[str] = set()
    primaries = 0
    for index, band in enumerate(inst.bands):
        where = f"bands.{index}"
        primaries += band.primary
        if band.id in band_ids:
            problems.append((f"{where}.id", f"band {band.id!r} is defined twice"))
        band_ids.add(band.id)
        scales = (
            band.scales
            if isinstance(band, HighestBand)
            else tuple(band.deciles)
            if isinstance(band, DecileBand)
            else (band.scale,)
        )
        for scale_id in scales:
            if scale_id not in known_scales:
                problems.append((where, f"unknown scale {scale_id!r}"))
        if isinstance(band, RangeBand):
            if band.context:
                if band.context not in inst.context:
                    problems.append(
                        (f"{where}.context", f"{band.context!r} is not declared under 'context'")
                    )
                if not band.by_context:
                    problems.append((f"{where}.by_context", "ranges per context value needed"))
                else:
                    expected = set(
                        inst.context.get(
                            band.context, ContextField(description="", values={})
                        ).values
                    )
                    if expected and set(band.by_context) != expected:
                        problems.append(
                            (f"{where}.by_context", f"needs ranges for exactly {sorted(expected)}")
                        )
            elif not band.ranges:
                problems.append((f"{where}.ranges", "a ranges band needs 'ranges'"))
    if primaries > 1:
        problems.append(("bands", "at most one band may be primary"))
    for index, flag in enumerate(inst.flags):
        for cond_index, condition in enumerate(flag.any):
            for item_id in condition.items:
                if item_id not in item_ids:
                    problems.append(
                        (f"flags.{index}.any.{cond_index}.items", f"unknown item {item_id!r}")
                    )
    if inst.status == "provisional" and not inst.unchecked:
        problems.append(("unchecked", "a provisional definition must name its unchecked rules"))
    if inst.status == "verified" and inst.unchecked:
        problems.append(("status", "lists unchecked rules, so it must be 'provisional'"))
    return problems


def _read_yaml(path: Path) -> Any:
    return read_yaml_file(path)


def _read_wording(path: Path, item_ids: Iterable[str]) -> dict[str, str]:
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise DefinitionError(str(path), [("", "expected a mapping of item id to wording")])
    unknown = [key for key in data if key not in set(item_ids)]
    if unknown:
        raise DefinitionError(
            str(path), [(str(key), "not an item of this instrument") for key in unknown]
        )
    return {str(key): str(value) for key, value in data.items()}


def load_instrument_file(
    path: str | os.PathLike[str], *, wording: str | os.PathLike[str] | None = None
) -> Instrument:
    """Load and validate one definition file; raise :class:`DefinitionError` listing problems.

    >>> load_instrument_file(BUNDLED_DIR / "audit.yaml").title
    'Alcohol Use Disorders Identification Test (AUDIT)'
    """
    path = Path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise DefinitionError(str(path), [("", "expected a mapping at the top of the file")])
    # keys starting "x_" hold YAML anchors shared between items (AUDIT's option lists)
    fields = {key: value for key, value in data.items() if not str(key).startswith("x_")}
    inst = validate_model(
        Instrument,
        {**fields, "source_path": str(path)},
        str(path),
        drop_tags=frozenset({"bands"}),  # the discriminator tag ("ranges", "nearest", ...)
    )
    problems = _cross_check(inst)
    if problems:
        raise DefinitionError(str(path), problems)
    default = inst.response_options
    items = tuple(
        item if item.options else item.model_copy(update={"options": default})
        for item in inst.items
    )
    if inst.chart is not None and inst.chart.kind == "radar":
        filled = inst.model_copy(update={"items": items})
        if not filled.radar_fits:
            raise DefinitionError(
                str(path),
                [
                    (
                        "chart.kind",
                        "a radar needs three or more items, each with its own 'domain', "
                        "all answered on the same range",
                    )
                ],
            )
    wording_path = (
        Path(wording)
        if wording is not None
        else path.parent / inst.wording_file
        if inst.wording_file
        else path.with_name(f"{inst.id}.wording.yaml")
    )
    if wording is not None or inst.wording_file or wording_path.exists():
        texts = _read_wording(wording_path, inst.item_ids)
        items = tuple(
            item.model_copy(update={"prompt": texts.get(item.id, item.prompt)}) for item in items
        )
        update = {
            "prompts_are_paraphrases": False,
            "prompt_source": f"Wording supplied by the organisation ({wording_path.name}).",
        }
    else:
        update = {}
    return inst.model_copy(update={"items": items, **update})


# --------------------------------------------------------------------------- discovery


def instrument_paths(course_dir: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Map each instrument id to the file that defines it (first match wins, see module doc).

    >>> instrument_paths()["urica"].name
    'urica.yaml'
    """
    folders: list[Path] = []
    extra = os.environ.get("RECOVERY_CAPITAL_INSTRUMENTS")
    if extra:
        folders += [Path(part) for part in extra.split(os.pathsep) if part]
    folders.append(Path(course_dir or default_course_dir()) / "assets" / "content" / "instruments")
    folders.append(BUNDLED_DIR)
    found: dict[str, Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            if path.name.endswith(".wording.yaml"):
                continue
            found.setdefault(path.stem, path)
    return found


_CACHE: dict[tuple[str, float, str | None], Instrument] = {}
#: (id, course_dir, wording, instrument folders, course folder, cwd) -> definition, so that
#: scoring by id touches the file system only the first time
_RESOLVED: dict[tuple[object, ...], Instrument] = {}


def clear_instrument_cache() -> None:
    """Forget every loaded definition, so the next :func:`load_instrument` reads the files again
    (after editing a definition in a running session).

    >>> clear_instrument_cache()
    >>> load_instrument("barc10").id
    'barc10'
    """
    _CACHE.clear()
    _RESOLVED.clear()


def list_instruments(course_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Ids of every instrument that can be scored, sorted.

    >>> list_instruments()[:3]
    ['audit', 'audit_c', 'audit_c_uk']
    """
    return sorted(instrument_paths(course_dir))


def load_instrument(
    instrument_id: str,
    *,
    course_dir: str | os.PathLike[str] | None = None,
    wording: str | os.PathLike[str] | None = None,
) -> Instrument:
    """The validated definition of ``instrument_id``.

    The first call for an id finds and reads its file; later calls with the same arguments (and
    the same instrument and course folders) return the same object without touching the file
    system. :func:`clear_instrument_cache` forgets them after a definition is edited.

    >>> inst = load_instrument("urica")
    >>> [s.id for s in inst.scales]
    ['precontemplation', 'contemplation', 'action', 'maintenance', 'readiness']
    >>> load_instrument("nope")
    Traceback (most recent call last):
    ...
    recovery_capital.core.errors.UnknownInstrument: unknown instrument 'nope'; known: audit, ...
    """
    if isinstance(instrument_id, Instrument):
        return instrument_id
    if not isinstance(instrument_id, str):
        raise UnknownInstrument(repr(instrument_id), list_instruments(course_dir))
    resolved_key = (
        instrument_id,
        str(course_dir) if course_dir is not None else None,
        str(wording) if wording is not None else None,
        os.environ.get("RECOVERY_CAPITAL_INSTRUMENTS"),
        os.environ.get(COURSE_DIR_ENV),
        None if course_dir is not None or os.environ.get(COURSE_DIR_ENV) else os.getcwd(),
    )
    found = _RESOLVED.get(resolved_key)
    if found is not None:
        return found
    paths = instrument_paths(course_dir)
    path = paths.get(instrument_id)
    if path is None:
        raise UnknownInstrument(str(instrument_id), sorted(paths))
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise DefinitionError(str(path), [("", f"cannot read the file: {exc.strerror}")]) from exc
    key = (str(path), mtime, str(wording) if wording else None)
    cached = _CACHE.get(key)
    if cached is None:
        cached = _CACHE[key] = load_instrument_file(path, wording=wording)
    _RESOLVED[resolved_key] = cached
    return cached
