"""LivePoll: answers only while open, results only when revealed, practice mode, restore."""

from __future__ import annotations

from recovery_capital.content.model import parse_content
from recovery_capital.session.context import Context
from recovery_capital.store import Store
from recovery_capital.widgets import LivePoll

POLL = parse_content(
    {
        "kind": "poll",
        "id": "m1-poll-test",
        "title": "Why do people use?",
        "question": "Which reason do you meet most?",
        "options": ["To cope with feelings", "To be sociable", "Out of habit <b>"],
    }
)


def test_a_closed_poll_refuses_answers_even_if_the_browser_enables_the_button(context):
    poll = LivePoll(POLL, context=context)
    assert poll.choice.disabled and poll.submit_button.disabled
    assert "Waiting for your trainer" in poll.state_line.value
    poll.submit_button.disabled = False  # as a tampered browser could
    poll.choice.value = "0"
    assert poll.submit() is False
    assert poll.status.text == "This poll isn't open at the moment, so answers can't be sent."
    assert context.store.responses(context.cohort, "m1-poll-test").empty


def test_answers_go_to_the_store_while_open_and_results_show_only_when_revealed(context, store):
    poll = LivePoll(POLL, context=context)
    store.set_activity_state(context.cohort, "m1-poll-test", opened=True)
    poll.refresh()
    assert not poll.choice.disabled and "is open" in poll.state_line.value
    poll.choice.value = "2"
    assert poll.submit()
    store.submit(context.cohort, "fox-1", "m1-poll-test", {"choices": [2]})
    store.submit(context.cohort, "owl-2", "m1-poll-test", {"choices": [0]})
    poll.refresh()
    assert poll.results.value == ""
    store.set_activity_state(context.cohort, "m1-poll-test", revealed=True, opened=False)
    poll.refresh()
    html = poll.results.value
    assert "Out of habit &lt;b&gt;</span>: 2 of 3 people (67%) (your answer)" in html
    assert "To cope with feelings</span>: 1 of 3 people (33%)" in html
    assert poll.choice.disabled and "closed" in poll.state_line.value
    store.set_activity_state(context.cohort, "m1-poll-test", revealed=False)
    poll.refresh()
    assert poll.results.value == ""


def test_a_changed_answer_replaces_the_old_one_in_the_results(context, store):
    store.set_activity_state(context.cohort, "m1-poll-test", opened=True, revealed=True)
    poll = LivePoll(POLL, context=context)
    poll.choice.value = "0"
    poll.submit()
    poll.choice.value = "1"
    poll.submit()
    assert "To be sociable</span>: 1 of 1 person (100%)" in poll.results.value


def test_multiple_answer_poll_and_restore_after_reload(context, store, reopen):
    multiple = POLL.model_copy(update={"type": "multiple"})
    store.set_activity_state(context.cohort, "m1-poll-test", opened=True)
    poll = LivePoll(multiple, context=context)
    poll.choice.value = ["0", "2"]
    assert poll.submit()
    again = reopen(poll)
    assert again.choice.value == ["0", "2"]
    assert "is open" in again.state_line.value


def test_in_practice_the_poll_is_open_and_shows_results_after_answering(store):
    practice = Context(store, Store.PRACTICE_CODE, store.join(Store.PRACTICE_CODE, "newt-4"))
    poll = LivePoll(POLL, context=practice)
    assert not poll.choice.disabled and poll.results.value == ""
    poll.choice.value = "1"
    assert poll.submit()
    assert "1 of 1 person (100%) (your answer)" in poll.results.value


def test_the_refresher_is_idle_outside_an_event_loop(context):
    assert LivePoll(POLL, context=context).refresher.running is False
