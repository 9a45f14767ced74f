"""The Store API on both back-ends: what is kept, what comes back, what is refused."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace
from datetime import timezone

import pandas as pd
import pytest

import recovery_capital as rc
from recovery_capital.store import (
    InvalidHandle,
    InvalidInput,
    Store,
    UnknownCohort,
    UnknownParticipant,
    UnknownSubmission,
)
from recovery_capital.store import keys as keys_module

BARC_ALL_FIVES = {f"q{i}": 5 for i in range(1, 11)}
MARKUP = "<img src=x onerror=alert(1)>"


def count_rows(store: Store, code: str) -> int:
    return len(store.responses(code, include_drafts=True))


# ---------------------------------------------------------------- cohorts and keys


def test_create_cohort_gives_readable_code_and_key_that_verifies(store: Store) -> None:
    created = store.create_cohort("  Spring   2027 ")
    assert created.name == "Spring 2027"
    assert len(created.code) == 8
    assert not set(created.code) & set("01OIL")
    assert store.verify_trainer_key(created.code, created.trainer_key)
    assert store.verify_trainer_key(created.code.lower(), created.trainer_key.lower())
    other_last = "3" if created.trainer_key.endswith("2") else "2"  # a key one character off
    assert not store.verify_trainer_key(created.code, created.trainer_key[:-1] + other_last)
    assert not store.verify_trainer_key(created.code, "")
    assert not store.verify_trainer_key("ZZZZZ", created.trainer_key)
    assert not store.verify_trainer_key("not a code!", created.trainer_key)


def test_trainer_key_check_uses_constant_time_comparison(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = store.create_cohort("Spring 2027")
    calls = []
    real_compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr(keys_module.hmac, "compare_digest", spy)
    assert store.verify_trainer_key(created.code, created.trainer_key)
    assert len(calls) == 1


def test_cohort_codes_are_unique_and_listed(store: Store) -> None:
    codes = {store.create_cohort(f"Group {i}").code for i in range(5)}
    assert len(codes) == 5
    listed = store.cohorts()
    assert [c.name for c in listed] == [f"Group {i}" for i in range(5)]
    assert {c.code for c in listed} == codes
    assert all(c.created.tzinfo is not None for c in listed)


def test_cohort_name_must_be_given(store: Store) -> None:
    with pytest.raises(InvalidInput, match="name"):
        store.create_cohort("   ")
    assert store.cohorts() == []


def test_unknown_cohort_code_is_a_clear_error_and_stores_nothing(store: Store, code: str) -> None:
    with pytest.raises(UnknownCohort, match="No cohort here has the join code ZZZZZ"):
        store.submit("ZZZZZ", "fox-12", "m1-quiz", {"q1": "a"})
    with pytest.raises(UnknownCohort, match="never use 0, O, 1, I or L"):
        store.join("K0P1Q")
    with pytest.raises(UnknownCohort, match="8 letters and digits"):
        store.latest("ABC", "fox-12", "m1-quiz")
    assert store.participants(code) == []
    assert count_rows(store, code) == 0


def test_practice_cohort_is_created_on_demand(store: Store) -> None:
    handle = store.join(Store.PRACTICE_CODE, "me")
    store.submit("practice", handle, "m1-quiz", {"q1": "a"})
    assert store.ensure_practice_cohort() == "PRACTICE"
    assert [c.code for c in store.cohorts()] == ["PRACTICE"]
    assert store.latest(Store.PRACTICE_CODE, "me", "m1-quiz").answers == {"q1": "a"}
    assert not store.verify_trainer_key("PRACTICE", "")


# ---------------------------------------------------------------- participants


def test_join_generates_distinct_pseudonymous_handles(store: Store, code: str) -> None:
    handles = [store.join(code) for _ in range(30)]
    assert len({h.casefold() for h in handles}) == 30
    for handle in handles:
        word, number = handle.split("-")
        assert word.isalpha() and 10 <= int(number) <= 99
    assert sorted(store.participants(code)) == sorted(handles)


def test_join_with_the_same_handle_in_any_case_is_the_same_person(store: Store, code: str) -> None:
    assert store.join(code, "Sam Otter") == "Sam Otter"
    store.submit(code, "sam otter", "m1-quiz", {"q1": "b"})
    assert store.join(code, "SAM   OTTER") == "Sam Otter"
    assert store.participants(code) == ["Sam Otter"]
    assert store.latest(code, "Sam Otter", "m1-quiz").answers == {"q1": "b"}


@pytest.mark.parametrize(
    ("handle", "message"),
    [
        (MARKUP, "leave out '<', '=', '\\(', '\\)', '>'"),
        ("x" * 5000, "at most 40 characters \\(this one has 5000\\)"),
        ("", "choose a handle"),
        ("-fox", "start with a letter or a digit"),
        ("fox\x00", "U\\+0000"),
    ],
)
def test_bad_handles_are_refused_with_a_clear_message_and_nothing_stored(
    store: Store, code: str, handle: str, message: str
) -> None:
    store.submit(code, "existing", "m1-quiz", {"q1": "a"})
    with pytest.raises(InvalidHandle, match=message) as caught:
        store.join(code, handle)
    assert "<img" not in str(caught.value)
    with pytest.raises(InvalidHandle):
        store.submit(code, handle, "m1-quiz", {"q1": "b"})
    with pytest.raises(InvalidHandle):
        store.save_draft(code, handle, "m1-quiz", {"q1": "b"})
    assert store.participants(code) == ["existing"]
    assert store.responses(code)["answers"].tolist() == [{"q1": "a"}]


# ---------------------------------------------------------------- submissions and drafts


def test_submit_keeps_every_field_and_returns_increasing_ids(store: Store, code: str) -> None:
    first = store.submit(code, "fox-12", "m2-poll", {"choice": "b"}, scores={"correct": 1})
    second = store.submit(code, "fox-12", "m2-poll", {"choice": "c"})
    assert second > first
    frame = store.responses(code)
    assert list(frame.columns) == [
        "submission_id", "handle", "activity_id", "kind", "time", "instrument",
        "instrument_version", "answers", "scores", "text", "shareable", "moderation",
    ]  # fmt: skip
    assert frame["submission_id"].tolist() == [first, second]
    assert frame["answers"].tolist() == [{"choice": "b"}, {"choice": "c"}]
    assert frame["scores"].tolist() == [{"correct": 1}, None]
    assert frame["kind"].tolist() == ["submission", "submission"]
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]" or "UTC" in str(frame["time"].dtype)


def test_request_id_makes_retries_store_once(store: Store, code: str) -> None:
    first = store.submit(code, "fox-12", "m1-quiz", {"q1": "a"}, request_id="req-1")
    again = store.submit(code, "fox-12", "m1-quiz", {"q1": "a"}, request_id="req-1")
    other_person = store.submit(code, "wren-3", "m1-quiz", {"q1": "a"}, request_id="req-1")
    assert again == first
    assert other_person != first
    assert len(store.responses(code)) == 2
    draft = store.save_draft(code, "fox-12", "m1-other", {"q1": "a"}, request_id="req-2")
    assert store.save_draft(code, "fox-12", "m1-other", {"q1": "a"}, request_id="req-2") == draft
    assert count_rows(store, code) == 3


def test_drafts_are_pruned_to_the_newest_and_latest_prefers_the_newest(
    store: Store, code: str
) -> None:
    for value in range(5):
        store.save_draft(code, "fox-12", "m3-ruler", {"importance": value})
    drafts = store.responses(code, include_drafts=True)
    assert drafts["answers"].tolist() == [{"importance": 4}]
    latest = store.latest(code, "fox-12", "m3-ruler")
    assert (latest.answers, latest.submitted) == ({"importance": 4}, False)
    assert latest.time.tzinfo is not None and latest.time.utcoffset().total_seconds() == 0

    submitted = store.submit(code, "fox-12", "m3-ruler", {"importance": 5})
    assert store.responses(code, include_drafts=True)["kind"].tolist() == ["submission"]
    latest = store.latest(code, "fox-12", "m3-ruler")
    assert (latest.id, latest.submitted, latest.answers) == (submitted, True, {"importance": 5})

    store.save_draft(code, "fox-12", "m3-ruler", {"importance": 6})
    latest = store.latest(code, "fox-12", "m3-ruler")
    assert (latest.submitted, latest.answers) == (False, {"importance": 6})
    assert store.responses(code)["answers"].tolist() == [{"importance": 5}]  # not the draft


def test_latest_is_per_person_and_activity(store: Store, code: str) -> None:
    store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    store.submit(code, "wren-3", "m1-quiz", {"q1": "b"})
    store.submit(code, "fox-12", "m1-other", {"q1": "c"})
    assert store.latest(code, "fox-12", "m1-quiz").answers == {"q1": "a"}
    assert store.latest(code, "wren-3", "m1-quiz").answers == {"q1": "b"}
    assert store.latest(code, "wren-3", "m1-other") is None
    assert store.latest(code, "nobody", "m1-quiz") is None


def test_answers_come_back_exactly_with_key_order_and_unicode(store: Store, code: str) -> None:
    answers = {"q10": 1, "q2": 2, "note": "Zoë — “quoted” 🙂", "nested": {"b": [1, 2], "a": None}}
    store.submit(code, "fox-12", "m1-mixed", answers)
    back = store.latest(code, "fox-12", "m1-mixed").answers
    assert back == answers
    assert list(back) == ["q10", "q2", "note", "nested"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([1, 2, 3], "dictionary"),
        ({"q1": float("nan")}, "finite"),
        ({"q1": object()}, "can't be saved"),
        ({1: "a"}, "text keys"),
        ({"q1": "x" * 250_000}, "too large"),
    ],
)
def test_unsaveable_answers_are_refused_and_nothing_is_stored(
    store: Store, code: str, answers: object, message: str
) -> None:
    store.submit(code, "fox-12", "m1-quiz", {"q1": "a"})
    with pytest.raises(InvalidInput, match=message):
        store.submit(code, "fox-12", "m1-quiz", answers)
    with pytest.raises(InvalidInput, match=message):
        store.save_draft(code, "fox-12", "m1-quiz", answers)
    assert store.responses(code, include_drafts=True)["answers"].tolist() == [{"q1": "a"}]


@dataclass
class _UnstorableScore:
    """A score whose version has markup in it (a caller's bug the store must refuse)."""

    instrument: str = "barc10"
    version: str = "<1>"

    def to_dict(self) -> dict[str, object]:
        return {"scales": {"total": 1.0}}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("activity_id", "m1 <b>", "activity id"),
        ("activity_id", "", "activity id"),
        ("request_id", "x" * 101, "request id"),
        ("text", "x" * 20_001, "too long"),
        ("shareable", "yes", "True or False"),
        ("result", _UnstorableScore(), "instrument version"),
    ],
)
def test_other_bad_fields_are_refused(
    store: Store, code: str, field: str, value: object, message: str
) -> None:
    arguments = {"activity_id": "m1-quiz", field: value}
    activity = arguments.pop("activity_id")
    with pytest.raises(InvalidInput, match=message):
        store.submit(code, "fox-12", activity, {"q1": "a"}, **arguments)
    assert count_rows(store, code) == 0


