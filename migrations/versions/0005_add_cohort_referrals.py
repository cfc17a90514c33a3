"""Add what finds similar requests nationally (ICD-10 category, treatment key) and cohort referrals.

Revision ID: 0005_add_cohort_referrals
Revises: 0004_add_panels
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_add_cohort_referrals"
down_revision = "0004_add_panels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("cohort_referral",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=False),
    sa.Column("hub_id", sa.Integer(), nullable=False),
    sa.Column("icd10_category", sa.String(length=3), nullable=False),
    sa.Column("intervention_key", sa.String(length=200), nullable=False),
    sa.Column("cohort_description", sa.String(length=5000), nullable=False),
    sa.Column("reason", sa.String(length=5000), nullable=False),
    sa.Column("status", sa.String(length=30), nullable=False),
    sa.Column("referred_utc", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"], name=op.f("fk_cohort_referral_case_id_ifr_case")),
    sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_cohort_referral_hub_id_hub")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_referral")),
    sa.UniqueConstraint("case_id", name=op.f("uq_cohort_referral_case_id"))
    )
    op.create_index(op.f("ix_cohort_referral_hub_id"), "cohort_referral", ["hub_id"], unique=False)
    op.create_index(op.f("ix_cohort_referral_icd10_category"), "cohort_referral", ["icd10_category"], unique=False)
    op.create_index(op.f("ix_cohort_referral_intervention_key"), "cohort_referral", ["intervention_key"], unique=False)
    op.add_column("ifr_case", sa.Column("icd10_category", sa.String(length=3), nullable=True))
    op.add_column("ifr_case", sa.Column("intervention_key", sa.String(length=200), nullable=True))
    op.create_index(op.f("ix_ifr_case_icd10_category"), "ifr_case", ["icd10_category"], unique=False)
    op.create_index(op.f("ix_ifr_case_intervention_key"), "ifr_case", ["intervention_key"], unique=False)
    _backfill_submitted_cases()


def _backfill_submitted_cases() -> None:
    """Cases submitted before this revision get the same keys submission now sets."""
    cases = sa.table("ifr_case", sa.column("id", sa.Integer), sa.column("answers", sa.JSON),
                     sa.column("submitted_utc", sa.DateTime), sa.column("icd10_category", sa.String),
                     sa.column("intervention_key", sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(cases.c.id, cases.c.answers).where(cases.c.submitted_utc.is_not(None)))
    for case_id, answers in rows.all():
        bind.execute(cases.update().where(cases.c.id == case_id).values(
            icd10_category=answers["diagnosis"]["icd10_code"][:3],
            intervention_key=" ".join(answers["intervention"]["name"].lower().split())[:200]))


def downgrade() -> None:
    op.drop_index(op.f("ix_ifr_case_intervention_key"), table_name="ifr_case")
    op.drop_index(op.f("ix_ifr_case_icd10_category"), table_name="ifr_case")
    op.drop_column("ifr_case", "intervention_key")
    op.drop_column("ifr_case", "icd10_category")
    op.drop_index(op.f("ix_cohort_referral_intervention_key"), table_name="cohort_referral")
    op.drop_index(op.f("ix_cohort_referral_icd10_category"), table_name="cohort_referral")
    op.drop_index(op.f("ix_cohort_referral_hub_id"), table_name="cohort_referral")
    op.drop_table("cohort_referral")
