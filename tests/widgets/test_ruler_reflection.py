"""Ruler and Reflection: labelled 0-10 groups with follow-ups; free text, sharing, escaping."""

from __future__ import annotations

from recovery_capital.content.model import parse_content
from recovery_capital.widgets import Reflection, Ruler

RULER = parse_content(
    {
        "kind": "ruler",
        "id": "m3-ruler-test",
        "title": "Importance and confidence",
        "rulers": [
            {
                "id": "importance",
                "question": "How important is it?",
                "follow_up": ["Why not lower?", "What would move it up?"],
            },
            {"id": "confidence", "question": "How confident are you?"},
        ],
    }
)
REFLECTION = parse_content(
    {
        "kind": "reflection",
        "id": "m1-reflection-test",
        "title": "My attitudes",
        "prompt": "What do you *notice*?",
        "hints": ["I noticed..."],
        "min_words": 5,
    }
)
ATTACK = "<img src=x onerror=alert(1)>"


def test_each_ruler_is_a_labelled_radio_group_not_a_slider(context):
    ruler = Ruler(RULER, context=context)
    scale = ruler.scales["importance"]
    assert scale.legend == "How important is it?"
    assert [o["value"] for o in scale.options] == [str(n) for n in range(11)]
    assert scale.orientation == "horizontal"
    assert [f.label for f in ruler.notes["importance"]] == [
        "Why not lower?",
        "What would move it up?",
    ]
    assert ruler.notes["confidence"] == []


def test_ruler_needs_every_number_then_stores_ratings_as_scores(context, reopen):
    ruler = Ruler(RULER, context=context)
    ruler.scales["importance"].value = "6"
    assert not ruler.submit()
    assert ruler.status.text == "Please choose a number for: How confident are you?"
    ruler.scales["confidence"].value = "0"
    ruler.notes["importance"][0].value = "My kids " + ATTACK
    assert ruler.submit()
    row = context.store.responses(context.cohort, "m3-ruler-test").iloc[0]
    assert row["scores"] == {"importance": 6, "confidence": 0}
    assert row["answers"]["notes"]["importance"] == ["My kids " + ATTACK, ""]
    html = ruler.feedback.value
    assert "Why 6 and not 5?" in html
    assert "move up one point" in html  # 0: ask what would move it up
    assert "no cut-offs" in html
    again = reopen(ruler)
    assert again.notes["importance"][0].value == "My kids " + ATTACK
    assert again.scales["importance"].value == "6"


def test_a_1_to_10_ruler(context):
    one_to_ten = RULER.model_copy(update={"low": 1})
    ruler = Ruler(one_to_ten, context=context)
    assert ruler.scales["confidence"].options[0]["value"] == "1"
    ruler.scales["confidence"].value = "0"  # not on this ruler
    assert ruler.scales["confidence"].value == ""


def test_reflection_drafts_while_typing_and_counts_words(context):
    reflection = Reflection(REFLECTION, context=context)
    assert reflection.share.value == "no"
    reflection.text.value = "I notice I"
    assert "3 words (aim for at least 5)" in reflection.word_count.value
    latest = context.store.latest(context.cohort, context.handle, "m1-reflection-test")
    assert latest.answers == {"text": "I notice I", "shareable": False}
    assert not reflection.submit()
    assert reflection.status.text == "Please write a little more: at least 5 words (you have 3)."


def test_reflection_text_is_escaped_and_stored_with_the_sharing_choice(context, reopen):
    reflection = Reflection(REFLECTION, context=context)
    reflection.text.value = f"I tend to judge quickly {ATTACK}\n\nand I want to slow down"
    reflection.share.value = "yes"
    assert reflection.submit()
    html = reflection.feedback.value
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    (text,) = context.store.free_text(context.cohort, "pending")
    assert text.text.startswith("I tend to judge quickly <img") and text.shareable
    again = reopen(reflection)
    assert again.share.value == "yes" and again.text.value == reflection.text.value
    assert "<img" not in again.feedback.value


def test_a_reflection_kept_private_cannot_be_approved(context):
    reflection = Reflection(REFLECTION, context=context)
    reflection.text.value = "one two three four five six"
    assert reflection.submit()
    (text,) = context.store.free_text(context.cohort)
    assert not text.shareable


def test_the_text_box_caps_what_a_browser_sends(context):
    reflection = Reflection(REFLECTION, context=context)
    reflection.text.value = "x" * 50_000
    assert len(reflection.text.value) == 20_000
