"""Every approval, IFR and CDF alike, issues a funding authorisation: its reference (the CDF's
approval number, or an IFR's own IFRA- number), the treatment and regimen approved, its period, cost
cap, provider, conditions, review date and stopping criteria, and the treatment given under it, one
row a cycle, from the clinician or the trust's SACT submission.

Approvals decided before this revision have no authorisation: their terms (the entry's drug, the
panel's decision) are not all in columns a migration may read, so they are not invented here.

Revision ID: 0032_add_funding_authorisations
Revises: 0031_add_policy_library_import
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_add_funding_authorisations"
down_revision = "0031_add_policy_library_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funding_authorisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("route", sa.String(length=10), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), nullable=True),
        sa.Column("hub_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("provider_org_code", sa.String(length=10), nullable=True),
        sa.Column("treatment", sa.String(length=300), nullable=False),
        sa.Column("dmd_code", sa.String(length=18), nullable=True),
        sa.Column("regimen", sa.String(length=500), nullable=True),
        sa.Column("immunotherapy", sa.Boolean(), nullable=False),
        sa.Column("cycle_days", sa.Integer(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("start_by", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("cost_cap_pence", sa.Integer(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("stopping_criteria", sa.Text(), nullable=True),
        sa.Column("outcome_measures", sa.Text(), nullable=True),
        sa.Column("outcome_reported_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=40), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("last_cycle_on", sa.Date(), nullable=True),
        sa.Column("cycles_given", sa.Integer(), nullable=False),
        sa.Column("stopped_on", sa.Date(), nullable=True),
        sa.Column("stop_reason", sa.String(length=30), nullable=True),
        sa.Column("issued_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"],
                                name=op.f("fk_funding_authorisation_case_id_ifr_case")),
        sa.ForeignKeyConstraint(["commissioner_id"], ["commissioner.id"],
                                name=op.f("fk_funding_authorisation_commissioner_id_commissioner")),
        sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_funding_authorisation_hub_id_hub")),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"],
                                name=op.f("fk_funding_authorisation_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_authorisation")),
        sa.UniqueConstraint("case_id", name=op.f("uq_funding_authorisation_case_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_funding_authorisation_reference")),
    )
    for column in ("nhs_number", "region_id", "provider_org_code", "issued_on", "status"):
        op.create_index(op.f(f"ix_funding_authorisation_{column}"), "funding_authorisation", [column],
                        unique=False)
    op.create_table(
        "treatment_cycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_key", sa.String(length=100), nullable=True),
        sa.Column("recorded_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["authorisation_id"], ["funding_authorisation.id"],
                                name=op.f("fk_treatment_cycle_authorisation_id_funding_authorisation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_cycle")),
        sa.UniqueConstraint("authorisation_id", "source_key",
                            name=op.f("uq_treatment_cycle_authorisation_id_source_key")),
    )
    op.create_index(op.f("ix_treatment_cycle_authorisation_id"), "treatment_cycle", ["authorisation_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_treatment_cycle_authorisation_id"), table_name="treatment_cycle")
    op.drop_table("treatment_cycle")
    for column in ("status", "issued_on", "provider_org_code", "region_id", "nhs_number"):
        op.drop_index(op.f(f"ix_funding_authorisation_{column}"), table_name="funding_authorisation")
    op.drop_table("funding_authorisation")
