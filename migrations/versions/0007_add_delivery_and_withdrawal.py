"""Deliver notifications after commit, and let a declaration of interest be withdrawn.

A notification is now recorded with the change that calls for it (recorded_utc, was sent_utc) and
delivered by a job after that change commits (delivered_utc). Messages recorded before this
revision were sent when recorded, so they count as delivered then.

Revision ID: 0007_add_delivery_and_withdrawal
Revises: 0006_add_hub_leads
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_add_delivery_and_withdrawal"
down_revision = "0006_add_hub_leads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notification") as batch:
        batch.alter_column("sent_utc", new_column_name="recorded_utc")
        batch.add_column(sa.Column("delivered_utc", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE notification SET delivered_utc = recorded_utc")
    with op.batch_alter_table("conflict_of_interest") as batch:
        batch.add_column(sa.Column("withdrawn_utc", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conflict_of_interest") as batch:
        batch.drop_column("withdrawn_utc")
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("delivered_utc")
        batch.alter_column("recorded_utc", new_column_name="sent_utc")
