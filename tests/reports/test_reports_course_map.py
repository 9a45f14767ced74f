"""Which activities each module asks for, read from content files and notebooks."""

from __future__ import annotations

import json

from recovery_capital.reports.course_map import (
    DEFAULT_MODULE_MINUTES,
    REPOSITORY_COURSE,
    course_modules,
    module_activity_ids,
)


def test_this_course_has_its_self_checks_in_modules_1_and_7() -> None:
    modules = {m.number: m for m in course_modules(REPOSITORY_COURSE)}
    assert "m1-selfcheck-pre" in modules[1].activities
    if 7 in modules:
        assert "m7-selfcheck-post" in modules[7].activities
    for number, module in modules.items():
        assert all(a.startswith(f"m{number}-") for a in module.activities), number
        assert module.minutes > 0


def test_questionnaires_without_an_activity_id_and_magics() -> None:
    cells = [
        {"cell_type": "code", "source": "%matplotlib inline\nQuestionnaire('barc10')\n"},
        {"cell_type": "code", "source": "widgets.Questionnaire('urica', activity_id='m3-u')"},
        {"cell_type": "code", "source": "this is not python ("},
        {"cell_type": "markdown", "source": "Questionnaire('rcq')"},
    ]
    assert module_activity_ids(3, {"cells": cells}, ["m3-quiz", "m30-quiz"]) == (
        "barc10",
        "m3-quiz",
        "m3-u",
    )


def test_minutes_default_and_title_fallback(tmp_path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "04-skills-practice.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {"recovery_capital": {"minutes": "lots"}}})
    )
    (tmp_path / "modules" / "notes.ipynb").write_text("{}")  # not a module: no number
    [module] = course_modules(tmp_path)
    assert module.title == "Skills practice" and module.activities == ()
    assert module.minutes == DEFAULT_MODULE_MINUTES and not module.minutes_from_notebook
