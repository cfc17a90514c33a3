"""Add the audit log: every read of identifiable case data, every change and every refusal.

The database itself keeps it append-only: triggers refuse any UPDATE or DELETE of a row, on
PostgreSQL and on SQLite alike, so no code path of the application can alter it.

Revision ID: 0011_add_audit_log
Revises: 0010_add_policy_development
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_add_audit_log"
down_revision = "0010_add_policy_development"
branch_labels = None
depends_on = None

POSTGRESQL_FUNCTION = """
CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP;
END;
$$
"""
POSTGRESQL_TRIGGER = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()
"""
SQLITE_TRIGGERS = {
    f"audit_event_no_{operation.lower()}": f"""
CREATE TRIGGER audit_event_no_{operation.lower()} BEFORE {operation} ON audit_event
BEGIN
  SELECT RAISE(ABORT, 'audit_event is append-only');
END
""" for operation in ("UPDATE", "DELETE")}


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("case_reference", sa.String(length=20), nullable=True),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_index("ix_audit_event_case_reference_occurred_utc", "audit_event",
                    ["case_reference", "occurred_utc"])
    op.create_index("ix_audit_event_username_occurred_utc", "audit_event", ["username", "occurred_utc"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute(POSTGRESQL_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION audit_event_is_append_only()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_audit_event_username_occurred_utc", table_name="audit_event")
    op.drop_index("ix_audit_event_case_reference_occurred_utc", table_name="audit_event")
    op.drop_table("audit_event")