# ---------------------------------------------------------------- instruments


def test_instrument_answers_are_scored_by_the_scoring_engine(store: Store, code: str) -> None:
    scored = rc.score("barc10", BARC_ALL_FIVES)
    submission = store.submit(code, "fox-12", "m2-barc10", BARC_ALL_FIVES, result=scored)
    latest = store.latest(code, "fox-12", "m2-barc10")
    expected = rc.score("barc10", BARC_ALL_FIVES)
    assert latest.id == submission
    assert latest.scores["scales"] == expected.scales == {"total": 50.0}
    assert latest.scores["band"] == expected.band
    assert latest.scores["missing"] == []
    assert (latest.instrument, latest.instrument_version) == ("barc10", expected.version)
    assert "answers" not in latest.scores


def test_instrument_scores_replace_caller_scores(store: Store, code: str) -> None:
    scored = rc.score("barc10", BARC_ALL_FIVES)
    store.submit(code, "fox-12", "m2-barc10", BARC_ALL_FIVES, scores={"total": 1}, result=scored)
    assert store.latest(code, "fox-12", "m2-barc10").scores["scales"] == {"total": 50.0}


def test_a_score_with_an_unstorable_instrument_id_stores_nothing(store: Store, code: str) -> None:
    scored = rc.score("barc10", BARC_ALL_FIVES)
    store.submit(code, "fox-12", "m2-barc10", BARC_ALL_FIVES, result=scored)
    unstorable = replace(scored, instrument="barc10\x00")
    with pytest.raises(InvalidInput, match="instrument id"):
        store.submit(code, "fox-12", "m2-barc10", BARC_ALL_FIVES, result=unstorable)
    assert len(store.responses(code)) == 1


