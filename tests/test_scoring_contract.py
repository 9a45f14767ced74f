"""The scoring contract for any input (issue 19).

Bad input raises ``InvalidResponse`` (a ``ValueError`` naming the item, the value and what is
allowed) and nothing else; ``errors="coerce"`` never raises; ``score`` and ``score_frame``
share one answer parser, so every spelling gets the same verdict from both.
"""

from __future__ import annotations

import contextlib
import math
import pathlib
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recovery_capital as rc
from recovery_capital.scoring import miti
from recovery_capital.scoring.definitions import (
    BUNDLED_DIR,
    clear_instrument_cache,
    load_instrument_file,
)

BUNDLED = sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml") if not p.stem.endswith(".wording"))
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any value a caller, a spreadsheet reader or a database driver might hand over.
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("sNaN"), Decimal("NaN"), Decimal("5"), Decimal("5.0000000001")]),
    st.fractions(),
    st.complex_numbers(max_magnitude=1e6),
    st.text(max_size=12),
    st.binary(max_size=6),
    st.sampled_from(
        [
            "",
            "  ",
            "５",
            "1_0",
            "5e0",
            "nan",
            "inf",
            " Agree ",
            "STRONGLY AGREE",
            "Yes",
            "no",
            "Never",
            "0",
            "1",
            "5",
            "5.0",
            "+5",
            "-0",
            "0x5",
        ]
    ),
    st.sampled_from([b"5", b"\x88", b"Agree", bytearray(b"3")]),
    st.sampled_from([pd.NA, pd.NaT, np.nan, np.float32("nan"), np.datetime64("NaT")]),
    st.sampled_from(
        [np.int64(5), np.int8(1), np.uint64(2), np.float64(4.0), np.bool_(True), np.str_("Agree")]
    ),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.just(datetime(2027, 3, 1)),
    st.just(object()),
)


def valid_answers(inst) -> dict[str, object]:
    return {item.id: item.allowed_values[0] for item in inst.items}


def verdict(inst, item_id: str, value: object) -> str:
    """'ok' or 'invalid' from score(), for one cell in an otherwise valid set of answers."""
    try:
        rc.score(inst, {**valid_answers(inst), item_id: value})
    except rc.InvalidResponse as exc:
        assert exc.item == item_id
        return "invalid"
    return "ok"


@pytest.mark.parametrize("instrument_id", BUNDLED)
@SETTINGS
@given(data=st.data())
def test_score_raises_only_invalid_response_for_any_answers(instrument_id, data):
    inst = rc.load_instrument(instrument_id)
    answers = data.draw(st.fixed_dictionaries({i: anything for i in inst.item_ids}))
    try:
        result = rc.score(inst, answers)
    except rc.InvalidResponse as exc:
        assert isinstance(exc, ValueError) and str(exc)
        return
    for scale in inst.scales:
        value = result.scales[scale.id]
        assert value is None or math.isfinite(value)


@pytest.mark.parametrize("instrument_id", BUNDLED)
@SETTINGS
@given(data=st.data())
def test_frame_verdict_equals_score_verdict_for_every_value(instrument_id, data):
    """The same value in one cell: score and score_frame (raise and coerce) agree."""
    inst = rc.load_instrument(instrument_id)
    item_id = data.draw(st.sampled_from(inst.item_ids))
    # each value three times: shared objects take the grouping-by-reference path
    values = data.draw(st.lists(anything, min_size=1, max_size=4)) * 3
    rows = [{**valid_answers(inst), item_id: value} for value in values]
    frame = pd.DataFrame(rows, columns=list(inst.item_ids))
    frame[item_id] = pd.Series(values, dtype=object)
    expected = [verdict(inst, item_id, value) for value in values]

    coerced = rc.score_frame(inst, frame, errors="coerce")
    flagged = ["invalid" if "not allowed" in note else "ok" for note in coerced["warnings"]]
    assert flagged == expected, values
    try:
        raised = rc.score_frame(inst, frame)
    except rc.InvalidResponse as exc:
        assert "invalid" in expected
        assert [p[0] for p in exc.problems] == [i for i, v in enumerate(expected) if v == "invalid"]
    else:
        assert "invalid" not in expected
        pd.testing.assert_frame_equal(raised, coerced)
    for index, _value in enumerate(values):
        if expected[index] == "ok":
            single = rc.score(inst, rows[index])
            for scale_id, score in single.scales.items():
                got = coerced.loc[index, scale_id]
                assert (score is None and math.isnan(got)) or got == pytest.approx(score)


