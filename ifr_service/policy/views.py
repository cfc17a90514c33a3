"""The policy-development queue's pages: the queue, one item with its evidence and history, and
the actions the workflow allows on it; and the library of published national policies.

Each action's page is built from the action's payload definition in workflows/policy.yaml, and
taking it calls the same `service.take_action` as the API.
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.policy import check, queries, service
from ifr_service.policy.matching import POSITION_TITLES
from ifr_service.policy.models import PolicyItem
from ifr_service.policy.routes import QueueArgs
from ifr_service.reference.icd10_crgs import suggest_crg
from ifr_service.reference.queries import find_hubs
from ifr_service.runtime import runtime
from ifr_service.text import quoted, text_problem
from ifr_service.users.access import ANY_SIGNED_IN, current_user
from ifr_service.users.models import Role
from ifr_service.users.queries import get_user_by_id
from ifr_service.web.fields import action_page, posted_values, read_fields
from ifr_service.web.requests import load_query, page_count
from ifr_service.web.session import page_allow

policy_pages = Blueprint("policy", __name__)
PAGE_SIZE = 25
# Events the service records itself, not through an action of the workflow.
SERVICE_EVENTS = {"policy_candidate_filed": "Filed as a cohort candidate",
                  "policy_evidence_updated": "Evidence updated from the national database",
                  "policy_referral_added": "Referred by a hub at screening"}
# Events of the 2013 road's actions, which the workflow no longer has: their titles and the labels of
# what they recorded, so an item's history still reads in full.
HISTORIC_EVENTS = {
    "policy_assigned_to_crg": ("Assigned to a Clinical Reference Group (2013 road)",
                               {"crg_code": "Clinical Reference Group"}),
    "policy_evidence_review_started": ("Evidence review started (2013 road)", {}),
    "policy_drafted": ("Draft policy recorded (2013 road)", {"summary": "What the draft policy proposes"}),
    "policy_submitted_to_board": ("Submitted to the Programme of Care board (2013 road)", {}),
}


@policy_pages.get("/cet/policy-queue")
@page_allow(Role.CET_ANALYST, Role.POLICY_LEAD)
def list_items():
    args = load_query(QueueArgs(only=["state", "page"]))
    items, total = queries.find_items(args["state"], args["page"], PAGE_SIZE)
    workflow = runtime().workflows[service.ROUTE]
    return render_template("policy/list.html", title="Policy-development queue", items=items, total=total,
                           args=args, pages=page_count(total, PAGE_SIZE), workflow=workflow,
                           owners=_owner_names(items), crg_names=queries.find_crg_names(),
                           suggested={item.id: suggest_crg(item.icd10_category) for item in items})


@policy_pages.get("/cet/policy-queue/<reference>")
@page_allow(Role.CET_ANALYST, Role.POLICY_LEAD)
def show_item(reference: str):
    item = queries.get_item(reference)
    workflow = runtime().workflows[service.ROUTE]
    return render_template(
        "policy/item.html", title=item.reference, item=item, workflow=workflow,
        state=workflow.state(item.state), evidence=item.evidence, owners=_owner_names([item]),
        hub_names={hub.code: hub.name for hub in find_hubs()}, crg_names=queries.find_crg_names(),
        suggestion=suggest_crg(item.icd10_category),
        actions=service.actions_for(item, current_user()), policy=queries.find_policy_for_item(item.id),
        timeline=_timeline(item))


@policy_pages.route("/cet/policy-queue/<reference>/actions/<action>", methods=["GET", "POST"])
@page_allow(Role.CET_ANALYST, Role.POLICY_LEAD)
def take_action(reference: str, action: str):
    user, item = current_user(), queries.get_item(reference)
    definition = runtime().workflows[service.ROUTE].action(action)
    if definition is None:
        raise NotFound(f"A policy-development item has no action {quoted(action)}.")
    service.check_action_allowed(item, action, user)  # 409 or 403 before the form is shown
    shown = _with_choices(definition, item)
    if request.method == "GET":
        return _action_page(item, shown, _suggested(shown, item), None)
    try:
        payload = read_fields(shown.payload, request.form)
        _check_chosen(shown, payload)
        service.take_action(queries.get_item(reference, for_update=True), action, user, payload)
    except ValidationFailed as error:
        return _action_page(item, shown, posted_values(request.form), error.fields), 422
    state = runtime().workflows[service.ROUTE].state(item.state)
    flash(f"{definition.title}: done. The item is now {state.title[0].lower()}{state.title[1:]}.")
    return redirect(url_for(".show_item", reference=item.reference))


@policy_pages.get("/policies")
@page_allow(ANY_SIGNED_IN)
def list_policies():
    return render_template("policy/library.html", title="National commissioning policies",
                           policies=queries.find_policies(), crg_names=queries.find_crg_names(),
                           position_titles=POSITION_TITLES)


def _action_page(item: PolicyItem, action, values: dict, errors: dict | None):
    back = url_for(".show_item", reference=item.reference), f"Back to {item.reference}"
    return action_page(action, f"{item.reference}: {item.title}", back, values, errors)


# The payload fields a page offers as a choice rather than typed text, and what it says when none
# is chosen (the API takes typed text, and a blank means "you" or "the suggested CRG").
CHOSEN = {"owner": "Choose the CET analyst who owns the work",
          "crg_code": "Choose the Clinical Reference Group responsible for the policy"}


def _with_choices(action, item: PolicyItem | None = None):
    """The action as its page shows it: the owner chosen from the CET's active analysts by name,
    the CRG from the reference data's CRGs with their names, the suggested one said and explained."""
    return replace(action, payload=tuple(_choice(field, item) if field.key in CHOSEN else field
                                         for field in action.payload))


