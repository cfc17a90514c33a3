"""Reads and writes of panels, meetings, agendas and conflicts."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.errors import NotFound
from ifr_service.panels.models import (
    AgendaItem,
    ConflictOfInterest,
    Panel,
    PanelMeeting,
    PanelMember,
)


def add(row):
    db.session().add(row)
    db.session().flush()
    return row


def get_panel(panel_id: int) -> Panel:
    panel = db.session().get(Panel, panel_id)
    if panel is None:
        raise NotFound(f"There is no panel {panel_id}.", field="panel_id")
    return panel


def find_panels() -> list[Panel]:
    return list(db.session().exec(select(Panel).order_by(Panel.name)))


def find_panel_for_region(region_id: int) -> Panel | None:
    return db.session().exec(select(Panel).where(Panel.region_id == region_id)).first()


def find_members(panel_id: int) -> list[PanelMember]:
    query = select(PanelMember).where(PanelMember.panel_id == panel_id).order_by(PanelMember.id)
    return list(db.session().exec(query))


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


def find_latest_meeting_for_case(case_id: int, on_or_before: date) -> PanelMeeting | None:
    query = (select(PanelMeeting).join(AgendaItem, AgendaItem.meeting_id == PanelMeeting.id)
             .where(AgendaItem.case_id == case_id, PanelMeeting.meeting_date <= on_or_before)
             .order_by(PanelMeeting.meeting_date.desc(), PanelMeeting.id.desc()).limit(1))
    return db.session().exec(query).first()


def find_meetings_for_case(case_id: int) -> list[PanelMeeting]:
    query = (select(PanelMeeting).join(AgendaItem, AgendaItem.meeting_id == PanelMeeting.id)
             .where(AgendaItem.case_id == case_id).order_by(PanelMeeting.meeting_date))
    return list(db.session().exec(query))


def find_conflicts(meeting_id: int, case_id: int | None = None) -> list[ConflictOfInterest]:
    """The interests declared and not withdrawn."""
    query = select(ConflictOfInterest).where(ConflictOfInterest.meeting_id == meeting_id,
                                             ConflictOfInterest.withdrawn_utc.is_(None))
    if case_id is not None:
        query = query.where(ConflictOfInterest.case_id == case_id)
    return list(db.session().exec(query.order_by(ConflictOfInterest.id)))

