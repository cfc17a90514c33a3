"""Panels, their members, meetings, agenda items and declared conflicts of interest."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument


class PanelRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    PUBLIC_HEALTH_CONSULTANT = "public_health_consultant"
    PHARMACIST = "pharmacist"
    CLINICIAN = "clinician"
    COMMISSIONING_REPRESENTATIVE = "commissioning_representative"
    LAY_MEMBER = "lay_member"


class PanelKind(StrEnum):
    """What a panel does. Each region has at most one panel of each kind, run by its lead hub."""

    IFR_PANEL = "ifr_panel"  # the regional IFR panel: decides requests (docs/panels.md)
    SCREENING_GROUP = "screening_group"  # screens requests weekly (PQ 224945, 2015)
    REVIEW_PANEL = "review_panel"  # reviews how a decision was made, on the clinician's request


# A chair or vice-chair, a public health consultant, a pharmacist or clinician,
# and a lay member: at least four members in all.
DEFAULT_QUORUM = {
    "minimum_members": 4,
    "requires": [["chair", "vice_chair"], ["public_health_consultant"],
                 ["pharmacist", "clinician"], ["lay_member"]],
}

# Each kind's quorum when the panel is set up without one (a panel's own rule can be set, as ever).
# The screening group's: a chair or vice-chair and at least one clinician or public health consultant,
# at least three members in all (issue 22: screening with clinical input, NHS England's weekly
# screening panels, PQ 224945, 2015). The review panel's is this service's default, not a published
# rule: a chair or vice-chair, a clinician or public health consultant and a lay member, at least three.
DEFAULT_QUORUMS = {
    PanelKind.IFR_PANEL: DEFAULT_QUORUM,
    PanelKind.SCREENING_GROUP: {
        "minimum_members": 3,
        "requires": [["chair", "vice_chair"], ["clinician", "public_health_consultant"]],
    },
    PanelKind.REVIEW_PANEL: {
        "minimum_members": 3,
        "requires": [["chair", "vice_chair"], ["clinician", "public_health_consultant"], ["lay_member"]],
    },
}


class Panel(SQLModel, table=True):
    """A panel a region's lead hub runs: its IFR panel, its screening group or its review panel."""

    __table_args__ = (UniqueConstraint("region_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    kind: str = Field(default=PanelKind.IFR_PANEL, max_length=20,
                      sa_column_kwargs={"server_default": PanelKind.IFR_PANEL.value})
    quorum: dict = Field(default_factory=lambda: dict(DEFAULT_QUORUM),
                         sa_column=Column(JsonDocument, nullable=False))
    created_utc: datetime = Field(default_factory=utc_now)


class PanelMember(SQLModel, table=True):
    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    panel_role: str = Field(max_length=40)
    is_active: bool = True


class PanelMeeting(SQLModel, table=True):
    __tablename__ = "panel_meeting"

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    meeting_date: date = Field(index=True)
    kind: str = Field(default="ordinary", max_length=20)  # ordinary, extraordinary or review
    attendee_ids: list = Field(default_factory=list, sa_column=Column(JsonDocument, nullable=False))
    created_utc: datetime = Field(default_factory=utc_now)


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("meeting_id", "case_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    position: int


# A member holds one standing declaration per case and meeting; a withdrawn one is kept beside it,
# so a genuine interest can be declared again after a withdrawal.
STANDING = text("withdrawn_utc IS NULL")


class ConflictOfInterest(SQLModel, table=True):
    """A member's declared interest in one case at one meeting: they take no part in it. A
    declaration is never deleted: a withdrawal keeps who withdrew it, when and why."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (Index("uq_conflict_of_interest_standing", "meeting_id", "case_id", "member_id",
                            unique=True, postgresql_where=STANDING, sqlite_where=STANDING),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    case_id: int = Field(foreign_key="ifr_case.id")
    member_id: int = Field(foreign_key="panel_member.id")
    details: str = Field(max_length=1000)
    declared_utc: datetime = Field(default_factory=utc_now)
    declared_by_id: int | None = Field(default=None, foreign_key="app_user.id")  # who recorded it
    withdrawn_utc: datetime | None = None  # kept, not deleted: the declaration is part of the record
    withdrawn_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawal_reason: str | None = Field(default=None, max_length=1000)
