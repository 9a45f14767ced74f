"""Every scale, band and stage rule in shared/INSTRUMENTS.md, checked with its published vectors."""

from __future__ import annotations

import math

import pandas as pd
import pytest

import recovery_capital as rc


def answers(n: int, value: object) -> dict[str, object]:
    return {f"q{i}": value for i in range(1, n + 1)}


def items(numbers: list[int]) -> list[str]:
    return [f"q{n}" for n in numbers]


# --------------------------------------------------------------------------- BARC-10


@pytest.mark.parametrize(
    ("values", "total"),
    [([1] * 10, 10.0), ([6] * 10, 60.0), ([5, 5, 5, 5, 5, 5, 5, 4, 4, 4], 47.0)],
)
def test_barc10_published_vectors(values, total):
    assert rc.score("barc10", values).scales == {"total": total}


def test_barc10_cutoff_47_and_provisional_direction_warning():
    at = rc.score("barc10", [5, 5, 5, 5, 5, 5, 5, 4, 4, 4])
    below = rc.score("barc10", [5, 5, 5, 5, 5, 5, 4, 4, 4, 4])
    assert below.scales["total"] == 46
    assert at.band.startswith("At or above") and below.band.startswith("Below")
    assert at.status == "provisional"
    assert any("direction of the cut-off of 47" in w for w in at.warnings)


def test_barc10_has_ten_domains_in_order_and_no_reverse_items():
    inst = rc.load_instrument("barc10")
    assert [i.domain for i in inst.items][:2] == [
        "Substance use and sobriety",
        "Psychological health",
    ]
    assert inst.items[-1].domain == "Recovery experience"
    assert not any(i.reverse for i in inst.items)
    assert [s.id for s in inst.scales] == ["total"]


def test_barc10_missing_item_leaves_total_missing_not_smaller():
    res = rc.score("barc10", {**answers(10, 6), "q4": None})
    assert res.scales["total"] is None and res.band is None
    assert res.missing == ["q4"]
    assert any("not computed" in w for w in res.warnings)


# --------------------------------------------------------------------------- URICA

URICA_SCALES = {
    "precontemplation": [1, 5, 11, 13, 23, 26, 29],
    "contemplation": [2, 8, 12, 15, 19, 21, 24],
    "action": [3, 7, 10, 14, 17, 25, 30],
    "maintenance": [6, 16, 18, 22, 27, 28, 32],
}


def test_urica_scales_and_unscored_items_follow_the_published_key():
    inst = rc.load_instrument("urica")
    for scale_id, numbers in URICA_SCALES.items():
        assert list(inst.scale(scale_id).items) == items(numbers)
        assert inst.scale(scale_id).method == "mean"
    unscored = [i.id for i in inst.items if not i.scored]
    assert unscored == items([4, 9, 20, 31])


def test_urica_all_threes_gives_readiness_6():
    res = rc.score("urica", answers(32, 3))
    assert res.scales["readiness"] == 6.0
    assert res.band == "Precontemplation"


def test_urica_precontemplation_1_others_5_gives_14():
    values = answers(32, 5)
    values.update({q: 1 for q in items(URICA_SCALES["precontemplation"])})
    assert rc.score("urica", values).scales["readiness"] == 14.0


def test_urica_precontemplation_2_others_4_gives_10_nearest_precontemplation():
    values = answers(32, 4)
    values.update({q: 2 for q in items(URICA_SCALES["precontemplation"])})
    res = rc.score("urica", values)
    assert res.scales["readiness"] == 10.0
    assert res.band == "Precontemplation"  # |10 - 9.3| < |10 - 11.0|


def test_urica_unscored_items_do_not_change_scores():
    base = answers(32, 4)
    changed = {**base, **{q: 1 for q in items([4, 9, 20, 31])}}
    assert rc.score("urica", base).scales == rc.score("urica", changed).scales


@pytest.mark.parametrize(
    ("readiness_target", "stage"),
    [(11.0, "Contemplation"), (12.6, "Action (participation)"), (9.3, "Precontemplation")],
)
def test_urica_stage_is_nearest_group_mean(readiness_target, stage):
    inst = rc.load_instrument("urica")
    band = inst.bands[0]
    assert {t.label: t.value for t in band.targets}[stage] == readiness_target
    # readiness 12 is nearer 12.6 than 11.0; 11.5 nearer 11.0
    frame = pd.DataFrame([answers(32, 4)])
    out = rc.score_frame("urica", frame)
    assert out.loc[0, "readiness"] == 8.0


def test_urica_stage_boundary_between_contemplation_and_action():
    # contemplation 5, action 4, maintenance 4, precontemplation 8/7 -> readiness 11.857...
    values = answers(32, 4)
    values.update({q: 5 for q in items(URICA_SCALES["contemplation"])})
    pre = items(URICA_SCALES["precontemplation"])
    values.update({q: 1 for q in pre})
    values[pre[0]] = 2
    res = rc.score("urica", values)
    assert math.isclose(res.scales["readiness"], 13 - 8 / 7)
    assert res.band == "Action (participation)"  # 0.74 from 12.6, 0.86 from 11.0


