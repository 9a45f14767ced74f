"""Personal links and join control: a secret per participant, cohort join settings.

* ``participants.secret_hash``: the SHA-256 of the participant's personal secret (the token in
  their personal link). Participants who joined before this revision have none until their
  trainer reissues their link (``recovery-capital cohort reissue-link``).
* ``cohorts.joins_open``: whether new people may join (the trainer can close a cohort).
* ``cohorts.chosen_handles``: whether trainees may choose their own handle (default: no,
  everyone is given a made-up one).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the secret and the two cohort settings; existing cohorts stay open to joiners.

    Plain ``ADD COLUMN`` on both back-ends, never SQLite's copy-and-rename "batch" mode: that
    drops the old table, and with foreign keys on, dropping ``cohorts`` would cascade into
    every participant and answer.
    """
    op.add_column("participants", sa.Column("secret_hash", sa.String(64), nullable=True))
    op.create_index("ix_participants_secret_hash", "participants", ["secret_hash"], unique=True)
    op.add_column(
        "cohorts", sa.Column("joins_open", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "cohorts",
        sa.Column("chosen_handles", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    """Drop the secrets (every personal link stops working) and the cohort settings."""
    op.drop_column("cohorts", "chosen_handles")
    op.drop_column("cohorts", "joins_open")
    op.drop_index("ix_participants_secret_hash", table_name="participants")
    op.drop_column("participants", "secret_hash")
