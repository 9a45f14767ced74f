"""The programme's store methods on SQLite and PostgreSQL: sets and their keys, trainee
details, attendance, and the practice log's privacy."""

from __future__ import annotations

import pytest

from recovery_capital.store import InvalidInput, Store, UnknownParticipant


def test_sets_details_attendance_and_log_on_each_back_end(store: Store, code: str) -> None:
    for handle in ("ash", "birch", "cedar"):
        store.join(code, handle)
    store.set_participant_details(code, "ash", area="Leeds", role="AMHP")
    store.set_participant_details(code, "ash", role="Team manager")
    assert store.participant_details(code) == {"ash": ("Leeds", "Team manager")}
    keys = store.save_sets(code, {1: ["ash", "birch"], 2: ["cedar"]}, {1: "Ama"})
    assert sorted(keys) == [1, 2]
    assert store.save_sets(code, {2: ["birch"]}) == {}  # no new set, no new key
    assert [(s.number, s.facilitator, s.members) for s in store.learning_sets(code)] == [
        (1, "Ama", ("ash",)), (2, "", ("birch", "cedar")),
    ]  # fmt: skip
    assert store.verify_set_key(code, 2, keys[2]) and not store.verify_set_key(code, 1, keys[2])
    new_key = store.set_facilitator(code, 2, "Ben")
    assert not store.verify_set_key(code, 2, keys[2]) and store.verify_set_key(code, 2, new_key)

    assert store.mark_attendance(code, "d1-welcome", ["ash", "cedar"]) == 2
    assert store.mark_attendance(code, "d1-welcome", ["ash"]) == 0  # already marked
    assert store.attendance(code) == {"d1-welcome": ["ash", "cedar"]}

    shared = store.add_log_entry(code, "birch", "day1", {"tried": "A ruler"}, shared=True)
    store.add_log_entry(code, "cedar", "day1", {"tried": "Private"})
    assert [e.id for e in store.shared_log_entries(code, 2, new_key)] == [shared]
    assert store.log_counts(code) == {"birch": 1, "cedar": 1}
    with pytest.raises(InvalidInput):
        store.shared_log_entries(code, 2, keys[2])  # the old key no longer opens it
    with pytest.raises(InvalidInput):
        store.add_log_entry(code, "ash", "day1", {"tried": "   "})
    with pytest.raises(UnknownParticipant):
        store.mark_attendance(code, "d1-welcome", ["nobody"])