def test_the_store_scores_nothing_itself(store: Store, code: str) -> None:
    """A score is made once, by the caller; the store keeps it as given."""
    scored = rc.score("barc10", BARC_ALL_FIVES)
    # not what these answers score: the store keeps what it is given
    scored = replace(scored, scales={"total": 12.0})
    store.submit(code, "fox-12", "m2-barc10", BARC_ALL_FIVES, result=scored)
    assert store.latest(code, "fox-12", "m2-barc10").scores["scales"] == {"total": 12.0}


# ---------------------------------------------------------------- trainer views


def test_cohort_summary_counts_people_submissions_and_drafts(store: Store, code: str) -> None:
    for person in ("a1", "b2", "c3"):
        store.join(code, person)
    store.submit(code, "a1", "m5-poll", {"choice": "x"})
    store.submit(code, "a1", "m5-poll", {"choice": "y"})
    store.submit(code, "b2", "m5-poll", {"choice": "x"})
    store.save_draft(code, "c3", "m5-poll", {"choice": "z"})
    store.save_draft(code, "c3", "m6-reflection", {"draft": "..."})
    store.set_activity_state(code, "m7-poll", opened=True)
    summary = store.cohort_summary(code).set_index("activity_id")
    assert summary.attrs["participants"] == 3
    assert summary.loc["m5-poll", ["participants", "submissions", "drafting"]].tolist() == [2, 3, 1]
    assert summary.loc["m6-reflection", ["participants", "submissions", "drafting"]].tolist() == [
        0, 0, 1,
    ]  # fmt: skip
    assert bool(summary.loc["m7-poll", "opened"]) is True
    assert pd.isna(summary.loc["m6-reflection", "last_submission"])
    assert summary.loc["m5-poll", "last_submission"].tzinfo is not None


