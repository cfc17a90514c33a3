"""The audit log records more than a case: a list a person viewed (which showed no patient's
details), a file they exported, a user or panel an administrator changed. `subject` names what the
row is about when it is not a case ("user:demo-officer", "panel:3", "export:audit-log").

Revision ID: 0024_add_audit_subject
Revises: 0023_add_clock_units
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_add_audit_subject"
down_revision = "0023_add_clock_units"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, never a batch copy: SQLite would rebuild the table without 0011's triggers,
    # which keep it append-only.
    op.add_column("audit_event", sa.Column("subject", sa.String(length=200), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_event", "subject")
