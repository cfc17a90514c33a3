"""Reads and writes of panels, meetings, agendas and conflicts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.errors import NotFound
from ifr_service.panels.models import (
    AgendaItem,
    ConflictOfInterest,
    Panel,
    PanelKind,
    PanelMeeting,
    PanelMember,
)
from ifr_service.users.models import User

# The events a meeting records its decisions with, each naming the meeting in its payload's
# panel_meeting (panels/guards.py): an IFR panel's decisions and deferrals, a screening group's outcomes
# and a Review Panel's outcome.
DECISION_EVENTS = ("decision_recorded", "decision_deferred", "screening_completed", "review_decided")


def add(row):
    db.session().add(row)
    db.session().flush()
    return row


def delete(row) -> None:
    db.session().delete(row)
    db.session().flush()


def flush() -> None:
    db.session().flush()


def get_panel(panel_id: int) -> Panel:
    panel = db.session().get(Panel, panel_id)
    if panel is None:
        raise NotFound(f"There is no panel {panel_id}.", field="panel_id")
    return panel


def find_panels() -> list[Panel]:
    return list(db.session().exec(select(Panel).order_by(Panel.name)))


def find_panel_for_region(region_id: int, kind: str = PanelKind.IFR_PANEL) -> Panel | None:
    """The region's panel of this kind (its IFR panel unless another kind is asked for)."""
    query = select(Panel).where(Panel.region_id == region_id, Panel.kind == kind)
    return db.session().exec(query).first()


def find_members(panel_id: int) -> list[PanelMember]:
    query = select(PanelMember).where(PanelMember.panel_id == panel_id).order_by(PanelMember.id)
    return list(db.session().exec(query))


def find_panels_for_hub(hub_id: int) -> list[Panel]:
    return list(db.session().exec(select(Panel).where(Panel.hub_id == hub_id).order_by(Panel.name)))


def find_members_with_users(panel_id: int) -> list[tuple[PanelMember, User]]:
    query = (select(PanelMember, User).join(User, User.id == PanelMember.user_id)
             .where(PanelMember.panel_id == panel_id).order_by(PanelMember.id))
    return list(db.session().exec(query))


def find_meetings(panel_id: int) -> list[PanelMeeting]:
    query = (select(PanelMeeting).where(PanelMeeting.panel_id == panel_id)
             .order_by(PanelMeeting.meeting_date, PanelMeeting.id))
    return list(db.session().exec(query))


def count_agenda_items(meeting_ids: list[int]) -> dict[int, int]:
    query = (select(AgendaItem.meeting_id, func.count()).where(AgendaItem.meeting_id.in_(meeting_ids))
             .group_by(AgendaItem.meeting_id))
    return dict(db.session().exec(query).all()) if meeting_ids else {}


def find_meeting_decisions(meeting_id: int) -> list[tuple[Case, CaseEvent]]:
    """The decisions and deferrals recorded at a meeting, in agenda order: a decision's event
    names the meeting that made it, and only a case on its agenda can be decided there."""
    query = (select(Case, CaseEvent).join(AgendaItem, AgendaItem.case_id == Case.id)
             .join(CaseEvent, CaseEvent.case_id == Case.id)
             .where(AgendaItem.meeting_id == meeting_id, CaseEvent.name.in_(DECISION_EVENTS))
             .order_by(AgendaItem.position, CaseEvent.sequence))
    return [(case, event) for case, event in db.session().exec(query)
            if (event.payload.get("panel_meeting") or {}).get("id") == meeting_id]


def get_meeting(meeting_id: int) -> PanelMeeting:
    meeting = db.session().get(PanelMeeting, meeting_id)
    if meeting is None:
        raise NotFound(f"There is no panel meeting {meeting_id}.", field="meeting_id")
    return meeting


def find_agenda(meeting_id: int) -> list[tuple[AgendaItem, Case]]:
    query = (select(AgendaItem, Case).join(Case, Case.id == AgendaItem.case_id)
             .where(AgendaItem.meeting_id == meeting_id).order_by(AgendaItem.position))
    return list(db.session().exec(query))


def next_agenda_position(meeting_id: int) -> int:
    last = db.session().exec(select(func.max(AgendaItem.position))
                             .where(AgendaItem.meeting_id == meeting_id)).one()
    return (last or 0) + 1


def find_cases_ready_for_panel(region_id: int, states: list[str]) -> list[Case]:
    query = (select(Case).where(Case.region_id == region_id, Case.state.in_(states))
             .order_by(Case.urgency_rank, Case.submitted_utc))
    return list(db.session().exec(query))


def find_latest_meeting_for_case(case_id: int, on_or_before: date,
                                 kind: str | None = None) -> PanelMeeting | None:
    """The latest meeting dated on or before the day with the case on its agenda (of a panel of this
    kind, if one is named)."""
    query = (select(PanelMeeting).join(AgendaItem, AgendaItem.meeting_id == PanelMeeting.id)
             .where(AgendaItem.case_id == case_id, PanelMeeting.meeting_date <= on_or_before))
    if kind is not None:
        query = query.join(Panel, Panel.id == PanelMeeting.panel_id).where(Panel.kind == kind)
    query = query.order_by(PanelMeeting.meeting_date.desc(), PanelMeeting.id.desc()).limit(1)
    return db.session().exec(query).first()


def find_meetings_for_case(case_id: int, kind: str | None = None) -> list[PanelMeeting]:
    """The meetings with the case on their agenda: of every panel, or of the panels of one kind."""
    query = (select(PanelMeeting).join(AgendaItem, AgendaItem.meeting_id == PanelMeeting.id)
             .where(AgendaItem.case_id == case_id).order_by(PanelMeeting.meeting_date))
    if kind is not None:
        query = query.join(Panel, Panel.id == PanelMeeting.panel_id).where(Panel.kind == kind)
    return list(db.session().exec(query))


def find_latest_meeting(panel_id: int) -> PanelMeeting | None:
    query = (select(PanelMeeting).where(PanelMeeting.panel_id == panel_id)
             .order_by(PanelMeeting.meeting_date.desc(), PanelMeeting.id.desc()).limit(1))
    return db.session().exec(query).first()


def find_case_conflicts(case_id: int) -> list[ConflictOfInterest]:
    """The interests declared in a case at any meeting and not withdrawn."""
    query = select(ConflictOfInterest).where(ConflictOfInterest.case_id == case_id,
                                             ConflictOfInterest.withdrawn_utc.is_(None))
    return list(db.session().exec(query.order_by(ConflictOfInterest.id)))


def find_conflicts(meeting_id: int, case_id: int | None = None,
                   include_withdrawn: bool = False) -> list[ConflictOfInterest]:
    """The interests declared and not withdrawn (and, for the minutes, those withdrawn too)."""
    query = select(ConflictOfInterest).where(ConflictOfInterest.meeting_id == meeting_id)
    if not include_withdrawn:
        query = query.where(ConflictOfInterest.withdrawn_utc.is_(None))
    if case_id is not None:
        query = query.where(ConflictOfInterest.case_id == case_id)
    return list(db.session().exec(query.order_by(ConflictOfInterest.id)))
