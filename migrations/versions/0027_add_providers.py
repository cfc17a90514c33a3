"""Providers (NHS trusts) by ODS code, as reference data: the pages show a case's provider by its
name, not its code (reference/data/providers.yaml).

Revision ID: 0027_add_providers
Revises: 0026_add_policy_library_sources
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_add_providers"
down_revision = "0026_add_policy_library_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider",
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider")),
        sa.UniqueConstraint("code", name=op.f("uq_provider_code")),
    )


def downgrade() -> None:
    op.drop_table("provider")
