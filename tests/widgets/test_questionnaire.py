"""Questionnaire: items from the definition, scoring, results in words and charts, restore."""

from __future__ import annotations

import recovery_capital as rc
from recovery_capital.widgets import Questionnaire


def answer(questionnaire, values):
    for item_id, value in zip(questionnaire.items, values, strict=True):
        questionnaire.items[item_id].value = str(value)


def test_every_item_is_a_labelled_group_with_the_instruments_options(context):
    barc = Questionnaire("barc10", context=context)
    assert barc.activity_id == "barc10"
    first = barc.items["q1"]
    inst = rc.load_instrument("barc10")
    assert first.legend == f"1. {inst.items[0].prompt}"
    assert [o["label"] for o in first.options][0] == "Strongly disagree"
    assert [o["value"] for o in first.options] == ["1", "2", "3", "4", "5", "6"]
    assert "0 of 10 questions answered" in barc.progress.value
    barc.items["q1"].value = "4"
    assert "1 of 10 questions answered" in barc.progress.value


def test_unanswered_items_block_the_score_and_are_named(context):
    barc = Questionnaire("barc10", context=context)
    answer(barc, [5] * 10)
    barc.items["q4"].value = ""
    barc.items["q9"].value = ""
    assert barc.submit() is False
    assert barc.status.text == "To see the score, please answer questions 4 and 9."


def test_barc10_result_is_scored_stored_explained_and_charted(context):
    barc = Questionnaire("barc10", context=context)
    answer(barc, [5, 5, 5, 5, 5, 5, 5, 4, 4, 4])
    assert barc.submit()
    row = context.store.responses(context.cohort, "barc10").iloc[0]
    assert row["instrument"] == "barc10" and row["instrument_version"] == "2017"
    assert row["scores"]["scales"] == {"total": 47.0}
    assert row["answers"]["q10"] == 4
    html = barc.feedback.value
    assert '<span class="rc-score">47</span>' in html
    assert "At or above the remission-associated score (47+)" in html
    assert 'class="rc-meaning"' in html and "sustained remission" in html
    assert "Provisional scoring" in html
    assert "conversation starters, not verdicts" in html
    assert 'img class="rc-chart"' in html and 'alt="Radar chart' in html
    assert "Housing and safety" in html  # the spokes are the ARC domains


def test_urica_shows_stage_means_and_readiness(context):
    urica = Questionnaire("urica", context=context)
    answer(urica, [3] * 32)
    assert urica.submit()
    html = urica.feedback.value
    assert "Precontemplation" in html
    assert "Bar chart" in html and "Readiness" in html


def test_socrates_shows_deciles(context):
    socrates = Questionnaire("socrates8a", context=context)
    answer(socrates, [3] * 19)
    assert socrates.submit()
    assert "decile 10" in socrates.feedback.value
    assert "Decile chart" in socrates.feedback.value


def test_audit_c_asks_about_the_person_and_restores_that_answer(context, reopen):
    audit_c = Questionnaire("audit_c", context=context)
    answer(audit_c, [2, 1, 0])
    audit_c.about["sex"].value = "female"
    assert audit_c.submit()
    row = context.store.responses(context.cohort, "audit_c").iloc[0]
    assert "_context" not in row["answers"]
    assert row["scores"]["band"] == "Positive screen"
    again = reopen(audit_c)
    assert again.about["sex"].value == "female"
    assert "Positive screen" in again.feedback.value


def test_audit_skip_rule_lets_a_non_drinker_skip_items(context):
    audit = Questionnaire("audit", context=context)
    audit.items["q1"].value = "0"
    audit.items["q9"].value = "0"
    audit.items["q10"].value = "0"
    assert audit.submit(), audit.status.text
    assert (
        context.store.responses(context.cohort, "audit").iloc[0]["scores"]["scales"]["total"] == 0
    )


def test_restore_after_reload_and_a_custom_activity_id(context):
    first = Questionnaire("dast10", activity_id="m5-dast-practice", context=context)
    answer(first, [0, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    again = Questionnaire("dast10", activity_id="m5-dast-practice", context=context)
    assert again.answers == first.answers
    assert again.feedback.value == ""
    other = Questionnaire("dast10", context=context)
    assert other.answers == {}


def test_a_tampered_browser_value_is_ignored(context):
    barc = Questionnaire("barc10", context=context)
    barc.items["q1"].value = "9"
    assert barc.answers == {}


def test_a_repeated_questionnaire_shows_then_and_now(context):
    before = Questionnaire("barc10", activity_id="m1-barc-pre", context=context)
    answer(before, [3] * 10)
    assert before.submit()
    after = Questionnaire(
        "barc10", activity_id="m7-barc-post", compare_with="m1-barc-pre", context=context
    )
    answer(after, [4] * 10)
    assert after.submit()
    html = after.feedback.value
    assert 'class="rc-result rc-then-and-now"' in html
    assert "<td>30</td>" in html and "<td>+10</td>" in html
    assert "Line chart: BARC-10: then and now." in html


def test_no_comparison_before_the_earlier_one_is_submitted(context):
    after = Questionnaire("barc10", activity_id="m7-x", compare_with="m1-x", context=context)
    answer(after, [4] * 10)
    assert after.submit()
    assert "rc-then-and-now" not in after.feedback.value


def test_a_preheated_questionnaire_warms_chart_drawing_up_while_it_waits(
    context, store, monkeypatch
):
    from recovery_capital.charts import drawing as charts
    from recovery_capital.session import context as course
    from recovery_capital.session.context import Context

    warmed = []
    monkeypatch.setattr(charts, "_WARMING", None)
    monkeypatch.setattr(charts, "warm_up", lambda: warmed.append(True))
    Questionnaire("barc10", context=context)  # a trainee's own page: nothing to warm up
    assert charts._WARMING is None
    monkeypatch.setenv("VOILA_PREHEAT", "True")  # a pool kernel whose trainee is still to come
    monkeypatch.setattr(course, "_REQUEST_RECEIVED", False)
    waiting = Context.waiting(store=store)
    Questionnaire("barc10", context=waiting)
    Questionnaire("dast10", context=waiting)  # once per kernel
    charts._WARMING.join(10)
    assert warmed == [True]
