"""Taking a workflow action on a case: the runner (workflows/runner.py) with a case's own steps.

The case's steps are who may see it, how it moves (cases/service.py:apply_action) and the letter a
transition produces. The guards, effects and handlers that are about any case are registered here,
into both case workflows' registries; each feature registers its own from its own package (the
panels' in panels/guards.py, the CDF's in cdf/treatment.py, the CET's in cet/referrals.py), so this
module imports none of them.
"""

from __future__ import annotations

from datetime import date

from ifr_service import db
from ifr_service.cases import queries, service
from ifr_service.cases.access import check_can_see_case
from ifr_service.cases.clocks import first_due_on, signal_clocks, view_clock
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.errors import Conflict, ValidationFailed
from ifr_service.forms.definition import FieldDefinition
from ifr_service.jobs.outbox import queue_job
from ifr_service.runtime import runtime
from ifr_service.users.models import User
from ifr_service.users.queries import get_system_user
from ifr_service.web.display import nhs_date
from ifr_service.workflows import runner
from ifr_service.workflows.definition import amount_text, letter_of
from ifr_service.workflows.engine import next_state
from ifr_service.workflows.registry import effect, guard, handler

CASE_WORKFLOWS = ("ifr", "cdf")  # the workflows whose subject is a case


def take_action(case: Case, action_key: str, actor: User, payload,
                idempotency_key: str | None = None) -> Case:
    workflow = runtime().workflows[case.route]
    check_can_see_case(actor, case)
    handled = runner.handler_of(workflow, workflow.action(action_key))
    if handled is not None:  # it checks the workflow itself, after idempotency
        return handled(case, actor, payload, idempotency_key)
    decision = runner.decide(workflow, case, case.state, action_key, actor, payload)
    return _apply_with_effects(case, decision, actor)


def check_action(case: Case, action_key: str, actor: User, payload) -> dict:
    """Everything take_action checks, changing nothing: the checked payload with what the guards
    found (which meeting decides, say), for a page that shows what will be recorded before it is."""
    check_can_see_case(actor, case)
    return runner.decide(runtime().workflows[case.route], case, case.state, action_key, actor,
                         payload).payload


def take_system_action(case: Case, action_key: str, payload: dict) -> Case:
    """An action the service takes by its own rule (a CDF decision), recorded with what it found."""
    workflow, system = runtime().workflows[case.route], get_system_user()
    target = next_state(workflow, case.state, action_key, system.role)  # the workflow still rules
    return _apply_with_effects(case, runner.Decision(workflow.action(action_key), case.state, target,
                                                     payload), system)


def take_checked_system_action(case: Case, action_key: str, payload: dict, noted: dict | None = None) -> Case:
    """An action the service takes from data it was sent (a trust's SACT extract): the payload and
    the guards checked as for a person, so that what a rule refuses a clinician it refuses here too.
    `noted` is recorded with the event beside the checked payload (the SACT cycle's key, which the
    treatment effect keeps with the cycle)."""
    workflow, system = runtime().workflows[case.route], get_system_user()
    decision = runner.decide(workflow, case, case.state, action_key, system, payload)
    decision.payload.update(noted or {})
    return _apply_with_effects(case, decision, system)


def check_may_start(case: Case, action_key: str, actor: User) -> None:
    """Refuse (404, 403 or 409) before the action's form is shown."""
    check_can_see_case(actor, case)
    runner.check_before_the_form(runtime().workflows[case.route], case, case.state, action_key, actor)


def _apply_with_effects(case: Case, decision: runner.Decision, actor: User) -> Case:
    workflow = runtime().workflows[case.route]
    event = service.transition(case, decision.action.key, actor, decision.payload, decision.to_state)
    letter = letter_of(workflow, decision.action, decision.to_state)
    if letter is not None or decision.action.effects:
        db.session().flush()  # the event's id, which the letter's and the effects' jobs name
    if letter is not None:  # the state's letter, or the action's own (workflows/*.yaml)
        queue_job("prepare_letter", case_id=case.id, event_id=event.id)
        signal_clocks(workflow, case, "letter_requested", runtime().now())
    runner.follow(workflow, decision, case, event)
    return case


def describe_fields(definitions: tuple[FieldDefinition, ...]) -> list[dict]:
    """The payload an action needs, as the API lists it beside each allowed action."""
    described = []
    for field in definitions:
        entry = {"field": field.key, "label": field.label, "type": field.type,
                 "required": field.required}
        if field.options:
            entry["options"] = list(field.option_values)
        if field.only_when:  # asked (and required, if required) only under these answers
            entry["only_when"] = {"field": field.only_when["field"], "in": list(field.only_when["in"])}
        if field.fields:
            entry["fields"] = describe_fields(field.fields)
        if field.item is not None:
            entry["item"] = describe_fields((field.item,))[0]
        described.append(entry)
    return described


