"""TalkSorter: keyboard sorting of statements, feedback per statement, agreement scores."""

from __future__ import annotations

from recovery_capital.content.model import parse_content
from recovery_capital.widgets import TalkSorter

SORT = parse_content(
    {
        "kind": "talk_sort",
        "id": "m4-talk-test",
        "title": "Change or sustain?",
        "statements": [
            {
                "id": "s1",
                "text": "I want to be there for Mia.",
                "talk": "change",
                "category": "desire",
                "explanation": "A wish for **something** different.",
            },
            {
                "id": "s2",
                "text": "I can't cope <without> it.",
                "talk": "sustain",
                "category": "ability",
                "explanation": "Doubt about ability.",
            },
            {
                "id": "s3",
                "text": "I rang the service today.",
                "talk": "change",
                "category": "taking_steps",
                "explanation": "A step already taken.",
            },
        ],
    }
)


def sort(sorter, answers):
    for sid, (talk, category) in answers.items():
        sorter.sorting[sid][0].value = talk
        sorter.sorting[sid][1].value = category


def test_each_statement_gets_two_labelled_keyboard_groups(context):
    sorter = TalkSorter(SORT, context=context)
    talk, category = sorter.sorting["s2"]
    assert talk.legend == "Statement 2: change or sustain talk?"
    assert talk.hint == "“I can't cope <without> it.”"  # set as text, never as HTML
    assert [o["value"] for o in category.options][-1] == "taking_steps"
    assert [o["label"] for o in category.options][-1] == "Taking steps"


def test_every_statement_must_be_sorted_both_ways(context):
    sorter = TalkSorter(SORT, context=context)
    sort(sorter, {"s1": ("change", "desire"), "s2": ("sustain", "")})
    assert not sorter.submit()
    assert sorter.status.text.endswith("(still to do: 2, 3).")


def test_feedback_per_statement_and_agreement_scores_are_stored(context):
    sorter = TalkSorter(SORT, context=context)
    sort(
        sorter,
        {"s1": ("change", "desire"), "s2": ("change", "ability"), "s3": ("change", "commitment")},
    )
    assert sorter.submit()
    scores = context.store.responses(context.cohort, "m4-talk-test").iloc[0]["scores"]
    assert scores == {
        "statements": 3,
        "talk_agreement": 0.667,
        "category_agreement": 0.667,
        "both_agreement": 0.333,
    }
    html = sorter.feedback.value
    assert html.count('class="rc-correct"') == 1 and html.count('class="rc-incorrect"') == 2
    assert "A wish for <strong>something</strong> different." in html
    assert "I can&#x27;t cope &lt;without&gt; it." in html
    assert "The course: Sustain talk, ability." in html


def test_sorting_comes_back_after_a_reload(context, reopen):
    sorter = TalkSorter(SORT, context=context)
    sort(sorter, {"s3": ("change", "taking_steps")})
    again = reopen(sorter)
    assert again.answers["s3"] == {"talk": "change", "category": "taking_steps"}
    assert again.answers["s1"] == {"talk": "", "category": ""}