# --------------------------------------------------------------------------- SOCRATES


@pytest.mark.parametrize("instrument", ["socrates8a", "socrates8d"])
def test_socrates_all_threes(instrument):
    res = rc.score(instrument, answers(19, 3))
    assert res.scales == {"recognition": 21.0, "ambivalence": 12.0, "taking_steps": 24.0}
    assert res.deciles == {"recognition": 10, "ambivalence": 30, "taking_steps": 10}
    assert res.bands["recognition_band"] == "very low"
    assert res.bands["ambivalence_band"] == "low"


@pytest.mark.parametrize("instrument", ["socrates8a", "socrates8d"])
def test_socrates_all_fives(instrument):
    res = rc.score(instrument, answers(19, 5))
    assert res.scales == {"recognition": 35.0, "ambivalence": 20.0, "taking_steps": 40.0}
    assert res.deciles == {"recognition": 70, "ambivalence": 90, "taking_steps": 90}
    assert res.bands["taking_steps_band"] == "very high"
    assert res.bands["recognition_band"] == "high"


def test_socrates_item_key_and_decile_table_edges():
    inst = rc.load_instrument("socrates8a")
    assert list(inst.scale("recognition").items) == items([1, 3, 7, 10, 12, 15, 17])
    assert list(inst.scale("ambivalence").items) == items([2, 6, 11, 16])
    assert list(inst.scale("taking_steps").items) == items([4, 5, 8, 9, 13, 14, 18, 19])
    table = inst.bands[0].deciles
    assert table["recognition"][50] == (32, 33) and table["recognition"][10] == (7, 26)
    assert table["ambivalence"][20] == (9, 11) and table["taking_steps"][60] == (34, 35)
    # every attainable score maps to exactly one decile
    for scale_id, (low, high) in {
        "recognition": (7, 35),
        "ambivalence": (4, 20),
        "taking_steps": (8, 40),
    }.items():
        for total in range(low, high + 1):
            hits = [d for d, (a, b) in table[scale_id].items() if a <= total <= b]
            assert len(hits) == 1, (scale_id, total)


def test_socrates8d_says_norms_come_from_alcohol_version():
    inst = rc.load_instrument("socrates8d")
    assert "alcohol version" in inst.bands[0].norm_note


# --------------------------------------------------------------------------- RCQ (provisional)


def test_rcq_scales_sums_and_stage_highest():
    inst = rc.load_instrument("rcq")
    assert list(inst.scale("precontemplation").items) == items([1, 5, 10, 12])
    assert list(inst.scale("contemplation").items) == items([3, 4, 8, 9])
    assert list(inst.scale("action").items) == items([2, 6, 7, 11])
    values = answers(12, -2)
    values.update({q: 2 for q in items([3, 4, 8, 9])})
    res = rc.score("rcq", values)
    assert res.scales == {"precontemplation": -8.0, "contemplation": 8.0, "action": -8.0}
    assert res.band == "Contemplation"
    assert res.status == "provisional" and any("Provisional" in w for w in res.warnings)


def test_rcq_tie_goes_to_the_stage_further_along():
    res = rc.score("rcq", answers(12, 1))  # all scales 4
    assert res.band == "Action"
    values = answers(12, 0)
    values.update({q: 1 for q in items([1, 5, 10, 12, 3, 4, 8, 9])})  # pre = con = 4, act = 0
    assert rc.score("rcq", values).band == "Contemplation"


def test_rcq_prorates_one_missing_item_not_two():
    values = {**answers(12, 1), "q1": None}
    res = rc.score("rcq", values)
    assert res.scales["precontemplation"] == 4.0  # mean 1 x 4
    res = rc.score("rcq", {**values, "q5": None})
    assert res.scales["precontemplation"] is None and res.band is None


# --------------------------------------------------------------------------- rulers


def test_ruler_reports_the_number_and_has_no_band():
    res = rc.score("readiness_ruler", {"q1": 7, "q2": 4, "q3": 6})
    assert res.scales == {"importance": 7.0, "confidence": 4.0, "readiness": 6.0}
    assert res.band is None
    inst = rc.load_instrument("readiness_ruler")
    assert inst.item("q1").allowed_values == tuple(float(v) for v in range(11))


# --------------------------------------------------------------------------- AUDIT / AUDIT-C


def test_audit_item_scoring_and_subscales():
    inst = rc.load_instrument("audit")
    assert inst.item("q9").allowed_values == (0.0, 2.0, 4.0)
    assert inst.item("q8").allowed_values == (0.0, 1.0, 2.0, 3.0, 4.0)
    res = rc.score("audit", [4] * 10)
    assert res.scales == {"total": 40.0, "consumption": 12.0, "dependence": 12.0, "harm": 16.0}


