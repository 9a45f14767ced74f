"""Property tests: ranges hold, reverse keying is an involution, frame equals row by row."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recovery_capital as rc
from recovery_capital.scoring.definitions import BUNDLED_DIR
from recovery_capital.scoring.engine import INVALID, parse_answer

BUNDLED = sorted(path.stem for path in BUNDLED_DIR.glob("*.yaml"))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answer_strategy(inst, *, allow_missing: bool):
    """One respondent: each item a legal value, a label, or (optionally) missing."""
    per_item = {}
    for item in inst.items:
        choices = [
            st.sampled_from(item.allowed_values),
            st.sampled_from([o.label for o in item.options]),
        ]
        if allow_missing:
            choices.append(st.none())
        per_item[item.id] = st.one_of(*choices)
    return st.fixed_dictionaries(per_item)


@pytest.mark.parametrize("instrument_id", BUNDLED)
@SETTINGS
@given(data=st.data())
def test_scales_stay_within_their_published_range(instrument_id, data):
    inst = rc.load_instrument(instrument_id)
    res = rc.score(inst, data.draw(answer_strategy(inst, allow_missing=False)))
    for scale in inst.scales:
        value = res.scales[scale.id]
        assert value is not None
        if scale.range:
            low, high = scale.range
            assert low - 1e-9 <= value <= high + 1e-9, (scale.id, value)
    if inst.primary_band is not None and not inst.context:
        assert res.band is not None


@pytest.mark.parametrize("instrument_id", BUNDLED)
@SETTINGS
@given(data=st.data())
def test_reverse_keying_is_an_involution(instrument_id, data):
    inst = rc.load_instrument(instrument_id)
    for item in inst.items:
        value = data.draw(st.sampled_from(item.allowed_values))
        assert item.reverse_value(item.reverse_value(value)) == value


@pytest.mark.parametrize("instrument_id", BUNDLED)
@SETTINGS
@given(data=st.data())
def test_score_frame_equals_score_row_by_row(instrument_id, data):
    inst = rc.load_instrument(instrument_id)
    rows = data.draw(st.lists(answer_strategy(inst, allow_missing=True), min_size=1, max_size=6))
    sexes = data.draw(
        st.lists(st.sampled_from(["male", "female", None]), min_size=len(rows), max_size=len(rows))
    )
    frame = pd.DataFrame(rows, columns=list(inst.item_ids))
    if inst.context:
        frame["sex"] = sexes
    out = rc.score_frame(inst, frame)
    for index, row in enumerate(rows):
        context = {"sex": sexes[index]} if inst.context else None
        single = rc.score(inst, row, context=context)
        for scale_id, value in single.scales.items():
            frame_value = out.loc[index, scale_id]
            if value is None:
                assert math.isnan(frame_value)
            else:
                assert frame_value == pytest.approx(value)
        for key, label in single.bands.items():
            frame_label = out.loc[index, key]
            assert (label is None and pd.isna(frame_label)) or frame_label == label
        for scale_id, decile in single.deciles.items():
            frame_decile = out.loc[index, f"{scale_id}_decile"]
            assert (decile is None and pd.isna(frame_decile)) or frame_decile == decile
        for flag, raised in single.flags.items():
            assert bool(out.loc[index, flag]) == raised
        assert out.loc[index, "missing"] == len(single.missing)


junk = st.one_of(
    st.none(),
    st.integers(-50, 50),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.booleans(),
    st.just(""),
    st.just("Agree"),
)


@pytest.mark.parametrize("instrument_id", ["barc10", "urica", "audit", "dast10", "rcq"])
@SETTINGS
@given(data=st.data())
def test_coerce_never_raises_and_flags_every_bad_cell(instrument_id, data):
    inst = rc.load_instrument(instrument_id)
    rows = data.draw(
        st.lists(st.fixed_dictionaries({i: junk for i in inst.item_ids}), min_size=1, max_size=5)
    )
    frame = pd.DataFrame(rows, columns=list(inst.item_ids), dtype=object)
    out = rc.score_frame(inst, frame, errors="coerce")
    assert len(out) == len(frame)
    for scale in inst.scales:
        values = out[scale.id].to_numpy(dtype=float)
        if scale.range:
            finite = values[~np.isnan(values)]
            assert ((finite >= scale.range[0] - 1e-9) & (finite <= scale.range[1] + 1e-9)).all()


@SETTINGS
@given(value=st.one_of(st.integers(7, 100), st.integers(-100, 0), st.text(min_size=1)))
def test_out_of_range_answer_raises_invalid_response_naming_item_and_value(value):
    inst = rc.load_instrument("barc10")
    if (
        isinstance(value, str)
        and parse_answer(inst.answer_lookup["q1"], inst.allowed_sets["q1"], value) is not INVALID
    ):
        return  # a label, a number 1-6 as text ("05", "+5", "５") or blank
    with pytest.raises(rc.InvalidResponse) as info:
        rc.score("barc10", {"q1": value})
    assert info.value.item == "q1" and info.value.value == value
    assert "Strongly disagree" in info.value.allowed


def test_frame_raise_names_row_item_and_value_for_every_bad_cell():
    frame = pd.DataFrame({f"q{i}": [5, 5, 5] for i in range(1, 11)}, index=["a", "b", "c"])
    frame.loc["b", "q3"] = 9
    frame.loc["c", "q7"] = 0
    with pytest.raises(rc.InvalidResponse) as info:
        rc.score_frame("barc10", frame)
    assert info.value.row == "b" and info.value.item == "q3" and info.value.value == 9
    assert [(r, i, v) for r, i, v in info.value.problems] == [("b", "q3", 9), ("c", "q7", 0)]
    assert isinstance(info.value, ValueError)


def test_frame_keeps_extra_columns_and_reports_missing_columns():
    frame = rc.read_dataset("barc10_example")
    out = rc.score_frame("barc10", frame)
    assert list(out.columns[:2]) == ["person", "wave"]
    assert "q1" not in out.columns and {"total", "band", "missing", "warnings"} <= set(out.columns)
    assert out.attrs["warnings"] and "Provisional" in out.attrs["warnings"][0]
    with pytest.raises(rc.InvalidResponse, match="missing: q10"):
        rc.score_frame("barc10", frame.drop(columns="q10"))


def test_labels_and_numbers_mix_in_one_column():
    frame = pd.DataFrame(
        {"q1": ["Yes", "no", " YES ", "1", 0]} | {f"q{i}": [0] * 5 for i in range(2, 11)},
        dtype=object,
    )
    frame["q3"] = 1  # "yes, I can stop" scores 0
    out = rc.score_frame("dast10", frame)
    assert out["total"].tolist() == [1.0, 0.0, 1.0, 1.0, 0.0]
