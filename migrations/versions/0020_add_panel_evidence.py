"""Evidence for the panel: the hub's IFR team marks which attached files go into the de-identified
panel pack (for_panel), says whether the original shows who the patient or clinician is
(holds_identifiers), describes it for the panel (panel_description), and uploads a redacted copy, an attachment whose redacted_of_id names it.

Revision ID: 0020_add_panel_evidence
Revises: 0019_add_cet_exports
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_add_panel_evidence"
down_revision = "0019_add_cet_exports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.add_column(sa.Column("for_panel", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("holds_identifiers", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("panel_description", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("redacted_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_attachment_redacted_of_id_attachment"), "attachment",
                                 ["redacted_of_id"], ["id"])
        batch.create_unique_constraint(op.f("uq_attachment_redacted_of_id"), ["redacted_of_id"])
    with op.batch_alter_table("attachment") as batch:
        batch.alter_column("for_panel", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("attachment") as batch:
        batch.drop_constraint(op.f("uq_attachment_redacted_of_id"), type_="unique")
        batch.drop_constraint(op.f("fk_attachment_redacted_of_id_attachment"), type_="foreignkey")
        batch.drop_column("redacted_of_id")
        batch.drop_column("panel_description")
        batch.drop_column("holds_identifiers")
        batch.drop_column("for_panel")
