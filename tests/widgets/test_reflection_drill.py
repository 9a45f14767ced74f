"""ReflectionDrill: write first, then compare with model answers, code and rate your own; the
trainee's text and self-rating are stored and come back after a reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from recovery_capital.content.model import load_content, parse_content
from recovery_capital.widgets import ReflectionDrill

REPO = Path(__file__).resolve().parents[2]
DRILLS = sorted((REPO / "assets/content/drills").glob("*.yaml"))

DRILL = parse_content(
    {
        "kind": "drill",
        "id": "m4-drill-test",
        "title": "Reflections",
        "skill": "reflection",
        "items": [
            {
                "id": "fed-up",
                "client": "Everyone keeps <b>on</b> at me.",
                "models": [
                    {"text": "People keep on at you.", "tag": "simple_reflection", "why": "Close."},
                    {
                        "text": "You're tired of being told.",
                        "tag": "complex_reflection",
                        "why": "Adds **feeling**.",
                    },
                ],
            },
            {
                "id": "dad",
                "client": "I used to be a good dad.",
                "models": [
                    {"text": "You were a good dad.", "tag": "simple_reflection", "why": "Close."},
                    {"text": "It still matters.", "tag": "complex_reflection", "why": "Value."},
                ],
            },
        ],
    }
)


def fill(drill, item_id, text, code="complex_reflection", rating="close"):
    drill.texts[item_id].value = text
    assert drill.reveal(item_id)
    drill.codes[item_id].value = code
    drill.ratings[item_id].value = rating


def test_model_answers_stay_hidden_until_the_trainee_has_written_a_reply(context):
    drill = ReflectionDrill(DRILL, context=context)
    statement = drill.widget.children[2].children[0].value
    assert "Everyone keeps &lt;b&gt;on&lt;/b&gt; at me." in statement
    assert drill.models["fed-up"].value == "" and drill.codes["fed-up"].hidden
    assert drill.reveal("fed-up") is False
    assert drill.status.text == "Write your own reply first; then compare it."
    drill.texts["fed-up"].value = "You've had enough of it."
    assert drill.reveal("fed-up")
    models = drill.models["fed-up"].value
    assert "People keep on at you." in models and "(simple reflection)" in models
    assert "Adds <strong>feeling</strong>." in models
    assert not drill.codes["fed-up"].hidden and not drill.ratings["fed-up"].hidden


def test_submitting_asks_for_every_step_in_turn(context):
    drill = ReflectionDrill(DRILL, context=context)
    assert drill.submit() is False
    assert drill.status.text == "Please write your reply to statement 1 first."
    drill.texts["fed-up"].value = "You've had enough."
    drill.submit()
    assert drill.status.text == "Please compare your reply to statement 1 with the models."
    drill.reveal("fed-up")
    drill.submit()
    assert drill.status.text == "Please code and rate your reply to statement 1."


def test_text_and_self_rating_are_stored_with_the_submission(context):
    drill = ReflectionDrill(DRILL, context=context)
    fill(drill, "fed-up", "You've had <i>enough</i>.", "complex_reflection", "close")
    fill(drill, "dad", "Do you miss them?", "closed_question", "not-yet")
    assert drill.submit()
    latest = context.store.latest(context.cohort, context.handle, "m4-drill-test")
    assert latest.submitted
    assert latest.answers["items"]["fed-up"] == {
        "text": "You've had <i>enough</i>.",
        "code": "complex_reflection",
        "rating": "close",
        "revealed": True,
    }
    assert latest.answers["items"]["dad"]["rating"] == "not-yet"
    assert latest.scores == {"items": 2, "on_target": 1, "rated_close": 1}
    html = drill.feedback.value
    assert "1 of 2" in html and "&lt;i&gt;enough&lt;/i&gt;" in html
    assert "A closed question invites a yes or a no" in html


def test_the_drill_comes_back_after_a_reload_with_models_open(context, reopen):
    drill = ReflectionDrill(DRILL, context=context)
    fill(drill, "fed-up", "You've had enough.")
    again = reopen(drill)
    assert again.texts["fed-up"].value == "You've had enough."
    assert "People keep on at you." in again.models["fed-up"].value
    assert again.ratings["fed-up"].value == "close"
    assert again.models["dad"].value == "" and again.codes["dad"].hidden


def test_a_code_the_drill_does_not_offer_is_refused(context):
    drill = ReflectionDrill(DRILL, context=context)
    drill.codes["fed-up"].value = "<script>"
    assert drill.codes["fed-up"].value == ""


def test_start_again_clears_text_ratings_and_hides_the_models(context):
    drill = ReflectionDrill(DRILL, context=context)
    fill(drill, "fed-up", "You've had enough.")
    drill.reset()
    assert drill.texts["fed-up"].value == "" and drill.models["fed-up"].value == ""
    assert drill.codes["fed-up"].hidden and drill.ratings["fed-up"].value == ""


@pytest.mark.parametrize("path", DRILLS, ids=lambda p: p.stem)
def test_every_shipped_drill_builds_and_offers_two_or_three_models(path, context):
    drill = ReflectionDrill(path, context=context)
    assert drill.error is None
    content = load_content(path)
    assert all(2 <= len(item.models) <= 3 for item in content.items)
    assert all(model.why for item in content.items for model in item.models)


def test_the_three_skills_are_drilled():
    assert {load_content(path).skill for path in DRILLS} == {
        "reflection",
        "open_question",
        "sustain_talk",
    }
