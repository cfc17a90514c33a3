"""The CET's large exports, made in the background: cet_export keeps what was asked, by whom, how
far the worker has got, and the file once made.

Revision ID: 0019_add_cet_exports
Revises: 0018_add_page_sessions
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0019_add_cet_exports"
down_revision = "0018_add_page_sessions"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cet_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("report", sa.String(length=30), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("arguments", JSON_DOCUMENT, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_written", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("requested_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_utc", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["requested_by_id"], ["app_user.id"],
                                name=op.f("fk_cet_export_requested_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cet_export")),
    )
    op.create_index(op.f("ix_cet_export_requested_by_id"), "cet_export", ["requested_by_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_cet_export_requested_by_id"), table_name="cet_export")
    op.drop_table("cet_export")
