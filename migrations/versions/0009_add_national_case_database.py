"""The CET's national database: one pseudonymised row per IFR and CDF case, live or imported.

Revision ID: 0009_add_national_case_database
Revises: 0008_add_cancer_drugs_fund
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_add_national_case_database"
down_revision = "0008_add_cancer_drugs_fund"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "national_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("route", sa.String(length=10), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("working_days_to_decision", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("hub_id", sa.Integer(), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=False),
        sa.Column("patient_pseudonym", sa.String(length=64), nullable=False),
        sa.Column("age_band", sa.String(length=10), nullable=False),
        sa.Column("sex", sa.String(length=20), nullable=False),
        sa.Column("icd10_code", sa.String(length=10), nullable=False),
        sa.Column("icd10_category", sa.String(length=3), nullable=False),
        sa.Column("icd10_chapter", sa.String(length=10), nullable=False),
        sa.Column("intervention_key", sa.String(length=200), nullable=False),
        sa.Column("intervention_name", sa.String(length=300), nullable=False),
        sa.Column("intervention_type", sa.String(length=20), nullable=False),
        sa.Column("intervention_code", sa.String(length=40), nullable=True),
        sa.Column("crg_code", sa.String(length=10), nullable=True),
        sa.Column("programme_of_care", sa.String(length=60), nullable=True),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("estimated_cost_pence", sa.BigInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("exceptionality_found", sa.Boolean(), nullable=True),
        sa.Column("recorded_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"], name=op.f("fk_national_case_case_id_ifr_case")),
        sa.ForeignKeyConstraint(["commissioner_id"], ["commissioner.id"],
                                name=op.f("fk_national_case_commissioner_id_commissioner")),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_national_case_hub_id_hub")),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_national_case_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_national_case")),
        sa.UniqueConstraint("case_id", name=op.f("uq_national_case_case_id")),
        sa.UniqueConstraint("case_ref", name=op.f("uq_national_case_case_ref")),
    )
    op.create_index("ix_national_case_cohort", "national_case",
                    ["route", "intervention_key", "icd10_category", "received_on"])
    op.create_index("ix_national_case_decisions", "national_case", ["decided_on", "hub_id"])
    op.create_index(op.f("ix_national_case_hub_id"), "national_case", ["hub_id"])
    op.create_index(op.f("ix_national_case_outcome"), "national_case", ["outcome"])
    op.create_index(op.f("ix_national_case_patient_pseudonym"), "national_case", ["patient_pseudonym"])


def downgrade() -> None:
    op.drop_index(op.f("ix_national_case_patient_pseudonym"), table_name="national_case")
    op.drop_index(op.f("ix_national_case_outcome"), table_name="national_case")
    op.drop_index(op.f("ix_national_case_hub_id"), table_name="national_case")
    op.drop_index("ix_national_case_decisions", table_name="national_case")
    op.drop_index("ix_national_case_cohort", table_name="national_case")
    op.drop_table("national_case")