@pytest.mark.parametrize("instrument_id", BUNDLED)
@SETTINGS
@given(data=st.data())
def test_coerce_never_raises_on_frames_pandas_builds(instrument_id, data):
    """Columns as pandas infers them (numbers, text, mixed objects), not only object columns."""
    inst = rc.load_instrument(instrument_id)
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries({i: anything for i in inst.item_ids}), min_size=0, max_size=4
        )
    )
    frame = pd.DataFrame(rows, columns=list(inst.item_ids))
    out = rc.score_frame(inst, frame, errors="coerce")
    assert len(out) == len(frame)
    with contextlib.suppress(rc.InvalidResponse):
        rc.score_frame(inst, frame)


# --------------------------------------------------------------------------- the issue's cases


def test_the_crashes_reported_in_issue_19_are_invalid_response():
    inst = rc.load_instrument("barc10")
    with pytest.raises(rc.InvalidResponse, match="q1"):
        rc.score("barc10", {**valid_answers(inst), "q1": 10**400})
    frame = pd.DataFrame({i: [5, 5] for i in inst.item_ids})
    frame["q3"] = pd.Series([b"\x88", 5], dtype=object)
    with pytest.raises(rc.InvalidResponse, match="q3"):
        rc.score_frame("barc10", frame)
    out = rc.score_frame("barc10", frame, errors="coerce")
    assert math.isnan(out.loc[0, "total"]) and out.loc[1, "total"] == 50
    assert "q3: b'\\x88' is not allowed" in out.loc[0, "warnings"]
    # a NaN is a NaN, signalling or not: the answer is missing, as with float("nan")
    frame["q3"] = pd.Series([Decimal("sNaN"), 5], dtype=object)
    for errors in ("raise", "coerce"):
        out = rc.score_frame("barc10", frame, errors=errors)
        assert math.isnan(out.loc[0, "total"]) and out.loc[0, "warnings"] == "Not answered: q3."
    doubled = pd.concat(
        [pd.DataFrame({i: [5] for i in inst.item_ids}), pd.DataFrame({"q2": [4]})], axis=1
    )
    with pytest.raises(rc.InvalidResponse, match="q2.*repeated: q2"):
        rc.score_frame("barc10", doubled)
    with pytest.raises(rc.InvalidResponse):
        miti.summarize({"question": 10**400})
    with pytest.raises(rc.InvalidResponse, match="tags"):
        miti.counts_from_tags(None)  # type: ignore[arg-type]


def test_spellings_get_one_verdict_from_score_and_score_frame():
    inst = rc.load_instrument("barc10")
    cases = [
        ("５", "ok"),
        ("1_0", "invalid"),
        (b"5", "ok"),
        (Decimal("5"), "ok"),
        ("5.0", "ok"),
        (Decimal("5.0000000000000000001"), "invalid"),
        (Fraction(5), "ok"),
        (True, "invalid"),
        (np.int64(5), "ok"),
        ("five", "invalid"),
        (" agree ", "ok"),
        ("", "ok"),
        (None, "ok"),
    ]
    for value, expected in cases:
        assert verdict(inst, "q1", value) == expected, value
        frame = pd.DataFrame([valid_answers(inst)])
        frame["q1"] = pd.Series([value], dtype=object)
        out = rc.score_frame(inst, frame, errors="coerce")
        assert ("not allowed" in out.loc[0, "warnings"]) == (expected == "invalid"), value


def test_a_pandas_row_and_a_numpy_array_in_item_order_are_accepted():
    frame = rc.read_dataset("barc10_example")
    row = frame.iloc[0]
    assert (
        rc.score("barc10", row).scales
        == rc.score_frame("barc10", frame.iloc[[0]])[["total"]].iloc[0].to_dict()
    )
    assert rc.score("barc10", np.array([5, 5, 5, 5, 5, 5, 5, 4, 4, 4])).scales == {"total": 47.0}
    assert rc.score("urica", pd.Series([3] * 32)).scales["readiness"] == 6.0
    with pytest.raises(rc.InvalidResponse, match="shape"):
        rc.score("barc10", np.ones((2, 10)))
    with pytest.raises(rc.InvalidResponse, match="q11"):
        rc.score("barc10", pd.Series({**{f"q{i}": 5 for i in range(1, 11)}, "q11": 5}))
    for wrong in ("5555555555", 5, None, {5, 4}):
        with pytest.raises(rc.InvalidResponse, match="answers"):
            rc.score("barc10", wrong)  # type: ignore[arg-type]
    with pytest.raises(rc.InvalidResponse, match="frame"):
        rc.score_frame("barc10", [[5] * 10])  # type: ignore[arg-type]


