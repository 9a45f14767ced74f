"""TrainerDashboard: the trainer key, live counts, poll controls, results, moderation, export."""

from __future__ import annotations

import base64

import pytest
import yaml

from recovery_capital import score
from recovery_capital.widgets import LivePoll, Questionnaire, Reflection, TrainerDashboard

POLL = {
    "kind": "poll",
    "id": "m1-poll-why",
    "title": "Why people use",
    "question": "Which reason do you meet most?",
    "options": ["Coping", "Company"],
}
REFLECTION = {
    "kind": "reflection",
    "id": "m1-reflection-attitudes",
    "title": "My attitudes",
    "prompt": "What do you notice?",
}
ATTACK = "<img src=x onerror=alert(1)>"


@pytest.fixture
def course(tmp_path):
    for folder, data in (("polls", POLL), ("reflections", REFLECTION)):
        target = tmp_path / "course" / "assets" / "content" / folder
        target.mkdir(parents=True)
        (target / f"{data['id']}.yaml").write_text(yaml.safe_dump(data))
    broken = tmp_path / "course" / "assets" / "content" / "quizzes"
    broken.mkdir()
    (broken / "broken.yaml").write_text("kind: quiz\nid: m1-broken\n")
    return tmp_path / "course"


@pytest.fixture
def dashboard(store, cohort, trainer_key, course):
    board = TrainerDashboard(cohort, store=store, course=course)
    board.sign_in.key_field.value = trainer_key
    assert board.open()
    return board


def test_a_wrong_key_is_refused_with_a_clear_message(store, cohort, course):
    board = TrainerDashboard(cohort, store=store, course=course)
    board.sign_in.key_field.value = "AAAA-BBBB-CCCC-DDDD"
    board.sign_in.open_button.click()
    assert board.status.text.startswith("That join code and trainer key don't match")
    assert board.body.children == () and board.sign_in.key_field.value == ""


def test_a_mistyped_code_is_named_and_an_unknown_one_refused(store, course):
    board = TrainerDashboard("K0P2Q", store=store, course=course)
    board.sign_in.key_field.value = "anything"
    assert not board.open()
    assert "never use 0" in board.status.text
    board.sign_in.code_field.value = "ZZZZZ"
    assert not board.open()
    assert board.status.text.startswith("That join code and trainer key don't match")


def test_the_right_key_opens_the_live_view(dashboard, cohort):
    assert dashboard.sign_in.box.layout.display == "none"
    assert f"Cohort {cohort}: 0 people have joined" in dashboard.header.value
    assert "No answers yet" in dashboard.counts.value
    assert "m1-broken" not in dashboard.titles
    warning = dashboard.body.children[0].value
    assert "broken.yaml" in warning and "recovery-capital check" in warning


def test_poll_buttons_drive_what_trainees_see(dashboard, context, course):
    trainee = LivePoll(course / "assets/content/polls/m1-poll-why.yaml", context=context)
    controls = dashboard.polls["m1-poll-why"]
    assert controls.open_button.description == "Open poll"
    controls.open_button.click()
    assert controls.open_button.description == "Close poll"
    trainee.refresh()
    trainee.choice.value = "1"
    assert trainee.submit()
    dashboard.refresh()
    assert "Company</span>: 1 of 1 person (100%)" in controls.results.value
    assert trainee.results.value == ""  # not revealed yet
    controls.reveal_button.click()
    trainee.refresh()
    assert "Company</span>: 1 of 1 person" in trainee.results.value
    assert "Why people use" in dashboard.counts.value


def test_questionnaire_results_are_aggregated_with_a_cohort_radar(dashboard, context, store):
    barc = Questionnaire("barc10", context=context)
    for group in barc.items.values():
        group.value = "4"
    assert barc.submit()
    sixes = {f"q{i}": 6 for i in range(1, 11)}
    store.submit(dashboard.code, "owl-2", "barc10", sixes, result=score("barc10", sixes))
    dashboard.refresh()
    (box,) = dashboard.results.children
    assert "Histogram: BARC-10: Recovery capital (total). 2 scores" in box.value
    assert "Radar chart: BARC-10: cohort mean by area." in box.value
    assert "Housing and safety 5" in box.value
    before = box.value
    dashboard.refresh()
    assert box.value == before  # unchanged data: nothing redrawn


def test_moderation_escapes_text_and_respects_the_authors_choice(dashboard, context, store, course):
    reflection = Reflection(
        course / "assets/content/reflections/m1-reflection-attitudes.yaml", context=context
    )
    reflection.text.value = f"I judge quickly {ATTACK}"
    reflection.share.value = "yes"
    assert reflection.submit()
    store.submit(
        dashboard.code, "owl-2", "m1-reflection-attitudes", {}, text="Mine only", shareable=False
    )
    dashboard.refresh()
    shared_row, private_row = dashboard.moderation.items.children
    text_html = shared_row.children[0].value
    assert "&lt;img src=x onerror=alert(1)&gt;" in text_html and "<img" not in text_html
    assert "wren-7" in text_html and "may be shared" in text_html
    shared_buttons = [b.description for b in shared_row.children[1].children]
    private_buttons = [b.description for b in private_row.children[1].children]
    assert shared_buttons == ["Approve for the group", "Hide"]
    assert private_buttons == ["Hide"]
    shared_row.children[1].children[0].click()
    assert store.free_text(dashboard.code)[0].state == "approved"
    shown = dashboard.moderation.shown.value
    assert "I judge quickly &lt;img" in shown and "wren-7" not in shown
    private_row = dashboard.moderation.items.children[1]
    private_row.children[1].children[0].click()
    assert store.free_text(dashboard.code)[1].state == "hidden"


def test_export_offers_a_csv_download(dashboard, store):
    store.submit(dashboard.code, "owl-2", "m1-poll-why", {"choices": [0]})
    dashboard.export()
    html = dashboard.download.value
    assert "Download 1 answers (CSV)" in html
    data = html.split("base64,")[1].split('"')[0]
    assert b"owl-2" in base64.b64decode(data)