def test_cohort_summary_of_an_empty_cohort(store: Store, code: str) -> None:
    summary = store.cohort_summary(code)
    assert summary.empty and summary.attrs["participants"] == 0
    assert "activity_id" in summary.columns


def test_responses_filters_latest_only_and_flattens(store: Store, code: str) -> None:
    store.submit(code, "a1", "m5-poll", {"choice": "x"})
    store.submit(code, "a1", "m5-poll", {"choice": "y"})
    store.submit(code, "b2", "m5-poll", {"choice": "x"})
    store.submit(code, "b2", "m1-quiz", {"q1": "a"}, scores={"correct": 1, "of": 1})
    poll = store.responses(code, "m5-poll", latest_only=True)
    assert sorted(zip(poll["handle"], poll["answers"].map(lambda a: a["choice"]))) == [
        ("a1", "y"), ("b2", "x"),
    ]  # fmt: skip
    flat = store.responses(code, flat=True)
    assert {"answer.choice", "answer.q1", "score.correct", "score.of"} <= set(flat.columns)
    assert "answers" not in flat.columns
    other = store.create_cohort("Other").code
    assert store.responses(other).empty  # cohorts never see each other's answers


def test_free_text_moderation_respects_the_trainees_choice(store: Store, code: str) -> None:
    shared = store.submit(code, "a1", "m6-reflection", {"shareable": True}, text=MARKUP)
    private = store.submit(code, "b2", "m6-reflection", {"shareable": False}, text="Just mine")
    store.submit(code, "c3", "m6-reflection", {"shareable": True}, text="   ")  # blank: no text
    texts = store.free_text(code)
    assert [(t.submission_id, t.state, t.shareable) for t in texts] == [
        (shared, "pending", True), (private, "pending", False),
    ]  # fmt: skip
    assert texts[0].text == MARKUP  # kept verbatim; whoever displays it escapes it

    store.moderate(shared, "approved", code=code)
    with pytest.raises(InvalidInput, match="chose not to share"):
        store.moderate(private, "approved", code=code)
    store.moderate(private, "hidden", code=code)
    assert [t.submission_id for t in store.free_text(code, "approved")] == [shared]
    assert [t.submission_id for t in store.free_text(code, "hidden")] == [private]
    assert store.free_text(code, "pending") == []
    with pytest.raises(InvalidInput, match="moderation state"):
        store.moderate(shared, "deleted")
    with pytest.raises(InvalidInput, match="moderation state"):
        store.free_text(code, "deleted")


def test_moderate_refuses_unknown_other_cohort_and_textless_submissions(
    store: Store, code: str
) -> None:
    other = store.create_cohort("Other").code
    theirs = store.submit(other, "a1", "m6-reflection", {"shareable": True}, text="theirs")
    no_text = store.submit(code, "a1", "m1-quiz", {"q1": "a"})
    with pytest.raises(UnknownSubmission):
        store.moderate(theirs, "hidden", code=code)
    with pytest.raises(UnknownSubmission):
        store.moderate(10_000_000, "hidden")
    with pytest.raises(InvalidInput, match="no free text"):
        store.moderate(no_text, "hidden")
    assert store.free_text(other)[0].state == "pending"


def test_free_text_latest_only_shows_each_persons_newest_text(store: Store, code: str) -> None:
    store.submit(code, "a1", "m6-reflection", {"shareable": True}, text="first thoughts")
    newest = store.submit(code, "a1", "m6-reflection", {"shareable": True}, text="second")
    assert [t.submission_id for t in store.free_text(code)] == [newest]
    assert len(store.free_text(code, latest_only=False)) == 2


