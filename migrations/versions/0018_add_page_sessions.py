"""Add page sessions: each sign-in to the pages kept on the server, so that signing out ends it and
a copied cookie is refused afterwards.

Revision ID: 0018_add_page_sessions
Revises: 0017_normalise_identifiers
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_add_page_sessions"
down_revision = "0017_normalise_identifiers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "page_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("signed_in_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_utc", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_page_session_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_page_session_token_hash")),
    )
    op.create_index(op.f("ix_page_session_user_id"), "page_session", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_page_session_user_id"), table_name="page_session")
    op.drop_table("page_session")
