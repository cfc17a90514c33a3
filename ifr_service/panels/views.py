"""The regional panels' pages (the IFR panel's and the screening group's): their meetings, each
meeting's agenda, the pack of one case and the minutes.

The lead hub's IFR team runs the panel, so these pages are theirs; they call the same panel
service as the API, and a decision is taken on the case's own action page, whose guard decides
whether this meeting may make it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate

from ifr_service.audit.models import CHANGE, READ
from ifr_service.audit.recording import note_case_seen, note_cases_shown, note_list_shown
from ifr_service.cases import actions, evidence, presenters, similar
from ifr_service.cases import service as cases
from ifr_service.cases.models import Case
from ifr_service.cases.queries import get_attachment_content
from ifr_service.cases.views import ELSEWHERE
from ifr_service.errors import (
    Conflict,
    Forbidden,
    IfrError,
    NotFound,
    ValidationFailed,
    flatten_marshmallow_errors,
)
from ifr_service.forms.answers import INTERVENTION_NAME, read_answer
from ifr_service.forms.definition import FieldDefinition, FormDefinition, parse_field
from ifr_service.panels import queries, review, screening, service
from ifr_service.panels.models import Panel, PanelKind, PanelMeeting
from ifr_service.panels.schemas import NewConflictSchema, NewMeetingSchema
from ifr_service.runtime import runtime
from ifr_service.users.access import HUB_TEAM, RUNS_MEETINGS, current_user
from ifr_service.users.models import Role
from ifr_service.users.queries import get_user_by_id
from ifr_service.web.fields import answer_text, posted_values, read_fields
from ifr_service.web.requests import ID, file_download
from ifr_service.web.session import page_allow

panel_pages = Blueprint("panels", __name__)
KINDS = [{"value": "ordinary", "label": "Ordinary"}, {"value": "extraordinary", "label": "Extraordinary"},
         {"value": "review", "label": "Review"}]
KIND_TITLES = {kind["value"]: kind["label"] for kind in KINDS}
# Who the request is for and from, as far as the panel may know (similar.deidentified_application).
ABOUT = [("patient", "age_in_years", "Patient's age"), ("patient", "sex", "Patient's sex"),
         ("clinician", "role", "Requesting clinician's role"),
         ("clinician", "provider_trust", "Provider trust")]


class MeetingForm(NewMeetingSchema):
    meeting_date = fields.Date(required=True, error_messages={
        "required": "Enter the date of the meeting.",
        "invalid": "Enter the date of the meeting as a real date, for example 30 11 2026."})


class ConflictForm(NewConflictSchema):
    case_reference = fields.String(required=True, error_messages={
        "required": "Choose the case the interest is in."})
    member_id = fields.Integer(required=True, error_messages={
        "required": "Choose the member who has the interest."})
    details = fields.String(required=True, validate=validate.Length(
        min=1, max=1000, error="Say what the interest is, in up to 1,000 characters."),
        error_messages={"required": "Say what the interest is."})


@panel_pages.get("/panel/meetings")
@page_allow(*HUB_TEAM)
def list_meetings():
    return _meetings_page({}, None, request.args.get("panel", type=int))


@panel_pages.post(f"/panel/<{ID}:panel_id>/meetings")
@page_allow(*RUNS_MEETINGS)
def schedule_meeting(panel_id: int):
    panel = queries.get_panel(panel_id)
    service.check_runs_panel(current_user(), panel)
    try:
        posted = _load(MeetingForm(), read_fields(_meeting_fields(panel), request.form))
        meeting = service.schedule_meeting(panel, posted["meeting_date"], posted["kind"],
                                           posted["attendee_ids"])
    except ValidationFailed as error:
        return _meetings_page(posted_values(request.form), error.fields, panel.id), 422
    flash(f"The meeting of {meeting.meeting_date:%-d %B %Y} is scheduled.")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


@panel_pages.get(f"/panel/meetings/<{ID}:meeting_id>")
@page_allow(*HUB_TEAM)
def show_meeting(meeting_id: int):
    return _meeting_page(_meeting(meeting_id), {}, None)


@panel_pages.post(f"/panel/meetings/<{ID}:meeting_id>/agenda")
@page_allow(*RUNS_MEETINGS)
def build_agenda(meeting_id: int):
    meeting = _meeting(meeting_id, run=True)
    before = len(queries.find_agenda(meeting.id))
    agenda = service.build_agenda(meeting)
    added = len(agenda) - before
    kind = queries.get_panel(meeting.panel_id).kind
    waiting = {PanelKind.SCREENING_GROUP: "awaiting screening",
               PanelKind.REVIEW_PANEL: "awaiting review"}.get(kind, "ready for panel")
    flash(f"{added} case{'' if added == 1 else 's'} {waiting} added: the agenda has {len(agenda)}.")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


@panel_pages.post(f"/panel/meetings/<{ID}:meeting_id>/conflicts")
@page_allow(*HUB_TEAM)
def declare_conflict(meeting_id: int):
    meeting = _meeting(meeting_id)
    try:
        posted = _load(ConflictForm(), read_fields(_conflict_fields(meeting, _agenda_cases(meeting)),
                                                   request.form))
        case = _agenda_case_for_declaring(meeting, posted["case_reference"])
        service.declare_conflict(meeting, case, posted["member_id"], posted["details"], current_user())
        note_case_seen(current_user(), case, action=CHANGE)
    except ValidationFailed as error:
        return _meeting_page(meeting, posted_values(request.form), error.fields)
    flash(f"The interest in {case.public_reference} is recorded: that member takes no part in deciding it.")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


@panel_pages.get(f"/panel/meetings/<{ID}:meeting_id>/cases/<reference>")
@page_allow(*HUB_TEAM)
def case_pack(meeting_id: int, reference: str):
    meeting = _meeting(meeting_id)
    case, user = _agenda_case(meeting, reference), current_user()
    form = runtime().forms.get(case.form_key, case.form_version)
    application = similar.deidentified_application(case, runtime().today())
    notes = similar.screening_notes(case)
    pack = {PanelKind.SCREENING_GROUP: "Screening pack", PanelKind.REVIEW_PANEL: "Review Panel pack"}.get(
        queries.get_panel(meeting.panel_id).kind, "Panel pack")
    return render_template(
        "panels/pack.html", title=f"{pack}: {case.public_reference}", pack=pack, meeting=meeting, case=case,
        form=form, application=application, about=_about(form, application), notes=notes,
        note_labels=_payload_labels(), similar=presenters.similar_requests(case),
        policy_named=[n["notes"]["policy_reference"] for n in notes if n["notes"].get("policy_reference")],
        workflow=runtime().workflows["ifr"], quorum=service.quorum_for_case(meeting, case),
        evidence=evidence.panel_copies(case), review_papers=_review_papers(meeting, case),
        actions=[a for a in cases.actions_for(case, user)
                 if a.key not in ELSEWHERE and _may_start(case, a.key, user)],
        blocked=_decision_blocked(case, user, meeting),
        back=url_for(".case_pack", meeting_id=meeting.id, reference=case.public_reference))


@panel_pages.get(f"/panel/meetings/<{ID}:meeting_id>/cases/<reference>/evidence/<{ID}:attachment_id>")
@page_allow(*HUB_TEAM)
def pack_evidence(meeting_id: int, reference: str, attachment_id: int):
    """A file of the pack: only one the IFR team chose for the panel (cases/evidence.py)."""
    case = _agenda_case(_meeting(meeting_id), reference)
    copy = evidence.get_panel_copy(case, attachment_id)
    return file_download(get_attachment_content(copy.attachment), copy.attachment.content_type,
                         f"{case.public_reference}-{copy.filename}")


@panel_pages.get(f"/panel/meetings/<{ID}:meeting_id>/minutes")
@page_allow(*HUB_TEAM)
def minutes(meeting_id: int):
    meeting = _meeting(meeting_id)
    members = queries.find_members_with_users(meeting.panel_id)
    decisions = minutes_decisions(meeting)
    agenda = _agenda_cases(meeting)
    note_cases_shown(current_user(), [*agenda, *(decision["case"] for decision in decisions)])
    title = f"Minutes of the meeting of {meeting.meeting_date:%-d %B %Y}"
    return render_template("panels/minutes.html", title=title, meeting=meeting, members=members,
                           panel=queries.get_panel(meeting.panel_id), decisions=decisions,
                           conflicts=_conflicts(agenda, queries.find_conflicts(meeting.id), members),
                           withdrawn=_conflicts(agenda, [c for c in queries.find_conflicts(
                               meeting.id, include_withdrawn=True) if c.withdrawn_utc], members),
                           kinds=KIND_TITLES, screening=_is_screening(meeting))


def minutes_decisions(meeting: PanelMeeting) -> list[dict]:
    """What the meeting decided, in agenda order: each case's outcome (a screening group's, or an IFR
    panel's decision) with the event that records it and its reasons, and who recorded it."""
    workflow = runtime().workflows["ifr"]
    return [{"case": case, "event": event, "outcome": workflow.state(event.to_state).title,
             "action": _action_for(event), "by": get_user_by_id(event.actor_id).display_name}
            for case, event in queries.find_meeting_decisions(meeting.id)]


