"""MITI 4.2.1 summary scores: formulas, threshold edges, zero cases, validation, tags."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recovery_capital.core.errors import InvalidResponse
from recovery_capital.scoring.miti import (
    BANDS,
    BEHAVIOUR_CODES,
    GLOBAL_CODES,
    SCENARIO_TAGS,
    THRESHOLDS,
    counts_from_tags,
    summarize,
    summarize_tags,
)

ALL_GLOBALS = {"cultivating": 4, "softening": 3, "partnership": 5, "empathy": 4}


# --- formulas -----------------------------------------------------------------------------


def test_full_coding_gives_every_summary() -> None:
    counts = {
        "giving_information": 3,
        "persuade": 2,
        "persuade_with_permission": 1,
        "question": 8,
        "simple_reflection": 7,
        "complex_reflection": 5,
        "affirm": 2,
        "seeking_collaboration": 1,
        "emphasizing_autonomy": 3,
        "confront": 1,
    }
    result = summarize(counts, ALL_GLOBALS)
    assert result.technical_global.value == 3.5
    assert result.relational_global.value == 4.5
    assert result.reflection_to_question.value == pytest.approx(12 / 8)
    assert result.percent_complex_reflections.value == pytest.approx(500 / 12)
    assert result.mi_adherent.value == 1 + 2 + 3
    assert result.mi_non_adherent.value == 2 + 1
    assert [s.band for s in result.summaries] == ["fair", "good", "fair", "fair", None, None]


def test_persuade_with_permission_and_giving_information_are_not_non_adherent() -> None:
    result = summarize({"persuade_with_permission": 4, "giving_information": 6})
    assert result.mi_non_adherent.value == 0
    assert result.mi_adherent.value == 0


def test_counts_left_out_are_zero_and_all_codes_reported() -> None:
    result = summarize({"affirm": 2})
    assert dict(result.counts) == {**dict.fromkeys(BEHAVIOUR_CODES, 0), "affirm": 2}


# --- threshold edges ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("simple", "complex_", "band"),
    [
        (3, 2, "fair"),  # exactly 40% (2/5: 40.00000000000001 in naive floats)
        (1, 1, "good"),  # exactly 50%
        (61, 39, "below fair"),  # 39%
        (51, 49, "fair"),  # 49%
        (0, 3, "good"),  # 100%
        (4, 0, "below fair"),  # 0%
    ],
)
def test_percent_complex_threshold_edges(simple: int, complex_: int, band: str) -> None:
    summary = summarize(
        {"simple_reflection": simple, "complex_reflection": complex_}
    ).percent_complex_reflections
    assert summary.band == band
    assert summary.value == pytest.approx(100 * complex_ / (simple + complex_))


def test_exactly_forty_percent_is_exactly_forty() -> None:
    value = summarize({"simple_reflection": 3, "complex_reflection": 2})
    assert value.percent_complex_reflections.value == 40.0


@pytest.mark.parametrize(
    ("reflections", "questions", "band"),
    [
        (6, 3, "good"),  # exactly 2
        (5, 3, "fair"),  # 1.67
        (3, 3, "fair"),  # exactly 1
        (2, 3, "below fair"),
        (0, 3, "below fair"),  # ratio 0, not missing
        (199, 100, "fair"),  # 1.99
    ],
)
def test_reflection_to_question_threshold_edges(
    reflections: int, questions: int, band: str
) -> None:
    summary = summarize(
        {"simple_reflection": reflections, "question": questions}
    ).reflection_to_question
    assert summary.band == band
    assert summary.value == pytest.approx(reflections / questions)


@pytest.mark.parametrize(
    ("cultivating", "softening", "band"),
    [
        (3, 3, "fair"),
        (2, 4, "fair"),
        (3, 2, "below fair"),
        (4, 4, "good"),
        (3, 5, "good"),
        (4, 3, "fair"),
        (1, 1, "below fair"),
    ],
)
def test_technical_global_edges(cultivating: int, softening: int, band: str) -> None:
    result = summarize({}, {"cultivating": cultivating, "softening": softening})
    assert result.technical_global.value == (cultivating + softening) / 2
    assert result.technical_global.band == band


@pytest.mark.parametrize(
    ("partnership", "empathy", "band"),
    [
        (3, 4, "fair"),
        (4, 3, "fair"),
        (3, 3, "below fair"),
        (4, 4, "good"),
        (5, 3, "good"),
        (2, 5, "fair"),
        (5, 5, "good"),
    ],
)
def test_relational_global_edges(partnership: int, empathy: int, band: str) -> None:
    result = summarize({}, {"partnership": partnership, "empathy": empathy})
    assert result.relational_global.value == (partnership + empathy) / 2
    assert result.relational_global.band == band


# --- zero and missing cases ---------------------------------------------------------------


def test_no_questions_gives_no_ratio_with_a_note() -> None:
    summary = summarize({"simple_reflection": 4}).reflection_to_question
    assert summary.value is None
    assert summary.band is None
    assert "No questions" in summary.note
    assert "not worked out" in summary.describe()


def test_no_reflections_gives_no_percent_with_a_note() -> None:
    summary = summarize({"question": 4}).percent_complex_reflections
    assert summary.value is None
    assert summary.band is None
    assert "No reflections" in summary.note


def test_empty_coding_gives_zero_counts_and_no_ratios() -> None:
    result = summarize({})
    assert result.reflection_to_question.value is None
    assert result.percent_complex_reflections.value is None
    assert result.mi_adherent.value == 0
    assert result.mi_non_adherent.value == 0
    json.dumps(result.to_dict())  # no inf or NaN sneaks in


def test_without_globals_count_summaries_still_work() -> None:
    result = summarize({"question": 2, "simple_reflection": 2, "complex_reflection": 2})
    assert result.technical_global.value is None
    assert result.relational_global.value is None
    assert "cultivating" in result.technical_global.note
    assert "softening" in result.technical_global.note
    assert result.reflection_to_question.value == 2.0
    assert result.percent_complex_reflections.value == 50.0


def test_half_the_globals_gives_one_global_summary() -> None:
    result = summarize({}, {"partnership": 4, "empathy": 4, "cultivating": 3})
    assert result.relational_global.band == "good"
    assert result.technical_global.value is None
    assert "softening rating" in result.technical_global.note
    assert "cultivating" not in result.technical_global.note
    assert dict(result.global_ratings) == {"cultivating": 3, "partnership": 4, "empathy": 4}


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ({"question": -1}, "question"),
        ({"affirm": 1.5}, "affirm"),
        ({"confront": "2"}, "confront"),
        ({"persuade": True}, "persuade"),
        ({"question": float("nan")}, "question"),
        ({"question": None}, "question"),
        ({"questions": 3}, "questions"),
        ({"open_question": 3}, "open_question"),
    ],
)
def test_bad_counts_name_the_field(counts: dict, field: str) -> None:
    with pytest.raises(InvalidResponse) as caught:
        summarize(counts)
    assert caught.value.item == field
    assert isinstance(caught.value, ValueError)
    assert field in str(caught.value)


def test_unknown_count_suggests_the_nearest_code() -> None:
    with pytest.raises(InvalidResponse, match="did you mean 'question'"):
        summarize({"questions": 3})


@pytest.mark.parametrize("rating", [0, 6, 3.5, -1, "4", None, False])
def test_bad_global_ratings_name_the_field(rating: object) -> None:
    with pytest.raises(InvalidResponse, match="whole number from 1 to 5") as caught:
        summarize({}, {"empathy": rating})
    assert caught.value.item == "empathy"


def test_unknown_global_names_the_field() -> None:
    with pytest.raises(InvalidResponse) as caught:
        summarize({}, {"empathetic": 4})
    assert caught.value.item == "empathetic"
    assert "empathy" in str(caught.value)


def test_whole_floats_and_numpy_integers_are_accepted() -> None:
    numpy = pytest.importorskip("numpy")
    result = summarize(
        {"question": numpy.int64(2), "simple_reflection": 4.0},
        {"empathy": 4.0, "partnership": numpy.int32(4)},
    )
    assert result.reflection_to_question.value == 2.0
    assert result.relational_global.band == "good"
    assert type(result.counts["question"]) is int


def test_counts_must_be_a_mapping() -> None:
    with pytest.raises(InvalidResponse, match="mapping"):
        summarize([("question", 1)])  # type: ignore[arg-type]


# --- result object ------------------------------------------------------------------------


def test_result_is_immutable() -> None:
    result = summarize({"question": 1}, ALL_GLOBALS)
    with pytest.raises(FrozenInstanceError):
        result.technical_global = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        result.counts["question"] = 5  # type: ignore[index]
    with pytest.raises(TypeError):
        result.global_ratings["empathy"] = 1  # type: ignore[index]


def test_result_does_not_share_the_callers_dict() -> None:
    counts = {"question": 2, "simple_reflection": 2}
    result = summarize(counts)
    counts["question"] = 100
    assert result.counts["question"] == 2


def test_to_dict_is_plain_and_complete() -> None:
    data = summarize({"question": 4, "complex_reflection": 4}, ALL_GLOBALS).to_dict()
    assert set(data) == {
        "counts",
        "global_ratings",
        "technical_global",
        "relational_global",
        "reflection_to_question",
        "percent_complex_reflections",
        "mi_adherent",
        "mi_non_adherent",
    }
    assert data["reflection_to_question"] == {
        "label": "Reflection-to-question ratio",
        "value": 1.0,
        "band": "fair",
        "note": None,
    }
    assert json.loads(json.dumps(data)) == data


def test_describe_states_band_and_thresholds() -> None:
    result = summarize({}, {"partnership": 3, "empathy": 4})
    assert result.relational_global.describe() == (
        "Relational global: 3.5 (fair; fair from 3.5, good from 4)"
    )


# --- scenario tags ------------------------------------------------------------------------


def test_every_documented_tag_is_known() -> None:
    documented = {
        "open_question",
        "closed_question",
        "simple_reflection",
        "complex_reflection",
        "affirmation",
        "giving_information",
        "persuading",
        "persuading_with_permission",
        "seeking_collaboration",
        "emphasizing_autonomy",
        "confronting",
    }
    assert set(SCENARIO_TAGS) == documented
    assert set(SCENARIO_TAGS.values()) == set(BEHAVIOUR_CODES)


def test_counts_from_tags_maps_every_tag() -> None:
    tags = list(SCENARIO_TAGS)
    counts = counts_from_tags(tags)
    assert counts["question"] == 2
    assert sum(counts.values()) == len(tags)
    assert all(counts[code] == 1 for code in BEHAVIOUR_CODES if code != "question")


def test_counts_from_an_empty_path_are_all_zero() -> None:
    assert counts_from_tags([]) == dict.fromkeys(BEHAVIOUR_CODES, 0)


def test_counts_from_tags_accepts_any_iterable() -> None:
    assert counts_from_tags(iter(["affirmation", "affirmation"]))["affirm"] == 2


@pytest.mark.parametrize("bad", [["affirm"], ["Open_Question"], [None], "open_question"])
def test_unknown_tags_are_rejected(bad: object) -> None:
    with pytest.raises(InvalidResponse):
        counts_from_tags(bad)  # type: ignore[arg-type]


def test_unknown_tag_suggests_the_nearest() -> None:
    with pytest.raises(InvalidResponse, match="did you mean 'affirmation'"):
        counts_from_tags(["affirm"])


def test_summarize_tags_from_a_scenario_path() -> None:
    path = [
        "open_question",
        "simple_reflection",
        "complex_reflection",
        "affirmation",
        "closed_question",
        "complex_reflection",
        "emphasizing_autonomy",
        "persuading",
    ]
    result = summarize_tags(path)
    assert result.reflection_to_question.value == 1.5
    assert result.percent_complex_reflections.value == pytest.approx(200 / 3)
    assert result.percent_complex_reflections.band == "good"
    assert result.mi_adherent.value == 2
    assert result.mi_non_adherent.value == 1


# --- properties ---------------------------------------------------------------------------

count_values = st.integers(min_value=0, max_value=10_000)
counts_strategy = st.dictionaries(st.sampled_from(BEHAVIOUR_CODES), count_values)
globals_strategy = st.dictionaries(st.sampled_from(GLOBAL_CODES), st.integers(1, 5))


@settings(max_examples=200, deadline=None)
@given(counts_strategy, globals_strategy)
def test_properties_of_any_valid_coding(counts: dict, ratings: dict) -> None:
    result = summarize(counts, ratings)
    full = {**dict.fromkeys(BEHAVIOUR_CODES, 0), **counts}
    percent = result.percent_complex_reflections
    if percent.value is not None:
        assert 0 <= percent.value <= 100
    assert (percent.value is None) == (full["simple_reflection"] + full["complex_reflection"] == 0)
    ratio = result.reflection_to_question
    assert (ratio.value is None) == (full["question"] == 0)
    if ratio.value is not None:
        assert ratio.value >= 0
    for summary in result.summaries:
        if summary.value is None:
            assert summary.band is None and summary.note
        elif summary.name in THRESHOLDS:
            assert summary.band in BANDS
        else:
            assert summary.band is None
    for summary in (result.technical_global, result.relational_global):
        if summary.value is not None:
            assert 1 <= summary.value <= 5
    assert result.mi_adherent.value >= 0 and result.mi_non_adherent.value >= 0
    json.dumps(result.to_dict(), allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(counts_strategy)
def test_band_matches_exact_fraction(counts: dict) -> None:
    full = {**dict.fromkeys(BEHAVIOUR_CODES, 0), **counts}
    reflections = full["simple_reflection"] + full["complex_reflection"]
    summary = summarize(counts).percent_complex_reflections
    if reflections:
        share = Fraction(full["complex_reflection"], reflections)
        expected = (
            "good"
            if share >= Fraction(1, 2)
            else "fair"
            if share >= Fraction(2, 5)
            else ("below fair")
        )
        assert summary.band == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sorted(SCENARIO_TAGS))))
def test_tag_counts_add_up(tags: list[str]) -> None:
    counts = counts_from_tags(tags)
    assert sum(counts.values()) == len(tags)
    assert counts["question"] == tags.count("open_question") + tags.count("closed_question")
