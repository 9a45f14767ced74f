"""Course content files: every kind loads, and every kind of mistake is reported with its path."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from recovery_capital.content.model import (
    COURSE_DIR_ENV,
    load_content,
    load_course_content,
    parse_content,
    resolve_content_path,
)
from recovery_capital.core.errors import DefinitionError

REPO = Path(__file__).resolve().parents[1]

QUIZ = {
    "kind": "quiz",
    "id": "m1-language-check",
    "title": "Words that help",
    "questions": [
        {
            "id": "person-first",
            "prompt": "Which phrase is person-first?",
            "options": [
                {"text": "a person who uses heroin", "correct": True, "feedback": "Yes."},
                {"text": "a heroin user", "correct": False, "feedback": "Drug first."},
            ],
        },
        {
            "id": "helpful",
            "prompt": "Which help?",
            "type": "multiple",
            "options": [
                {"text": "curiosity", "correct": True, "feedback": "Yes."},
                {"text": "warmth", "correct": True, "feedback": "Yes."},
                {"text": "labels", "feedback": "No."},
            ],
        },
    ],
}

SCENARIO = {
    "kind": "scenario",
    "id": "m4-scenario-jo",
    "title": "Jo",
    "client": {"name": "Jo", "summary": "Jo is 40."},
    "start": "opening",
    "nodes": {
        "opening": {
            "client": "I was told to come.",
            "choices": [
                {"text": "What brings you?", "tag": "open_question", "next": "opens-up"},
                {"text": "You must stop.", "tag": "confronting", "next": "closes-down"},
            ],
        },
        "opens-up": {"client": "Thanks.", "ending": True, "outcome": "good"},
        "closes-down": {"client": "Bye.", "ending": True, "outcome": "poor"},
    },
}

VIGNETTE = {
    "kind": "vignette",
    "id": "m2-vignette-amira",
    "title": "Amira, 34",
    "person": {"name": "Amira", "age": 34, "housing": "rents a flat", "stage": "contemplation"},
    "story": "Amira is a fictional mother of two.",
    "rate": {"instrument": "barc10", "stage": True},
    "reference": {
        "items": {f"q{i}": {"value": 3, "reasoning": "From the story."} for i in range(1, 11)},
        "stage": {"value": "contemplation", "reasoning": "She weighs it up."},
    },
}


def problems_of(data: dict, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as caught:
        parse_content(data, "test.yaml", **kwargs)
    return caught.value.problems


def paths_of(data: dict) -> list[str]:
    return [path for path, _ in problems_of(data)]


def test_a_valid_quiz_loads_as_an_immutable_object():
    quiz = parse_content(QUIZ)
    assert quiz.questions[1].correct_indexes == (0, 1)
    with pytest.raises(Exception, match="frozen"):
        quiz.title = "changed"
    assert isinstance(quiz.questions, tuple)


def test_a_single_answer_question_needs_exactly_one_correct_option():
    data = copy.deepcopy(QUIZ)
    data["questions"][0]["options"][1]["correct"] = True
    assert problems_of(data) == [
        ("questions.0", "a single-answer question needs exactly one correct option (found 2)")
    ]


def test_every_quiz_option_needs_feedback_and_every_problem_is_listed_at_once():
    data = copy.deepcopy(QUIZ)
    del data["questions"][0]["options"][0]["feedback"]
    del data["questions"][1]["options"][2]["feedback"]
    data["questions"][1]["typo"] = 1
    assert sorted(paths_of(data)) == [
        "questions.0.options.0.feedback",
        "questions.1.options.2.feedback",
        "questions.1.typo",
    ]


def test_quiz_question_ids_must_be_unique():
    data = copy.deepcopy(QUIZ)
    data["questions"][1]["id"] = "person-first"
    assert problems_of(data) == [("questions", "question id 'person-first' is used more than once")]


def test_activity_ids_follow_the_module_pattern():
    data = copy.deepcopy(QUIZ)
    data["id"] = "language check"
    assert paths_of(data) == ["id"]


def test_kind_must_be_known_and_match_what_the_caller_expects():
    assert paths_of({**QUIZ, "kind": "survey"}) == ["kind"]
    ((path, message),) = problems_of(QUIZ, kind="poll")
    assert path == "kind" and "expected 'poll'" in message


def test_a_scenario_with_a_good_graph_loads():
    scenario = parse_content(SCENARIO)
    assert scenario.nodes["opening"].choices[1].tag == "confronting"
    with pytest.raises(TypeError):
        scenario.nodes["extra"] = scenario.nodes["opening"]


def test_scenario_unknown_next_and_dead_ends_and_endings_are_reported():
    data = copy.deepcopy(SCENARIO)
    data["nodes"]["opening"]["choices"][0]["next"] = "nowhere"
    data["nodes"]["stuck"] = {"client": "..."}
    data["nodes"]["closes-down"]["choices"] = [
        {"text": "Wait", "tag": "affirmation", "next": "opening"}
    ]
    del data["nodes"]["opens-up"]["outcome"]
    assert sorted(paths_of(data)) == [
        "nodes.closes-down.choices",
        "nodes.opening.choices.0.next",
        "nodes.opens-up.outcome",
        "nodes.stuck",
    ]


def test_scenario_unreachable_nodes_and_loops_without_an_ending_are_reported():
    data = copy.deepcopy(SCENARIO)
    data["nodes"]["island"] = {"client": "Alone.", "ending": True, "outcome": "mixed"}
    data["nodes"]["opening"]["choices"].append(
        {"text": "Hmm", "tag": "simple_reflection", "next": "loop"}
    )
    data["nodes"]["loop"] = {
        "client": "Round again.",
        "choices": [{"text": "Again", "tag": "closed_question", "next": "loop"}],
    }
    problems = dict(problems_of(data))
    assert set(problems) == {"nodes.island", "nodes.loop"}
    assert "cannot be reached" in problems["nodes.island"]
    assert "no ending can be reached" in problems["nodes.loop"]


def test_scenario_start_must_exist_and_choice_tags_must_be_miti_codes():
    data = copy.deepcopy(SCENARIO)
    data["start"] = "hello"
    assert paths_of(data) == ["start"]
    data = copy.deepcopy(SCENARIO)
    data["nodes"]["opening"]["choices"][0]["tag"] = "lecture"
    assert paths_of(data) == ["nodes.opening.choices.0.tag"]


def test_a_vignette_rated_on_barc10_loads():
    vignette = parse_content(VIGNETTE)
    assert vignette.reference.items["q10"].value == 3
    assert vignette.person.model_extra == {"housing": "rents a flat"}


def test_vignette_reference_must_cover_every_item_in_range_and_the_stage():
    data = copy.deepcopy(VIGNETTE)
    del data["reference"]["items"]["q4"]
    data["reference"]["items"]["q2"]["value"] = 9
    data["reference"]["items"]["q11"] = {"value": 3, "reasoning": "x"}
    del data["reference"]["stage"]
    problems = dict(problems_of(data))
    assert set(problems) == {
        "reference.stage",
        "reference.items.q4",
        "reference.items.q2.value",
        "reference.items.q11",
    }
    assert problems["reference.items.q2.value"] == "9 is outside this item's answers (1-6)"


def test_vignette_names_an_unknown_instrument():
    data = copy.deepcopy(VIGNETTE)
    data["rate"]["instrument"] = "nope"
    ((path, message),) = problems_of(data)
    assert path == "rate.instrument" and "unknown instrument 'nope'" in message


def test_ruler_reflection_poll_and_talk_sort_load():
    ruler = parse_content(
        {
            "kind": "ruler",
            "id": "m3-ruler",
            "title": "R",
            "low": 1,
            "rulers": [{"id": "importance", "question": "How important?", "follow_up": ["Why?"]}],
        }
    )
    assert (ruler.low, ruler.high) == (1, 10)
    reflection = parse_content(
        {"kind": "reflection", "id": "m1-r", "title": "R", "prompt": "Think.", "min_words": 20}
    )
    assert reflection.hints == ()
    poll = parse_content(
        {"kind": "poll", "id": "m1-p", "title": "P", "question": "Q?", "options": ["a", "b"]}
    )
    assert poll.type == "single"
    sort = parse_content(
        {
            "kind": "talk_sort",
            "id": "m4-t",
            "title": "T",
            "statements": [
                {
                    "id": "s1",
                    "text": "I want to stop.",
                    "talk": "change",
                    "category": "desire",
                    "explanation": "Wanting.",
                }
            ],
        }
    )
    assert sort.statements[0].category == "desire"


def test_poll_options_must_differ():
    data = {"kind": "poll", "id": "m1-p", "title": "P", "question": "Q?", "options": ["a", "a"]}
    assert paths_of(data) == ["options"]


def test_yaml_syntax_errors_name_the_line(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("kind: poll\nid: m1-p\noptions: [a, b\ntitle: x\n")
    with pytest.raises(DefinitionError) as caught:
        load_content(path)
    ((where, message),) = caught.value.problems
    assert where.startswith("line 4") and message.startswith("YAML syntax")


def test_a_key_written_twice_is_an_error_not_a_silent_overwrite(tmp_path: Path):
    path = tmp_path / "twice.yaml"
    path.write_text("kind: poll\nid: m1-p\nid: m1-q\n")
    with pytest.raises(DefinitionError) as caught:
        load_content(path)
    assert caught.value.problems == [("line 3", "key 'id' appears twice")]


def write_course(root: Path) -> None:
    (root / "assets" / "content" / "quizzes").mkdir(parents=True)
    (root / "assets" / "content" / "quizzes" / "words.yaml").write_text(yaml.safe_dump(QUIZ))
    (root / "modules").mkdir()


def test_relative_paths_resolve_from_a_notebook_folder_below_the_course(tmp_path, monkeypatch):
    write_course(tmp_path)
    monkeypatch.delenv(COURSE_DIR_ENV, raising=False)
    monkeypatch.chdir(tmp_path / "modules")
    assert load_content("assets/content/quizzes/words.yaml").id == "m1-language-check"


def test_the_course_dir_setting_wins(tmp_path, monkeypatch):
    write_course(tmp_path)
    monkeypatch.setenv(COURSE_DIR_ENV, str(tmp_path))
    monkeypatch.chdir("/")
    found = resolve_content_path("assets/content/quizzes/words.yaml")
    assert found == tmp_path / "assets/content/quizzes/words.yaml"


def test_a_missing_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DefinitionError, match="file not found"):
        load_content("assets/content/polls/none.yaml")


def test_the_whole_course_loads_and_repeated_activity_ids_are_named(tmp_path):
    write_course(tmp_path)
    assert list(load_course_content(tmp_path)) == ["m1-language-check"]
    copy_path = tmp_path / "assets/content/quizzes/words-copy.yaml"
    copy_path.write_text(yaml.safe_dump(QUIZ))
    with pytest.raises(DefinitionError) as caught:
        load_course_content(tmp_path)
    assert caught.value.problems == [
        ("words.yaml: id", "'m1-language-check' is already used by words-copy.yaml")
    ]


# --- practice that builds skill: one tag vocabulary, quiz positions, scenario cues, drills ---


def test_the_tag_vocabulary_is_mitis_and_an_unknown_tag_is_named():
    from recovery_capital.content.model import BEHAVIOUR_TAGS
    from recovery_capital.scoring.miti import SCENARIO_TAGS

    assert tuple(SCENARIO_TAGS) == BEHAVIOUR_TAGS
    broken = copy.deepcopy(SCENARIO)
    broken["nodes"]["opening"]["choices"][0]["tag"] = "reflecting"
    with pytest.raises(DefinitionError) as caught:
        parse_content(broken)
    ((where, message),) = caught.value.problems
    assert where == "nodes.opening.choices.0.tag"
    assert "'reflecting' is not a behaviour tag" in message and "open_question" in message


def _quiz_with_answers_at(positions: list[int], options: int = 3) -> dict:
    return {
        "kind": "quiz",
        "id": "m1-positions",
        "title": "Positions",
        "questions": [
            {
                "id": f"q{n}",
                "prompt": "Which?",
                "options": [
                    {"text": f"option {i}", "correct": i == right, "feedback": "Because."}
                    for i in range(options)
                ],
            }
            for n, right in enumerate(positions)
        ],
    }


def test_a_quiz_with_its_answers_in_one_position_is_cautioned_not_refused():
    quiz = parse_content(_quiz_with_answers_at([0, 0, 1, 2]))
    assert quiz.correct_positions() == {0: 2, 1: 1, 2: 1}
    ((where, message),) = quiz.cautions()
    assert where == "questions" and "option 1 in 2 of 4" in message and "35%" in message
    assert parse_content(_quiz_with_answers_at([0, 1, 2, 3], options=4)).cautions() == []
    assert parse_content(_quiz_with_answers_at([2, 0, 1, 1, 0, 2])).cautions() == []


SHIPPED_QUIZZES = sorted((REPO / "assets/content/quizzes").glob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED_QUIZZES, ids=lambda p: p.stem)
def test_no_shipped_quiz_keeps_its_correct_option_in_one_position(path):
    quiz = load_content(path)
    counts = quiz.correct_positions()
    singles = sum(counts.values())
    assert singles >= 3, "too few single-answer questions to spread the answers"
    assert max(counts.values()) / singles <= 0.35, counts
    assert quiz.cautions() == []
    assert quiz.correct_is_longest() / singles <= 0.5


def test_a_quiz_whose_right_answers_are_the_longest_is_cautioned():
    quiz = _quiz_with_answers_at([0, 1, 2])
    for question in quiz["questions"]:
        for option in question["options"]:
            if option["correct"]:
                option["text"] += ", explained at greater length"
    loaded = parse_content(quiz)
    assert loaded.correct_is_longest() == 3
    ((where, message),) = loaded.cautions()
    assert "the correct option is the longest in 3 of 3" in message


def _three_turns(good: str, poor: str) -> dict:
    turn = [
        {"text": good, "tag": "open_question", "next": None},
        {"text": poor, "tag": "confronting", "next": "closes-down"},
    ]
    nodes = {}
    for name, then in (("a", "b"), ("b", "c"), ("c", "opens-up")):
        nodes[name] = {"client": "Hm.", "choices": copy.deepcopy(turn)}
        nodes[name]["choices"][0]["next"] = then
    nodes["opens-up"] = {"client": "Thanks.", "ending": True, "outcome": "good"}
    nodes["closes-down"] = {"client": "Bye.", "ending": True, "outcome": "poor"}
    return SCENARIO | {"start": "a", "nodes": nodes}


def test_scenario_cues_are_cautioned_from_three_turns():
    cued = parse_content(_three_turns("What would make this meeting worth your while?", "No."))
    messages = [message for _, message in cued.cautions()]
    assert any("always choosing the longest reply reaches a good ending" in m for m in messages)
    assert any("MI-consistent replies average 8 words and the others 1" in m for m in messages)
    fair = parse_content(_three_turns("What matters to you?", "You must stop drinking now."))
    assert [m for _, m in fair.cautions()] == [
        "always choosing the shortest reply reaches a good ending: vary the lengths so the good "
        "path is not the shortest"
    ]
    assert parse_content(SCENARIO).cautions() == []  # one turn: no pattern to give away


DRILL = {
    "kind": "drill",
    "id": "m4-drill-x",
    "title": "Drill",
    "skill": "reflection",
    "items": [
        {
            "id": "a",
            "client": "I'm fed up.",
            "models": [
                {"text": "You're fed up.", "tag": "simple_reflection", "why": "Close."},
                {"text": "You've had enough.", "tag": "complex_reflection", "why": "Deeper."},
            ],
        }
    ],
}


def test_a_drill_needs_models_that_show_the_skill():
    assert parse_content(DRILL).targets == {"simple_reflection", "complex_reflection"}
    broken = copy.deepcopy(DRILL)
    broken["items"][0]["models"][1]["tag"] = "open_question"
    with pytest.raises(DefinitionError) as caught:
        parse_content(broken)
    assert caught.value.problems == [("items.0.models", "give a simple and a complex reflection")]
    one = copy.deepcopy(DRILL)
    one["items"][0]["models"] = one["items"][0]["models"][:1]
    with pytest.raises(DefinitionError) as caught:
        parse_content(one)
    assert caught.value.problems == [("items.0.models", "needs at least 2 entries")]
    questions = copy.deepcopy(DRILL) | {"skill": "open_question"}
    with pytest.raises(DefinitionError) as caught:
        parse_content(questions)
    assert caught.value.problems == [
        ("items.0.models", "at least one model answer must be a open_question")
    ]


def test_a_triad_needs_all_three_briefs():
    triad = {
        "kind": "triad",
        "id": "m4-triad-x",
        "title": "Triad",
        "roles": {"speaker": {"brief": "Talk."}, "listener": {"brief": "Listen."}},
    }
    with pytest.raises(DefinitionError) as caught:
        parse_content(triad)
    assert caught.value.problems == [("roles.observer", "required")]