def _meetings_page(values: dict, errors: dict | None, panel_id: int | None = None):
    """The meetings of each panel the person reads, and one scheduling form: for the panel asked
    for (`?panel=`), else the first they run (an IFR panel before a screening group)."""
    today, user = runtime().today(), current_user()
    panels = [_panel_view(panel, today) for panel in service.panels_read_by(user)]
    runs = [view for view in panels if user.role in RUNS_MEETINGS and _may_run_panel(view["panel"])]
    for view in runs:
        view["schedule_link"] = url_for(".list_meetings", panel=view["panel"].id, _anchor="schedule")
    runs.sort(key=lambda view: view["panel"].kind != PanelKind.IFR_PANEL)
    schedulable = next((view for view in runs if view["panel"].id == panel_id), runs[0] if runs else None)
    kind = "review" if schedulable and schedulable["panel"].kind == PanelKind.REVIEW_PANEL else "ordinary"
    return render_template("panels/meetings.html", title="Panel meetings", panels=panels, kinds=KIND_TITLES,
                           schedulable=schedulable,
                           values=values or {"kind": kind}, errors=errors,
                           meeting_fields=_meeting_fields(schedulable["panel"]) if schedulable else ())


def _panel_view(panel: Panel, today) -> dict:
    meetings = queries.find_meetings(panel.id)
    return {"panel": panel, "active": sum(1 for m in queries.find_members(panel.id) if m.is_active),
            "agenda_sizes": queries.count_agenda_items([m.id for m in meetings]),
            "upcoming": [m for m in meetings if m.meeting_date >= today],
            "past": [m for m in reversed(meetings) if m.meeting_date < today],
            "next_due": screening.next_meeting_due(panel, meetings[-1] if meetings else None),
            "interval_days": runtime().config.screening_group_meeting_interval_days}


