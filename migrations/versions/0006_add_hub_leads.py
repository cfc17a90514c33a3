"""Add hub leads: the users to whom a hub's overdue clocks are escalated.

Revision ID: 0006_add_hub_leads
Revises: 0005_add_cohort_referrals
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_add_hub_leads"
down_revision = "0005_add_cohort_referrals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("leads_hub", sa.Boolean(), nullable=False,
                                        server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("leads_hub")
