"""Fixtures for the store tests: one suite run on SQLite and on PostgreSQL.

PostgreSQL tests use ``$RECOVERY_CAPITAL_TEST_POSTGRES`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), each in a schema of its own that is
dropped afterwards, so runs never collide. When the server can't be reached they are skipped
locally, but fail when ``CI=true``: CI must exercise the PostgreSQL path for real.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from recovery_capital.store import Store

POSTGRES_URL = os.environ.get(
    "RECOVERY_CAPITAL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _libpq_conninfo(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@functools.cache
def postgres_problem() -> str | None:
    """Why PostgreSQL can't be used for tests, or None when it can."""
    try:
        import psycopg

        psycopg.connect(_libpq_conninfo(POSTGRES_URL), connect_timeout=3).close()
    except Exception as exc:  # any failure to connect means "not available here"
        return f"{type(exc).__name__}: {exc}".strip()
    return None


def require_postgres() -> None:
    """Skip (locally) or fail (CI=true) when the PostgreSQL server is unreachable."""
    problem = postgres_problem()
    if problem is None:
        return
    message = f"PostgreSQL at {POSTGRES_URL} is unreachable ({problem})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI must run the PostgreSQL store tests.")
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL store URL whose tables live in a fresh schema, dropped afterwards."""
    require_postgres()
    import psycopg

    schema = f"rc_test_{uuid.uuid4().hex[:16]}"
    conninfo = _libpq_conninfo(POSTGRES_URL)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite store file in the test's own temporary folder."""
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """The same test on a SQLite file and on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, empty store on each back-end."""
    opened = Store(store_url, retry_for=10.0)
    yield opened
    opened.close()


@pytest.fixture
def code(store: Store) -> str:
    """The join code of a fresh cohort in ``store``."""
    return store.create_cohort("Test cohort").code
