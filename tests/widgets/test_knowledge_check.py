"""KnowledgeCheck: answering, feedback on every option, storing once, restoring after reload."""

from __future__ import annotations

import pytest

from recovery_capital.content.model import parse_content
from recovery_capital.widgets import KnowledgeCheck

QUIZ = parse_content(
    {
        "kind": "quiz",
        "id": "m1-words",
        "title": "Words that help",
        "intro": "Think about **language**.",
        "questions": [
            {
                "id": "person-first",
                "prompt": "Which phrase is person-first?",
                "options": [
                    {
                        "text": "a person who uses heroin",
                        "correct": True,
                        "feedback": "Person first.",
                    },
                    {"text": "a heroin user", "feedback": "Puts the drug <first>."},
                ],
            },
            {
                "id": "helps",
                "prompt": "What helps?",
                "type": "multiple",
                "options": [
                    {"text": "curiosity", "correct": True, "feedback": "Opens talk."},
                    {"text": "warmth", "correct": True, "feedback": "Builds trust."},
                    {"text": "labels", "feedback": "Close talk down."},
                ],
            },
        ],
    }
)


def test_builds_one_labelled_group_per_question(context):
    quiz = KnowledgeCheck(QUIZ, context=context)
    assert quiz.error is None
    single, multiple = quiz.controls.values()
    assert single.legend == "1. Which phrase is person-first?" and not single.multiple
    assert multiple.multiple and multiple.hint == "Choose all that apply."
    assert "rc-exercise" in quiz.widget._dom_classes
    assert "rc-submit" in quiz.submit_button._dom_classes


def test_unanswered_questions_are_named_and_nothing_is_stored(context):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["person-first"].value = "0"
    assert quiz.submit() is False
    assert quiz.status.text == "Please choose an answer for question 2 first."
    assert context.store.responses(context.cohort).empty


def test_submit_scores_gives_feedback_on_every_option_and_stores_once(context):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["person-first"].value = "1"
    quiz.controls["helps"].value = ["0", "1"]
    quiz.submit_button.click()
    quiz.submit_button.click()  # a double click
    rows = context.store.responses(context.cohort, "m1-words")
    assert len(rows) == 1
    assert rows.iloc[0]["scores"] == {"correct": 1, "total": 2}
    assert rows.iloc[0]["answers"] == {"person-first": [1], "helps": [0, 1]}
    feedback = quiz.feedback.value
    assert "1 of 2" in feedback
    for text in ("Person first.", "Opens talk.", "Builds trust.", "Close talk down."):
        assert text in feedback
    assert "Puts the drug &lt;first&gt;." in feedback
    assert quiz.status.text.startswith("Saved")


def test_changing_an_answer_after_submitting_stores_a_new_submission(context):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["person-first"].value = "1"
    quiz.controls["helps"].value = ["0"]
    assert quiz.submit()
    quiz.controls["person-first"].value = "0"
    assert quiz.submit()
    rows = context.store.responses(context.cohort, "m1-words")
    assert rows["scores"].tolist() == [{"correct": 0, "total": 2}, {"correct": 1, "total": 2}]


def test_every_change_is_saved_as_a_draft_and_restored_after_a_reload(context, reopen):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["helps"].value = ["1", "2"]
    latest = context.store.latest(context.cohort, context.handle, "m1-words")
    assert latest.answers == {"person-first": [], "helps": [1, 2]} and not latest.submitted
    again = reopen(quiz)
    assert sorted(again.controls["helps"].value) == ["1", "2"]  # shown in the trainee's order
    assert again.feedback.value == ""
    assert "draft" in again.status.text


def test_a_submission_comes_back_with_its_feedback_after_a_reload(context, reopen):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["person-first"].value = "0"
    quiz.controls["helps"].value = ["0", "1"]
    assert quiz.submit()
    again = reopen(quiz)
    assert again.answers == {"person-first": [0], "helps": [0, 1]}
    assert "2 of 2" in again.feedback.value
    assert again.submit()  # unchanged answers: nothing new stored
    assert len(context.store.responses(context.cohort, "m1-words")) == 1


def test_reset_clears_answers_and_feedback(context, reopen):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["person-first"].value = "0"
    quiz.controls["helps"].value = ["0"]
    quiz.submit()
    quiz.reset_button.click()
    assert quiz.answers == {"person-first": [], "helps": []}
    assert quiz.feedback.value == ""
    assert reopen(quiz).answers == {"person-first": [], "helps": []}


def test_a_store_failure_keeps_answers_and_says_so(context, monkeypatch):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["person-first"].value = "0"
    quiz.controls["helps"].value = ["0"]

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(context.store, "submit", broken)
    assert quiz.submit() is False
    assert quiz.status.text == "Couldn't save — your answers are kept on this page; try again."
    assert quiz.status.tone == "error"
    assert quiz.answers["person-first"] == [0]
    monkeypatch.undo()
    assert quiz.submit() is True
    assert len(context.store.responses(context.cohort, "m1-words")) == 1


def test_a_broken_content_file_shows_a_calm_message_not_a_traceback(context, tmp_path):
    path = tmp_path / "quiz.yaml"
    path.write_text("kind: quiz\nid: m1-x\ntitle: <b>Broken</b>\nquestions: []\n")
    quiz = KnowledgeCheck(path, context=context)
    assert quiz.error is not None
    assert "rc-unavailable" in quiz.widget._dom_classes
    assert "needs at least 1 entry" in quiz.widget.value
    assert quiz.submit() is False


def test_strict_mode_raises_content_errors(context, tmp_path, monkeypatch):
    path = tmp_path / "quiz.yaml"
    path.write_text("kind: quiz\nid: m1-x\ntitle: T\nquestions: []\n")
    monkeypatch.setenv("RECOVERY_CAPITAL_STRICT", "1")
    with pytest.raises(Exception, match="needs at least 1 entry"):
        KnowledgeCheck(path, context=context)


def test_a_retry_after_a_lost_reply_reuses_the_request_id_and_stores_once(context, monkeypatch):
    quiz = KnowledgeCheck(QUIZ, context=context)
    quiz.controls["person-first"].value = "0"
    quiz.controls["helps"].value = ["0"]
    real_submit = context.store.submit

    def stored_but_reply_lost(*args, **kwargs):
        real_submit(*args, **kwargs)
        raise ConnectionError("reply lost")

    monkeypatch.setattr(context.store, "submit", stored_but_reply_lost)
    assert quiz.submit() is False
    monkeypatch.undo()
    assert quiz.submit() is True
    assert len(context.store.responses(context.cohort, "m1-words")) == 1


def test_saved_answers_that_break_the_exercise_leave_a_working_page(context, monkeypatch):
    context.store.save_draft(context.cohort, context.handle, "m1-words", {"person-first": [0]})

    def broken(self, answers):
        raise KeyError("stale")

    monkeypatch.setattr(KnowledgeCheck, "_write", broken)
    quiz = KnowledgeCheck(QUIZ, context=context)
    assert quiz.error is None and quiz.status.tone == "error"
    assert quiz.status.text.startswith("Something went wrong on our side.")
