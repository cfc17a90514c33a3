"""The panels API: panels and members (administrators), meetings (the lead hub's IFR team)."""

from __future__ import annotations

from flask import Blueprint

from ifr_service.audit.models import CHANGE, READ
from ifr_service.audit.recording import note_case_seen, note_cases_shown, note_list_shown
from ifr_service.cases import evidence, presenters, similar
from ifr_service.cases.queries import get_attachment_content, get_case_by_id
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.panels import queries, review, screening, service
from ifr_service.panels.models import PanelKind
from ifr_service.panels.schemas import (
    AgendaMoveSchema,
    AttendanceSchema,
    ConflictWithdrawalSchema,
    MeetingSchema,
    MemberChangesSchema,
    MinutesSchema,
    NewConflictSchema,
    NewMeetingSchema,
    NewMemberSchema,
    NewPanelSchema,
    PanelPackSchema,
    PanelSchema,
)
from ifr_service.reference.models import Hub, Region
from ifr_service.reference.queries import find_organisation
from ifr_service.runtime import runtime
from ifr_service.users.access import HUB_TEAM, RUNS_MEETINGS, allow, current_user
from ifr_service.users.models import Role
from ifr_service.users.queries import get_user_by_id
from ifr_service.web.requests import ID, file_download, load_json

panels = Blueprint("panels", __name__)


@panels.get("/panels")
@allow(*HUB_TEAM, Role.ADMIN)  # who sits on which panel: administrators keep it
def list_panels():
    """Panels.
    ---
    get:
      summary: The regional panels (IFR panels, screening groups, review panels), with members and quorum
      tags: [panels]
      responses:
        200: {description: Panels, content: {application/json: {schema: {type: array, items: Panel}}}}
    """
    return PanelSchema(many=True).dump([_panel(panel) for panel in queries.find_panels()])


@panels.post("/panels")
@allow(Role.ADMIN)
def create_panel():
    """Set up a panel.
    ---
    post:
      summary: Set up a region's IFR panel, screening group or review panel, run by its lead hub
      tags: [panels]
      requestBody: {required: true, content: {application/json: {schema: NewPanel}}}
      responses:
        201: {description: The panel, content: {application/json: {schema: Panel}}}
        422: {description: Errors, content: {application/json: {schema: Error}}}
    """
    body = load_json(NewPanelSchema())
    panel = service.create_panel(body["name"], body["hub_code"], body.get("quorum"), body["kind"])
    return PanelSchema().dump(_panel(panel)), 201


@panels.post(f"/panels/<{ID}:panel_id>/members")
@allow(Role.ADMIN)
def add_member(panel_id: int):
    """Add a member.
    ---
    post:
      summary: Add a panel chair or panel member to the panel, with their role on it
      tags: [panels]
      parameters: [{in: path, name: panel_id, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: NewMember}}}
      responses:
        201: {description: The panel, content: {application/json: {schema: Panel}}}
        422: {description: Errors, content: {application/json: {schema: Error}}}
    """
    panel = queries.get_panel(panel_id)
    body = load_json(NewMemberSchema())
    service.add_member(panel, body["username"], body["panel_role"])
    return PanelSchema().dump(_panel(panel)), 201


@panels.patch(f"/panels/<{ID}:panel_id>/members/<{ID}:member_id>")
@allow(Role.ADMIN)
def update_member(panel_id: int, member_id: int):
    """Change a member.
    ---
    patch:
      summary: Change a member's role on the panel, or stand them down
      tags: [panels]
      parameters:
        - {in: path, name: panel_id, required: true, schema: {type: integer}}
        - {in: path, name: member_id, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: MemberChanges}}}
      responses:
        200: {description: The panel, content: {application/json: {schema: Panel}}}
        404: {description: No such member, content: {application/json: {schema: Error}}}
        422: {description: Errors, content: {application/json: {schema: Error}}}
    """
    panel = queries.get_panel(panel_id)
    service.update_member(panel, member_id, load_json(MemberChangesSchema()))
    return PanelSchema().dump(_panel(panel))


