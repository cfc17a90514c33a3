"""Add panels: each region"s IFR panel, its members, meetings, agendas and conflicts of interest.

Revision ID: 0004_add_panels
Revises: 0003_add_letters
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004_add_panels"
down_revision = "0003_add_letters"
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table("panel",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("hub_id", sa.Integer(), nullable=False),
    sa.Column("region_id", sa.Integer(), nullable=False),
    sa.Column("quorum", JSON_DOCUMENT, nullable=False),
    sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["hub_id"], ["hub.id"], name=op.f("fk_panel_hub_id_hub")),
    sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_panel_region_id_region")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_panel"))
    )
    op.create_index(op.f("ix_panel_hub_id"), "panel", ["hub_id"], unique=False)
    op.create_index(op.f("ix_panel_region_id"), "panel", ["region_id"], unique=True)
    op.create_table("panel_meeting",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("panel_id", sa.Integer(), nullable=False),
    sa.Column("meeting_date", sa.Date(), nullable=False),
    sa.Column("kind", sa.String(length=20), nullable=False),
    sa.Column("attendee_ids", JSON_DOCUMENT, nullable=False),
    sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["panel_id"], ["panel.id"], name=op.f("fk_panel_meeting_panel_id_panel")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_meeting"))
    )
    op.create_index(op.f("ix_panel_meeting_meeting_date"), "panel_meeting", ["meeting_date"], unique=False)
    op.create_index(op.f("ix_panel_meeting_panel_id"), "panel_meeting", ["panel_id"], unique=False)
    op.create_table("panel_member",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("panel_id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("panel_role", sa.String(length=40), nullable=False),
    sa.Column("is_active", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["panel_id"], ["panel.id"], name=op.f("fk_panel_member_panel_id_panel")),
    sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_panel_member_user_id_app_user")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_member")),
    sa.UniqueConstraint("panel_id", "user_id", name=op.f("uq_panel_member_panel_id_user_id"))
    )
    op.create_index(op.f("ix_panel_member_panel_id"), "panel_member", ["panel_id"], unique=False)
    op.create_table("agenda_item",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("meeting_id", sa.Integer(), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"], name=op.f("fk_agenda_item_case_id_ifr_case")),
    sa.ForeignKeyConstraint(["meeting_id"], ["panel_meeting.id"], name=op.f("fk_agenda_item_meeting_id_panel_meeting")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_item")),
    sa.UniqueConstraint("meeting_id", "case_id", name=op.f("uq_agenda_item_meeting_id_case_id"))
    )
    op.create_index(op.f("ix_agenda_item_case_id"), "agenda_item", ["case_id"], unique=False)
    op.create_index(op.f("ix_agenda_item_meeting_id"), "agenda_item", ["meeting_id"], unique=False)
    op.create_table("conflict_of_interest",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("meeting_id", sa.Integer(), nullable=False),
    sa.Column("case_id", sa.Integer(), nullable=False),
    sa.Column("member_id", sa.Integer(), nullable=False),
    sa.Column("details", sa.String(length=1000), nullable=False),
    sa.Column("declared_utc", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["case_id"], ["ifr_case.id"], name=op.f("fk_conflict_of_interest_case_id_ifr_case")),
    sa.ForeignKeyConstraint(["meeting_id"], ["panel_meeting.id"], name=op.f("fk_conflict_of_interest_meeting_id_panel_meeting")),
    sa.ForeignKeyConstraint(["member_id"], ["panel_member.id"], name=op.f("fk_conflict_of_interest_member_id_panel_member")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_of_interest")),
    sa.UniqueConstraint("meeting_id", "case_id", "member_id", name=op.f("uq_conflict_of_interest_meeting_id_case_id_member_id"))
    )
    op.create_index(op.f("ix_conflict_of_interest_meeting_id"), "conflict_of_interest", ["meeting_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_conflict_of_interest_meeting_id"), table_name="conflict_of_interest")
    op.drop_table("conflict_of_interest")
    op.drop_index(op.f("ix_agenda_item_meeting_id"), table_name="agenda_item")
    op.drop_index(op.f("ix_agenda_item_case_id"), table_name="agenda_item")
    op.drop_table("agenda_item")
    op.drop_index(op.f("ix_panel_member_panel_id"), table_name="panel_member")
    op.drop_table("panel_member")
    op.drop_index(op.f("ix_panel_meeting_panel_id"), table_name="panel_meeting")
    op.drop_index(op.f("ix_panel_meeting_meeting_date"), table_name="panel_meeting")
    op.drop_table("panel_meeting")
    op.drop_index(op.f("ix_panel_region_id"), table_name="panel")
    op.drop_index(op.f("ix_panel_hub_id"), table_name="panel")
    op.drop_table("panel")
