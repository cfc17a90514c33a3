"""Case pages: a clinician's cases, the hub's work queue, one case, and the actions on it.

A case page shows what the workflow allows this user now; each action's page is built
from the action's payload definition in workflows/, and taking it calls the same
`take_action` as the API.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import Schema, fields, validate

from ifr_service.api.requests import ID, file_download, load_query, page_count
from ifr_service.audit.recording import note_cases_shown
from ifr_service.cases import actions, evidence, queries, service
from ifr_service.cases.access import can_read_identifiers, get_identifiable_case, get_visible_case
from ifr_service.cases.action_pages import action_page, refused_page
from ifr_service.cases.clocks import view_clock
from ifr_service.cases.evidence_views import ANSWERS
from ifr_service.cases.information import open_request
from ifr_service.cases.models import URGENCY_RANK, Case
from ifr_service.cases.presenters import case_contents
from ifr_service.cases.similar import similar_requests
from ifr_service.clock import add_working_days
from ifr_service.errors import Conflict, NotFound, ValidationFailed
from ifr_service.letters import queries as letters
from ifr_service.reference import queries as reference
from ifr_service.runtime import runtime
from ifr_service.text import quoted, shortened
from ifr_service.users.access import CASE_READERS, HUB_TEAM, WORKS_THE_QUEUE, current_user
from ifr_service.users.models import Role, User
from ifr_service.users.queries import get_user_by_id
from ifr_service.web.session import page_allow
from ifr_service.workflows.definition import SAME

case_pages = Blueprint("cases", __name__)
PAGE_SIZE = 25
# Actions that have pages of their own rather than a payload form.
ELSEWHERE = {"edit": "pages.application.task_list", "submit": "pages.application.check_answers",
             "attach": "pages.evidence.add_attachment", "remove_attachment": "pages.evidence.add_attachment",
             "prepare_evidence_for_panel": "pages.evidence.prepare_for_panel"}
DUE_FILTERS = ["overdue", "due_soon", "on_track"]
ONE_DAY = timedelta(days=1)
REPEATED_EVENTS = {"draft_updated", "attachment_added"}


class QueueArgs(Schema):
    state = fields.String(load_default=None, validate=validate.Length(max=40))
    urgency = fields.String(load_default=None, validate=validate.OneOf(list(URGENCY_RANK)))
    due = fields.String(load_default=None, validate=validate.OneOf(DUE_FILTERS))
    hub = fields.String(load_default=None, validate=validate.Length(max=60))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


@case_pages.get("/cases")
@page_allow(Role.CLINICIAN)
def list_cases():
    page = load_query(QueueArgs(only=["page"]))["page"]
    user = current_user()
    found, total = queries.find_provider_cases(user.organisation_code or "", page, PAGE_SIZE)
    note_cases_shown(user, found)  # with the patients' names
    return render_template("cases/list.html", title="Your organisation's cases", cases=found, total=total,
                           page=page, pages=page_count(total, PAGE_SIZE), organisation=user.organisation_name)


@case_pages.get("/queue")
@page_allow(*WORKS_THE_QUEUE)
def queue():
    args = load_query(QueueArgs())
    user, workflow = current_user(), runtime().workflows["ifr"]
    hub = _queue_hub(user, args["hub"])
    open_states = [s.key for s in workflow.states if not s.final and s.key != workflow.initial]
    if args["state"] and args["state"] not in service.queue_states("ifr"):
        raise ValidationFailed({"state": f"{shortened(args['state'])} is not a state of an IFR case."})
    states = [args["state"]] if args["state"] else open_states
    today = runtime().today()
    found, total = queries.find_hub_work(hub.id, states, args["urgency"], _due_bounds(args["due"], today),
                                         args["page"], PAGE_SIZE)
    cases = [line.case for line in found]
    note_cases_shown(user, cases)
    due = {case_id: view_clock(workflow, clock, runtime().now())
           for case_id, clock in queries.find_next_clocks(cases).items()}
    return render_template("cases/queue.html", title=f"{hub.name}: work queue", hub=hub, lines=found,
                           due=due, total=total, args=args, pages=page_count(total, PAGE_SIZE),
                           workflow=workflow,
                           states=[s for s in workflow.states if s.key != workflow.initial])


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
        state=workflow.state(case.state), form=runtime().forms.get(case.form_key, case.form_version),
        actions=[a for a in allowed if a.key not in ELSEWHERE],
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
        hub=case.hub_id and reference_names(case),
        similar=similar_requests(case) if user.role in HUB_TEAM and case.route == "ifr" else None)


@case_pages.route("/cases/<reference>/actions/<action>", methods=["GET", "POST"])
@page_allow(*CASE_READERS)
def take_action(reference: str, action: str):
    user, case = current_user(), _case(reference)
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


def _queue_hub(user: User, code: str | None):
    if user.hub_id is None:
        raise NotFound("You are not a member of a hub's IFR team, so there is no work queue for you.")
    return reference.get_hub_by_id(user.hub_id)


def _due_bounds(due: str | None, today):
    """The soonest-due-date range each filter means: overdue is before today; due soon within
    the next two working days."""
    soon = add_working_days(today, 2)
    return {"overdue": (None, today - ONE_DAY), "due_soon": (today, soon),
            "on_track": (soon + ONE_DAY, None)}.get(due, (None, None))


def _timeline(case: Case, names_clinicians: bool = True) -> list[dict]:
    """The case's history as people read it: what happened, who did it, and what they wrote. The
    requesting clinician is named only to those who may read the identifiable case."""
    workflow, names = runtime().workflows[case.route], {}
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
        rows.append({"event": event, "title": event.name.replace("_", " ").capitalize(), "times": 1,
                     "actor": names.get(event.actor_id, "The service"),
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


def reference_names(case: Case) -> dict:
    hub = reference.get_hub_by_id(case.hub_id)
    return {"hub": hub.name, "region": reference.get_region(case.region_id).name}


