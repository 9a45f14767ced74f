"""The programme's tables: action-learning sets and their members, trainee details for
mixing sets, attendance per session and the practice log. Adds tables only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _cascade(column: str, table: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=f"fk_{table}_{column}_{referred}", ondelete="CASCADE"
    )


def upgrade() -> None:
    """Create the five programme tables."""
    op.create_table(
        "learning_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("facilitator", sa.String(200), nullable=False),
        sa.Column("key_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learning_sets"),
        _cascade("cohort_id", "learning_sets", "cohorts"),
        sa.UniqueConstraint("cohort_id", "number", name="uq_learning_sets_number"),
    )
    op.create_table(
        "set_members",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", name="pk_set_members"),
        _cascade("participant_id", "set_members", "participants"),
        _cascade("set_id", "set_members", "learning_sets"),
    )
    op.create_table(
        "participant_details",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(120), nullable=False),
        sa.Column("role", sa.String(120), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", name="pk_participant_details"),
        _cascade("participant_id", "participant_details", "participants"),
    )
    op.create_table(
        "attendance",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(120), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("participant_id", "session_id", name="pk_attendance"),
        _cascade("participant_id", "attendance", "participants"),
        _cascade("cohort_id", "attendance", "cohorts"),
    )
    op.create_index("ix_attendance_cohort", "attendance", ["cohort_id"])
    op.create_table(
        "practice_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(40), nullable=False),
        sa.Column("skill", sa.String(200), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_practice_log"),
        _cascade("cohort_id", "practice_log", "cohorts"),
        _cascade("participant_id", "practice_log", "participants"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_practice_log_participant", "practice_log", ["participant_id", "id"])


def downgrade() -> None:
    """Drop the programme tables (erases sets, attendance and practice logs)."""
    op.drop_index("ix_practice_log_participant", table_name="practice_log")
    op.drop_table("practice_log")
    op.drop_index("ix_attendance_cohort", table_name="attendance")
    op.drop_table("attendance")
    op.drop_table("participant_details")
    op.drop_table("set_members")
    op.drop_table("learning_sets")