@panels.post(f"/panels/<{ID}:panel_id>/meetings")
@allow(*RUNS_MEETINGS)
def schedule_meeting(panel_id: int):
    """Schedule a meeting.
    ---
    post:
      summary: Schedule a panel meeting (ordinary, extraordinary or review)
      tags: [panels]
      parameters: [{in: path, name: panel_id, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: NewMeeting}}}
      responses:
        201: {description: The meeting, content: {application/json: {schema: Meeting}}}
        422: {description: Errors, content: {application/json: {schema: Error}}}
    """
    panel = queries.get_panel(panel_id)
    service.check_runs_panel(current_user(), panel)
    body = load_json(NewMeetingSchema())
    meeting = service.schedule_meeting(panel, body["meeting_date"], body["kind"], body["attendee_ids"])
    return MeetingSchema().dump(_meeting(meeting)), 201


@panels.get(f"/meetings/<{ID}:meeting_id>")
@allow(*HUB_TEAM)
def get_meeting(meeting_id: int):
    """A meeting.
    ---
    get:
      summary: A meeting, its attendees and its agenda, with quorum for each case
      tags: [panels]
      parameters: [{in: path, name: meeting_id, required: true, schema: {type: integer}}]
      responses:
        200: {description: The meeting, content: {application/json: {schema: Meeting}}}
    """
    meeting = _meeting_read_by_caller(meeting_id)
    return MeetingSchema().dump(_meeting(meeting))


@panels.get(f"/meetings/<{ID}:meeting_id>/pack")
@allow(*HUB_TEAM)
def panel_pack(meeting_id: int):
    """The panel pack.
    ---
    get:
      summary: Each agenda case as the panel reads it, without patient identifiers
      description: >-
        The application without the patient's name, NHS number, date of birth (their age
        instead) or the clinician's contact details; the screening notes; the policy named at
        screening; and similar requests nationally with their outcomes. A Review Panel's pack
        adds, per case, the decision under review, the request and its initial consideration.
      tags: [panels]
      parameters: [{in: path, name: meeting_id, required: true, schema: {type: integer}}]
      responses:
        200: {description: The pack, content: {application/json: {schema: PanelPack}}}
    """
    meeting = _meeting_read_by_caller(meeting_id)
    today = runtime().today()
    agenda = queries.find_agenda(meeting.id)
    reviews = queries.get_panel(meeting.panel_id).kind == PanelKind.REVIEW_PANEL
    note_cases_shown(current_user(), [case for _, case in agenda])
    return PanelPackSchema().dump({
        "meeting_id": meeting.id, "meeting_date": meeting.meeting_date,
        "cases": [{
            "position": item.position, "reference": case.public_reference, "urgency": case.urgency,
            "application": similar.deidentified_application(case, today),
            "screening_notes": similar.screening_notes(case),
            "similar_requests": presenters.similar_requests(case),
            "evidence": [evidence.present_panel_copy(copy) for copy in evidence.panel_copies(case)],
            "review": _review_papers(case) if reviews else [],
        } for item, case in agenda],
    })


@panels.get(f"/meetings/<{ID}:meeting_id>/cases/<reference>/evidence/<{ID}:attachment_id>")
@allow(*HUB_TEAM)
def panel_evidence(meeting_id: int, reference: str, attachment_id: int):
    """A file of the panel pack.
    ---
    get:
      summary: A file the IFR team chose for the panel (a redacted copy where the original has identifiers)
      description: >-
        Only the files the pack lists: an unmarked file, or an original behind its redacted copy,
        is answered 404 whatever its id. Read by those who read the meeting's pack.
      tags: [panels]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: reference, required: true, schema: {type: string}}
        - {in: path, name: attachment_id, required: true, schema: {type: integer}}
      responses:
        200: {description: The file, content: {application/octet-stream: {}}}
        404: {description: No such file in the pack, content: {application/json: {schema: Error}}}
    """
    meeting = _meeting_read_by_caller(meeting_id)
    case = next((case for _, case in queries.find_agenda(meeting.id)
                 if reference in (case.reference, case.draft_reference)), None)
    if case is None:
        raise NotFound("That case is not on this meeting's agenda.", field="reference")
    note_case_seen(current_user(), case, action=READ)
    copy = evidence.get_panel_copy(case, attachment_id)
    return file_download(get_attachment_content(copy.attachment), copy.attachment.content_type,
                         f"{case.public_reference}-{copy.filename}")


