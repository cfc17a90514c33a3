"""The policy library holds national policies published outside the service's own policy
development (NHS England's, loaded from a cited data file) as well as those the CET publishes
through it: `item_id` may be empty, `source` cites where a policy was published, and `is_demo`
marks an entry of the demo data set, which pages label as such.

Revision ID: 0026_add_policy_library_sources
Revises: 0025_add_audit_organisation
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_add_policy_library_sources"
down_revision = "0025_add_audit_organisation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commissioning_policy") as batch:
        batch.alter_column("item_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("source", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("is_demo", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.execute("DELETE FROM commissioning_policy WHERE item_id IS NULL")
    with op.batch_alter_table("commissioning_policy") as batch:
        batch.drop_column("is_demo")
        batch.drop_column("source")
        batch.alter_column("item_id", existing_type=sa.Integer(), nullable=False)