def test_draft_text_is_restored_but_never_offered_for_moderation(store: Store, code: str) -> None:
    store.save_draft(code, "a1", "m6-reflection", {"shareable": True}, text="half a thought")
    latest = store.latest(code, "a1", "m6-reflection")
    assert (latest.text, latest.shareable, latest.submitted) == ("half a thought", True, False)
    assert store.free_text(code) == []


# ---------------------------------------------------------------- live activities


def test_activity_state_opens_reveals_and_is_per_cohort(store: Store, code: str) -> None:
    assert store.activity_state(code, "m5-poll").opened is False
    opened = store.set_activity_state(code, "m5-poll", opened=True)
    assert (opened.opened, opened.revealed) == (True, False)
    assert opened.updated is not None and opened.updated.tzinfo == timezone.utc
    store.set_activity_state(code, "m5-poll", revealed=True)
    closed = store.set_activity_state(code, "m5-poll", opened=False)
    assert (closed.opened, closed.revealed) == (False, True)
    assert store.activity_state(code, "m5-poll") == closed
    other = store.create_cohort("Other").code
    assert store.activity_state(other, "m5-poll").opened is False
    with pytest.raises(InvalidInput, match="True or False"):
        store.set_activity_state(code, "m5-poll", opened="yes")


# ---------------------------------------------------------------- erase


def test_erase_removes_one_participant_entirely(store: Store, code: str) -> None:
    store.submit(code, "fox-12", "m1-quiz", {"q1": "a"}, request_id="r1")
    store.submit(code, "fox-12", "m6-reflection", {"shareable": True}, text="mine")
    store.save_draft(code, "fox-12", "m3-ruler", {"importance": 3})
    store.submit(code, "wren-3", "m1-quiz", {"q1": "b"})
    assert store.erase_participant(code, "FOX-12") == 3
    assert store.participants(code) == ["wren-3"]
    assert store.responses(code, include_drafts=True)["handle"].tolist() == ["wren-3"]
    assert store.latest(code, "fox-12", "m3-ruler") is None
    assert store.free_text(code) == []
    with pytest.raises(UnknownParticipant, match="fox-12"):
        store.erase_participant(code, "fox-12")
    # The same handle can join again as a new, empty participant.
    again = store.submit(code, "fox-12", "m1-quiz", {"q1": "c"}, request_id="r1")
    assert store.latest(code, "fox-12", "m1-quiz").id == again


# ---------------------------------------------------------------- export


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_writes_flat_rows_with_formulas_neutralised(
    store: Store, code: str, tmp_path, suffix: str
) -> None:
    scored = rc.score("barc10", BARC_ALL_FIVES)
    store.submit(code, "fox-12", "m2-barc10", BARC_ALL_FIVES, result=scored)
    store.submit(code, "wren-3", "m6-reflection", {"shareable": True}, text="=HYPERLINK(1)")
    store.save_draft(code, "wren-3", "m3-ruler", {"importance": 2})
    target = tmp_path / f"session{suffix}"
    assert store.export(code, target) == 2
    if suffix == ".csv":
        frame = pd.read_csv(target, encoding="utf-8-sig")
    else:
        frame = pd.read_excel(target)
        from openpyxl import load_workbook

        sheet = load_workbook(target).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert frame["cohort"].tolist() == [code, code]
    assert frame["handle"].tolist() == ["fox-12", "wren-3"]
    assert frame.loc[0, "answer.q1"] == 5
    assert frame.loc[0, "score.scales.total"] == 50
    assert frame.loc[1, "text"] == "'=HYPERLINK(1)"
    assert store.export(code, tmp_path / f"all{suffix}", include_drafts=True) == 3


def test_export_refuses_other_formats_before_touching_anything(
    store: Store, code: str, tmp_path
) -> None:
    with pytest.raises(InvalidInput, match=".csv or .xlsx"):
        store.export(code, tmp_path / "session.pdf")
    assert list(tmp_path.iterdir()) == [] or all(p.suffix != ".pdf" for p in tmp_path.iterdir())


def test_a_participant_erased_by_another_process_can_submit_again(store_url: str) -> None:
    kernel, operator = Store(store_url), Store(store_url)
    code = kernel.create_cohort("Spring 2027").code
    kernel.submit(code, "fox-12", "m1-quiz", {"q1": "a"})  # the kernel now knows fox-12's id
    operator.erase_participant(code, "fox-12")
    again = kernel.submit(code, "fox-12", "m1-quiz", {"q1": "b"})
    assert operator.latest(code, "fox-12", "m1-quiz").id == again
    assert operator.responses(code)["answers"].tolist() == [{"q1": "b"}]