@panels.get(f"/meetings/<{ID}:meeting_id>/minutes")
@allow(*HUB_TEAM)
def meeting_minutes(meeting_id: int):
    """The minutes of a meeting.
    ---
    get:
      summary: A meeting's minutes, by reference only (no patient identifiers)
      description: >-
        Who was present and who was not, the interests declared (and any withdrawn), and each
        case's outcome with its reasons: an IFR panel's decisions, a screening group's screening
        outcomes. Read by those who read the meeting's pack.
      tags: [panels]
      parameters: [{in: path, name: meeting_id, required: true, schema: {type: integer}}]
      responses:
        200: {description: The minutes, content: {application/json: {schema: Minutes}}}
    """
    meeting = _meeting_read_by_caller(meeting_id)
    panel = queries.get_panel(meeting.panel_id)
    members = queries.find_members_with_users(panel.id)
    names = {member.id: user.display_name for member, user in members}
    agenda = {case.id: case.public_reference for _, case in queries.find_agenda(meeting.id)}
    outcomes = queries.find_meeting_decisions(meeting.id)
    note_cases_shown(current_user(), [case for case, _ in outcomes])

    def seat(member, user) -> dict:
        return {"member_id": member.id, "display_name": user.display_name, "panel_role": member.panel_role}

    return MinutesSchema().dump({
        "meeting_id": meeting.id, "panel": panel.name, "panel_kind": panel.kind,
        "meeting_date": meeting.meeting_date, "kind": meeting.kind,
        "present": [seat(m, u) for m, u in members if m.id in meeting.attendee_ids],
        "absent": [seat(m, u) for m, u in members if m.id not in meeting.attendee_ids],
        "conflicts": [{"reference": agenda.get(c.case_id), "member_id": c.member_id,
                       "member": names.get(c.member_id, "A former member"), "details": c.details,
                       "withdrawn": c.withdrawn_utc is not None, "withdrawal_reason": c.withdrawal_reason}
                      for c in queries.find_conflicts(meeting.id, include_withdrawn=True)],
        "outcomes": [_outcome(case, event) for case, event in outcomes],
    })


def _outcome(case, event) -> dict:
    workflow = runtime().workflows[case.route]
    action = next(action for action in workflow.actions
                  if action.event == event.name and action.to == event.to_state)
    return {"reference": case.public_reference, "action": action.key,
            "outcome": workflow.state(event.to_state).title,
            "recorded_by": get_user_by_id(event.actor_id).display_name, "recorded_utc": event.occurred_utc,
            "reasons": {field.key: event.payload[field.key] for field in action.payload
                        if event.payload.get(field.key) not in (None, "")}}


@panels.post(f"/meetings/<{ID}:meeting_id>/agenda")
@allow(*RUNS_MEETINGS)
def build_agenda(meeting_id: int):
    """Build the agenda.
    ---
    post:
      summary: Put every case of the region that is ready for panel on the meeting's agenda
      tags: [panels]
      parameters: [{in: path, name: meeting_id, required: true, schema: {type: integer}}]
      responses:
        200: {description: The meeting, content: {application/json: {schema: Meeting}}}
    """
    meeting = _meeting_run_by_caller(meeting_id)
    service.build_agenda(meeting)
    return MeetingSchema().dump(_meeting(meeting))


@panels.delete(f"/meetings/<{ID}:meeting_id>/agenda/<reference>")
@allow(*RUNS_MEETINGS)
def remove_from_agenda(meeting_id: int, reference: str):
    """Take a case off the agenda.
    ---
    delete:
      summary: Take a case off the meeting's agenda before the meeting decides it
      description: The case stays ready for panel, for another meeting; the others close up in order.
      tags: [panels]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: reference, required: true, schema: {type: string}}
      responses:
        200: {description: The meeting, content: {application/json: {schema: Meeting}}}
        409: {description: The meeting decided the case, content: {application/json: {schema: Error}}}
        422: {description: The case is not on the agenda, content: {application/json: {schema: Error}}}
    """
    meeting = _meeting_run_by_caller(meeting_id)
    service.remove_from_agenda(meeting, _agenda_case(meeting, reference))
    return MeetingSchema().dump(_meeting(meeting))


