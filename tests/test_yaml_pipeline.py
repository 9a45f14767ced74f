"""One YAML-to-model pipeline: syntax errors in plain words at their line and column, one
wording for every kind of file, and a misspelt key counted as one mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from recovery_capital.content.model import load_content
from recovery_capital.core.errors import DefinitionError
from recovery_capital.core.yaml_text import read_yaml
from recovery_capital.scoring.definitions import load_instrument_file
from recovery_capital.settings.course import load_course_settings

# (broken text, line, column, words the message must hold)
BROKEN = {
    "indented too little": ("options:\n  - a\n - b\n", 3, 2, "indented differently"),
    "unclosed quote": ("title: 'Why\nid: m1\n", 3, 1, "never closed"),
    "unclosed list": ("options: [a, b\nid: m1\n", 2, 3, "square brackets"),
    "colon in a value": ("prompt: Ask: why now?\n", 1, 12, "colon followed by a space"),
    "tab indent": ("a:\n\tb: 1\n", 2, 1, "tab"),
    "two documents": ("a: 1\n---\nb: 2\n", 2, 1, "more than one document"),
}
PYYAML_WORDS = ("while parsing", "while scanning", "<block end>", "expected", "found")


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_syntax_error_names_line_and_column_in_plain_words(case: str) -> None:
    text, line, column, words = BROKEN[case]
    with pytest.raises(DefinitionError) as caught:
        read_yaml(text, "file.yaml")
    [(where, message)] = caught.value.problems
    assert where == f"line {line}, column {column}"
    assert words in message and message.startswith("YAML syntax: ")
    assert not any(said in message for said in PYYAML_WORDS), message


def _problems(load, path: Path) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionError) as caught:
        load(path)
    return caught.value.problems


def test_instruments_content_and_course_yaml_word_problems_alike(tmp_path: Path) -> None:
    poll = tmp_path / "poll.yaml"
    poll.write_text("kind: poll\nid: m1-p\ntitle: T\nquestion: Q?\noptions: [a, b]\ncolour: red\n")
    instrument = tmp_path / "brief.yaml"
    instrument.write_text("id: brief\ncolour: red\n")
    (tmp_path / "course.yaml").write_text("title: T\ncolour: red\n")
    unknown = [
        dict(_problems(lambda p: load_content(p, kind="poll"), poll))["colour"],
        dict(_problems(load_instrument_file, instrument))["colour"],
        dict(_problems(load_course_settings, tmp_path))["colour"],
    ]
    assert unknown == [
        "is not a known field here (check the spelling)",
        "is not a known field here (check the spelling)",
        "is not a known setting here (check the spelling)",
    ]
    assert dict(_problems(load_instrument_file, instrument))["title"] == "required"


def test_every_reader_gives_the_same_syntax_problem(tmp_path: Path) -> None:
    text = "title: T\nmodules:\n  - 00-a.ipynb\n - 01-b.ipynb\n"
    for name in ("poll.yaml", "brief.yaml", "course.yaml"):
        (tmp_path / name).write_text(text)
    found = [
        _problems(load_content, tmp_path / "poll.yaml"),
        _problems(load_instrument_file, tmp_path / "brief.yaml"),
        _problems(load_course_settings, tmp_path),
    ]
    assert found[0] == found[1] == found[2]
    assert found[0][0][0] == "line 4, column 2"


def test_a_non_utf8_file_is_a_problem_at_its_line_for_every_reader(tmp_path: Path) -> None:
    raw = b"title: T\nid: caf\xe9\n"
    for name in ("poll.yaml", "brief.yaml", "course.yaml"):
        (tmp_path / name).write_bytes(raw)
    for problems in (
        _problems(load_content, tmp_path / "poll.yaml"),
        _problems(load_instrument_file, tmp_path / "brief.yaml"),
        _problems(load_course_settings, tmp_path),
    ):
        assert problems[0][0] == "line 2" and "not UTF-8" in problems[0][1]


def test_a_misspelt_key_is_one_problem_not_two(tmp_path: Path) -> None:
    poll = tmp_path / "poll.yaml"
    poll.write_text("kind: poll\nid: m1-p\ntitle: T\nquestion: Q?\noption: [a, b]\n")
    assert _problems(load_content, poll) == [
        ("option", "is not a known field here: did you mean 'options'? (it is required)")
    ]
