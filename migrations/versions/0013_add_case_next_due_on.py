"""The case keeps the soonest due date of its running clocks (ifr_case.next_due_on, backfilled here
from case_clock), with an index in the work queue page's order, so the page sorts and filters by a
column read in order from the index instead of a subquery over case_clock per case.

Revision ID: 0013_add_case_next_due_on
Revises: 0012_add_api_clients
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_add_case_next_due_on"
down_revision = "0012_add_api_clients"
branch_labels = None
depends_on = None

# Runs on PostgreSQL and SQLite alike: each case's soonest running due date (None when none runs).
BACKFILL = """
UPDATE ifr_case SET next_due_on = (
    SELECT min(k.due_on) FROM case_clock k WHERE k.case_id = ifr_case.id AND k.running_since IS NOT NULL)
WHERE EXISTS (SELECT 1 FROM case_clock k WHERE k.case_id = ifr_case.id AND k.running_since IS NOT NULL)
"""


def upgrade() -> None:
    op.add_column("ifr_case", sa.Column("next_due_on", sa.Date(), nullable=True))
    op.execute(BACKFILL)
    op.create_index("ix_ifr_case_hub_work", "ifr_case",
                    ["hub_id", "urgency_rank", "next_due_on", "submitted_utc", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ifr_case_hub_work", table_name="ifr_case")
    with op.batch_alter_table("ifr_case") as batch:
        batch.drop_column("next_due_on")
