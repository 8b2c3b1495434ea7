"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Schema ${int(up_revision) if up_revision.isdigit() else up_revision}: set SCHEMA_VERSION in backcheck/storage.py to it.
Once released a revision is frozen: write its operations out here (no imports from
backcheck.storage), name constraints with op.f("...") after backcheck.storage.NAMING_CONVENTION,
and keep downgrade() the exact undo.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
${imports if imports else ""}

# revision identifiers, used by Alembic.
revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
