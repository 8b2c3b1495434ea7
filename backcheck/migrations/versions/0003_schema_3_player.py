"""Schema 3: the session player's tables (sessions in progress and their records, level changes).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "player_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("pain_before", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("effort", sa.String(length=8), nullable=True),
        sa.Column("results", sa.JSON(), nullable=True),
        sa.Column("routine_session_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], name=op.f("player_sessions_profile_id_fkey"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("player_sessions_pkey")),
    )
    op.create_index(op.f("ix_player_sessions_profile_id"), "player_sessions", ["profile_id"], unique=False)
    op.create_table(
        "level_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=60), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("from_level", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], name=op.f("level_changes_profile_id_fkey"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("level_changes_pkey")),
    )
    op.create_index(op.f("ix_level_changes_profile_id"), "level_changes", ["profile_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_level_changes_profile_id"), table_name="level_changes")
    op.drop_table("level_changes")
    op.drop_index(op.f("ix_player_sessions_profile_id"), table_name="player_sessions")
    op.drop_table("player_sessions")
