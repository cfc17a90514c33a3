"""Breaks in treatment on a funding authorisation, for both routes: planned or unplanned, from when,
the expected restart and the reason; a break longer than NHS England's policy allows is a
treatment-break request, with its criteria, state and decision. One request at a time is pending.

Revision ID: 0034_add_treatment_breaks
Revises: 0033_add_outcome_reports
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0034_add_treatment_breaks"
down_revision = "0033_add_outcome_reports"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "treatment_break",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("expected_restart_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_state", sa.String(length=10), nullable=True),
        sa.Column("criteria", JSON, nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reasons", sa.String(length=4000), nullable=True),
        sa.CheckConstraint("expected_restart_on > starts_on",
                           name=op.f("ck_treatment_break_restart_after_start")),
        sa.CheckConstraint("kind IN ('planned', 'unplanned')", name=op.f("ck_treatment_break_kind")),
        sa.CheckConstraint("request_state IS NULL OR request_state IN ('pending', 'approved', 'refused')",
                           name=op.f("ck_treatment_break_request_state")),
        sa.ForeignKeyConstraint(["authorisation_id"], ["funding_authorisation.id"],
                                name=op.f("fk_treatment_break_authorisation_id_funding_authorisation")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["app_user.id"],
                                name=op.f("fk_treatment_break_recorded_by_id_app_user")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["app_user.id"],
                                name=op.f("fk_treatment_break_decided_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_break")),
    )
    op.create_index(op.f("ix_treatment_break_authorisation_id"), "treatment_break", ["authorisation_id"])
    op.create_index("uq_treatment_break_one_pending", "treatment_break", ["authorisation_id"], unique=True,
                    postgresql_where=sa.text("request_state = 'pending'"),
                    sqlite_where=sa.text("request_state = 'pending'"))


def downgrade() -> None:
    op.drop_index("uq_treatment_break_one_pending", table_name="treatment_break")
    op.drop_index(op.f("ix_treatment_break_authorisation_id"), table_name="treatment_break")
    op.drop_table("treatment_break")
