"""Follow-up: the review shows the day-5 action plan beside what the trainee did, the 12-week
review shows the 6-week one too, and the follow-up page repeats the self-check."""

from __future__ import annotations

import json
from pathlib import Path

from recovery_capital.session.context import Context
from recovery_capital.store import Store
from recovery_capital.widgets.follow_up import NO_PLAN, FollowUpReview

REPO = Path(__file__).resolve().parents[2]
PLAN = "1. Use a BARC-10 with two people.\n\n2. Raise naloxone at every first visit."


def context() -> Context:
    store = Store("sqlite://")
    code = store.create_cohort("Spring 2027").code
    store.join(code, "ash")
    return Context(store, code, "ash")


def test_the_review_shows_the_plan_beside_the_boxes_and_saves() -> None:
    ctx = context()
    ctx.store.submit(ctx.cohort, "ash", "m7-reflection-action-plan", {"text": PLAN}, text=PLAN)
    review = FollowUpReview(6, REPO, context=ctx)
    assert "Use a BARC-10 with two people." in review.plan.value
    assert "Raise naloxone" in review.plan.value
    assert review.submit() is False  # nothing written yet
    review.boxes["did"].value = "Used it once; naloxone twice."
    assert review.submit() is True
    latest = ctx.store.latest(ctx.cohort, "ash", "followup-6-review")
    assert latest.submitted and latest.answers["did"] == "Used it once; naloxone twice."


def test_the_twelve_week_review_shows_the_plan_and_the_six_week_review() -> None:
    ctx = context()
    ctx.store.submit(ctx.cohort, "ash", "m7-reflection-action-plan", {"text": PLAN}, text=PLAN)
    six = FollowUpReview(6, REPO, context=ctx)
    six.boxes["did"].value = "Started the BARC-10 with one person."
    six.boxes["next"].value = "Ask my manager about naloxone kits."
    assert six.submit()
    twelve = FollowUpReview(12, REPO, context=ctx)
    assert "Use a BARC-10 with two people." in twelve.plan.value
    assert "My review at 6 weeks" in twelve.plan.value
    assert "Ask my manager about naloxone kits." in twelve.plan.value


def test_without_a_plan_the_review_says_so() -> None:
    review = FollowUpReview(6, REPO, context=context())
    assert NO_PLAN.split(";")[0] in review.plan.value.replace("&#x27;", "'")


def test_the_follow_up_page_repeats_the_self_check_at_each_follow_up() -> None:
    notebook = json.loads((REPO / "modules" / "follow-up.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    for weeks in (6, 12):
        assert f"FollowUpReview({weeks})" in code
        assert f'Questionnaire("selfcheck", activity_id="followup-{weeks}-selfcheck")' in code
