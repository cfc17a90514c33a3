"""Add panel kinds: a region has an IFR panel, a screening group and a review panel, each a panel of
its kind (panel.kind), so a region's panel is unique by (region, kind), no longer by region alone.
The panels already there are IFR panels.

Revision ID: 0030_add_panel_kinds
Revises: 0029_add_saved_forms
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_add_panel_kinds"
down_revision = "0029_add_saved_forms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index(op.f("ix_panel_region_id"), table_name="panel")
    with op.batch_alter_table("panel") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="ifr_panel"))
        batch.create_unique_constraint(op.f("uq_panel_region_id_kind"), ["region_id", "kind"])
    op.create_index(op.f("ix_panel_region_id"), "panel", ["region_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_panel_region_id"), table_name="panel")
    # A region with a screening group or review panel as well as its IFR panel stops this (the
    # unique index below): a downgrade never deletes a panel and the meetings it held.
    with op.batch_alter_table("panel") as batch:
        batch.drop_constraint(op.f("uq_panel_region_id_kind"), type_="unique")
        batch.drop_column("kind")
    op.create_index(op.f("ix_panel_region_id"), "panel", ["region_id"], unique=True)
