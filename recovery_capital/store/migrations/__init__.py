"""Alembic migrations for the store, applied automatically when a :class:`Store` opens.

The Alembic configuration is built in code (no ``alembic.ini``), and Alembic is imported only
when a database actually needs upgrading, so opening an up-to-date store stays quick.

>>> HEAD_REVISION
'0003'
>>> MIGRATIONS_DIR.joinpath("env.py").is_file()
True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from sqlalchemy.engine import Connection

__all__ = [
    "HEAD_REVISION",
    "REVISIONS",
    "MIGRATIONS_DIR",
    "VERSION_TABLE",
    "alembic_config",
    "upgrade",
]

# The newest revision in versions/; a test checks it against Alembic's own view of the head.
HEAD_REVISION = "0003"
REVISIONS = ("0001", "0002", "0003")  # every revision in versions/, oldest first
MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None):  # -> alembic.config.Config
    """An Alembic ``Config`` pointing at this folder, optionally bound to ``connection``.

    >>> alembic_config().get_main_option("script_location") == str(MIGRATIONS_DIR)
    True
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection) -> None:
    """Bring the schema reached through ``connection`` up to :data:`HEAD_REVISION`.

    Runs inside the caller's transaction, so a failed migration leaves nothing half done
    (both SQLite and PostgreSQL have transactional DDL).

    >>> from sqlalchemy import create_engine, inspect
    >>> engine = create_engine("sqlite://")
    >>> with engine.begin() as connection:
    ...     upgrade(connection)
    >>> sorted(inspect(engine).get_table_names())
    ['activity_states', 'alembic_version', 'attendance', 'cohorts', 'learning_sets',
     'participant_details', 'participants', 'practice_log', 'set_members', 'submissions']
    """
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
