"""The definition format: validation messages, MIRC and course instruments, official wording."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

import recovery_capital as rc
from recovery_capital.scoring.definitions import BUNDLED_DIR, load_instrument_file

MIRC_LIKE = """
id: mirc_demo
title: A MIRC-shaped test instrument (not the MIRC)
version: test
citation: Test fixture shaped like Bowen et al. (2023); not the real items.
licence: test
status: provisional
unchecked: [the reverse-keyed items of the human and cultural subscales]
response_options:
  - {value: 1, label: Strongly disagree}
  - {value: 2, label: Disagree}
  - {value: 3, label: Agree}
  - {value: 4, label: Strongly agree}
items:
%s
scales:
  - {id: social, label: Social, method: sum, items: [q1, q2, q3, q4, q5, q6, q7], range: [7, 28]}
  - {id: physical, label: Physical, method: sum, items: [q8, q9, q10, q11, q12, q13, q14]}
  - {id: human, label: Human, method: sum, items: [q15, q16, q17, q18, q19, q20, q21]}
  - {id: cultural, label: Cultural, method: sum, items: [q22, q23, q24, q25, q26, q27, q28]}
  - {id: total, label: Total, method: formula, formula: social + physical + human + cultural}
"""
REVERSED = {2, 5, 6, 9, 10, 12}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def mirc_file(tmp_path: Path) -> Path:
    lines = "\n".join(
        f"  - {{id: q{n}, prompt: 'Statement {n}'{', reverse: true' if n in REVERSED else ''}}}"
        for n in range(1, 29)
    )
    return write(tmp_path, "mirc_demo.yaml", MIRC_LIKE % lines)


def test_every_bundled_definition_loads_and_is_marked_as_paraphrase():
    bundled = sorted(path.stem for path in BUNDLED_DIR.glob("*.yaml"))
    assert len(bundled) == 11
    for instrument_id in bundled:
        inst = load_instrument_file(BUNDLED_DIR / f"{instrument_id}.yaml")
        assert inst.prompts_are_paraphrases and "paraphrase" in inst.prompt_source.lower()
        assert inst.citation and inst.licence
        assert (inst.status == "provisional") == bool(inst.unchecked)


def test_format_expresses_mirc_reverse_keying_and_four_subscales(tmp_path):
    inst = load_instrument_file(mirc_file(tmp_path))
    assert inst.item("q2").reverse_value(1) == 4.0  # 5 - x
    answers = {f"q{n}": 1 for n in range(1, 29)}
    res = rc.score(inst, answers)
    # six reversed items score 4 instead of 1
    assert res.scales["social"] == 7 + 3 * 3  # q2, q5, q6
    assert res.scales["physical"] == 7 + 3 * 3  # q9, q10, q12
    assert res.scales["total"] == 28 + 6 * 3
    assert res.status == "provisional" and "reverse-keyed" in res.warnings[0]


def test_a_course_can_add_an_instrument_by_dropping_a_yaml_file(tmp_path, monkeypatch):
    folder = tmp_path / "course" / "assets" / "content" / "instruments"
    folder.mkdir(parents=True)
    mirc_file(folder)
    assert "mirc_demo" not in rc.list_instruments(course_dir=tmp_path / "empty")
    assert "mirc_demo" in rc.list_instruments(course_dir=tmp_path / "course")
    monkeypatch.setenv("RECOVERY_CAPITAL_COURSE_DIR", str(tmp_path / "course"))
    assert rc.score("mirc_demo", [2] * 28).scales["total"] == 2 * 22 + 3 * 6


def test_organisation_wording_replaces_prompts_not_scoring(tmp_path):
    folder = tmp_path / "instruments"
    folder.mkdir()
    source = (BUNDLED_DIR / "barc10.yaml").read_text()
    (folder / "barc10.yaml").write_text(source)
    (folder / "barc10.wording.yaml").write_text("q1: Official wording one\nq10: Official ten\n")
    inst = load_instrument_file(folder / "barc10.yaml")
    assert inst.item("q1").prompt == "Official wording one"
    assert inst.item("q2").prompt == rc.load_instrument("barc10").item("q2").prompt
    assert not inst.prompts_are_paraphrases and "barc10.wording.yaml" in inst.prompt_source
    assert rc.score(inst, [5, 5, 5, 5, 5, 5, 5, 4, 4, 4]).scales["total"] == 47
    explicit = tmp_path / "mine.yaml"
    explicit.write_text("q3: Our licensed text\n")
    assert rc.load_instrument("barc10", wording=explicit).item("q3").prompt == "Our licensed text"
    (folder / "barc10.wording.yaml").write_text("q11: no such item\n")
    with pytest.raises(rc.DefinitionError, match="q11: not an item"):
        load_instrument_file(folder / "barc10.yaml")


def broken(tmp_path: Path, change) -> rc.DefinitionError:
    data = yaml.safe_load((BUNDLED_DIR / "urica.yaml").read_text())
    change(data)
    path = tmp_path / "urica.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(rc.DefinitionError) as info:
        load_instrument_file(path)
    assert str(path) in str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["items"][2].update(id="q9"), "items.2.id", "expected 'q3'"),
        (lambda d: d["scales"][0]["items"].append("q40"), "scales.0.items", "unknown item 'q40'"),
        (lambda d: d["scales"][0]["items"].append("q4"), "scales.0.items", "marked unscored"),
        (
            lambda d: d["scales"][4].update(formula="contemplation + helpfulness"),
            "scales.4.formula",
            "'helpfulness' is not a scale",
        ),
        (
            lambda d: d["scales"][4].update(formula="__import__('os')"),
            "scales.4.formula",
            "only + - * /",
        ),
        (lambda d: d.update(status="provisional"), "unchecked", "must name its unchecked rules"),
        (
            lambda d: d.update(status="maybe"),
            "status",
            "Input should be 'verified' or 'provisional'",
        ),
        (lambda d: d["bands"][0].update(scale="nope"), "bands.0", "unknown scale 'nope'"),
        (lambda d: d["bands"][0].update(method="median"), "bands.0", "does not match any of"),
        (lambda d: d.pop("citation"), "citation", "required"),
        (lambda d: d.update(colour="blue"), "colour", "is not a known field here"),
    ],
)
def test_broken_definitions_name_the_file_path_and_problem(tmp_path, change, path, words):
    error = broken(tmp_path, change)
    assert any(p == path and words in m for p, m in error.problems), error.problems


def test_all_problems_are_reported_at_once(tmp_path):
    def two_problems(data):
        data["items"][0]["id"] = "x1"
        data["scales"][1]["items"].append("q99")

    error = broken(tmp_path, two_problems)
    paths = [path for path, _ in error.problems]
    assert "items.0.id" in paths and "scales.1.items" in paths


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "bad.yaml", "id: bad\ntitle: [unclosed\nversion: 1\n")
    with pytest.raises(rc.DefinitionError, match=r"line \d+, column \d+: YAML syntax"):
        load_instrument_file(path)


def test_a_key_written_twice_in_a_definition_is_named_by_line(tmp_path):
    path = write(tmp_path, "twice.yaml", "id: twice\ntitle: One\ntitle: Two\n")
    with pytest.raises(rc.DefinitionError) as caught:
        load_instrument_file(path)
    assert caught.value.problems == [("line 3", "key 'title' appears twice")]


def test_nearest_band_tie_rule_is_data(tmp_path):
    text = """
    id: tie_demo
    title: Tie demo
    version: test
    citation: test
    licence: test
    status: verified
    response_options: [{value: 0, label: low}, {value: 1, label: mid}, {value: 2, label: high}]
    items: [{id: q1, prompt: only}]
    scales: [{id: s, label: S, method: sum, items: [q1]}]
    bands:
      - {id: b, method: nearest, scale: s, primary: true, tie: %s,
         targets: [{label: A, value: 0}, {label: B, value: 2}]}
    """
    later = load_instrument_file(write(tmp_path, "later.yaml", text % "later"))
    earlier = load_instrument_file(write(tmp_path, "earlier.yaml", text % "earlier"))
    assert rc.score(later, [1]).band == "B"
    assert rc.score(earlier, [1]).band == "A"
    assert rc.score(later, [0]).band == "A"


def test_unknown_instrument_lists_the_known_ones():
    with pytest.raises(
        rc.UnknownInstrument, match="known: audit, audit_c, audit_c_uk, audit_uk, barc10"
    ):
        rc.load_instrument("barc11")