def _may_run_panel(panel: Panel) -> bool:
    try:
        service.check_runs_panel(current_user(), panel)
    except IfrError:
        return False
    return True


def _is_screening(meeting: PanelMeeting) -> bool:
    return queries.get_panel(meeting.panel_id).kind == PanelKind.SCREENING_GROUP


def _meeting_page(meeting: PanelMeeting, values: dict, errors: dict | None):
    user, members = current_user(), queries.find_members_with_users(meeting.panel_id)
    cases, declared = _agenda_cases(meeting), queries.find_conflicts(meeting.id)
    note_list_shown(user, f"list:panel-agenda:{meeting.id}")  # references and treatments: no patient
    decided = service.decided_at(meeting)
    agenda = [{"case": case, "quorum": service.quorum_for_case(meeting, case), "decided": case.id in decided,
               "conflicts": sum(1 for conflict in declared if conflict.case_id == case.id)}
              for case in cases]
    status = 422 if errors else 200
    conflicts = _conflicts(cases, declared, members)
    for row in conflicts:
        conflict = row["conflict"]
        row["may_withdraw"] = conflict.case_id not in decided and _may_withdraw(meeting, conflict)
    panel = queries.get_panel(meeting.panel_id)
    what = "Screening group meeting" if panel.kind == PanelKind.SCREENING_GROUP else "Panel meeting"
    return render_template(
        "panels/meeting.html", title=f"{what} of {meeting.meeting_date:%-d %B %Y}", meeting=meeting,
        panel=panel, members=members, agenda=agenda, conflicts=conflicts,
        screening=panel.kind == PanelKind.SCREENING_GROUP,
        next_due=screening.next_meeting_due(panel, meeting),
        kinds=KIND_TITLES, can_run=_may_run(meeting), attendance_fixed=bool(decided),
        attendance_field=_attendance_field(meeting.panel_id),
        conflict_fields=_conflict_fields(meeting, cases) if agenda else (), values=values, errors=errors,
        workflow=runtime().workflows["ifr"]), status


