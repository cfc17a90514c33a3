"""Clocks run in working days, calendar days or hours: case_clock names its unit, keeps its target
and the time used in that unit (target, used: the former target_working_days and
used_working_days, whose rows are all in working days), and for a clock in hours the moment it
last started running (running_since_utc) and the moment it falls due (due_utc).

Revision ID: 0023_add_clock_units
Revises: 0020_add_panel_evidence
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_add_clock_units"
down_revision = "0022_add_case_assignment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_clock") as batch:
        batch.add_column(sa.Column("unit", sa.String(length=20), nullable=False,
                                   server_default="working_days"))
        batch.add_column(sa.Column("running_since_utc", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("due_utc", sa.DateTime(timezone=True), nullable=True))
        batch.alter_column("target_working_days", new_column_name="target")
        batch.alter_column("used_working_days", new_column_name="used", type_=sa.Float(),
                           existing_nullable=False)
    with op.batch_alter_table("case_clock") as batch:
        batch.alter_column("unit", server_default=None)


def downgrade() -> None:
    # Clocks in other units have no working-day equivalent: their rows go with the columns.
    op.execute("DELETE FROM case_clock WHERE unit <> 'working_days'")
    with op.batch_alter_table("case_clock") as batch:
        batch.alter_column("used", new_column_name="used_working_days", type_=sa.Integer(),
                           existing_nullable=False, postgresql_using="round(used)::integer")
        batch.alter_column("target", new_column_name="target_working_days")
        batch.drop_column("due_utc")
        batch.drop_column("running_since_utc")
        batch.drop_column("unit")
