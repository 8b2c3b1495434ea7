"""Schema 1: the tables of BackCheck 1 (profiles, meta and what each profile owns).

Revision ID: 0001
Revises:
Create Date: 2026-11-27

A database that BackCheck made before it used Alembic, with '1' as schema_version in its meta
table, is stamped at this revision (backcheck.storage.LEGACY_REVISIONS) and upgraded from here.
The constraint names are PostgreSQL's own defaults (backcheck.storage.NAMING_CONVENTION), which
is what such a database already has on PostgreSQL; on SQLite its constraints have no names.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

OWNED = ("safety_checks", "quiz_results", "form_checks", "routine_sessions", "pain_entries",
         "function_activities", "function_ratings")


def _owned(name: str, *columns: sa.Column, constraints: tuple = ()) -> None:
    """A table whose rows belong to a profile, with an index on profile_id."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["profile_id"], ["profiles.id"], name=op.f(f"{name}_profile_id_fkey"),
                                ondelete="CASCADE"),
        *constraints,
        sa.PrimaryKeyConstraint("id", name=op.f(f"{name}_pkey")),
    )
    op.create_index(op.f(f"ix_{name}_profile_id"), name, ["profile_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("profiles_pkey")),
        sa.UniqueConstraint("name", name=op.f("profiles_name_key")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("meta_pkey")),
    )
    _owned("safety_checks",
           sa.Column("taken_at", sa.DateTime(), nullable=False),
           sa.Column("level", sa.String(length=16), nullable=False),
           sa.Column("flags", sa.JSON(), nullable=False),
           sa.Column("answers", sa.JSON(), nullable=False))
    _owned("quiz_results",
           sa.Column("taken_at", sa.DateTime(), nullable=False),
           sa.Column("verdict", sa.String(length=16), nullable=False),
           sa.Column("leading", sa.JSON(), nullable=False),
           sa.Column("answers", sa.JSON(), nullable=False),
           sa.Column("result", sa.JSON(), nullable=False))
    _owned("form_checks",
           sa.Column("taken_at", sa.DateTime(), nullable=False),
           sa.Column("faults", sa.JSON(), nullable=False))
    _owned("routine_sessions",
           sa.Column("done_at", sa.DateTime(), nullable=False),
           sa.Column("minutes", sa.Integer(), nullable=False),
           sa.Column("inputs", sa.JSON(), nullable=False))
    _owned("pain_entries",
           sa.Column("recorded_at", sa.DateTime(), nullable=False),
           sa.Column("pain", sa.Integer(), nullable=False),
           sa.Column("activity", sa.String(length=32), nullable=False),
           sa.Column("location", sa.String(length=32), nullable=False),
           sa.Column("notes", sa.Text(), nullable=False),
           sa.Column("created_at", sa.DateTime(), nullable=False))
    _owned("function_activities",
           sa.Column("name", sa.String(length=60), nullable=False),
           sa.Column("created_at", sa.DateTime(), nullable=False))
    _owned("function_ratings",
           sa.Column("activity_id", sa.Integer(), nullable=False),
           sa.Column("rated_at", sa.DateTime(), nullable=False),
           sa.Column("score", sa.Integer(), nullable=False),
           constraints=(sa.ForeignKeyConstraint(["activity_id"], ["function_activities.id"],
                                                name=op.f("function_ratings_activity_id_fkey"), ondelete="CASCADE"),))


def downgrade() -> None:
    for name in reversed(OWNED):
        op.drop_index(op.f(f"ix_{name}_profile_id"), table_name=name)
        op.drop_table(name)
    op.drop_table("meta")
    op.drop_table("profiles")
