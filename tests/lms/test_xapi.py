"""xAPI: exercise events reach a real Ralph LRS as valid 1.0.3 statements, and an outage loses
nothing and never slows the trainee."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest
from lms_support import LRS_PASSWORD, LRS_USER, free_port, start_ralph, wait_for

from recovery_capital.core.errors import DefinitionError
from recovery_capital.lms import events
from recovery_capital.lms.events import XapiSink
from recovery_capital.lms.outbox import Outbox
from recovery_capital.lms.xapi import VERBS, LrsClient, check_statement
from recovery_capital.scoring.definitions import load_instrument
from recovery_capital.session.context import Context
from recovery_capital.settings.course import parse_course_settings
from recovery_capital.settings.lms import XapiSettings
from recovery_capital.widgets import (
    BranchingScenario,
    KnowledgeCheck,
    LivePoll,
    Questionnaire,
    Reflection,
    Ruler,
)

pytestmark = pytest.mark.xapi

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "assets" / "content"
HOME = "https://course.example.org"


def settings(endpoint: str, outbox: Path, **extra) -> XapiSettings:
    return XapiSettings(
        endpoint=endpoint,
        homepage=HOME,
        username=LRS_USER,
        password=LRS_PASSWORD,
        outbox=str(outbox),
        timeout=3,
        **extra,
    )


def sink_for(config: XapiSettings) -> XapiSink:
    sink = XapiSink.from_settings(config, title="Supporting people who use drugs and alcohol")
    events.configure([sink])
    return sink


def read_back(config: XapiSettings, handle_account: str) -> list[dict]:
    client = LrsClient(config.statements_url, LRS_USER, LRS_PASSWORD)
    agent = json.dumps({"account": {"homePage": HOME, "name": handle_account}})
    found = client.statements(agent=agent, limit="500")["statements"]
    return sorted(found, key=lambda s: s["timestamp"])


def delivered(sink: XapiSink) -> bool:
    sink.courier.nudge()
    return sink.outbox.pending("xapi") == 0


def test_every_kind_of_event_arrives_as_a_valid_statement(lrs, store, tmp_path):
    config = settings(lrs.endpoint, tmp_path / "outbox.sqlite3")
    sink = sink_for(config)
    cohort = store.create_cohort("Leeds, spring").code
    ctx = Context(store, cohort, store.join(cohort, "Wren-7"))

    quiz = KnowledgeCheck(CONTENT / "quizzes" / "m2-quiz-capital.yaml", context=ctx)
    for control in quiz.controls.values():
        if isinstance(control.value, list | tuple):
            control.value = ["0"]
        else:
            control.value = "0"
    assert quiz.submit()
    ruler = Ruler(CONTENT / "rulers" / "m3-ruler-gareth.yaml", context=ctx)
    for number, scale in zip((4, 3, 2), ruler.scales.values()):
        scale.value = str(number)
    assert ruler.submit()
    talk = BranchingScenario(CONTENT / "scenarios" / "m4-scenario-jo.yaml", context=ctx)
    chosen = []
    while not talk.finished:
        node = talk.content.nodes[talk.node_id]
        chosen.append((talk.node_id, node.choices[0].tag))
        talk.choices.value = "0"
        assert talk.say()
    poll = LivePoll(CONTENT / "polls" / "m2-poll-overlooked-domain.yaml", context=ctx)
    store.set_activity_state(cohort, poll.activity_id, opened=True)
    poll.refresh()
    poll.choice.value = "7"
    assert poll.submit()
    reflection = Reflection(CONTENT / "reflections" / "m2-reflection-plan.yaml", context=ctx)
    reflection.text.value = "I will ask Amira about her housing and who she trusts most now."
    reflection.submit()

    wait_for(lambda: delivered(sink), "every statement reaching the LRS", deadline=30)
    statements = read_back(config, f"{cohort}/wren-7")
    assert statements, "the LRS holds no statements for the participant"
    for statement in statements:
        assert check_statement(statement) == [], statement
        actor = statement["actor"]
        assert set(actor) == {"objectType", "account"}  # never an e-mail address
        assert actor["account"] == {"homePage": HOME, "name": f"{cohort}/wren-7"}
        assert statement["context"]["extensions"][f"{HOME}/extensions/cohort"] == cohort
    by_object = {}
    for statement in statements:
        by_object.setdefault(statement["object"]["id"], []).append(statement)

    quiz_done = by_object[f"{HOME}/activities/m2-quiz-capital"][-1]
    assert quiz_done["verb"]["id"] == VERBS["completed"]
    score = quiz_done["result"]["score"]
    stored = store.latest(cohort, "wren-7", "m2-quiz-capital").scores
    assert (score["raw"], score["max"]) == (stored["correct"], stored["total"])
    assert score["scaled"] == pytest.approx(stored["correct"] / stored["total"], abs=1e-3)

    ruler_items = {
        sid.rsplit("/", 1)[1]: found[-1]["result"]["response"]
        for sid, found in by_object.items()
        if "/activities/m3-ruler-gareth/items/" in sid
    }
    assert ruler_items == {
        "ratings.importance": "4",
        "ratings.confidence": "3",
        "ratings.readiness": "2",
    }
    ruler_done = by_object[f"{HOME}/activities/m3-ruler-gareth"][-1]
    assert json.loads(ruler_done["result"]["response"]) == {
        "ratings.importance": 4,
        "ratings.confidence": 3,
        "ratings.readiness": 2,
    }

    steps = [
        (
            sid.rsplit("/", 1)[1],
            found[-1]["result"]["extensions"][f"{HOME}/extensions/practice-tag"],
        )
        for sid, found in by_object.items()
        if "/activities/m4-scenario-jo/nodes/" in sid
    ]
    assert sorted(steps) == sorted(chosen)  # every choice, the last one too, with its tag
    for sid, found in by_object.items():
        if "/nodes/" in sid:
            parent = found[-1]["context"]["contextActivities"]["parent"][0]["id"]
            assert parent == f"{HOME}/activities/m4-scenario-jo"

    poll_done = by_object[f"{HOME}/activities/m2-poll-overlooked-domain"][-1]
    assert json.loads(poll_done["result"]["response"]) == {"choices": [7]}

    # free text stays on the machine unless the course says otherwise
    everything = json.dumps(statements)
    assert "housing and who she trusts" not in everything


def test_scored_questionnaires_and_knowledge_checks_carry_an_xapi_score(lrs, store, tmp_path):
    """result.score as xAPI 1.0.3 has it: raw within [min, max], scaled within [-1, 1], the
    figures the store keeps for the same submission; a questionnaire without one headline
    score (the RCQ names a stage from three scales) sends its scales but no result.score."""
    config = settings(lrs.endpoint, tmp_path / "outbox.sqlite3")
    sink = sink_for(config)
    cohort = store.create_cohort("Swansea").code
    ctx = Context(store, cohort, store.join(cohort, "kite-4"))
    barc = Questionnaire("barc10", context=ctx)
    for item, value in zip(barc.items.values(), (5, 4, 6, 3, 5, 4, 2, 6, 5, 4), strict=True):
        item.value = str(value)
    assert barc.submit()
    audit = Questionnaire("audit", context=ctx)
    for item in audit.items.values():
        item.value = item.options[1]["value"]  # the second answer everywhere
    assert audit.submit()
    rcq = Questionnaire("rcq", context=ctx)
    for item in rcq.items.values():
        item.value = item.options[0]["value"]
    assert rcq.submit()
    quiz = KnowledgeCheck(CONTENT / "quizzes" / "m2-quiz-capital.yaml", context=ctx)
    first = next(iter(quiz.controls.values()))
    first.value = ["0"] if isinstance(first.value, list | tuple) else "0"
    for control in list(quiz.controls.values())[1:]:
        control.value = ["1"] if isinstance(control.value, list | tuple) else "1"
    assert quiz.submit()

    wait_for(lambda: delivered(sink), "the statements reaching the LRS", deadline=30)
    done = {
        s["object"]["id"].rsplit("/", 1)[1]: s
        for s in read_back(config, f"{cohort}/kite-4")
        if s["verb"]["id"] == VERBS["completed"]
    }
    assert set(done) == {"barc10", "audit", "rcq", "m2-quiz-capital"}
    for statement in done.values():
        assert check_statement(statement) == [], statement

    for instrument, scale in (("barc10", "total"), ("audit", "total")):
        score = done[instrument]["result"]["score"]
        kept = store.latest(cohort, "kite-4", instrument).scores["scales"][scale]
        low, high = load_instrument(instrument).scale_range(scale)
        assert (score["raw"], score["min"], score["max"]) == (kept, low, high)
        assert score["scaled"] == pytest.approx((kept - low) / (high - low), abs=1e-4)
        assert low < score["raw"] < high
        sent = done[instrument]["result"]["extensions"][f"{HOME}/extensions/scores"]
        assert sent["scales"][scale] == kept and sent["headline"]["scale"] == scale
    assert done["barc10"]["result"]["score"]["raw"] == 44  # the ten answers above, summed

    assert "score" not in done["rcq"]["result"]
    rcq_sent = done["rcq"]["result"]["extensions"][f"{HOME}/extensions/scores"]
    assert rcq_sent["scales"] == store.latest(cohort, "kite-4", "rcq").scores["scales"]

    quiz_score = done["m2-quiz-capital"]["result"]["score"]
    kept = store.latest(cohort, "kite-4", "m2-quiz-capital").scores
    assert quiz_score == {
        "raw": kept["correct"],
        "min": 0,
        "max": kept["total"],
        "scaled": pytest.approx(kept["correct"] / kept["total"], abs=1e-4),
    }


def test_activity_ids_are_the_same_for_everyone_and_actors_differ(lrs, store, tmp_path):
    config = settings(lrs.endpoint, tmp_path / "outbox.sqlite3")
    sink = sink_for(config)
    cohort = store.create_cohort("Cardiff").code
    for handle in ("otter-3", "heron-8"):
        ctx = Context(store, cohort, store.join(cohort, handle))
        ruler = Ruler(CONTENT / "rulers" / "m0-ruler-starting-point.yaml", context=ctx)
        for scale in ruler.scales.values():
            scale.value = "5"
        assert ruler.submit()
    wait_for(lambda: delivered(sink), "statements reaching the LRS")
    otter = read_back(config, f"{cohort}/otter-3")
    heron = read_back(config, f"{cohort}/heron-8")
    assert otter and heron
    assert {s["object"]["id"] for s in otter} == {s["object"]["id"] for s in heron}
    assert {s["id"] for s in otter}.isdisjoint({s["id"] for s in heron})


def test_an_lrs_outage_queues_then_delivers_even_after_the_kernel_ends(store, tmp_path):
    port = free_port()
    config = settings(f"http://127.0.0.1:{port}/xAPI", tmp_path / "outbox.sqlite3")
    sink = sink_for(config)
    cohort = store.create_cohort("Belfast").code
    ctx = Context(store, cohort, store.join(cohort, "finch-2"))
    ruler = Ruler(CONTENT / "rulers" / "m0-ruler-starting-point.yaml", context=ctx)
    for scale in ruler.scales.values():
        scale.value = "6"
    assert ruler.submit()  # saved for the trainee even though the LRS is down
    assert ruler.status.text.startswith("Saved")
    queued = sink.outbox.pending("xapi")
    assert queued >= 2
    wait_for(lambda: sink.outbox.next_due("xapi") > time.time(), "a failed try being scheduled")
    events.configure(None)  # the kernel ends with its statements still queued
    lrs = start_ralph(tmp_path / "ralph", port=port)
    try:
        again = sink_for(config)  # a later kernel of the same server
        wait_for(lambda: delivered(again), "queued statements reaching the LRS", deadline=60)
        statements = read_back(config, f"{cohort}/finch-2")
        assert len(statements) == queued
        assert all(check_statement(s) == [] for s in statements)
    finally:
        events.configure(None)
        lrs.stop()


def test_a_hanging_lrs_never_slows_a_submit(store, tmp_path):
    with socket.socket() as silent:  # accepts connections and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        config = settings(
            f"http://127.0.0.1:{silent.getsockname()[1]}/xAPI", tmp_path / "outbox.sqlite3"
        )
        sink_for(config)
        cohort = store.create_cohort("Glasgow").code
        ctx = Context(store, cohort, store.join(cohort, "lark-5"))
        timings = []
        for value in ("3", "4", "5"):
            ruler = Ruler(CONTENT / "rulers" / "m0-ruler-starting-point.yaml", context=ctx)
            for scale in ruler.scales.values():
                scale.value = value
            start = time.perf_counter()
            assert ruler.submit()
            timings.append(time.perf_counter() - start)
        assert max(timings) < 1.0  # the LRS would take 3 s (the timeout) per try
        assert Outbox(config.outbox_path()).pending("xapi") >= 3


def test_a_refused_statement_is_kept_aside_and_the_rest_delivered(lrs, tmp_path):
    config = settings(lrs.endpoint, tmp_path / "outbox.sqlite3")
    sink = XapiSink.from_settings(config)
    from recovery_capital.lms.xapi import StatementBuilder

    b = StatementBuilder(HOME)
    good = b.answered_item("K7P2Q", "ash-1", "m0-ruler-starting-point", "importance", 3)
    bad = dict(good, id="not-a-uuid")
    sink.outbox.put_many("xapi", [good, bad])
    sink.courier.nudge()
    wait_for(lambda: sink.outbox.pending("xapi") == 0, "the batch being sorted out")
    refused = sink.outbox.rejected("xapi")
    assert [payload["id"] for payload, _ in refused] == ["not-a-uuid"]
    assert "LRS" in refused[0][1]
    assert [s["id"] for s in read_back(config, "K7P2Q/ash-1")] == [good["id"]]
    sink.stop()


def test_course_yaml_names_the_lrs_and_bad_settings_are_named():
    course = parse_course_settings(
        {
            "title": "T",
            "xapi": {
                "endpoint": "https://lrs.example.org/xAPI",
                "homepage": HOME,
                "username": "course",
                "password_env": "LRS_PASSWORD",
            },
        }
    )
    assert course.xapi.statements_url == "https://lrs.example.org/xAPI/statements"
    assert parse_course_settings({"title": "T"}).xapi is None  # off by default
    with pytest.raises(DefinitionError) as error:
        parse_course_settings(
            {"title": "T", "xapi": {"endpoint": "lrs.example.org", "homepage": HOME}}
        )
    assert "xapi.endpoint" in str(error.value) and "web address" in str(error.value)


def test_the_outbox_is_private_to_its_owner(tmp_path):
    box = Outbox(tmp_path / "deep" / "outbox.sqlite3")
    box.put("xapi", {"id": 1})
    for path in (box.path, box.path.with_name(box.path.name + "-wal")):
        assert path.stat().st_mode & 0o077 == 0, path
    assert (tmp_path / "deep").stat().st_mode & 0o077 == 0