def _may_run(meeting: PanelMeeting) -> bool:
    """Whether this person runs the meeting: changes its agenda and records who is present."""
    try:
        service.check_runs_panel(current_user(), queries.get_panel(meeting.panel_id))
    except IfrError:
        return False
    return True


def _may_withdraw(meeting: PanelMeeting, conflict) -> bool:
    try:
        service.check_may_withdraw(meeting, conflict, current_user(), runtime().today())
    except IfrError:
        return False
    return True


def _attendance_field(panel_id: int) -> FieldDefinition:
    return parse_field({"key": "attendee_ids", "label": "Members present", "type": "list",
                        "help": "Tick each member at the meeting. Only active members of the panel count.",
                        "item": {"type": "choice", "options": _member_options(panel_id, active_only=True)}})


def _meeting(meeting_id: int, run: bool = False) -> PanelMeeting:
    """A meeting of a panel the user may read (their hub runs it, or they have a seat on it), or,
    with run=True, run; any other is forbidden, as in the API."""
    meeting = queries.get_meeting(meeting_id)
    check = service.check_runs_panel if run else service.check_reads_panel
    check(current_user(), queries.get_panel(meeting.panel_id))
    return meeting


def _may_start(case: Case, action: str, user) -> bool:
    """Whether the action's form would be shown: a member who declared an interest in the case is
    not offered its decision."""
    try:
        actions.check_may_start(case, action, user)
    except IfrError:
        return False
    return True


def _decision_blocked(case: Case, user, meeting: PanelMeeting) -> dict | None:
    """Why this person cannot record the case's decision (at a screening group's meeting, its
    screening outcome; at a Review Panel's, its outcome) now, and what would let them; None when they
    can, or when it is not theirs to record (a member who is not a chair; at a screening group, anyone
    but its chair or the IFR team, and its chair but for an urgent case)."""
    workflow = runtime().workflows[case.route]
    kind = queries.get_panel(meeting.panel_id).kind
    action = workflow.action({PanelKind.SCREENING_GROUP: "screen_to_panel",
                              PanelKind.REVIEW_PANEL: "uphold_on_review"}.get(kind, "approve"))
    if case.state not in action.from_states or user.role not in action.roles:
        return None
    if kind == PanelKind.SCREENING_GROUP and user.role == Role.PANEL_CHAIR and \
            not screening.may_screen_by_chairs_action(case, user):
        return None  # the group's outcome is the IFR team's to record; a chair screens only urgent cases
    try:
        if kind == PanelKind.SCREENING_GROUP:
            screening.check_group_may_screen(case, user, runtime().today())
        elif kind == PanelKind.REVIEW_PANEL:
            review.check_review_panel_may_decide(case, user, runtime().today())
        else:
            service.check_panel_may_decide(case, user, runtime().today())
    except (Conflict, Forbidden) as refusal:
        return {"reason": refusal.message, "fix": refusal.extra.get("fix")}
    return None


def _agenda_case_for_declaring(meeting: PanelMeeting, reference: str) -> Case:
    case = next((case for case in _agenda_cases(meeting)
                 if reference in (case.reference, case.draft_reference)), None)
    if case is None:
        raise ValidationFailed({"case_reference": "Choose a case on this meeting's agenda."})
    return case


def _agenda_case(meeting: PanelMeeting, reference: str) -> Case:
    case = next((case for case in _agenda_cases(meeting)
                 if reference in (case.reference, case.draft_reference)), None)
    if case is None:
        raise NotFound("That case is not on this meeting's agenda.")
    note_case_seen(current_user(), case, action=READ)  # its de-identified pack
    return case


