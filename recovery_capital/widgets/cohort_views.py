"""What the trainer sees of one activity: the cohort's answers, aggregated, never by name.

:func:`activity_view` takes each participant's latest submission for one activity (rows of
``Store.responses(..., latest_only=True)``) and the activity's content, and returns HTML: score
distributions and a radar of the cohort's mean for BARC-10 questionnaires, poll counts, quiz and
talk-sort agreement, vignette agreement with the reference, scenario endings and ruler numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from statistics import mean
from typing import Any

from ..content.model import (
    Content,
    DrillContent,
    PollContent,
    QuizContent,
    RulerContent,
    ScenarioContent,
    TalkSortContent,
    TriadContent,
    VignetteContent,
)
from .html import Safe, element, join
from .live_poll import people, poll_counts, poll_results_html

__all__ = ["activity_view"]


def _chart(chart: Any) -> Safe:
    return element("div", Safe(chart.to_html()), cls="rc-chart-box")


def _numbers(scores: Sequence[Any], key: str) -> list[float]:
    values = [s.get(key) for s in scores if isinstance(s, Mapping)]
    return [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]


def activity_view(
    content: Content | None,
    instrument: str | None,
    answers: Sequence[Mapping[str, Any]],
    scores: Sequence[Any],
) -> Safe:
    """The aggregated view of one activity's latest answers and scores (one entry per person).

    >>> from recovery_capital.content.model import parse_content
    >>> quiz = parse_content({"kind": "quiz", "id": "m1-q", "title": "T", "questions": [
    ...     {"id": "a", "prompt": "P", "options": [
    ...         {"text": "x", "correct": True, "feedback": "f"},
    ...         {"text": "y", "feedback": "g"}]}]})
    >>> "1 of 2 people got every question" in activity_view(
    ...     quiz, None, [{}, {}], [{"correct": 1, "total": 1}, {"correct": 0, "total": 1}])
    True
    """
    if not answers:
        return element("p", "No answers yet.")
    if instrument:
        return _questionnaire_view(instrument, answers, scores)
    if isinstance(content, PollContent):
        return poll_results_html(content, poll_counts(content, answers), len(answers))
    if isinstance(content, QuizContent):
        return _quiz_view(scores)
    if isinstance(content, VignetteContent):
        return _vignette_view(content, answers, scores)
    if isinstance(content, TalkSortContent):
        return _talk_view(scores)
    if isinstance(content, ScenarioContent):
        return _scenario_view(scores)
    if isinstance(content, RulerContent):
        return _ruler_view(content, scores)
    if isinstance(content, TriadContent):
        return _triad_view(scores)
    if isinstance(content, DrillContent):
        return _drill_view(content, answers)
    return element("p", f"{people(len(answers))} answered.")


def _questionnaire_view(
    instrument_id: str, answers: Sequence[Mapping[str, Any]], scores: Sequence[Any]
) -> Safe:
    from ..charts import drawing as charts
    from ..scoring.definitions import load_instrument
    from .results import item_range, scale_range

    inst = load_instrument(instrument_id)
    name = inst.short_title or inst.title
    rule = inst.primary_band
    main = inst.scale(getattr(rule, "scale", None) or inst.scales[0].id)
    values = [
        (s.get("scales") or {}).get(main.id) if isinstance(s, Mapping) else None for s in scores
    ]
    parts: list[object] = []
    span = scale_range(inst, main)
    if span is not None:
        parts.append(
            _chart(
                charts.distribution(
                    values,
                    vmin=span[0],
                    vmax=span[1],
                    title=f"{name}: {main.label}",
                    value_label=main.label,
                )
            )
        )
    bands = Counter(s.get("band") for s in scores if isinstance(s, Mapping) and s.get("band"))
    if bands:
        parts.append(
            element(
                "ul",
                [
                    element("li", element("span", band, cls="rc-band"), f": {people(n)}")
                    for band, n in bands.most_common()
                ],
            )
        )
    if inst.chart_spec.kind == "radar":
        low, high = item_range(inst)
        means = {}
        for item in inst.items:
            given = _numbers(answers, item.id)
            means[item.domain] = round(mean(given), 2) if given else None
        parts.append(
            _chart(
                charts.radar(
                    means,
                    vmin=low,
                    vmax=high,
                    title=f"{name}: cohort mean by area",
                    label="Cohort mean",
                )
            )
        )
    return join(parts)


def _quiz_view(scores: Sequence[Any]) -> Safe:
    from ..charts import drawing as charts

    right = _numbers(scores, "correct")
    totals = _numbers(scores, "total")
    top = int(max(totals)) if totals else 0
    everything = sum(
        1 for s in scores if isinstance(s, Mapping) and s.get("correct") == s.get("total")
    )
    return join(
        [
            element(
                "p",
                f"{everything} of {people(len(scores))} got every question in the "
                "way the course suggests.",
            ),
            _chart(
                charts.distribution(
                    right,
                    vmin=0,
                    vmax=max(top, 1),
                    title="Questions answered as the course suggests",
                    value_label="Questions",
                )
            ),
        ]
    )


def _vignette_view(
    content: VignetteContent, answers: Sequence[Mapping[str, Any]], scores: Sequence[Any]
) -> Safe:
    parts: list[object] = []
    gaps = _numbers(scores, "mean_abs_difference")
    if gaps:
        parts.append(
            element(
                "p",
                f"On average, ratings were {mean(gaps):.2f} points from the reference per item.",
            )
        )
    stages = Counter(a.get("stage") for a in answers if a.get("stage"))
    if stages:
        reference = content.reference.stage.value if content.reference.stage else None
        parts.append(
            element(
                "ul",
                [
                    element(
                        "li",
                        f"{stage.capitalize()}: {people(n)}",
                        " (the reference)" if stage == reference else "",
                    )
                    for stage, n in stages.most_common()
                ],
            )
        )
    return join(parts) or element("p", f"{people(len(answers))} answered.")


def _talk_view(scores: Sequence[Any]) -> Safe:
    talk = _numbers(scores, "talk_agreement")
    kind = _numbers(scores, "category_agreement")
    if not talk:
        return element("p", f"{people(len(scores))} answered.")
    return element(
        "p",
        f"On average the group sorted {mean(talk):.0%} of statements to the same side as the "
        f"course, and gave {mean(kind):.0%} the same kind of talk.",
    )


def _scenario_view(scores: Sequence[Any]) -> Safe:
    endings = Counter(s.get("outcome") for s in scores if isinstance(s, Mapping))
    ratios = _numbers(scores, "reflection_to_question")
    parts: list[object] = [
        element(
            "ul",
            [
                element("li", f"{str(outcome).capitalize()} ending: {people(n)}")
                for outcome, n in endings.most_common()
            ],
        )
    ]
    if ratios:
        parts.append(
            element(
                "p", f"Median reflection-to-question ratio: {sorted(ratios)[len(ratios) // 2]:g}."
            )
        )
    missed = _numbers(scores, "missed_reflections")
    if missed:
        parts.append(
            element(
                "p",
                f"Turns where a reflection was on offer and not chosen: median "
                f"{_median(missed)} per path.",
            )
        )
    return join(parts)


def _median(values: list[float]) -> str:
    ordered = sorted(values)
    middle = len(ordered) // 2
    value = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _triad_view(scores: Sequence[Any]) -> Safe:
    """Each observer's latest tally: how many practices, and the bands they reached.

    >>> html = _triad_view([
    ...     {"reflection_to_question": {"value": 2.0, "band": "good"},
    ...      "percent_complex_reflections": {"value": 40.0, "band": "fair"}},
    ...     {"reflection_to_question": {"value": 0.5, "band": "below fair"},
    ...      "percent_complex_reflections": {"value": None, "band": None}}])
    >>> "2 practices tallied" in html, "Reflection-to-question ratio: median 1.25" in html
    (True, True)
    """
    tallied = [s for s in scores if isinstance(s, Mapping)]
    labels = {
        "reflection_to_question": "Reflection-to-question ratio",
        "percent_complex_reflections": "Complex reflections (%)",
        "technical_global": "Technical global",
        "relational_global": "Relational global",
    }
    rows = []
    for name, label in labels.items():
        summaries = [s.get(name) for s in tallied if isinstance(s.get(name), Mapping)]
        values = _numbers(summaries, "value")
        if not values:
            continue
        bands = Counter(x.get("band") for x in summaries if x.get("band"))
        shown = ", ".join(f"{band} {n}" for band, n in bands.most_common())
        rows.append(element("li", f"{label}: median {_median(values)} ({shown})"))
    for name, label in (("mi_adherent", "MI-adherent"), ("mi_non_adherent", "MI-non-adherent")):
        values = _numbers(
            [s.get(name) for s in tallied if isinstance(s.get(name), Mapping)], "value"
        )
        if values:
            rows.append(element("li", f"{label} behaviours: median {_median(values)}"))
    count = len(tallied)
    return join(
        [
            element(
                "p", f"{count} practice{'' if count == 1 else 's'} tallied (latest per observer)."
            ),
            element("ul", rows),
        ]
    )


def _drill_view(content: DrillContent, answers: Sequence[Mapping[str, Any]]) -> Safe:
    """How trainees coded and rated their own replies, statement by statement (no text)."""
    rows = []
    for number, item in enumerate(content.items, start=1):
        entries = [
            a["items"][item.id]
            for a in answers
            if isinstance(a.get("items"), Mapping) and isinstance(a["items"].get(item.id), Mapping)
        ]
        on_target = sum(e.get("code") in content.targets for e in entries)
        close = sum(e.get("rating") == "close" for e in entries)
        rows.append(
            element(
                "li",
                f"Statement {number}: {on_target} of {len(entries)} coded their reply as "
                f"asked; {close} rated it close to a model.",
            )
        )
    return element("ul", rows)


def _ruler_view(content: RulerContent, scores: Sequence[Any]) -> Safe:
    from ..charts import drawing as charts

    return join(
        _chart(
            charts.distribution(
                _numbers(scores, ruler.id),
                vmin=content.low,
                vmax=content.high,
                title=ruler.question,
                value_label="Number chosen",
            )
        )
        for ruler in content.rulers
    )
