"""Case pages: a clinician's cases, the hub's work queue, one case, and the actions on it.

A case page shows what the workflow allows this user now; each action's page is built
from the action's payload definition in workflows/, and taking it calls the same
`take_action` as the API.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import Schema, fields, validate

from ifr_service.audit.recording import note_cases_shown, note_list_shown
from ifr_service.cases import actions, assignment, evidence, queries, service
from ifr_service.cases import queue as work_queue
from ifr_service.cases.access import (
    AWAITING_TRUST_APPROVAL,
    can_read_identifiers,
    get_identifiable_case,
    get_visible_case,
)
from ifr_service.cases.action_pages import CONFIRMATION_PAGES, action_page, refused_page
from ifr_service.cases.clocks import view_clock
from ifr_service.cases.evidence_views import ANSWERS
from ifr_service.cases.information import open_request
from ifr_service.cases.models import Case
from ifr_service.cases.onward import find_onward_work
from ifr_service.cases.presenters import case_contents, similar_requests
from ifr_service.cases.redaction import Redactor
from ifr_service.cdf.presenters import present_case_summary
from ifr_service.errors import Conflict, NotFound, ValidationFailed
from ifr_service.funding.presenters import present_on_case
from ifr_service.letters import queries as letters
from ifr_service.outcomes.presenters import present_after_approval
from ifr_service.reference import queries as reference
from ifr_service.runtime import runtime
from ifr_service.text import quoted
from ifr_service.users.access import CASE_READERS, HUB_TEAM, WORKS_THE_QUEUE, current_user
from ifr_service.users.models import Role, User
from ifr_service.users.queries import get_user_by_id
from ifr_service.web.requests import ID, file_download, load_query, page_count
from ifr_service.web.session import page_allow
from ifr_service.workflows.definition import SAME

case_pages = Blueprint("cases", __name__)
PAGE_SIZE = 25
# Actions that have pages of their own rather than a payload form.
ELSEWHERE = {"edit": "pages.application.task_list", "submit": "pages.application.check_answers",
             "send_for_trust_approval": "pages.application.check_answers",
             "attach": "pages.evidence.add_attachment", "remove_attachment": "pages.evidence.add_attachment",
             "prepare_evidence_for_panel": "pages.evidence.prepare_for_panel",
             "delete_draft": "pages.application.delete_draft"}
# The states in which a case waits on its clinician, and what they need to do in each.
WAITING_ON_CLINICIAN = {"draft": "Finish and submit the application",
                        "awaiting_information": "Send the information the IFR team asked for",
                        "deferred_awaiting_information": "Send the information the panel asked for"}
REPEATED_EVENTS = {"draft_updated", "attachment_added"}
# Events no action of a workflow names, in words (the rest are titled by their action).
EVENT_TITLES = {"cdf_application_received": "Cancer Drugs Fund application received",
                "converted_from_cdf": "Started from a Cancer Drugs Fund application",
                "draft_created": "Draft started",
                "policy_checked": "Checked against the policy library before the application"}


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


@case_pages.get("/cases")
@page_allow(Role.CLINICIAN)
def list_cases():
    page = load_query(PageArgs())["page"]
    user = current_user()
    found, total = queries.find_provider_cases(user.organisation_code or "", page, PAGE_SIZE,
                                               waiting=tuple(WAITING_ON_CLINICIAN))
    note_cases_shown(user, found)  # with the patients' names
    workflow = runtime().workflows["ifr"]
    return render_template("cases/list.html", title="Your organisation's cases", cases=found, total=total,
                           page=page, pages=page_count(total, PAGE_SIZE), organisation=user.organisation_name,
                           waiting=WAITING_ON_CLINICIAN, workflows=runtime().workflows, workflow=workflow)


@case_pages.get("/trust/sign-off")
@page_allow(Role.TRUST_APPROVER)
def trust_sign_off():
    """The trust approver's list: their trust's applications waiting for its sign-off."""
    page = load_query(PageArgs())["page"]
    user = current_user()
    found, total = queries.find_awaiting_trust_approval(user.organisation_code or "", AWAITING_TRUST_APPROVAL,
                                                        page, PAGE_SIZE)
    note_cases_shown(user, found)  # with the patients' names
    return render_template("cases/trust_sign_off.html", title="Applications awaiting your sign-off",
                           cases=found, total=total, page=page, pages=page_count(total, PAGE_SIZE),
                           organisation=user.organisation_name)


@case_pages.get("/queue")
@page_allow(*WORKS_THE_QUEUE)
def queue():
    user, workflow, today = current_user(), runtime().workflows["ifr"], runtime().today()
    hub = _queue_hub(user)
    try:
        args = load_query(work_queue.QueueArgs())
        found, total, overdue = work_queue.find_work(user, hub.id, workflow, args, today, PAGE_SIZE)
    except ValidationFailed as error:  # the form again, naming the value it cannot take
        args = {**work_queue.QueueArgs().load({}), **_shown_args(without=error.fields)}
        overdue = queries.count_overdue(hub.id, tuple(work_queue.view_states(workflow, "open")), today)
        return render_template("cases/queue.html", **_queue_page(hub, workflow, args, [], 0, overdue),
                               errors=error.fields), 422
    _note_queue_shown(user, hub, args, [line.case for line in found])
    return render_template("cases/queue.html", **_queue_page(hub, workflow, args, found, total, overdue))


def _note_queue_shown(user, hub, args: dict, cases: list) -> None:
    """The queue shows no patient's name or NHS number, so viewing it is one list view; but a search
    by an NHS number or a name ties that patient to each case it finds, so each is a read."""
    if work_queue.read_search(args["search"], user).names_a_patient:
        note_cases_shown(user, cases)
    else:
        note_list_shown(user, f"list:work-queue:{hub.code}")


def _shown_args(without) -> dict:
    """What the person chose that the queue takes, to show again beside the error: a value it does not
    take is left out, so that pressing Filter again does not send it back."""
    return {name: value for name, value in request.args.items()
            if name in work_queue.QueueArgs().fields and name not in without and name != "page"}


def _queue_page(hub, workflow, args: dict, found: list, total: int, overdue: int) -> dict:
    view = work_queue.view_of_state(workflow, args["state"]) \
        if args.get("state") in {s.key for s in workflow.states} else args["view"]
    cases = [line.case for line in found]
    due = {case_id: view_clock(workflow, clock, runtime().now())
           for case_id, clock in queries.find_next_clocks(cases).items()}
    return {"title": f"{hub.name}: work queue", "hub": hub, "lines": found, "due": due, "total": total,
            "args": args, "view": view, "pages": page_count(total, PAGE_SIZE), "workflow": workflow,
            "states": [workflow.state(key) for key in work_queue.view_states(workflow, view)],
            "officers": {officer.id: officer.display_name for officer in assignment.hub_officers(hub.id)},
            "overdue": overdue,
            "choices": work_queue, "searches_identifiers": can_read_identifiers(current_user())}


@case_pages.get("/cases/<reference>")
@page_allow(*CASE_READERS)
def show_case(reference: str):
    user, case = current_user(), _case(reference)
    workflow = runtime().workflows[case.route]
    if case.state == workflow.initial and user.role_enum is Role.CLINICIAN:
        return redirect(url_for("pages.application.task_list", reference=reference))
    allowed = service.actions_for(case, user)
    contents = case_contents(case, user)
    information = open_request(case) if case.route == "ifr" else None
    return render_template(
        "cases/case.html", title=case.public_reference, case=case, workflow=workflow,
        state=workflow.state(case.state), state_title=_state_title(case, user),
        form=runtime().forms.get(case.form_key, case.form_version),
        actions=[a for a in allowed if a.key not in ELSEWHERE], warning_actions=CONFIRMATION_PAGES,
        can_attach=any(a.key == "attach" for a in allowed),
        can_prepare_evidence=any(a.key == "prepare_evidence_for_panel" for a in allowed),
        panel_column=user.role_enum is Role.CASE_OFFICER,
        waiting_text=information and information.waiting_text(user.role_enum is Role.CLINICIAN),
        evidence=evidence.originals(case) if not contents["deidentified"] else [],
        panel_evidence=evidence.panel_copies(case) if contents["deidentified"] else [],
        clocks=[view_clock(workflow, row, runtime().now()) for row in queries.find_clocks(case)],
        application=contents["answers"], deidentified=contents["deidentified"],
        attachments=contents["attachments"], letters=contents["letters"],
        timeline=_timeline(case, names_clinicians=can_read_identifiers(user)),
        hub=case.hub_id and reference_names(case), assigned_to=assignment.assignee_of(case),
        reply_by=_reply_by(case),
        officers=assignment.hub_officers(case.hub_id) if assignment.can_assign(case, user) else None,
        cdf=present_case_summary(case) if case.route == "cdf" else None, onward=find_onward_work(case),
        breaks=contents["breaks"],
        authorisation=None if contents["deidentified"] else present_on_case(case, user, runtime().today()),
        after_approval=present_after_approval(case, contents["deidentified"]),
        similar=similar_requests(case) if user.role in HUB_TEAM and case.route == "ifr" else None)


@case_pages.route("/cases/<reference>/actions/<action>", methods=["GET", "POST"])
@page_allow(*CASE_READERS)
def take_action(reference: str, action: str):
    user = current_user()
    done = _signed_off_already(reference, user)
    if done is not None:  # a second click, or the back button, after the first sent it on
        flash(done)
        return redirect(url_for(".trust_sign_off"))
    case = _case(reference)
    definition = runtime().workflows[case.route].action(action)
    if definition is None or action in ELSEWHERE:
        raise NotFound(f"A case has no action {quoted(action)} here.")
    if request.method == "GET" or request.form.get("_step") != "confirm":
        try:
            actions.check_may_start(case, action, user)  # 404, 403 or 409 before the form is shown
        except Conflict as refusal:
            if refusal.status_code != 409:
                raise
            return refused_page(case, definition, refusal), 409  # why, what would fix it, and back
    if request.method == "GET" and action in ANSWERS:  # the question above the answer, with files
        return redirect(url_for("pages.evidence.answer_request", reference=reference, action=action))
    # A Confirm pressed twice is answered once; the page module tells the second press from a race.
    return action_page(case, definition)


@case_pages.post("/cases/<reference>/assignment")
@page_allow(Role.CASE_OFFICER)
def assign_case(reference: str):
    """Assign the case to an officer of its hub (or to nobody), from its page."""
    user = current_user()
    username = request.form.get("assigned_to", "").strip()[:100] or None
    case = assignment.assign_case(get_visible_case(reference, user, for_update=True), user, username)
    assignee = assignment.assignee_of(case)
    if assignee is None:
        flash(f"{case.public_reference} is not assigned to anyone now.")
    else:
        name = "you" if assignee.id == user.id else assignee.display_name
        flash(f"{case.public_reference} is assigned to {name}.")
    return redirect(url_for(".show_case", reference=case.public_reference))


@case_pages.get(f"/cases/<reference>/letters/<{ID}:letter_id>")
@page_allow(*CASE_READERS)
def download_letter(reference: str, letter_id: int):
    case = get_identifiable_case(reference, current_user())
    letter = letters.get_letter(case.id, letter_id)
    return file_download(letter.content, "application/pdf", f"{case.public_reference}-letter-{letter.id}.pdf")


@case_pages.get(f"/cases/<reference>/attachments/<{ID}:attachment_id>")
@page_allow(*CASE_READERS)
def download_attachment(reference: str, attachment_id: int):
    case = get_identifiable_case(reference, current_user())
    attachment = queries.get_attachment(case, attachment_id)
    return file_download(queries.get_attachment_content(attachment), attachment.content_type,
                         attachment.filename)


def _case(reference: str) -> Case:
    case = get_visible_case(reference, current_user())
    return case


def _signed_off_already(reference: str, user: User) -> str | None:
    """For a trust approver, what they did to an application of their trust that has left their sight
    since (approved, or returned to its clinician), while that is still the last thing done to it: a
    second click or the back button. Otherwise None, and the page answers as for any case."""
    if user.role_enum is not Role.TRUST_APPROVER:
        return None
    try:
        case = queries.get_case(reference)
    except NotFound:
        return None
    events = queries.find_events(case) if case.provider_org_code == user.organisation_code else []
    last = events[-1] if events else None
    if last is None or last.actor_id != user.id:
        return None
    if last.name == "case_submitted":
        return f"This application was already approved and sent to NHS England as {case.public_reference}."
    if last.name == "returned_by_trust":
        return f"{case.public_reference} was already returned to its clinician with your comments."
    return None


def _queue_hub(user: User):
    if user.hub_id is None:
        raise NotFound("You are not a member of a hub's IFR team, so there is no work queue for you.")
    return reference.get_hub_by_id(user.hub_id)


def _timeline(case: Case, names_clinicians: bool = True) -> list[dict]:
    """The case's history as people read it: what happened, who did it, and what they wrote. The
    requesting clinician is named only to those who may read the identifiable case, and what people
    wrote is shown to the others with the case's identifiers taken out (cases/redaction.py)."""
    workflow, names = runtime().workflows[case.route], {}
    notes = (lambda payload: payload) if names_clinicians else Redactor(case.answers).answers
    rows = []
    for event in reversed(queries.find_events(case)):
        if event.actor_id and event.actor_id not in names:
            actor = get_user_by_id(event.actor_id)
            names[event.actor_id] = actor.display_name if names_clinicians or actor.role != Role.CLINICIAN \
                else "the requesting clinician"
        if rows and rows[-1]["event"].name == event.name and rows[-1]["event"].actor_id == event.actor_id \
                and event.name in REPEATED_EVENTS:
            rows[-1]["times"] += 1  # a draft saved page by page is one line, not ten
            continue
        rows.append({"event": event, "notes": notes(event.payload or {}), "title": _event_title(event),
                     "times": 1, "actor": names.get(event.actor_id, "The service"),
                     "action": _recording_action(workflow, event),
                     "state": workflow.state(event.to_state).title if event.to_state else None})
    return rows