def test_a_definition_that_is_not_utf8_is_a_definition_error(tmp_path):
    text = (BUNDLED_DIR / "barc10.yaml").read_text(encoding="utf-8")
    path = tmp_path / "barc10.yaml"
    path.write_bytes(text.replace("Strongly agree", "Strongly agrée").encode("cp1252"))
    with pytest.raises(rc.DefinitionError, match="line 30: not UTF-8 text"):
        load_instrument_file(path)


mutation = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


@pytest.mark.parametrize("instrument_id", BUNDLED)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_loading_a_damaged_definition_raises_only_definition_error(instrument_id, data, tmp_path):
    original = yaml.safe_load((BUNDLED_DIR / f"{instrument_id}.yaml").read_text("utf-8"))
    paths = [p for p in _paths(original) if p]
    where = data.draw(st.sampled_from(paths))
    damaged = yaml.safe_load(yaml.safe_dump(original))
    target = damaged
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = data.draw(mutation)
    path = tmp_path / f"{instrument_id}.yaml"
    path.write_text(yaml.safe_dump(damaged), encoding="utf-8")
    try:
        load_instrument_file(path)
    except rc.DefinitionError as exc:
        assert str(exc).startswith(str(path))


@SETTINGS
@given(
    counts=st.dictionaries(
        st.one_of(st.sampled_from(miti.BEHAVIOUR_CODES), st.text()), anything, max_size=4
    ),
    ratings=st.one_of(
        st.none(),
        st.dictionaries(
            st.one_of(st.sampled_from(miti.GLOBAL_CODES), st.text()), anything, max_size=4
        ),
    ),
    tags=st.one_of(
        anything,
        st.lists(st.one_of(st.sampled_from(list(miti.SCENARIO_TAGS)), anything), max_size=4),
    ),
)
def test_miti_raises_only_invalid_response(counts, ratings, tags):
    for call in (lambda: miti.summarize(counts, ratings), lambda: miti.counts_from_tags(tags)):
        with contextlib.suppress(rc.InvalidResponse):
            call()


# --------------------------------------------------------------------------- speed


def test_score_by_id_does_not_touch_the_file_system_after_the_first_call(monkeypatch):
    clear_instrument_cache()
    rc.score("barc10", [5] * 10)  # finds and reads the file

    def refuse(*args, **kwargs):
        raise AssertionError("the file system was touched")

    for name in ("glob", "stat", "is_dir", "exists", "read_text", "read_bytes", "open"):
        monkeypatch.setattr(pathlib.Path, name, refuse)
    assert rc.score("barc10", [5] * 10).scales == {"total": 50.0}
    assert rc.score_frame(
        "barc10", pd.DataFrame([[5] * 10], columns=[f"q{i}" for i in range(1, 11)])
    )["total"].tolist() == [50.0]


DTYPES = ["object", "category", "string", "str", "Int64", "Float64", "float64", "int64", "bool"]


@pytest.mark.parametrize("instrument_id", BUNDLED)
@SETTINGS
@given(data=st.data())
def test_frame_rows_score_like_the_same_pandas_row_in_any_column_dtype(instrument_id, data):
    """score(frame.iloc[i]) and score_frame(frame) row i agree, whatever each column's dtype."""
    inst = rc.load_instrument(instrument_id)
    cell = st.one_of(
        st.sampled_from([v for item in inst.items for v in item.allowed_values]),
        st.sampled_from([o.label for item in inst.items for o in item.options]),
        anything,
    )
    rows = data.draw(
        st.lists(st.fixed_dictionaries({i: cell for i in inst.item_ids}), min_size=1, max_size=4)
    )
    frame = pd.DataFrame(rows, columns=list(inst.item_ids), dtype=object)
    for item_id in inst.item_ids:
        dtype = data.draw(st.sampled_from(DTYPES))
        try:
            frame[item_id] = frame[item_id].astype(dtype)
        except Exception:  # noqa: BLE001 - not every value converts to every dtype
            continue
    out = rc.score_frame(inst, frame, errors="coerce")
    for index in range(len(frame)):
        row = frame.iloc[index]
        try:
            single = rc.score(inst, row)
        except rc.InvalidResponse:
            assert "not allowed" in out["warnings"].iloc[index]
            continue
        assert "not allowed" not in out["warnings"].iloc[index]
        for scale_id, value in single.scales.items():
            got = out[scale_id].iloc[index]
            assert (value is None and math.isnan(got)) or got == pytest.approx(value)
        assert out["missing"].iloc[index] == len(single.missing)
