"""Policy development: the CET's queue of cohort candidates, its history, and the library of
published national commissioning policies.

Revision ID: 0010_add_policy_development
Revises: 0009_add_national_case_database
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010_add_policy_development"
down_revision = "0009_add_national_case_database"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "policy_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("intervention_key", sa.String(length=200), nullable=False),
        sa.Column("icd10_category", sa.String(length=3), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("suggested_crg_code", sa.String(length=10), nullable=True),
        sa.Column("crg_code", sa.String(length=10), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("priority_score", sa.Float(), nullable=False),
        sa.Column("evidence", JSON_DOCUMENT, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["app_user.id"], name=op.f("fk_policy_item_owner_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_item")),
        sa.UniqueConstraint(
            "intervention_key", "icd10_category", name=op.f("uq_policy_item_intervention_key_icd10_category")
        ),
        sa.UniqueConstraint("reference", name=op.f("uq_policy_item_reference")),
    )
    op.create_index(op.f("ix_policy_item_priority_score"), "policy_item", ["priority_score"], unique=False)
    op.create_index(op.f("ix_policy_item_state"), "policy_item", ["state"], unique=False)
    op.create_table(
        "commissioning_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("intervention_key", sa.String(length=200), nullable=False),
        sa.Column("icd10_category", sa.String(length=3), nullable=False),
        sa.Column("position", sa.String(length=40), nullable=False),
        sa.Column("criteria", sa.String(length=5000), nullable=False),
        sa.Column("crg_code", sa.String(length=10), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["policy_item.id"], name=op.f("fk_commissioning_policy_item_id_policy_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commissioning_policy")),
        sa.UniqueConstraint("item_id", name=op.f("uq_commissioning_policy_item_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_commissioning_policy_reference")),
    )
    op.create_index(
        op.f("ix_commissioning_policy_icd10_category"),
        "commissioning_policy",
        ["icd10_category"],
        unique=False,
    )
    op.create_index(
        op.f("ix_commissioning_policy_intervention_key"),
        "commissioning_policy",
        ["intervention_key"],
        unique=False,
    )
    op.create_table(
        "policy_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("occurred_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=True),
        sa.Column("to_state", sa.String(length=40), nullable=True),
        sa.Column("payload", JSON_DOCUMENT, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["app_user.id"], name=op.f("fk_policy_event_actor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["policy_item.id"], name=op.f("fk_policy_event_item_id_policy_item")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_event")),
        sa.UniqueConstraint("item_id", "sequence", name=op.f("uq_policy_event_item_id_sequence")),
    )
    op.create_index(op.f("ix_policy_event_item_id"), "policy_event", ["item_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_policy_event_item_id"), table_name="policy_event")
    op.drop_table("policy_event")
    op.drop_index(op.f("ix_commissioning_policy_intervention_key"), table_name="commissioning_policy")
    op.drop_index(op.f("ix_commissioning_policy_icd10_category"), table_name="commissioning_policy")
    op.drop_table("commissioning_policy")
    op.drop_index(op.f("ix_policy_item_state"), table_name="policy_item")
    op.drop_index(op.f("ix_policy_item_priority_score"), table_name="policy_item")
    op.drop_table("policy_item")