@panels.post(f"/meetings/<{ID}:meeting_id>/agenda/<reference>/move")
@allow(*RUNS_MEETINGS)
def move_on_agenda(meeting_id: int, reference: str):
    """Move a case up or down the agenda.
    ---
    post:
      summary: Move a case one place up (heard sooner) or down the agenda
      tags: [panels]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: reference, required: true, schema: {type: string}}
      requestBody: {required: true, content: {application/json: {schema: AgendaMove}}}
      responses:
        200: {description: The meeting, content: {application/json: {schema: Meeting}}}
        422: {description: Errors, content: {application/json: {schema: Error}}}
    """
    meeting = _meeting_run_by_caller(meeting_id)
    case = _agenda_case(meeting, reference)
    service.move_on_agenda(meeting, case, load_json(AgendaMoveSchema())["direction"])
    return MeetingSchema().dump(_meeting(meeting))


@panels.put(f"/meetings/<{ID}:meeting_id>/attendance")
@allow(*RUNS_MEETINGS)
def record_attendance(meeting_id: int):
    """Record who attended.
    ---
    put:
      summary: Record the members present
      tags: [panels]
      parameters: [{in: path, name: meeting_id, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: Attendance}}}
      responses:
        200: {description: The meeting, content: {application/json: {schema: Meeting}}}
        422: {description: Errors, content: {application/json: {schema: Error}}}
    """
    meeting = _meeting_run_by_caller(meeting_id)
    service.record_attendance(meeting, load_json(AttendanceSchema())["attendee_ids"])
    return MeetingSchema().dump(_meeting(meeting))


@panels.post(f"/meetings/<{ID}:meeting_id>/conflicts")
@allow(*HUB_TEAM)
def declare_conflict(meeting_id: int):
    """Declare a conflict of interest.
    ---
    post:
      summary: Record a member's interest in a case; they take no part in deciding it
      tags: [panels]
      parameters: [{in: path, name: meeting_id, required: true, schema: {type: integer}}]
      requestBody: {required: true, content: {application/json: {schema: NewConflict}}}
      responses:
        201: {description: The meeting, content: {application/json: {schema: Meeting}}}
        422: {description: Errors, content: {application/json: {schema: Error}}}
    """
    meeting = _meeting_read_by_caller(meeting_id)
    body = load_json(NewConflictSchema())
    case = _agenda_case(meeting, body["case_reference"])
    service.declare_conflict(meeting, case, body["member_id"], body["details"], current_user())
    note_case_seen(current_user(), case, action=CHANGE)
    return MeetingSchema().dump(_meeting(meeting)), 201


@panels.post(f"/meetings/<{ID}:meeting_id>/conflicts/<{ID}:conflict_id>/withdrawal")
@allow(Role.PANEL_CHAIR, Role.PANEL_MEMBER)
def withdraw_conflict(meeting_id: int, conflict_id: int):
    """Withdraw a declaration of interest.
    ---
    post:
      summary: Withdraw a declaration, saying why, before the meeting decides the case
      description: >-
        The member the declaration binds may withdraw it only before the case is before a meeting;
        then only the panel's chair may (not their own, nor in a case they have an interest in).
        The declaration is kept, marked withdrawn with who, when and why; after the decision it stands.
      tags: [panels]
      parameters:
        - {in: path, name: meeting_id, required: true, schema: {type: integer}}
        - {in: path, name: conflict_id, required: true, schema: {type: integer}}
      requestBody: {required: true, content: {application/json: {schema: ConflictWithdrawal}}}
      responses:
        200: {description: The meeting, content: {application/json: {schema: Meeting}}}
        403:
          description: Neither the member bound nor the chair
          content: {application/json: {schema: Error}}
        404: {description: No such declaration, content: {application/json: {schema: Error}}}
        409:
          description: The case is decided, or (for the member bound) the case is before a meeting
          content: {application/json: {schema: Error}}
        422: {description: No reason given, content: {application/json: {schema: Error}}}
    """
    meeting, user = _meeting_read_by_caller(meeting_id), current_user()
    conflict = next((c for c in queries.find_conflicts(meeting.id) if c.id == conflict_id), None)
    if conflict is not None:  # who may is checked first; what they sent after
        service.check_may_withdraw(meeting, conflict, user, runtime().today())
    reason = load_json(ConflictWithdrawalSchema())["reason"]
    conflict = service.withdraw_conflict(meeting, conflict_id, user, reason)
    note_case_seen(user, get_case_by_id(conflict.case_id), action=CHANGE)
    return MeetingSchema().dump(_meeting(meeting))


