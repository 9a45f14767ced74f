"""VignetteRating: rate a fictional person, compare with the reference item by item."""

from __future__ import annotations

from recovery_capital.content.model import parse_content
from recovery_capital.widgets import VignetteRating

REFERENCE = [2, 2, 3, 3, 4, 3, 5, 2, 4, 3]
VIGNETTE = parse_content(
    {
        "kind": "vignette",
        "id": "m2-vignette-test",
        "title": "Sam, 40",
        "person": {"name": "Sam", "age": 40, "stage": "contemplation", "housing": "hostel"},
        "story": "Sam is **fictional**. <script>alert(1)</script>",
        "rate": {"instrument": "barc10", "stage": True},
        "reference": {
            "items": {
                f"q{i}": {"value": v, "reasoning": f"Reason {i} <b>"}
                for i, v in enumerate(REFERENCE, start=1)
            },
            "stage": {"value": "contemplation", "reasoning": "Sam weighs it up."},
        },
        "discussion": "What would you ask Sam next?",
    }
)


def rate(vignette, values, stage):
    for key, value in zip(vignette.items, values, strict=True):
        vignette.items[key].value = str(value)
    vignette.stage.value = stage


def test_story_and_facts_are_shown_escaped_without_giving_away_the_stage(context):
    vignette = VignetteRating(VIGNETTE, context=context)
    story = vignette.widget.children[1].value
    assert "<strong>fictional</strong>" in story
    assert "&lt;script&gt;" in story and "<script>" not in story
    assert "hostel" in story and "contemplation" not in story
    assert len(vignette.items) == 10 and vignette.stage is not None


def test_every_item_and_the_stage_must_be_rated(context):
    vignette = VignetteRating(VIGNETTE, context=context)
    rate(vignette, REFERENCE, "")
    vignette.items["q3"].value = ""
    assert not vignette.submit()
    assert vignette.status.text == "Please rate every statement first (still to do: 3)."
    vignette.items["q3"].value = "3"
    assert not vignette.submit()
    assert vignette.status.text == "Please choose a stage of change first."


def test_comparison_shows_reference_reasoning_distance_and_stores_agreement(context):
    vignette = VignetteRating(VIGNETTE, context=context)
    mine = [2, 2, 3, 3, 4, 3, 5, 2, 6, 1]  # two items off: by 2 each
    rate(vignette, mine, "action")
    assert vignette.submit()
    scores = context.store.responses(context.cohort, "m2-vignette-test").iloc[0]["scores"]
    assert scores == {
        "items": 10,
        "items_exact": 8,
        "items_within_one": 8,
        "mean_abs_difference": 0.4,
        "total": 31.0,
        "reference_total": 31.0,
        "stage_match": False,
    }
    html = vignette.feedback.value
    assert "Reason 9 &lt;b&gt;" in html
    assert "2 apart" in html
    assert 'alt="Radar chart: Sam: your ratings and the reference.' in html
    assert "What would you ask Sam next?" in html
    assert "Contemplation" in html


def test_ratings_come_back_after_a_reload(context, reopen):
    vignette = VignetteRating(VIGNETTE, context=context)
    rate(vignette, REFERENCE, "contemplation")
    again = reopen(vignette)
    assert again.answers == vignette.answers
    assert again.feedback.value == ""
    assert vignette.submit()
    assert "10 of 10" in reopen(vignette).feedback.value


def test_a_stage_only_vignette(context):
    stage_only = VIGNETTE.model_copy(
        update={
            "rate": VIGNETTE.rate.model_copy(update={"instrument": None}),
            "reference": VIGNETTE.reference.model_copy(update={"items": {}}),
        }
    )
    vignette = VignetteRating(stage_only, context=context)
    assert vignette.items == {}
    vignette.stage.value = "contemplation"
    assert vignette.submit()
    assert context.store.latest(context.cohort, context.handle, "m2-vignette-test").scores == {
        "stage_match": True
    }
