"""Schema 4: every profile belongs to an account (hosted mode's sign-in); names are unique per account.

A local install keeps one account, "" (every existing profile moves into it unchanged). With
sign-in, the account is the token's issuer and subject (backcheck.auth.account_key).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # existing profiles join the local account ""; then the default goes (new rows always name their account)
    op.add_column("profiles", sa.Column("account", sa.String(length=512), server_default="", nullable=False))
    with op.batch_alter_table("profiles") as batch:
        batch.alter_column("account", server_default=None, existing_type=sa.String(length=512), existing_nullable=False)
        batch.drop_constraint("profiles_name_key", type_="unique")
        batch.create_unique_constraint(op.f("profiles_account_key"), ["account", "name"])


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_constraint("profiles_account_key", type_="unique")
        batch.create_unique_constraint(op.f("profiles_name_key"), ["name"])
        batch.drop_column("account")
