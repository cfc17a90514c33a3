"""The CET's trends read the national database by receipt date: an index on received_on that
carries the columns of a breakdown by month and hub or region (outcome and working days to
decision), so that PostgreSQL reads the index alone rather than the whole table (a 48 MB index
against a 288 MB table for a million cases). SQLite gets a plain index on received_on.

Revision ID: 0014_add_national_trends_index
Revises: 0013_add_case_next_due_on
Create Date: 2026-11-23
"""

from alembic import op

revision = "0014_add_national_trends_index"
down_revision = "0013_add_case_next_due_on"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_national_case_trends", "national_case", ["received_on"],
                    postgresql_include=["hub_id", "region_id", "outcome", "working_days_to_decision"])


def downgrade() -> None:
    op.drop_index("ix_national_case_trends", table_name="national_case")
