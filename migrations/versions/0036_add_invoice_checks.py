"""Invoice schedules a commissioner checked against the funding authorisations, and each of their lines
with its outcome (accepted, or challenged with its reasons), kept so that a challenge can be looked at
again and an accepted line counts against its authorisation's cost cap when the next schedule is checked.

Revision ID: 0036_add_invoice_checks
Revises: 0035_add_sact_imports
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0036_add_invoice_checks"
down_revision = "0035_add_sact_imports"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "invoice_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("provider_code", sa.String(length=10), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("hub_id", sa.Integer(), nullable=True),
        sa.Column("route", sa.String(length=10), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("checked_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("accepted_count", sa.Integer(), nullable=False),
        sa.Column("challenged_count", sa.Integer(), nullable=False),
        sa.Column("accepted_pence", sa.BigInteger(), nullable=False),
        sa.Column("challenged_pence", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_invoice_schedule_region_id_region")),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_invoice_schedule_hub_id_hub")),
        sa.ForeignKeyConstraint(["checked_by_id"], ["app_user.id"],
                                name=op.f("fk_invoice_schedule_checked_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_schedule")),
    )
    op.create_index(op.f("ix_invoice_schedule_provider_code"), "invoice_schedule", ["provider_code"])
    op.create_index(op.f("ix_invoice_schedule_region_id"), "invoice_schedule", ["region_id"])
    op.create_index(op.f("ix_invoice_schedule_hub_id"), "invoice_schedule", ["hub_id"])
    op.create_table(
        "invoice_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("provider_code", sa.String(length=10), nullable=False),
        sa.Column("invoice_number", sa.String(length=30), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("authorisation_reference", sa.String(length=20), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=True),
        sa.Column("treatment", sa.String(length=200), nullable=False),
        sa.Column("dmd_code", sa.String(length=18), nullable=True),
        sa.Column("treatment_date", sa.Date(), nullable=False),
        sa.Column("quantity", sa.Numeric(9, 3), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("commissioner_code", sa.String(length=60), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.ForeignKeyConstraint(["schedule_id"], ["invoice_schedule.id"],
                                name=op.f("fk_invoice_line_schedule_id_invoice_schedule")),
        sa.ForeignKeyConstraint(["authorisation_id"], ["funding_authorisation.id"],
                                name=op.f("fk_invoice_line_authorisation_id_funding_authorisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_line")),
    )
    op.create_index(op.f("ix_invoice_line_schedule_id"), "invoice_line", ["schedule_id"])
    op.create_index(op.f("ix_invoice_line_authorisation_id"), "invoice_line", ["authorisation_id"])
    op.create_index("ix_invoice_line_provider_invoice", "invoice_line",
                    ["provider_code", "invoice_number", "line_number"])


def downgrade() -> None:
    op.drop_index("ix_invoice_line_provider_invoice", table_name="invoice_line")
    op.drop_index(op.f("ix_invoice_line_authorisation_id"), table_name="invoice_line")
    op.drop_index(op.f("ix_invoice_line_schedule_id"), table_name="invoice_line")
    op.drop_table("invoice_line")
    op.drop_index(op.f("ix_invoice_schedule_hub_id"), table_name="invoice_schedule")
    op.drop_index(op.f("ix_invoice_schedule_region_id"), table_name="invoice_schedule")
    op.drop_index(op.f("ix_invoice_schedule_provider_code"), table_name="invoice_schedule")
    op.drop_table("invoice_schedule")