def _review_papers(case) -> list[dict]:
    return [{"event": paper["event"].name, "occurred_utc": paper["event"].occurred_utc,
             "payload": paper["payload"]} for paper in review.review_papers(case)]


def _meeting_read_by_caller(meeting_id: int):
    meeting = queries.get_meeting(meeting_id)
    service.check_reads_panel(current_user(), queries.get_panel(meeting.panel_id))
    return meeting


def _meeting_run_by_caller(meeting_id: int):
    meeting = queries.get_meeting(meeting_id)
    service.check_runs_panel(current_user(), queries.get_panel(meeting.panel_id))
    return meeting


def _agenda_case(meeting, reference: str):
    """A case of the meeting's agenda, by reference: any other is answered alike, so the reference
    of a case elsewhere is not confirmed."""
    case = next((case for _, case in queries.find_agenda(meeting.id)
                 if reference in (case.reference, case.draft_reference)), None)
    if case is None:
        raise ValidationFailed({"case_reference": "The case is not on this meeting's agenda."})
    return case


def _panel(panel) -> dict:
    members = []
    for member in queries.find_members(panel.id):
        user = get_user_by_id(member.user_id)
        members.append({"id": member.id, "username": user.username, "display_name": user.display_name,
                        "panel_role": member.panel_role, "is_active": member.is_active})
    return {"id": panel.id, "name": panel.name, "kind": panel.kind,
            "hub": find_organisation(Hub, panel.hub_id)["code"],
            "region": find_organisation(Region, panel.region_id)["code"], "quorum": panel.quorum,
            "members": members}


def _meeting(meeting) -> dict:
    agenda, listed = [], queries.find_agenda(meeting.id)
    note_list_shown(current_user(), f"list:panel-agenda:{meeting.id}")  # references and states: no patient
    for item, case in listed:
        result = service.quorum_for_case(meeting, case)
        agenda.append({
            "position": item.position, "reference": case.public_reference, "state": case.state,
            "urgency": case.urgency,
            "conflicted_member_ids": [c.member_id for c in queries.find_conflicts(meeting.id, case.id)],
            "conflicts": [{"id": c.id, "member_id": c.member_id, "details": c.details,
                           "declared_by": _username(c.declared_by_id)}
                          for c in queries.find_conflicts(meeting.id, case.id)],
            "withdrawn_conflicts": _withdrawn_conflicts(meeting, case),
            "quorum": {"quorate": result.quorate, "present": result.present,
                       "missing": list(result.missing)},
        })
    panel = queries.get_panel(meeting.panel_id)
    return {"id": meeting.id, "panel_id": meeting.panel_id, "panel_kind": panel.kind,
            "meeting_date": meeting.meeting_date, "kind": meeting.kind, "attendee_ids": meeting.attendee_ids,
            "agenda": agenda, "next_meeting_due": screening.next_meeting_due(panel, meeting)}


def _withdrawn_conflicts(meeting, case) -> list[dict]:
    return [{"id": c.id, "member_id": c.member_id, "details": c.details, "declared_utc": c.declared_utc,
             "declared_by": _username(c.declared_by_id),
             "withdrawn_utc": c.withdrawn_utc, "reason": c.withdrawal_reason,
             "withdrawn_by": get_user_by_id(c.withdrawn_by_id).username}
            for c in queries.find_conflicts(meeting.id, case.id, include_withdrawn=True) if c.withdrawn_utc]


def _username(user_id: int | None) -> str | None:
    """Who recorded a declaration (none for one recorded before migration 0016 kept it)."""
    return get_user_by_id(user_id).username if user_id is not None else None
