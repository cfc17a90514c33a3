"""A user whose role and organisation a service administrator set (on the users pages) keeps them
when they next sign in: `managed_here` says the service, not the identity provider's claims, is the
authority on them (docs/security.md, "Signing in").

Revision ID: 0028_add_user_managed_here
Revises: 0027_add_providers
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_add_user_managed_here"
down_revision = "0027_add_providers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("managed_here", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("managed_here")
