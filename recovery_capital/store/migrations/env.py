"""Alembic environment for the store: runs migrations on the connection the store hands in.

Only Alembic itself executes this file (through :func:`recovery_capital.store.migrations.upgrade`);
importing it elsewhere, as doctest collection does, is harmless.
"""

from __future__ import annotations

from alembic import context

from recovery_capital.store.migrations import VERSION_TABLE
from recovery_capital.store.models import Base


def run_migrations() -> None:
    """Run pending migrations on the connection passed in ``config.attributes``."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "The store's migrations run on a connection the Store hands in; "
            "open the store with recovery_capital.store.Store(url) to upgrade it."
        )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # set only while Alembic is running this environment
    run_migrations()
