"""The policy library takes NHS England's clinical commissioning policies and policy statements and
NICE technology appraisals, loaded by `ifr-service policies import`: each policy's kind, the ICD-10
ranges it covers, its review and withdrawal dates and a link to it; and the interventions it covers,
one row a name or code, so that a request finds its policies by an index. A policy already in the
library covers its own intervention key.

Revision ID: 0031_add_policy_library_import
Revises: 0030_add_panel_kinds
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0031_add_policy_library_import"
down_revision = "0030_add_panel_kinds"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("commissioning_policy") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=40), nullable=False,
                                   server_default="clinical_commissioning_policy"))
        batch.add_column(sa.Column("icd10_ranges", JSON, nullable=True))
        batch.add_column(sa.Column("review_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("withdrawn_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("source_url", sa.String(length=500), nullable=True))
    op.create_table(
        "policy_intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("intervention_key", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["policy_id"], ["commissioning_policy.id"],
                                name=op.f("fk_policy_intervention_policy_id_commissioning_policy")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_intervention")),
        sa.UniqueConstraint("policy_id", "intervention_key",
                            name=op.f("uq_policy_intervention_policy_id_intervention_key")),
    )
    op.create_index(op.f("ix_policy_intervention_policy_id"),
                    "policy_intervention", ["policy_id"], unique=False)
    op.create_index(op.f("ix_policy_intervention_intervention_key"),
                    "policy_intervention", ["intervention_key"], unique=False)
    op.execute("INSERT INTO policy_intervention (policy_id, intervention_key) "
               "SELECT id, intervention_key FROM commissioning_policy")


def downgrade() -> None:
    op.drop_index(op.f("ix_policy_intervention_intervention_key"),
                  table_name="policy_intervention")
    op.drop_index(op.f("ix_policy_intervention_policy_id"),
                  table_name="policy_intervention")
    op.drop_table("policy_intervention")
    with op.batch_alter_table("commissioning_policy") as batch:
        batch.drop_column("source_url")
        batch.drop_column("withdrawn_on")
        batch.drop_column("review_on")
        batch.drop_column("icd10_ranges")
        batch.drop_column("kind")
