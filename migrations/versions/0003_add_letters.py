"""Add letters: the PDFs sent for screening outcomes, decisions and reviews, kept with the case.

Revision ID: 0003_add_letters
Revises: 0002_add_case_clocks
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_add_letters"
down_revision = "0002_add_case_clocks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("letter",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=False),
    sa.Column("event_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(length=60), nullable=False),
    sa.Column("title", sa.String(length=200), nullable=False),
    sa.Column("sha256", sa.String(length=64), nullable=False),
    sa.Column("size_bytes", sa.Integer(), nullable=False),
    sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
    sa.Column("content", sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"], name=op.f("fk_letter_case_id_ifr_case")),
    sa.ForeignKeyConstraint(["event_id"], ["case_event.id"], name=op.f("fk_letter_event_id_case_event")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_letter")),
    sa.UniqueConstraint("case_id", "event_id", name=op.f("uq_letter_case_id_event_id"))
    )
    op.create_index(op.f("ix_letter_case_id"), "letter", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_letter_case_id"), table_name="letter")
    op.drop_table("letter")
