"""The outbox keeps its own retries: when a failed message may be tried again
(outbox_message.next_attempt_utc) and when it failed for good (failed_utc, indexed: the failed list).

Revision ID: 0015_add_outbox_retries
Revises: 0014_add_national_trends_index
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_add_outbox_retries"
down_revision = "0014_add_national_trends_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("next_attempt_utc", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("failed_utc", sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f("ix_outbox_message_failed_utc"), "outbox_message", ["failed_utc"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_message_failed_utc"), table_name="outbox_message")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("failed_utc")
        batch.drop_column("next_attempt_utc")
