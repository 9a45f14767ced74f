"""The practice log's privacy: entries are private unless shared; a set facilitator with their
set's key sees only the entries their own set's members shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from recovery_capital.session.context import Context
from recovery_capital.store import InvalidInput, Store
from recovery_capital.widgets.practice_log import PracticeLog
from recovery_capital.widgets.set_facilitator import WRONG_SET_KEY, SetFacilitatorPage

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def cohort():
    store = Store("sqlite://")
    code = store.create_cohort("Spring 2027").code
    for handle in ("ash", "birch", "cedar", "damson"):
        store.join(code, handle)
    keys = store.save_sets(code, {1: ["ash", "birch"], 2: ["cedar", "damson"]})
    store.add_log_entry(code, "ash", "day1", {"tried": "ash shared"}, shared=True)
    store.add_log_entry(code, "ash", "day1", {"tried": "ash private"})
    store.add_log_entry(code, "birch", "day2", {"tried": "birch private"})
    store.add_log_entry(code, "cedar", "day1", {"tried": "cedar shared"}, shared=True)
    return store, code, keys


def texts(entries) -> list[str]:
    return [e.entry["tried"] for e in entries]


def test_a_facilitator_sees_only_their_own_sets_shared_entries(cohort) -> None:
    store, code, keys = cohort
    assert texts(store.shared_log_entries(code, 1, keys[1])) == ["ash shared"]
    assert texts(store.shared_log_entries(code, 2, keys[2])) == ["cedar shared"]


def test_a_key_opens_only_its_own_set(cohort) -> None:
    store, code, keys = cohort
    with pytest.raises(InvalidInput):
        store.shared_log_entries(code, 1, keys[2])
    with pytest.raises(InvalidInput):
        store.shared_log_entries(code, 3, keys[1])


def test_a_trainee_sees_their_own_entries_only_and_can_stop_sharing(cohort) -> None:
    store, code, keys = cohort
    assert texts(store.log_entries(code, "ash")) == ["ash shared", "ash private"]
    assert texts(store.log_entries(code, "birch")) == ["birch private"]
    shared = store.log_entries(code, "ash")[0]
    with pytest.raises(InvalidInput):  # birch cannot change ash's entry
        store.share_log_entry(code, "birch", shared.id, False)
    store.share_log_entry(code, "ash", shared.id, False)
    assert store.shared_log_entries(code, 1, keys[1]) == []


def test_moving_a_trainee_moves_their_shared_entries_with_them(cohort) -> None:
    store, code, keys = cohort
    store.save_sets(code, {2: ["ash"]})
    assert texts(store.shared_log_entries(code, 1, keys[1])) == []
    assert sorted(texts(store.shared_log_entries(code, 2, keys[2]))) == [
        "ash shared",
        "cedar shared",
    ]


def test_the_facilitator_page_shows_the_set_and_refuses_a_wrong_key(cohort) -> None:
    store, code, keys = cohort
    page = SetFacilitatorPage(code, store=store)
    page.number_field.value, page.key_field.value = "2", keys[1]
    assert page.open() is False and page.status.text == WRONG_SET_KEY
    assert page.entries.value == ""
    page.number_field.value, page.key_field.value = "1", keys[1]
    assert page.open() is True
    assert "ash shared" in page.entries.value
    assert "private" not in page.entries.value and "cedar" not in page.entries.value


def test_the_log_page_saves_private_entries_and_shares_on_request(cohort) -> None:
    store, code, keys = cohort
    page = PracticeLog(REPO, context=Context(store, code, "damson"))
    page.fields["tried"].value = "A <b>ruler</b> question"
    page.fields["noticed"].value = "They laughed, then answered."
    assert page.save() is True
    assert "&lt;b&gt;ruler" in page.entries.value and "(private)" in page.entries.value
    assert texts(store.shared_log_entries(code, 2, keys[2])) == ["cedar shared"]
    page.share_buttons.children[0].click()
    assert "A <b>ruler</b> question" in texts(store.shared_log_entries(code, 2, keys[2]))
    assert "shared with your set" in page.entries.value
    assert page.save() is False and "at least one box" in page.status.text


def test_erasing_a_trainee_erases_their_log_and_set_place(cohort) -> None:
    store, code, keys = cohort
    store.erase_participant(code, "ash")
    assert store.shared_log_entries(code, 1, keys[1]) == []
    assert [s.members for s in store.learning_sets(code)][0] == ("birch",)
