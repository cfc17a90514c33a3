"""What the meeting page changes: who is present, the agenda's order and contents, and the
withdrawal of a mistaken declaration of interest. Each form posts here and calls the panel service
the API calls; a refusal comes back as the meeting page with the error beside its form.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from ifr_service.audit.models import CHANGE
from ifr_service.audit.recording import note_case_seen
from ifr_service.cases.queries import get_case_by_id
from ifr_service.errors import ValidationFailed
from ifr_service.panels import queries, service
from ifr_service.panels.views import _agenda_case, _meeting, _meeting_page, panel_pages
from ifr_service.runtime import runtime
from ifr_service.users.access import HUB_TEAM, RUNS_MEETINGS, current_user
from ifr_service.web.requests import ID
from ifr_service.web.session import page_allow


@panel_pages.post(f"/panel/meetings/<{ID}:meeting_id>/attendance")
@page_allow(*RUNS_MEETINGS)
def record_attendance(meeting_id: int):
    meeting = _meeting(meeting_id, run=True)
    try:
        chosen = [int(value) for value in request.form.getlist("attendee_ids")]
    except ValueError:
        chosen = None
    try:
        if chosen is None:
            raise ValidationFailed({"attendee_ids": "Choose the members present from the list."})
        service.record_attendance(meeting, chosen)
    except ValidationFailed as error:
        return _meeting_page(meeting, {"attendee_ids": "\n".join(request.form.getlist("attendee_ids"))},
                             error.fields)
    present = len(meeting.attendee_ids)
    flash(f"Attendance recorded: {present} member{'' if present == 1 else 's'} present.")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id, _anchor="attendance"))


@panel_pages.post(f"/panel/meetings/<{ID}:meeting_id>/agenda/<reference>/move")
@page_allow(*RUNS_MEETINGS)
def move_on_agenda(meeting_id: int, reference: str):
    meeting = _meeting(meeting_id, run=True)
    case = _agenda_case(meeting, reference)
    direction = request.form.get("direction", "")
    try:
        service.move_on_agenda(meeting, case, direction)
    except ValidationFailed as error:
        return _meeting_page(meeting, {}, error.fields)
    flash(f"{case.public_reference} moved {direction} the agenda.")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id, _anchor="agenda"))


@panel_pages.post(f"/panel/meetings/<{ID}:meeting_id>/agenda/<reference>/removal")
@page_allow(*RUNS_MEETINGS)
def remove_from_agenda(meeting_id: int, reference: str):
    meeting = _meeting(meeting_id, run=True)
    case = _agenda_case(meeting, reference)
    service.remove_from_agenda(meeting, case)
    flash(f"{case.public_reference} is off this meeting's agenda; it stays ready for panel.")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id, _anchor="agenda"))


@panel_pages.post(f"/panel/meetings/<{ID}:meeting_id>/conflicts/<{ID}:conflict_id>/withdrawal")
@page_allow(*HUB_TEAM)
def withdraw_conflict(meeting_id: int, conflict_id: int):
    """Only the member the declaration binds (before the case is before a meeting) or the panel's
    chair may: who may is checked before what they wrote, as in the API."""
    meeting, user = _meeting(meeting_id), current_user()
    conflict = next((c for c in queries.find_conflicts(meeting.id) if c.id == conflict_id), None)
    if conflict is not None:
        service.check_may_withdraw(meeting, conflict, user, runtime().today())
    reason = request.form.get("reason", "")
    try:
        withdrawn = service.withdraw_conflict(meeting, conflict_id, user, reason)
    except ValidationFailed as error:
        return _meeting_page(meeting, {f"withdrawal.{conflict_id}.reason": reason},
                             {f"withdrawal.{conflict_id}.reason": error.fields.get("reason", [])})
    note_case_seen(user, get_case_by_id(withdrawn.case_id), action=CHANGE)
    flash("The declaration of interest is withdrawn; the minutes keep it, with who withdrew it and why.")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id, _anchor="conflicts"))