def _choice(field, item: PolicyItem | None):
    if field.key == "owner":
        options = tuple({"value": user.username, "label": user.display_name}
                        for user in queries.find_cet_analysts())
        return replace(field, type="choice", options=options, required=True,
                       label="The CET analyst who owns the work", rules={})
    suggestion = suggest_crg(item.icd10_category) if item else None
    options = tuple({"value": code, "label": f"{code} — {name}" + (
        " (suggested)" if suggestion and code == suggestion.crg_code else "")}
        for code, name in queries.find_crg_names().items())
    help_text = (f"Suggested: {suggestion.crg_code} — {suggestion.crg_name}. {suggestion.explanation()}"
                 if suggestion else f"No CRG is suggested for {item.icd10_category}." if item else None)
    return replace(field, type="choice", options=options, required=True, help=help_text,
                   label="The Clinical Reference Group responsible for the policy", rules={})


def _suggested(action, item: PolicyItem) -> dict[str, str]:
    """The form as it first shows: the item's CRG (given on the 2013 road) or else the suggested one
    chosen in its list; no owner chosen for you."""
    if "crg_code" not in {field.key for field in action.payload}:
        return {}
    suggestion = suggest_crg(item.icd10_category)
    chosen = item.crg_code or (suggestion.crg_code if suggestion else None)
    return {"crg_code": chosen} if chosen else {}


def _check_chosen(action, payload: dict) -> None:
    missing = {field.key: CHOSEN[field.key] + "." for field in action.payload
               if field.key in CHOSEN and not payload.get(field.key)}
    if missing:
        raise ValidationFailed(missing)


def _owner_names(items: list[PolicyItem]) -> dict[int, str]:
    return {owner_id: get_user_by_id(owner_id).display_name
            for owner_id in {item.owner_id for item in items if item.owner_id}}


def _timeline(item: PolicyItem) -> list[dict]:
    """The item's history as people read it, newest first: what happened, who did it, what they wrote."""
    workflow, names = runtime().workflows[service.ROUTE], {}
    actions = {action.event: _with_choices(action) for action in workflow.actions}
    rows = []
    for event in reversed(queries.find_events(item)):
        if event.actor_id and event.actor_id not in names:
            names[event.actor_id] = get_user_by_id(event.actor_id).display_name
        action = actions.get(event.name)
        historic_title, historic_fields = HISTORIC_EVENTS.get(event.name, (None, {}))
        rows.append({"event": event, "action": action, "historic_fields": historic_fields,
                     "title": action.title if action else historic_title or SERVICE_EVENTS.get(
                         event.name, event.name.replace("_", " ").capitalize()),
                     "actor": names.get(event.actor_id, "The service"),
                     "state": workflow.state(event.to_state).title if event.to_state else None,
                     "referral": event.payload.get("referred_at_screening") or (
                         event.payload if event.name == "policy_referral_added" else None)})
    return rows


