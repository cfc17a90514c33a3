"""Treatment from SACT: each imported extract with its counts (`ifr-service sact import`), and the rows
not recorded on an approval (treated without an approval, or refused by its rules), one a cycle.

Revision ID: 0035_add_sact_imports
Revises: 0034_add_treatment_breaks
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_add_sact_imports"
down_revision = "0034_add_treatment_breaks"
branch_labels = None
depends_on = None

COUNTS = ("rows", "matched", "cycles_recorded", "cycles_already_held", "starts", "stops", "unmatched",
          "refused", "not_funded")


def upgrade() -> None:
    op.create_table(
        "sact_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_utc", sa.DateTime(timezone=True), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sact_import")),
    )
    op.create_index(op.f("ix_sact_import_file_sha256"), "sact_import", ["file_sha256"], unique=False)
    op.create_table(
        "sact_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("nhs_number", sa.String(length=10), nullable=False),
        sa.Column("provider_org_code", sa.String(length=10), nullable=False),
        sa.Column("drug_name", sa.String(length=55), nullable=False),
        sa.Column("dmd_code", sa.String(length=18), nullable=True),
        sa.Column("entry_key", sa.String(length=60), nullable=True),
        sa.Column("administered_on", sa.Date(), nullable=False),
        sa.Column("cycle_number", sa.Integer(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("recorded_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_import_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["sact_import.id"],
                                name=op.f("fk_sact_exception_import_id_sact_import")),
        sa.ForeignKeyConstraint(["resolved_import_id"], ["sact_import.id"],
                                name=op.f("fk_sact_exception_resolved_import_id_sact_import")),
        sa.ForeignKeyConstraint(["authorisation_id"], ["funding_authorisation.id"],
                                name=op.f("fk_sact_exception_authorisation_id_funding_authorisation")),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_sact_exception_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sact_exception")),
        sa.UniqueConstraint("source_key", name=op.f("uq_sact_exception_source_key")),
    )
    op.create_index(op.f("ix_sact_exception_import_id"), "sact_exception", ["import_id"], unique=False)
    op.create_index(op.f("ix_sact_exception_nhs_number"), "sact_exception", ["nhs_number"], unique=False)
    op.create_index(op.f("ix_sact_exception_region_id"), "sact_exception", ["region_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sact_exception_region_id"), table_name="sact_exception")
    op.drop_index(op.f("ix_sact_exception_nhs_number"), table_name="sact_exception")
    op.drop_index(op.f("ix_sact_exception_import_id"), table_name="sact_exception")
    op.drop_table("sact_exception")
    op.drop_index(op.f("ix_sact_import_file_sha256"), table_name="sact_import")
    op.drop_table("sact_import")
