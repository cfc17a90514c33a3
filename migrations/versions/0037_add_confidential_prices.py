"""Confidential prices: a list entry's price per cycle or month under its commercial access
agreement, from a date, and who entered it. The fund's spend uses it where it exists (the list
price otherwise); nothing a trust can read shows it.

Revision ID: 0037_add_confidential_prices
Revises: 0036_add_invoice_checks
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0037_add_confidential_prices"
down_revision = "0036_add_invoice_checks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cdf_confidential_price",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.String(length=60), nullable=False),
        sa.Column("cost_unit", sa.String(length=10), nullable=False),
        sa.Column("unit_pence", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("entered_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entered_by_id"], ["app_user.id"],
                                name=op.f("fk_cdf_confidential_price_entered_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cdf_confidential_price")),
    )
    op.create_index(op.f("ix_cdf_confidential_price_entry_key"), "cdf_confidential_price", ["entry_key"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_cdf_confidential_price_entry_key"), table_name="cdf_confidential_price")
    op.drop_table("cdf_confidential_price")
