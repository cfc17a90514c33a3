"""The auditor searches the log by organisation, by action and by period alone, as well as by case
and by person. `organisation` is the person's organisation when they acted ("trust:RRV",
"hub:london", "region:london"), kept with the row because people move; rows written before this
revision have none (the table is append-only, so they are never filled in).

Each new filter has an index led by its column and then the time, so that a search by it reads
only its rows, newest first; a period alone reads the time index. On PostgreSQL each is built
CONCURRENTLY: a build that is interrupted leaves an invalid index, which is dropped (DROP INDEX
CONCURRENTLY) and built again by hand before the service relies on it.

Revision ID: 0025_add_audit_organisation
Revises: 0024_add_audit_subject
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_add_audit_organisation"
down_revision = "0024_add_audit_subject"
branch_labels = None
depends_on = None

INDEXES = {"ix_audit_event_organisation_occurred_utc": ["organisation", "occurred_utc"],
           "ix_audit_event_action_occurred_utc": ["action", "occurred_utc"],
           "ix_audit_event_occurred_utc": ["occurred_utc"]}


def upgrade() -> None:
    # Plain ALTER TABLE, never a batch copy: SQLite would rebuild the table without 0011's triggers,
    # which keep it append-only.
    op.add_column("audit_event", sa.Column("organisation", sa.String(length=60), nullable=True))
    # Every request writes to this table: on PostgreSQL each index is built CONCURRENTLY, outside the
    # migration's transaction, so that building it over a large log does not hold up those writes.
    with op.get_context().autocommit_block():
        for name, columns in INDEXES.items():
            op.create_index(name, "audit_event", columns, postgresql_concurrently=True)


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name in INDEXES:
            op.drop_index(name, table_name="audit_event", postgresql_concurrently=True)
    op.drop_column("audit_event", "organisation")