@pytest.mark.parametrize(
    ("total_items", "zone"),
    [
        ([1, 1, 1, 1, 1, 1, 1, 0, 0, 0], "Zone I (0-7)"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], "Zone II (8-15)"),
        ([4, 4, 4, 1, 1, 1, 0, 0, 0, 0], "Zone II (8-15)"),
        ([4, 4, 4, 1, 1, 1, 1, 0, 0, 0], "Zone III (16-19)"),
        ([4, 4, 4, 1, 1, 1, 1, 1, 4, 0], "Zone IV (20-40)"),
    ],
)
def test_audit_zones(total_items, zone):
    assert rc.score("audit", total_items).band == zone


ZONES = {"I": "0-7", "II": "8-15", "III": "16-19", "IV": "20-40"}


@pytest.mark.parametrize(
    ("total", "zone"),
    [(0, "I"), (7, "I"), (8, "II"), (15, "II"), (16, "III"), (19, "III"), (20, "IV"), (32, "IV")],
)
def test_audit_zone_boundaries_exactly(total, zone):
    values = [min(4, max(0, total - 4 * index)) for index in range(8)] + [0, 0]
    res = rc.score("audit", values)
    assert res.scales["total"] == total
    assert res.band == f"Zone {zone} ({ZONES[zone]})"


def test_audit_escalation_flag():
    quiet = rc.score("audit", [2, 1, 1, 1, 1, 1, 0, 0, 0, 0])
    assert quiet.flags == {"escalation": False}
    assert rc.score("audit", [2, 1, 1, 2, 0, 0, 0, 0, 0, 0]).flags["escalation"]
    assert rc.score("audit", [1, 0, 0, 0, 0, 0, 0, 0, 0, 4]).flags["escalation"]
    assert not rc.score("audit", [1, 0, 0, 0, 0, 0, 0, 0, 2, 2]).flags["escalation"]


def test_audit_never_drinking_skips_items_2_to_8():
    res = rc.score("audit", {"q1": "Never", "q9": 0, "q10": "No"})
    assert res.scales["total"] == 0.0 and res.band == "Zone I (0-7)"
    assert res.missing == []
    missing = rc.score("audit", {"q1": 1, "q9": 0, "q10": 0})
    assert missing.scales["total"] is None
    assert missing.missing == items([2, 3, 4, 5, 6, 7, 8])


def test_audit_c_band_depends_on_sex():
    three = {"q1": 2, "q2": 1, "q3": 0}
    assert rc.score("audit_c", three, context={"sex": "female"}).band == "Positive screen"
    assert rc.score("audit_c", three, context={"sex": "male"}).band == "Negative screen"
    unknown = rc.score("audit_c", three)
    assert unknown.band is None and any("depends on sex" in w for w in unknown.warnings)
    four = {"q1": 2, "q2": 2, "q3": 0}
    assert rc.score("audit_c", four).band == "Positive screen"  # the same for everyone
    assert rc.score("audit_c", {"q1": 1, "q2": 1, "q3": 0}).band == "Negative screen"
    with pytest.raises(rc.InvalidResponse, match="sex"):
        rc.score("audit_c", three, context={"sex": "unknown-value"})


def test_audit_c_frame_reads_a_sex_column():
    frame = pd.DataFrame(
        {"q1": [2, 2, 2], "q2": [1, 1, 1], "q3": [0, 0, 0], "sex": ["F", "male", None]}
    )
    out = rc.score_frame("audit_c", frame)
    assert out["band"].tolist()[:2] == ["Positive screen", "Negative screen"]
    assert pd.isna(out.loc[2, "band"])
    assert "depends on sex" in out.loc[2, "warnings"] and out.loc[0, "warnings"] == ""
    out = rc.score_frame("audit_c", frame.drop(columns="sex"), context={"sex": "female"})
    assert list(out["band"].astype(object)) == ["Positive screen"] * 3


# --------------------------------------------------------------------------- DAST-10


def test_dast10_yes_scores_one_except_item_3():
    assert rc.score("dast10", ["yes"] * 10).scales["total"] == 9.0
    assert rc.score("dast10", ["no"] * 10).scales["total"] == 1.0
    assert rc.score("dast10", ["No", "No", "Yes"] + ["No"] * 7).scales["total"] == 0.0


@pytest.mark.parametrize(
    ("yes_count", "band"),
    [
        (0, "No problems reported"),
        (1, "Low level"),
        (2, "Low level"),
        (3, "Moderate level"),
        (5, "Moderate level"),
        (6, "Substantial level"),
        (8, "Substantial level"),
        (9, "Severe level"),
        (10, "Severe level"),
    ],
)
def test_dast10_bands(yes_count, band):
    values = [0, 0, 1] + [0] * 7  # item 3 "yes" (can stop) scores 0
    problems = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"][:yes_count]
    answers_ = {f"q{i + 1}": v for i, v in enumerate(values)}
    for q in problems:
        answers_[q] = 0 if q == "q3" else 1
    res = rc.score("dast10", answers_)
    assert res.scales["total"] == yes_count
    assert res.band == band
