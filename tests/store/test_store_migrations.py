"""The Alembic migrations: shipped, applied on open, in step with the models."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from recovery_capital.store import Store
from recovery_capital.store.migrations import HEAD_REVISION, REVISIONS, alembic_config
from recovery_capital.store.models import Base


def test_head_constants_match_alembics_own_view() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD_REVISION]
    history = [script.revision for script in scripts.walk_revisions()]
    assert list(reversed(history)) == list(REVISIONS)


def test_opening_applies_the_migrations_and_models_match_them(store_url: str) -> None:
    store = Store(store_url)
    with store._engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert context.get_current_revision() == HEAD_REVISION
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
    store.close()


def test_reopening_an_up_to_date_store_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    code = Store(str(path)).create_cohort("Spring 2027").code
    with sqlite3.connect(path) as conn:
        schema = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    reopened = Store(str(path))
    assert reopened.cohort(code).name == "Spring 2027"
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (HEAD_REVISION,)
        ]


def _open_and_join(url: str, index: int, barrier, results) -> None:
    try:
        barrier.wait(timeout=30)
        store = Store(url)
        store.join(store.ensure_practice_cohort(), f"opener-{index}")
        results.put(None)
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put(f"{type(exc).__name__}: {exc}")


@pytest.mark.slow
def test_many_processes_opening_a_new_store_at_once_migrate_it_once(store_url: str) -> None:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(8), context.Queue()
    workers = [
        context.Process(target=_open_and_join, args=(store_url, i, barrier, results))
        for i in range(8)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert outcomes == [None] * 8
    store = Store(store_url)
    assert len(store.participants(Store.PRACTICE_CODE)) == 8
    assert [c.code for c in store.cohorts()] == ["PRACTICE"]
