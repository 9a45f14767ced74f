"""Fixtures for the exercise widgets: a real SQLite store per test and a context built directly.

Creating a store runs the migrations and creating a cohort hashes a trainer key (slow on
purpose), so both happen once per session in a template file that each test copies.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from recovery_capital.session.context import Context
from recovery_capital.store import Store

HANDLE = "wren-7"


@dataclass(frozen=True)
class Template:
    path: Path
    code: str
    trainer_key: str


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    path = tmp_path_factory.mktemp("store") / "template.sqlite3"
    store = Store("sqlite:///" + str(path))
    created = store.create_cohort("Test group")
    store.close()
    return Template(path, created.code, created.trainer_key)


@pytest.fixture
def store(template: Template, tmp_path: Path) -> Store:
    target = tmp_path / "store.sqlite3"
    shutil.copy(template.path, target)
    opened = Store("sqlite:///" + str(target))
    yield opened
    opened.close()


@pytest.fixture
def cohort(template: Template) -> str:
    return template.code


@pytest.fixture
def trainer_key(template: Template) -> str:
    return template.trainer_key


@pytest.fixture
def context(store: Store, cohort: str) -> Context:
    return Context(store, cohort, store.join(cohort, HANDLE))


@pytest.fixture
def reopen(context: Context):
    """Build the same exercise again for the same trainee in a new kernel (a page reload)."""

    def again(exercise, **kwargs):
        fresh = Context(context.store, context.cohort, context.handle)
        return type(exercise)(exercise.content, context=fresh, **kwargs)

    return again
