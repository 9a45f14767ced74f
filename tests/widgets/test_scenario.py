"""BranchingScenario: walking the graph, tagged choices, MITI-style summary at the ending."""

from __future__ import annotations

from recovery_capital.content.model import parse_content
from recovery_capital.widgets import BranchingScenario

SCENARIO = parse_content(
    {
        "kind": "scenario",
        "id": "m4-scenario-test",
        "title": "Meeting Jo",
        "client": {"name": "Jo", "summary": "Jo is 52 <b>and tired</b>."},
        "start": "opening",
        "nodes": {
            "opening": {
                "client": "The GP made me come.",
                "choices": [
                    {
                        "text": "What would make today useful?",
                        "tag": "open_question",
                        "next": "middle",
                        "feedback": "Invites her **view**.",
                    },
                    {"text": "You have to cut down.", "tag": "confronting", "next": "closed"},
                ],
            },
            "middle": {
                "client": "Sleep, mostly.",
                "choices": [
                    {
                        "text": "Sleep matters a lot to you right now.",
                        "tag": "complex_reflection",
                        "next": "open",
                    },
                    {"text": "Sleep is hard.", "tag": "simple_reflection", "next": "open"},
                ],
            },
            "open": {
                "client": "Yes. Thank you.",
                "ending": True,
                "outcome": "good",
                "feedback": "She felt heard.",
            },
            "closed": {
                "client": "I'm going.",
                "ending": True,
                "outcome": "poor",
                "feedback": "Confronting closed things down.",
            },
        },
    }
)


def choose(scenario, index):
    scenario.choices.value = str(index)
    return scenario.say()


def test_starts_with_the_client_and_offers_the_first_choices(context):
    scenario = BranchingScenario(SCENARIO, context=context)
    assert "The GP made me come." in scenario.transcript.value
    assert sorted(o["label"] for o in scenario.choices.options) == [
        "What would make today useful?",
        "You have to cut down.",
    ]
    assert "Jo is 52 &lt;b&gt;and tired&lt;/b&gt;." in scenario.widget.children[1].value


def test_saying_nothing_asks_for_a_choice(context):
    scenario = BranchingScenario(SCENARIO, context=context)
    assert scenario.say() is False
    assert scenario.status.text == "Choose what you would say first."


def test_a_path_to_an_ending_is_tagged_summarised_and_stored(context):
    scenario = BranchingScenario(SCENARIO, context=context)
    assert choose(scenario, 0)
    assert scenario.status.text == "Jo: Sleep, mostly."
    assert "(open question)" in scenario.transcript.value
    assert "Invites her <strong>view</strong>." in scenario.transcript.value
    assert context.store.latest(context.cohort, context.handle, "m4-scenario-test").answers == {
        "path": [0]
    }
    assert choose(scenario, 0)
    assert scenario.finished and scenario.choices.hidden
    row = context.store.responses(context.cohort, "m4-scenario-test").iloc[0]
    assert row["answers"] == {"path": [0, 0]}
    assert row["scores"] == {
        "ending": "open",
        "outcome": "good",
        "steps": 2,
        "counts": {"question": 1, "complex_reflection": 1},
        "reflection_to_question": 1.0,
        "percent_complex_reflections": 100.0,
        "mi_consistent": 2,
        "mi_adherent": 0,
        "mi_non_adherent": 0,
        "missed_reflections": 0,
    }
    html = scenario.feedback.value
    assert 'class="rc-ending rc-ending-good"' in html and "She felt heard." in html
    assert 'class="rc-miti-summary"' in html
    assert "Reflection-to-question ratio: 1 (fair" in html
    assert scenario.say() is False  # nothing more to say at an ending


def test_a_path_without_questions_says_why_there_is_no_ratio(context):
    scenario = BranchingScenario(SCENARIO, context=context)
    choose(scenario, 1)
    assert "No questions were coded" in scenario.feedback.value
    assert "rc-ending-poor" in scenario.feedback.value


def test_the_conversation_so_far_comes_back_after_a_reload(context, reopen):
    scenario = BranchingScenario(SCENARIO, context=context)
    choose(scenario, 0)
    again = reopen(scenario)
    assert again.node_id == "middle" and again.answers == {"path": [0]}
    assert "Sleep, mostly." in again.transcript.value
    choose(again, 1)
    finished = reopen(again)
    assert finished.finished and "rc-miti-summary" in finished.feedback.value


def test_start_again_goes_back_to_the_opening(context):
    scenario = BranchingScenario(SCENARIO, context=context)
    choose(scenario, 1)
    scenario.reset_button.click()
    assert scenario.node_id == "opening" and scenario.feedback.value == ""
    assert not scenario.choices.hidden


def test_a_stale_saved_path_is_cut_where_it_no_longer_fits(context):
    context.store.save_draft(context.cohort, context.handle, "m4-scenario-test", {"path": [0, 7]})
    scenario = BranchingScenario(SCENARIO, context=context)
    assert scenario.answers == {"path": [0]}


def test_a_short_path_says_its_ratios_rest_on_few_replies_and_names_a_missed_reflection(context):
    scenario = BranchingScenario(SCENARIO, context=context)
    choose(scenario, 0)  # an open question
    choose(scenario, 1)  # a simple reflection
    html = scenario.feedback.value
    assert "2 of 2 replies in the spirit of MI" in html
    assert "This rests on only 1 question" in html and "only 1 reflection" in html
    assert "rc-missed" not in html  # nothing MI-inconsistent was chosen


def test_turns_where_a_reflection_was_on_offer_are_named(context):
    offered = parse_content(
        {
            "kind": "scenario",
            "id": "m4-scenario-missed",
            "title": "T",
            "client": {"name": "Jo", "summary": "Jo."},
            "start": "a",
            "nodes": {
                "a": {
                    "client": "I'm tired.",
                    "choices": [
                        {"text": "You're worn out.", "tag": "complex_reflection", "next": "b"},
                        {"text": "Do you sleep?", "tag": "closed_question", "next": "b"},
                    ],
                },
                "b": {"client": "OK.", "ending": True, "outcome": "mixed", "feedback": "Hm."},
            },
        }
    )
    scenario = BranchingScenario(offered, context=context)
    choose(scenario, 1)
    html = scenario.feedback.value
    assert "0 of 1 reply in the spirit of MI" in html
    assert "Turn 1: you chose closed question" in html and "You&#x27;re worn out." in html
    assert "No reflections were coded" in html
    stored = context.store.latest(context.cohort, context.handle, "m4-scenario-missed").scores
    assert stored["missed_reflections"] == 1 and stored["mi_consistent"] == 0


def test_jos_good_ending_is_reached_only_through_safety_and_teaches_it(context):
    from pathlib import Path

    from recovery_capital.content.model import load_content

    path = Path(__file__).resolve().parents[2] / "assets/content/scenarios/m4-scenario-jo.yaml"
    jo = load_content(path)
    good = jo.nodes["plan-made"].feedback.lower()
    for topic in ("withdrawal", "stopping suddenly", "driv", "dvla", "suicide", "safety plan"):
        assert topic in good, topic
    # every way into the good ending passes the driving and suicide questions
    into_good = {n for n, node in jo.nodes.items() for c in node.choices if c.next == "plan-made"}
    assert into_good <= {"driving", "driving-realises"}
    into_driving = {n for n, node in jo.nodes.items() for c in node.choices if c.next == "driving"}
    assert into_driving == {"asked-directly"}
