"""Schema 2: indexes so long pain logs (tens of thousands of entries) read fast.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

The pain-log screen reads a profile's rows in time order; function ratings are joined by activity.
"""
from __future__ import annotations

from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pain_entries_profile_recorded", "pain_entries", ["profile_id", "recorded_at"], unique=False)
    op.create_index("ix_routine_sessions_profile_done", "routine_sessions", ["profile_id", "done_at"], unique=False)
    op.create_index("ix_function_ratings_activity", "function_ratings", ["activity_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_function_ratings_activity", table_name="function_ratings")
    op.drop_index("ix_routine_sessions_profile_done", table_name="routine_sessions")
    op.drop_index("ix_pain_entries_profile_recorded", table_name="pain_entries")
