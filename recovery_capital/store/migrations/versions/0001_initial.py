"""The first schema: cohorts, participants, submissions and live activity states.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JSONDocument = sa.JSON()  # not JSONB: answers keep their key order


def upgrade() -> None:
    """Create every table of the first version."""
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("trainer_key_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cohorts"),
        sa.UniqueConstraint("code", name="uq_cohorts_code"),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(40), nullable=False),
        sa.Column("handle_key", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_participants"),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name="fk_participants_cohort_id_cohorts",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("cohort_id", "handle_key", name="uq_participants_cohort_handle"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("instrument", sa.String(80), nullable=True),
        sa.Column("instrument_version", sa.String(40), nullable=True),
        sa.Column("answers", JSONDocument, nullable=False),
        sa.Column("scores", JSONDocument, nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("shareable", sa.Boolean(), nullable=False),
        sa.Column("moderation", sa.String(12), nullable=True),
        sa.Column("request_id", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name="fk_submissions_cohort_id_cohorts",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name="fk_submissions_participant_id_participants",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "cohort_id", "participant_id", "request_id", name="uq_submissions_request"
        ),
        sa.CheckConstraint("kind IN ('draft', 'submission')", name="ck_submissions_kind"),
        sa.CheckConstraint(
            "moderation IS NULL OR moderation IN ('pending', 'hidden', 'approved')",
            name="ck_submissions_moderation",
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_submissions_participant_activity",
        "submissions",
        ["participant_id", "activity_id", "id"],
    )
    op.create_index("ix_submissions_cohort_activity", "submissions", ["cohort_id", "activity_id"])
    op.create_table(
        "activity_states",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.String(120), nullable=False),
        sa.Column("opened", sa.Boolean(), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cohort_id", "activity_id", name="pk_activity_states"),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name="fk_activity_states_cohort_id_cohorts",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop every table (erases all stored answers)."""
    op.drop_table("activity_states")
    op.drop_index("ix_submissions_cohort_activity", table_name="submissions")
    op.drop_index("ix_submissions_participant_activity", table_name="submissions")
    op.drop_table("submissions")
    op.drop_table("participants")
    op.drop_table("cohorts")
