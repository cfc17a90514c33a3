"""The Cancer Drugs Fund: each application's decision and treatment record, and CDF
administrators' regions.

Revision ID: 0008_add_cancer_drugs_fund
Revises: 0007_add_delivery_and_withdrawal
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008_add_cancer_drugs_fund"
down_revision = "0007_add_delivery_and_withdrawal"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cdf_application",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.String(length=60), nullable=False),
        sa.Column("entry_version", sa.Integer(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("unmet_criteria", JSON_DOCUMENT, nullable=False),
        sa.Column("approval_number", sa.String(length=20), nullable=True),
        sa.Column("start_by", sa.Date(), nullable=True),
        sa.Column("treatment_break_weeks", sa.Integer(), nullable=False),
        sa.Column("funding_route", sa.String(length=30), nullable=False),
        sa.Column("cost_unit", sa.String(length=10), nullable=False),
        sa.Column("cost_unit_pence", sa.Integer(), nullable=False),
        sa.Column("cost_units", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("last_treatment_on", sa.Date(), nullable=True),
        sa.Column("cycles_given", sa.Integer(), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"],
                                name=op.f("fk_cdf_application_case_id_ifr_case")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_cdf_application")),
        sa.UniqueConstraint("approval_number", name=op.f("uq_cdf_application_approval_number")),
    )
    op.create_index(op.f("ix_cdf_application_decided_on"), "cdf_application", ["decided_on"])
    op.create_index(op.f("ix_cdf_application_entry_key"), "cdf_application", ["entry_key"])
    op.create_index("ix_cdf_application_patient_entry", "cdf_application", ["nhs_number", "entry_key"])
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_app_user_region_id_region"), "region", ["region_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint(op.f("fk_app_user_region_id_region"), type_="foreignkey")
        batch.drop_column("region_id")
    op.drop_index("ix_cdf_application_patient_entry", table_name="cdf_application")
    op.drop_index(op.f("ix_cdf_application_entry_key"), table_name="cdf_application")
    op.drop_index(op.f("ix_cdf_application_decided_on"), table_name="cdf_application")
    op.drop_table("cdf_application")
