"""The UK AUDIT-C and AUDIT (units versions) and the WHO interview skip rule.

Vectors follow the scoring printed on the PHE/OHID forms "AUDIT-C" and "AUDIT-C (with the
remaining AUDIT questions)" (UK units versions, as reproduced by NHS services): AUDIT-C items
0-4 each, total 0-12, 5 or more AUDIT-C positive; AUDIT total 0-40 with zones 0-7 lower risk,
8-15 increasing risk, 16-19 higher risk, 20+ possible dependence; items 9 and 10 score 0, 2, 4.
The skip rule is the WHO interview version of the AUDIT (Babor et al. 2001, Guidelines for Use
in Primary Care, 2nd ed.): after "never" on question 1, or when questions 2 and 3 total 0, go
to questions 9 and 10.
"""

from __future__ import annotations

import pandas as pd
import pytest

import recovery_capital as rc


def audit(*values):
    return dict(zip([f"q{i}" for i in range(1, 11)], values))


# --------------------------------------------------------------------------- UK AUDIT-C


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0, 0, 0], 0, "Lower risk (0-4)"),
        ([4, 0, 0], 4, "Lower risk (0-4)"),  # 4+ times a week, 1-2 units, never 6/8+
        ([3, 1, 1], 5, "AUDIT-C positive (5+)"),  # 5 is the UK cut-off, for everyone
        ([2, 2, 1], 5, "AUDIT-C positive (5+)"),
        ([4, 4, 4], 12, "AUDIT-C positive (5+)"),
    ],
)
def test_uk_audit_c_total_and_cut_off_of_5(answers, total, band):
    res = rc.score("audit_c_uk", answers)
    assert res.scales == {"total": float(total)} and res.band == band
    assert res.status == "verified" and not res.warnings


def test_uk_audit_c_asks_in_units_with_the_published_answer_bands():
    inst = rc.load_instrument("audit_c_uk")
    assert [o.label for o in inst.item("q2").options] == [
        "1 or 2 units",
        "3 or 4 units",
        "5 or 6 units",
        "7 to 9 units",
        "10 or more units",
    ]
    assert [o.value for o in inst.item("q2").options] == [0, 1, 2, 3, 4]
    assert "6 or more units" in inst.item("q3").prompt and "8 or more" in inst.item("q3").prompt
    assert [o.label for o in inst.item("q3").options] == [
        "Never",
        "Less than monthly",
        "Monthly",
        "Weekly",
        "Daily or almost daily",
    ]
    assert not inst.context  # the sex difference is in item 3's wording, not in the cut-off
    assert rc.score("audit_c_uk", ["2 to 3 times a week", "3 or 4 units", "monthly"]).scales == {
        "total": 6.0
    }


# --------------------------------------------------------------------------- UK AUDIT


@pytest.mark.parametrize(
    ("answers", "total", "zone"),
    [
        (audit(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, "Lower risk (0-7)"),
        (audit(3, 1, 1, 1, 0, 0, 1, 0, 0, 0), 7, "Lower risk (0-7)"),
        (audit(3, 1, 1, 1, 0, 0, 1, 1, 0, 0), 8, "Increasing risk (8-15)"),
        (audit(4, 2, 2, 1, 1, 1, 1, 1, 0, 2), 15, "Increasing risk (8-15)"),
        (audit(4, 2, 2, 1, 1, 1, 1, 2, 0, 2), 16, "Higher risk (16-19)"),
        (audit(4, 3, 3, 1, 1, 1, 2, 2, 0, 2), 19, "Higher risk (16-19)"),
        (audit(4, 3, 3, 1, 1, 1, 2, 1, 2, 2), 20, "Possible dependence (20+)"),
        (audit(4, 4, 4, 4, 4, 4, 4, 4, 4, 4), 40, "Possible dependence (20+)"),
    ],
)
def test_uk_audit_zones(answers, total, zone):
    res = rc.score("audit_uk", answers)
    assert res.scales["total"] == total and res.band == zone
    consumption = sum(answers[f"q{i}"] for i in (1, 2, 3))
    assert res.scales["consumption"] == consumption
    assert res.bands["audit_c"] == (
        "AUDIT-C positive (5+)" if consumption >= 5 else "Lower risk (0-4)"
    )


def test_uk_audit_items_9_and_10_score_0_2_4_and_refuse_1():
    inst = rc.load_instrument("audit_uk")
    assert inst.item("q9").allowed_values == (0.0, 2.0, 4.0)
    with pytest.raises(rc.InvalidResponse, match="q10: 1 is not allowed"):
        rc.score("audit_uk", audit(1, 0, 0, 0, 0, 0, 0, 0, 0, 1))


def test_uk_form_stops_after_a_negative_audit_c_so_only_the_audit_c_result_is_given():
    res = rc.score("audit_uk", {"q1": 3, "q2": 1, "q3": 0})
    assert res.scales["consumption"] == 4 and res.bands["audit_c"] == "Lower risk (0-4)"
    assert res.scales["total"] is None and res.band is None


# --------------------------------------------------------------------------- WHO skip rule


@pytest.mark.parametrize("instrument_id", ["audit", "audit_uk"])
def test_who_interview_skip_when_items_2_and_3_total_0(instrument_id):
    res = rc.score(instrument_id, {"q1": 2, "q2": 0, "q3": 0, "q9": 0, "q10": 2})
    assert res.scales["total"] == 4 and res.scales["dependence"] == 0
    assert res.missing == [] and any("4-8" in w for w in res.warnings)
    # the rule needs both answers: with item 3 unanswered nothing is filled in
    partial = rc.score(instrument_id, {"q1": 2, "q2": 0, "q9": 0, "q10": 2})
    assert partial.scales["total"] is None and "q4" in partial.missing
    # answers actually given are kept, never overwritten by the skip
    kept = rc.score(instrument_id, audit(2, 0, 0, 1, 0, 0, 0, 0, 0, 0))
    assert kept.scales["dependence"] == 1
    frame = pd.DataFrame(
        [{"q1": 2, "q2": 0, "q3": 0, "q9": 0, "q10": 2}, {"q1": 0, "q9": 0, "q10": 0}],
        columns=[f"q{i}" for i in range(1, 11)],
    )
    out = rc.score_frame(instrument_id, frame)
    assert out["total"].tolist() == [4.0, 0.0] and out["missing"].tolist() == [0, 0]


def test_who_skip_after_never_on_item_1_still_holds():
    res = rc.score("audit_uk", {"q1": 0, "q9": 0, "q10": 0})
    assert res.scales["total"] == 0 and res.band == "Lower risk (0-7)"
    assert any("never" in w for w in res.warnings)


def test_the_bundled_uk_example_follows_the_form():
    """AUDIT-C under 5: the form stops, so only the AUDIT-C result; 5+: the full AUDIT zone."""
    out = rc.score_frame("audit_uk", rc.read_dataset("audit_uk_example"))
    stopped = out[out["consumption"] < 5]
    full = out[out["consumption"] >= 5]
    assert (stopped["audit_c"] == "Lower risk (0-4)").all()
    assert (full["audit_c"] == "AUDIT-C positive (5+)").all() and full["total"].notna().all()
    assert out.set_index("person").loc["A006", "band"] == "Possible dependence (20+)"
    assert out.set_index("person").loc["A007", "total"] == 0  # "never": questions 2-8 count 0
