"""``check`` on a programme: the shipped five days pass; a missing module or activity, an
overlap or a session past its day's end is an error at its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from programme_support import PROGRAMME, line_of

from recovery_capital.authoring.check import check_course
from recovery_capital.programme.load import load_programme
from recovery_capital.programme.model import clock

REPO = Path(__file__).resolve().parents[2]
FILE = "assets/programme/programme.yaml"


def _errors(course: Path) -> list[tuple[str, int | None, str]]:
    report = check_course(course, run=False)
    return [(f.file, f.line, f.message) for f in report.errors]


def test_the_shipped_programme_is_five_timed_days_with_sets_and_follow_ups() -> None:
    programme = load_programme(REPO)
    assert len(programme.days) == 5
    assert programme.contact_hours == 30
    for day in programme.days:
        assert day.contact_minutes == 360, day.id
        times = [(clock(s.start), clock(s.end)) for s in day.sessions]
        assert times[0][0] == clock(day.start) and times[-1][1] == clock(day.end)
        assert all(end == start for (_, end), (start, _) in zip(times, times[1:])), day.id
        kinds = {s.kind for s in day.sessions}
        assert {"practice", "case_discussion", "live_exercise", "reflection"} & kinds, day.id
        for session in day.sessions:
            if session.kind not in ("break", "lunch"):
                assert session.outcomes and session.activities and session.materials, session.id
                assert session.say or session.ask or session.watch_for, session.id
    assert [m.after for m in programme.action_learning.meetings] == [d.id for d in programme.days]
    assert all(m.minutes == 90 for m in programme.action_learning.meetings)
    assert [f.weeks for f in programme.follow_ups] == [6, 12]


def test_the_shipped_programme_passes_check() -> None:
    assert [e for e in _errors(REPO) if e[0].startswith("assets/programme")] == []


def test_the_small_course_passes(course: Path) -> None:
    assert _errors(course) == []


@pytest.mark.parametrize(
    ("old", "new", "fragment", "expected"),
    [
        (
            "modules: [01-start.ipynb]",
            "modules: [01-stat.ipynb]",
            "01-stat.ipynb",
            "modules/01-stat.ipynb does not exist",
        ),
        (
            "activities: [m1-quiz-words]",
            "activities: [m1-quiz-wrods]",
            "m1-quiz-wrods",
            "no exercise or live activity 'm1-quiz-wrods'",
        ),
        (
            "activities: [pairs-rewrite]",
            "activities: [pairs-rewrote]",
            "pairs-rewrote",
            "no exercise or live activity 'pairs-rewrote'",
        ),
        (
            'start: "10:15"',
            'start: "09:50"',
            '"09:50"',
            "starts at 09:50, before the session before it (d1-break) ends at 10:15",
        ),
        (
            '        end: "12:30"',
            '        end: "12:45"',
            '"12:45"',
            "ends at 12:45, after the day ends at 12:30",
        ),
    ],
    ids=["missing module", "missing exercise", "missing live activity", "overlap", "past end"],
)
def test_check_names_the_problem_at_its_file_and_line(
    course: Path, old: str, new: str, fragment: str, expected: str
) -> None:
    assert PROGRAMME.count(old) == 1, old
    broken = PROGRAMME.replace(old, new)
    (course / FILE).write_text(broken)
    errors = _errors(course)
    assert len(errors) == 1, errors
    file, line, message = errors[0]
    assert file == FILE and expected in message
    assert line == line_of(broken, fragment)


def test_a_programme_written_in_course_yaml_is_checked_there(course: Path) -> None:
    (course / FILE).unlink()
    indented = "\n".join("  " + line if line else line for line in PROGRAMME.splitlines())
    text = "title: T\nprogramme:\n" + indented.replace('end: "11:30"', 'end: "11:40"', 1) + "\n"
    (course / "course.yaml").write_text(text)
    errors = _errors(course)
    assert [(f, m) for f, _, m in errors] == [(
        "course.yaml", "programme.days.0.sessions.3.start: starts at 11:30, before the session "
        "before it (d1-pairs) ends at 11:40",
    )]  # fmt: skip
    assert errors[0][1] == line_of(text, 'start: "11:30"')


def test_an_unknown_kind_and_a_bad_time_are_named(course: Path) -> None:
    broken = PROGRAMME.replace("kind: practice", "kind: roleplay").replace(
        '"09:30"\n        end', '"9.30"\n        end'
    )
    (course / FILE).write_text(broken)
    messages = [m for _, _, m in _errors(course)]
    assert any("'roleplay' is not a session kind" in m for m in messages), messages
    assert any("'9.30' is not a time like 09:30" in m for m in messages), messages
