"""Add case clocks: each run of a workflow's working-day clock on a case.

Revision ID: 0002_add_case_clocks
Revises: 0001_initial_schema
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_add_case_clocks"
down_revision = "0001_initial_schema"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("case_clock",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=False),
    sa.Column("clock", sa.String(length=40), nullable=False),
    sa.Column("cycle", sa.Integer(), nullable=False),
    sa.Column("target_working_days", sa.Integer(), nullable=False),
    sa.Column("started_on", sa.Date(), nullable=False),
    sa.Column("running_since", sa.Date(), nullable=True),
    sa.Column("used_working_days", sa.Integer(), nullable=False),
    sa.Column("due_on", sa.Date(), nullable=True),
    sa.Column("stopped_on", sa.Date(), nullable=True),
    sa.Column("met", sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"], name=op.f("fk_case_clock_case_id_ifr_case")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_case_clock")),
    sa.UniqueConstraint("case_id", "clock", "cycle", name=op.f("uq_case_clock_case_id_clock_cycle"))
    )
    op.create_index(op.f("ix_case_clock_case_id"), "case_clock", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_clock_due_on"), "case_clock", ["due_on"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_clock_due_on"), table_name="case_clock")
    op.drop_index(op.f("ix_case_clock_case_id"), table_name="case_clock")
    op.drop_table("case_clock")
