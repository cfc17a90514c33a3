"""Add API clients: systems that call the API with OAuth 2.0 client credentials, each acting as its
own service-account user.

Revision ID: 0012_add_api_clients
Revises: 0011_add_audit_log
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_add_api_clients"
down_revision = "0011_add_audit_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=60), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_utc", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_api_client_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("client_id", name=op.f("uq_api_client_client_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_api_client_user_id")),
    )


def downgrade() -> None:
    op.drop_table("api_client")
