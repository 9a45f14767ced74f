"""The real PostgreSQL the hub tests share with the store tests (127.0.0.1:5432, user postgres,
db test, or ``$RECOVERY_CAPITAL_TEST_POSTGRES``), each run in a schema of its own that is dropped
afterwards, so parallel runs never collide. Unreachable: skipped locally, a failure when
``CI=true`` (as ``tests/store/conftest.py`` does for the store suite)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from browser_support import IN_CI

POSTGRES_URL = os.environ.get(
    "RECOVERY_CAPITAL_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def conninfo(url: str = POSTGRES_URL) -> str:
    """The libpq form of a SQLAlchemy ``postgresql+psycopg://`` address."""
    return url.split("?", 1)[0].replace("postgresql+psycopg://", "postgresql://", 1)


def require_postgres() -> None:
    """Skip (locally) or fail (CI) when the PostgreSQL server can't be reached."""
    try:
        import psycopg

        psycopg.connect(conninfo(), connect_timeout=3).close()
    except Exception as exc:  # any failure to connect means "not available here"
        message = f"PostgreSQL at {POSTGRES_URL} is unreachable ({type(exc).__name__}: {exc})"
        if IN_CI:
            pytest.fail(f"{message}; CI must run the hub tests on PostgreSQL.", pytrace=False)
        pytest.skip(message)


@contextlib.contextmanager
def postgres_schema(prefix: str = "rc_hub") -> Iterator[tuple[str, str]]:
    """``(store_url, schema)``: a store address whose tables live in a fresh schema."""
    require_postgres()
    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}", schema
    finally:
        with psycopg.connect(conninfo(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def schema_text(schema: str) -> str:
    """Every value in every table of ``schema`` as text (to show what the store holds)."""
    import psycopg

    with psycopg.connect(conninfo(), autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            )
        ]
        return "\n".join(
            str(row)
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{schema}"."{table}"')
        )