# The clinician's "is this an IFR?" check, before an application (policy/check.py). The check is a
# GET (it changes nothing), so the back button and a bookmark work; starting the application from
# its answer is a POST, which checks again rather than trusting what the page showed.
CHECK_TITLE = "Check whether this is an Individual Funding Request"
CHECK_FIELDS = ("intervention", "dmd_code", "opcs4_code", "icd10")
REASON_LIMIT = 1500  # the policy section's answer holds 2,000 characters, with the policy's name


@policy_pages.get("/cases/new/check")
@page_allow(Role.CLINICIAN)
def check_request():
    values = _check_values(request.args)
    if not any(name in request.args for name in CHECK_FIELDS):  # the blank form, not yet sent
        return render_template("policy/check.html", title=CHECK_TITLE, values={}, errors={},
                               back_link=_back_to_start())
    try:
        args = _load_check(values)
    except ValidationFailed as failed:
        return render_template("policy/check.html", title=CHECK_TITLE, values=values, errors=failed.fields,
                               back_link=_back_to_start()), 422
    return _answer_page(values, args, {})


@policy_pages.post("/cases/new/check")
@page_allow(Role.CLINICIAN)
def start_checked_application():
    from ifr_service.cases import service as cases

    values = _check_values(request.form)
    try:
        args = _load_check(values)
    except ValidationFailed:  # the page's own hidden fields, altered: check again from the start
        return redirect(url_for(".check_request", **values))
    answer, policies = check.check_request(args, runtime().today())
    reason = (request.form.get("outside_reason") or "").strip()
    problem = _reason_problem(reason) if answer == check.POLICY_ROUTE else None
    if problem:
        return _answer_page(values, args, {"outside_reason": [problem]}, reason), 422
    user = current_user()
    answers = {"clinician": cases.clinician_details(user), **_prefilled(args, policies, reason)}
    case = cases.create_draft(user, answers)
    service.record_check(case, user, args, answer, policies, reason)
    flash("Your answers to the check are in the application: check them as you go.")
    return redirect(url_for("pages.application.task_list", reference=case.public_reference))


def _check_values(source) -> dict:
    return {name: source[name] for name in CHECK_FIELDS if (source.get(name) or "").strip()}


def _load_check(values: dict) -> dict:
    from ifr_service.web.requests import load_query as load

    return load(check.CheckArgs(exclude=["on"]), values)


def _answer_page(values: dict, args: dict, errors: dict, reason: str = ""):
    answer, policies = check.check_request(args, runtime().today())
    return render_template("policy/check_answer.html", title=CHECK_TITLE, answer=answer, policies=policies,
                           args=args, values=values, errors=errors, reason=reason,
                           back_link={"href": url_for(".check_request", **values),
                                      "text": "Change your answers"})


def _reason_problem(reason: str) -> str | None:
    if not reason:
        return "Say why the patient falls outside the policy's criteria, or apply through the policy."
    if len(reason) > REASON_LIMIT:
        return f"Say why in {REASON_LIMIT:,} characters or fewer (it has {len(reason):,})."
    return text_problem(reason, multiline=True)


def _prefilled(args: dict, policies: list, reason: str) -> dict:
    """The application's answers from the check: the diagnosis, the treatment, and the policy shown."""
    treatment = {"name": args["intervention"], **{name: args[name] for name in ("dmd_code", "opcs4_code")
                                                  if args.get(name)}}
    answers = {"diagnosis": {"icd10_code": args["icd10"]}, "intervention": treatment}
    if policies:
        named = "; ".join(f"{policy.reference}: {policy.title} ({policy.position_title.lower()})"
                          for policy in policies[:3])
        answers["policy"] = {"national_policy_applies": "yes",
                             "policy_reference": f"{named}.\n{reason}".strip()[:2000]}
    return answers


def _back_to_start() -> dict:
    return {"href": url_for("pages.application.start_application"), "text": "Back"}
