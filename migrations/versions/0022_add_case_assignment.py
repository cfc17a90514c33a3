"""A case can be assigned to a case officer of its hub: ifr_case.assigned_to_id, indexed for the
queue's "my cases". Nobody is assigned to the cases already there.

Revision ID: 0022_add_case_assignment
Revises: 0019_add_cet_exports
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_add_case_assignment"
down_revision = "0021_add_letter_recipients"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ifr_case") as batch:
        batch.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_ifr_case_assigned_to_id_app_user"), "app_user",
                                 ["assigned_to_id"], ["id"])
    op.create_index(op.f("ix_ifr_case_assigned_to_id"), "ifr_case", ["assigned_to_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_ifr_case_assigned_to_id"), table_name="ifr_case")
    with op.batch_alter_table("ifr_case") as batch:
        batch.drop_constraint(op.f("fk_ifr_case_assigned_to_id_app_user"), type_="foreignkey")
        batch.drop_column("assigned_to_id")
