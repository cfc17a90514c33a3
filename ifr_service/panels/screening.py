"""Screening groups: each region's screening group (a panel of kind screening_group) meets, weekly by
default, and decides each screening outcome with its reasons. NHS England screened individual funding
requests in weekly screening panels in each region (PQ 224945, 2015; DOMAIN.md), a group with clinical
input, not one case officer alone.

The lead hub's case officer, who prepares each case and minutes the group, records the group's
outcome; it stands only at a quorate meeting of the case's region's screening group, dated today or
earlier, with the case on its agenda. A clinically critically urgent case can be screened between
meetings by the group's chair (or vice-chair in their place), by chair's action."""

from __future__ import annotations

from datetime import date, timedelta

from ifr_service.cases.models import Case
from ifr_service.errors import Conflict, Forbidden
from ifr_service.panels import queries
from ifr_service.panels.models import Panel, PanelKind, PanelMeeting, PanelRole
from ifr_service.panels.service import has_declared_interest, quorum_for_case, seat_of
from ifr_service.runtime import runtime
from ifr_service.users.models import Role, User

SCREENS_BETWEEN_MEETINGS = (PanelRole.CHAIR, PanelRole.VICE_CHAIR)
SCREENING_ACTIONS = ("screen_not_responsible", "screen_routinely_commissioned", "screen_cohort",
                     "screen_to_panel")


def screening_group_for(case: Case) -> Panel | None:
    if case.region_id is None:
        return None
    return queries.find_panel_for_region(case.region_id, PanelKind.SCREENING_GROUP)


def check_group_may_screen(case: Case, actor: User, today: date) -> dict:
    """Whether the screening outcome may be recorded now, by this person; what the event records
    (who screened it, and at which meeting). Each refusal says what would let it be recorded."""
    group = screening_group_for(case)
    if group is None:
        raise Conflict("The case's region has no screening group to screen it.",
                       fix="An administrator sets up the region's screening group (a panel of kind "
                           "screening_group) with its members.")
    if actor.role == Role.PANEL_CHAIR:
        return _chairs_action(case, actor, group, today)
    if actor.role != Role.CASE_OFFICER or actor.hub_id != group.hub_id:
        raise Forbidden(f"Only the lead hub's IFR team, who minute the {group.name}, record its "
                        "screening outcomes.")
    meeting = queries.find_latest_meeting_for_case(case.id, today, PanelKind.SCREENING_GROUP)
    if meeting is None:
        raise Conflict(f"The case is not on the agenda of a meeting of the {group.name} held yet.",
                       fix="Add the case to the agenda of the group's meeting, and record the group's "
                           "outcome on or after the day of that meeting.")
    result = quorum_for_case(meeting, case)
    if not result.quorate:
        raise Conflict(f"The {group.name}'s meeting of {meeting.meeting_date:%-d %B %Y} is not quorate "
                       f"for this case: it lacks {', '.join(result.missing)}.",
                       fix=f"Record as present, on the meeting's page, {', '.join(result.missing)} with no "
                           "interest in the case; or add such a member to the group.")
    return {"decided_by": "screening group", "panel_meeting": {
        "id": meeting.id, "date": meeting.meeting_date.isoformat(), "panel": group.name}}


def _chairs_action(case: Case, actor: User, group: Panel, today: date) -> dict:
    seat = seat_of(actor, group.id)
    if seat is None or seat.panel_role not in SCREENS_BETWEEN_MEETINGS:
        raise Forbidden(f"Only the chair of the {group.name} screens a case between its meetings.")
    urgency = runtime().workflows[case.route].urgency(case.urgency)
    if urgency is None or not urgency.urgent:
        raise Conflict("Only a clinically critically urgent case is screened by the chair between "
                       "meetings: a routine case is screened at the group's meeting.",
                       fix="The IFR team puts the case on the agenda of the group's next meeting.")
    if has_declared_interest(case, actor, today):
        raise Conflict("You declared an interest in this case, so you cannot screen it.",
                       fix="The vice-chair screens it, or the group at its meeting.")
    return {"decided_by": "screening chair's action", "screening_group": {"id": group.id, "name": group.name}}


def may_screen_by_chairs_action(case: Case, actor: User) -> bool:
    """Whether the screening outcomes are offered to a panel chair: only to the chair of the case's
    screening group, for an urgent case they have no interest in."""
    group = screening_group_for(case)
    if group is None:
        return False
    try:
        _chairs_action(case, actor, group, runtime().today())
    except (Conflict, Forbidden):
        return False
    return True


def next_meeting_due(panel: Panel, last: PanelMeeting | None = None) -> date | None:
    """When a screening group's next meeting is due: a configured interval after its latest meeting
    (SCREENING_GROUP_MEETING_INTERVAL_DAYS, 7 by default: weekly, PQ 224945), or today if it has never
    met. None for the other kinds of panel, which meet when their work needs them."""
    if panel.kind != PanelKind.SCREENING_GROUP:
        return None
    last = last or queries.find_latest_meeting(panel.id)
    if last is None:
        return runtime().today()
    return last.meeting_date + timedelta(days=runtime().config.screening_group_meeting_interval_days)
