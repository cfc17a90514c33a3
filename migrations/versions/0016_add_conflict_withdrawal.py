"""A declaration of interest is withdrawn by someone, for a reason: conflict_of_interest keeps who
withdrew it (withdrawn_by_id) and why (withdrawal_reason), and who recorded it (declared_by_id; none
for declarations recorded before). The unique constraint on (meeting, case,
member) counted withdrawn rows, so a genuine interest could never be declared again; it becomes a
unique index over the standing declarations only (withdrawn_utc IS NULL).

Revision ID: 0016_add_conflict_withdrawal
Revises: 0015_add_outbox_retries
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_add_conflict_withdrawal"
down_revision = "0015_add_outbox_retries"
branch_labels = None
depends_on = None

STANDING = sa.text("withdrawn_utc IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("conflict_of_interest") as batch:
        batch.add_column(sa.Column("declared_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.String(length=1000), nullable=True))
        batch.create_foreign_key(op.f("fk_conflict_of_interest_declared_by_id_app_user"), "app_user",
                                 ["declared_by_id"], ["id"])
        batch.create_foreign_key(op.f("fk_conflict_of_interest_withdrawn_by_id_app_user"), "app_user",
                                 ["withdrawn_by_id"], ["id"])
        batch.drop_constraint(op.f("uq_conflict_of_interest_meeting_id_case_id_member_id"), type_="unique")
    op.create_index("uq_conflict_of_interest_standing", "conflict_of_interest",
                    ["meeting_id", "case_id", "member_id"], unique=True,
                    postgresql_where=STANDING, sqlite_where=STANDING)


def downgrade() -> None:
    # Withdrawn declarations that a later one repeats cannot stand beside it under the old
    # constraint: the withdrawn rows (the older record) go first.
    op.execute("DELETE FROM conflict_of_interest WHERE withdrawn_utc IS NOT NULL AND EXISTS ("
               "SELECT 1 FROM conflict_of_interest AS later WHERE later.meeting_id = "
               "conflict_of_interest.meeting_id AND later.case_id = conflict_of_interest.case_id "
               "AND later.member_id = conflict_of_interest.member_id AND later.id <> conflict_of_interest.id)")
    op.drop_index("uq_conflict_of_interest_standing", table_name="conflict_of_interest")
    with op.batch_alter_table("conflict_of_interest") as batch:
        batch.create_unique_constraint(op.f("uq_conflict_of_interest_meeting_id_case_id_member_id"),
                                       ["meeting_id", "case_id", "member_id"])
        batch.drop_constraint(op.f("fk_conflict_of_interest_withdrawn_by_id_app_user"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_conflict_of_interest_declared_by_id_app_user"), type_="foreignkey")
        batch.drop_column("withdrawal_reason")
        batch.drop_column("withdrawn_by_id")
        batch.drop_column("declared_by_id")