def _meeting_fields(panel: Panel) -> tuple[FieldDefinition, ...]:
    """The scheduling form, as field definitions so the shared field macro draws and reads it."""
    members = _member_options(panel.id, active_only=True)
    example = runtime().today() + timedelta(weeks=4)  # a meeting is in the future: so is the example
    return (
        parse_field({"key": "meeting_date", "label": "Date of the meeting", "type": "date",
                     "required": True, "help": f"For example, {example:%-d %-m %Y}"}),
        parse_field({"key": "kind", "label": "Kind of meeting", "type": "choice", "required": True,
                     "options": KINDS}),
        parse_field({"key": "attendee_ids", "label": "Members expected to attend", "type": "list",
                     "help": "Only active members of the panel can be named.",
                     "item": {"type": "choice", "options": members}}),
    )


def _agenda_cases(meeting: PanelMeeting) -> list[Case]:
    return [case for _, case in queries.find_agenda(meeting.id)]


def _conflict_fields(meeting: PanelMeeting, cases: list[Case]) -> tuple[FieldDefinition, ...]:
    members = _member_options(meeting.panel_id, active_only=False)
    agenda = [{"value": case.public_reference, "label": f"{case.public_reference}: {_treatment(case)}"}
              for case in cases]
    return (
        parse_field({"key": "member_id", "label": "Member with the interest", "type": "choice",
                     "required": True, "options": members}),
        parse_field({"key": "case_reference", "label": "Case", "type": "choice", "required": True,
                     "options": agenda}),
        parse_field({"key": "details", "label": "What the interest is", "type": "long_text",
                     "required": True, "help": "For example, the member treated the patient."}),
    )


def _member_options(panel_id: int, active_only: bool) -> list[dict]:
    """Only active members can be named as attendees; an interest may be any member's."""
    return [{"value": member.id, "label": f"{user.display_name} ({_role(member.panel_role)})"}
            for member, user in queries.find_members_with_users(panel_id)
            if member.is_active or not active_only]


def _load(schema: Schema, data: dict) -> dict:
    try:
        return schema.load(data)
    except ValidationError as error:
        raise ValidationFailed(flatten_marshmallow_errors(error.messages)) from error


def _about(form: FormDefinition, application: dict) -> list[dict]:
    definitions = {(s.key, f.key): f for s in form.sections for f in s.fields}
    rows = []
    for section, key, label in ABOUT:
        value = (application.get(section) or {}).get(key)
        definition = definitions.get((section, key))
        if definition is None:  # the age, worked out for the pack in place of the date of birth
            text = f"{value} years" if value is not None else ""
        else:
            text = answer_text(definition, value)
        rows.append({"key": {"text": label}, "value": {"text": text or "Not given"}})
    return rows


def _payload_labels() -> dict[tuple[str, str], str]:
    """What each screening note's field is called on the action that recorded it."""
    return {(action.event, field.key): field.label for action in runtime().workflows["ifr"].actions
            for field in action.payload}


def _review_papers(meeting: PanelMeeting, case: Case) -> list[dict]:
    """For a Review Panel's pack: the decision under review, the request for review and its initial
    consideration, each with the fields of the action that recorded it."""
    if queries.get_panel(meeting.panel_id).kind != PanelKind.REVIEW_PANEL:
        return []
    return [{**paper, "action": _action_for(paper["event"])} for paper in review.review_papers(case)]


def _action_for(event):
    return next(action for action in runtime().workflows["ifr"].actions
                if action.event == event.name and action.to == event.to_state)


def _conflicts(cases: list[Case], declared, members) -> list[dict]:
    names = {member.id: user.display_name for member, user in members}
    by_id = {case.id: case for case in cases}
    return [{"conflict": conflict, "member": names.get(conflict.member_id, "A former member"),
             "case": by_id.get(conflict.case_id),
             "declared_by": conflict.declared_by_id and get_user_by_id(conflict.declared_by_id).display_name,
             "withdrawn_by": (conflict.withdrawn_by_id
                              and get_user_by_id(conflict.withdrawn_by_id).display_name)}
            for conflict in declared]


def _role(panel_role: str) -> str:
    return panel_role.replace("_", " ").capitalize()


def _treatment(case: Case) -> str:
    return read_answer(case.answers, INTERVENTION_NAME) or "Treatment not given"

