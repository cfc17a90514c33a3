"""After an IFR approval: the clinician's outcome reports and requests to continue a time-limited
approval, each beside its case, its funding authorisation and the event that recorded it; and the
response to treatment last reported, with its day, in the CET's national record.

Revision ID: 0033_add_outcome_reports
Revises: 0032_add_funding_authorisations
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0033_add_outcome_reports"
down_revision = "0032_add_funding_authorisations"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _foreign_key(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade() -> None:
    op.create_table(
        "outcome_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("reported_by_id", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("response", sa.String(length=20), nullable=False),
        sa.Column("measures", JSON, nullable=False),
        sa.Column("stopping_criteria_met", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=True),
        sa.Column("ended_authorisation", sa.Boolean(), nullable=False),
        sa.Column("reported_utc", sa.DateTime(timezone=True), nullable=False),
        _foreign_key("outcome_report", "case_id", "ifr_case"),
        _foreign_key("outcome_report", "authorisation_id", "funding_authorisation"),
        _foreign_key("outcome_report", "event_id", "case_event"),
        _foreign_key("outcome_report", "reported_by_id", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_report")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outcome_report_event_id")),
    )
    op.create_index(op.f("ix_outcome_report_case_id"), "outcome_report", ["case_id"], unique=False)
    op.create_index(op.f("ix_outcome_report_authorisation_id"), "outcome_report", ["authorisation_id"],
                    unique=False)
    op.create_table(
        "continuation_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=False),
        sa.Column("requested_event_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("response", sa.String(length=20), nullable=False),
        sa.Column("response_data", sa.String(length=4000), nullable=False),
        sa.Column("continue_until", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("ends_on_when_asked", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_event_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("funded_until", sa.Date(), nullable=True),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("reasons", sa.String(length=2000), nullable=True),
        sa.Column("requested_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_utc", sa.DateTime(timezone=True), nullable=True),
        _foreign_key("continuation_request", "case_id", "ifr_case"),
        _foreign_key("continuation_request", "authorisation_id", "funding_authorisation"),
        _foreign_key("continuation_request", "requested_event_id", "case_event"),
        _foreign_key("continuation_request", "requested_by_id", "app_user"),
        _foreign_key("continuation_request", "decided_event_id", "case_event"),
        _foreign_key("continuation_request", "decided_by_id", "app_user"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_continuation_request")),
        sa.UniqueConstraint("requested_event_id", name=op.f("uq_continuation_request_requested_event_id")),
        sa.UniqueConstraint("decided_event_id", name=op.f("uq_continuation_request_decided_event_id")),
    )
    op.create_index(op.f("ix_continuation_request_case_id"), "continuation_request", ["case_id"],
                    unique=False)
    op.create_index(op.f("ix_continuation_request_authorisation_id"), "continuation_request",
                    ["authorisation_id"], unique=False)
    with op.batch_alter_table("national_case") as batch:
        batch.add_column(sa.Column("reported_response", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("response_reported_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("national_case") as batch:
        batch.drop_column("response_reported_on")
        batch.drop_column("reported_response")
    op.drop_index(op.f("ix_continuation_request_authorisation_id"), table_name="continuation_request")
    op.drop_index(op.f("ix_continuation_request_case_id"), table_name="continuation_request")
    op.drop_table("continuation_request")
    op.drop_index(op.f("ix_outcome_report_authorisation_id"), table_name="outcome_report")
    op.drop_index(op.f("ix_outcome_report_case_id"), table_name="outcome_report")
    op.drop_table("outcome_report")
