"""Every exercise file in the course builds its widget, as a notebook cell would."""

from __future__ import annotations

from pathlib import Path

import pytest

from recovery_capital.content.model import content_files, load_content
from recovery_capital.session.context import Context
from recovery_capital.store import Store
from recovery_capital.widgets import (
    BranchingScenario,
    KnowledgeCheck,
    LivePoll,
    ObserverTally,
    Reflection,
    ReflectionDrill,
    Ruler,
    ShortAnswer,
    TalkSorter,
    VignetteRating,
)

COURSE = Path(__file__).resolve().parents[2]
WIDGET_FOR = {
    "quiz": KnowledgeCheck,
    "vignette": VignetteRating,
    "talk_sort": TalkSorter,
    "scenario": BranchingScenario,
    "ruler": Ruler,
    "reflection": Reflection,
    "poll": LivePoll,
    "short_answer": ShortAnswer,
    "drill": ReflectionDrill,
    "triad": ObserverTally,
}


@pytest.fixture(scope="module")
def shared_context(tmp_path_factory):
    """One practice store for all files: each builds an exercise with a distinct activity id."""
    store = Store("sqlite:///" + str(tmp_path_factory.mktemp("course") / "store.sqlite3"))
    yield Context(store, Store.PRACTICE_CODE, store.join(Store.PRACTICE_CODE, "wren-7"))
    store.close()


@pytest.mark.parametrize("path", content_files(COURSE), ids=lambda p: p.stem)
def test_course_file_builds_its_exercise(path, shared_context, monkeypatch):
    monkeypatch.setenv("RECOVERY_CAPITAL_STRICT", "1")
    content = load_content(path)
    exercise = WIDGET_FOR[content.kind](path, context=shared_context)
    assert exercise.activity_id == content.id
    assert "rc-exercise" in exercise.widget._dom_classes