# Handlers: actions whose work is more than recording their payload.

@handler("update_answers", workflows=("ifr",))
def _update_answers(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    return service.update_draft(case, actor, payload)


@handler("submit_application", workflows=("ifr",))
def _submit_application(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    if payload:
        raise ValidationFailed({"_request": "Submitting takes no payload: the answers are the case's."})
    return service.submit_case_idempotently(case, actor, idempotency_key)[0]


@handler("approve_for_trust", workflows=("ifr",))
def _approve_for_trust(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    if payload:
        raise ValidationFailed({"_request": "Approving takes no payload: NHS England receives the "
                                            "application as the clinician wrote it."})
    return service.approve_for_trust(case, actor)


@handler("attachments_endpoint", workflows=("ifr",))
def _attachments_endpoint(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    service.check_action_allowed(case, "attach", actor)
    raise ValidationFailed({"_request": f"Send files to POST /api/v1/cases/{case.public_reference}"
                                        "/attachments as multipart/form-data."})


@handler("delete_draft", workflows=("ifr",))
def _delete_draft(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    return service.delete_draft(case, actor)


# Guards about any case: rules beyond the state and the role, each refusing with a reason; they see
# the action's checked payload. What a guard returns is recorded with the event.

@guard("case_is_urgent", workflows=("ifr",), before_the_form=True)
def _case_is_urgent(case: Case, actor: User, payload: dict) -> None:
    urgency = runtime().workflows[case.route].urgency(case.urgency)  # workflows/ifr.yaml's urgencies
    if urgency is None or not urgency.urgent:
        raise Conflict("Only a case the clinician marked urgent can go to urgent consideration.")


def _signed_off_by_trust(case: Case) -> bool:
    return runtime().forms.get(case.form_key, case.form_version).signed_off_by_trust


def _offered_as_submit(case: Case, actor: User) -> bool:
    """The clinician is offered one action, submit, whatever the form version: on a version the trust
    signs off, submitting takes this step (cases/service.py:submit_case)."""
    return False


@guard("form_signed_off_by_trust", workflows=("ifr",), offered_only_if=_offered_as_submit)
def _form_signed_off_by_trust(case: Case, actor: User, payload: dict) -> None:
    """Only a form version the trust signs off goes to the trust (older ones go straight to NHS
    England, as they always did); and only complete, as a submission must be."""
    if not _signed_off_by_trust(case):
        raise Conflict("This application goes straight to NHS England: submit it.")
    service.check_complete(case, actor)


@guard("within_review_window", workflows=("ifr",), before_the_form=True)
def _within_review_window(case: Case, actor: User, payload: dict) -> None:
    row = queries.find_latest_clock(case, "review_request_window")
    if row is None:
        return
    view = view_clock(runtime().workflows[case.route], row, runtime().now())
    if view.used > view.target:
        raise Conflict(f"A review had to be asked for within {amount_text(view.target, view.unit)} "
                       "of the decision; that time has passed.")


@guard("reply_by_within_clock", workflows=("ifr",))
def _reply_by_within_clock(case: Case, actor: User, payload: dict) -> dict:
    """A request for information says when to reply by: by default the end of the clinician's clock
    (information_response), never after it (the request is closed as withdrawn then), nor in the past."""
    today = runtime().today()
    latest = first_due_on(runtime().workflows[case.route].clock("information_response"), runtime().now())
    asked = payload.get("reply_by")
    if asked is None:
        return {"reply_by": latest.isoformat()}
    day = asked if isinstance(asked, date) else date.fromisoformat(asked)
    if day < today:
        raise ValidationFailed({"reply_by": f"Enter a reply-by date from today on ({nhs_date(today)})."})
    if day > latest:
        raise ValidationFailed({"reply_by": f"Enter a reply-by date no later than {nhs_date(latest)}, "
                                            "the end of the clinician's time to answer."})
    return {"reply_by": day.isoformat()}


# Effects about any case, queued through the outbox. (A transition's letter is not an effect: the
# state or the action names it in the workflow file, and _apply_with_effects queues it.)

@effect("notify_clinician", workflows=CASE_WORKFLOWS)
def _notify_clinician(case: Case, event: CaseEvent) -> None:
    queue_job("send_case_update", case_id=case.id, event_id=event.id)