def _recording_action(workflow, event):
    """The action that recorded the event: several share an event (information_provided answers the
    IFR team or the panel), so the one taken from the event's state to its state."""
    candidates = [action for action in workflow.actions if action.event == event.name]
    for action in candidates:
        target = event.from_state if action.to == SAME else action.to
        if event.from_state in action.from_states and target == event.to_state:
            return action
    return candidates[-1] if candidates else None
def _state_title(case: Case, user: User) -> str:
    """The state's title, in the clinician's words where the workflow's are about them."""
    if case.state == AWAITING_TRUST_APPROVAL and user.role_enum is Role.CLINICIAN:
        return "With your trust for sign-off"
    return runtime().workflows[case.route].state(case.state).title


def _reply_by(case: Case) -> str | None:
    """The date the IFR team asked the clinician to reply by, while the case waits for the answer."""
    if case.state != "awaiting_information":
        return None
    asked = queries.find_last_event(case, "information_requested")
    return asked.payload.get("reply_by") if asked else None


def _event_title(event) -> str:
    if event.name == assignment.ASSIGNED:
        return f"Assigned to {event.payload.get('assigned_to_name') or event.payload.get('assigned_to')}"
    if event.name == assignment.UNASSIGNED:
        return "No longer assigned to anyone"
    return EVENT_TITLES.get(event.name, event.name.replace("_", " ").capitalize())


def reference_names(case: Case) -> dict:
    hub = reference.get_hub_by_id(case.hub_id)
    return {"hub": hub.name, "region": reference.get_region(case.region_id).name}


