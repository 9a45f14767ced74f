"""Options shuffled per trainee: stable for one trainee, different across trainees, and the good
path of every shipped conversation not findable by position or by length."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from recovery_capital.content.model import load_content
from recovery_capital.session.context import Context
from recovery_capital.widgets import BranchingScenario, KnowledgeCheck
from recovery_capital.widgets.shuffle import trainee_order

REPO = Path(__file__).resolve().parents[2]
QUIZZES = sorted((REPO / "assets/content/quizzes").glob("*.yaml"))
SCENARIOS = sorted((REPO / "assets/content/scenarios").glob("*.yaml"))
HANDLES = [f"otter-{n}" for n in range(30)]


def shown(control) -> list[str]:
    return [option["value"] for option in control.options]


def test_an_order_is_a_permutation_stable_per_trainee_and_varied_across_trainees():
    orders = {tuple(trainee_order(f"K7P2Q/{h}", "m4-q/a", 4)) for h in HANDLES}
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    assert len(orders) > 10  # 30 trainees see many different orders of four options
    assert trainee_order("K7P2Q/fox-1", "m4-q/a", 4) == trainee_order("K7P2Q/fox-1", "m4-q/a", 4)
    # the same handle in another cohort is another trainee
    cohorts = {tuple(trainee_order(f"{c}/fox-1", "m4-q/a", 4)) for c in "ABCDEFGH"}
    assert len(cohorts) > 1


def test_a_trainee_sees_the_same_quiz_order_after_a_reload(context, reopen):
    quiz = KnowledgeCheck(QUIZZES[0], context=context)
    again = reopen(quiz)
    assert {q: shown(c) for q, c in quiz.controls.items()} == {
        q: shown(c) for q, c in again.controls.items()
    }


def test_trainees_in_one_cohort_see_the_correct_option_in_different_places(store, cohort):
    quiz = load_content(REPO / "assets/content/quizzes/m4-quiz-spirit-oars.yaml")
    places: Counter[int] = Counter()
    orders = set()
    for handle in HANDLES[:12]:
        checked = KnowledgeCheck(quiz, context=Context(store, cohort, store.join(cohort, handle)))
        order = tuple(tuple(shown(c)) for c in checked.controls.values())
        orders.add(order)
        for question in quiz.questions:
            if question.type == "single":
                values = shown(checked.controls[question.id])
                places[values.index(str(question.correct_indexes[0]))] += 1
    assert len(orders) == 12
    assert max(places.values()) / sum(places.values()) < 0.5


def test_answers_keep_their_meaning_whatever_order_was_shown(store, cohort):
    quiz = load_content(REPO / "assets/content/quizzes/m4-quiz-spirit-oars.yaml")
    question = quiz.questions[0]
    right = str(question.correct_indexes[0])
    for handle in HANDLES[:4]:
        ctx = Context(store, cohort, store.join(cohort, handle))
        checked = KnowledgeCheck(quiz, context=ctx)
        checked.controls[question.id].value = right
        assert checked.answers[question.id] == [question.correct_indexes[0]]


def test_a_page_that_joins_later_shows_the_trainees_own_order_and_keeps_the_answer(store, cohort):
    quiz = load_content(REPO / "assets/content/quizzes/m4-quiz-spirit-oars.yaml")
    handle = store.join(cohort, "heron-4")
    pending = Context.waiting(lambda: Context(store, cohort, handle))
    waiting = KnowledgeCheck(quiz, context=pending)
    first = quiz.questions[0].id
    waiting.controls[first].value = "1"
    pending.settle()
    joined = KnowledgeCheck(quiz, context=Context(store, cohort, handle))
    assert shown(waiting.controls[first]) == shown(joined.controls[first])
    assert waiting.controls[first].value == "1"


def test_scenario_replies_are_shuffled_per_trainee_and_stable_on_reload(context, reopen):
    jo = BranchingScenario(REPO / "assets/content/scenarios/m4-scenario-jo.yaml", context=context)
    again = reopen(jo)
    assert shown(jo.choices) == shown(again.choices)
    orders = set()
    for handle in HANDLES[:10]:
        other = Context(context.store, context.cohort, context.store.join(context.cohort, handle))
        orders.add(tuple(shown(BranchingScenario(jo.content, context=other).choices)))
    assert len(orders) > 1


def _walk_by_position(scenario, identity: str, position: int) -> str:
    """Always choose the reply shown at ``position`` (or the last one); return the outcome."""
    node_id, seen = scenario.start, 0
    while not scenario.nodes[node_id].ending and seen < 40:
        choices = scenario.nodes[node_id].choices
        order = trainee_order(identity, f"{scenario.id}/{node_id}", len(choices))
        node_id = choices[order[min(position, len(order) - 1)]].next
        seen += 1
    return scenario.nodes[node_id].outcome or "none"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_good_path_is_not_found_by_position_or_length(path):
    scenario = load_content(path)
    assert scenario.cautions() == []  # neither longest nor shortest reply reaches a good end
    for position in (0, 1, 2):
        outcomes = Counter(
            _walk_by_position(scenario, f"K7P2Q/{handle}", position) for handle in HANDLES
        )
        # "always the first (second, third) reply" reaches the good ending for few trainees
        assert outcomes["good"] <= len(HANDLES) // 3, (position, outcomes)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_conversation_has_a_good_ending_and_tags_every_reply(path):
    scenario = load_content(path)
    outcomes = {node.outcome for node in scenario.nodes.values() if node.ending}
    assert "good" in outcomes and outcomes & {"mixed", "poor"}
    assert all(choice.tag for node in scenario.nodes.values() for choice in node.choices)
    assert all(node.feedback for node in scenario.nodes.values() if node.ending)


def test_there_are_at_least_four_conversations_with_different_people():
    names = {load_content(path).client.name for path in SCENARIOS}
    assert len(SCENARIOS) >= 4 and len(names) == len(SCENARIOS)
