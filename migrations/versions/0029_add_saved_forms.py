"""Add saved forms: a form posted after its sender's sign-in ended, kept on the server for a short
while so that its owner, signed in again, can send it without typing it again (web/saved_forms.py).
The browser's cookie carries only a random token; the row keeps its SHA-256 and whose answers they are.

Revision ID: 0029_add_saved_forms
Revises: 0028_add_user_managed_here
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_add_saved_forms"
down_revision = "0028_add_user_managed_here"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("files_left_out", sa.Boolean(), nullable=False),
        sa.Column("saved_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_saved_form_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_form")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_saved_form_token_hash")),
    )
    op.create_index(op.f("ix_saved_form_user_id"), "saved_form", ["user_id"], unique=False)
    op.create_index(op.f("ix_saved_form_expires_utc"), "saved_form", ["expires_utc"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_form_expires_utc"), table_name="saved_form")
    op.drop_index(op.f("ix_saved_form_user_id"), table_name="saved_form")
    op.drop_table("saved_form")
