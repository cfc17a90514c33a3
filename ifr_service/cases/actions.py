"""Taking a workflow action on a case: payload, guards, the transition, then its effects.

The workflow file names guards, effects and handlers; this module holds the code
behind each name, and the loader refuses a workflow naming one that is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from marshmallow import ValidationError

from ifr_service import db
from ifr_service.cases import queries, service
from ifr_service.cases.access import check_can_see_case
from ifr_service.cases.clocks import SIGNALS, first_due_on, signal_clocks, view_clock
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.cdf import treatment
from ifr_service.cet.models import CohortReferral
from ifr_service.cet.queries import create_referral_once
from ifr_service.clock import england_date
from ifr_service.errors import Conflict, ValidationFailed, flatten_marshmallow_errors
from ifr_service.forms.definition import FieldDefinition
from ifr_service.forms.schema import schema_for_fields
from ifr_service.jobs.outbox import queue_job
from ifr_service.panels import service as panels
from ifr_service.runtime import runtime
from ifr_service.users.models import Role, User
from ifr_service.users.queries import get_system_user
from ifr_service.web.display import nhs_date
from ifr_service.workflows.definition import Action, KnownNames, amount_text


def take_action(case: Case, action_key: str, actor: User, payload,
                idempotency_key: str | None = None) -> Case:
    action = runtime().workflows[case.route].action(action_key)
    if action is not None and action.handler:  # it checks the workflow itself, after idempotency
        check_can_see_case(actor, case)
        return HANDLERS[action.handler](case, actor, payload, idempotency_key)
    service.check_action_allowed(case, action_key, actor)
    cleaned = validate_payload(case.route, action, payload)
    for guard in action.guards:
        cleaned.update(GUARDS[guard](case, actor, cleaned) or {})  # what a guard found is recorded too
    return _apply_with_effects(case, action, actor, cleaned)


def check_action(case: Case, action_key: str, actor: User, payload) -> dict:
    """Everything take_action checks, changing nothing: the checked payload with what the guards
    found (which meeting decides, say), for a page that shows what will be recorded before it is."""
    service.check_action_allowed(case, action_key, actor)
    action = runtime().workflows[case.route].action(action_key)
    cleaned = validate_payload(case.route, action, payload)
    for guard in action.guards:
        cleaned.update(GUARDS[guard](case, actor, cleaned) or {})
    return cleaned


def take_system_action(case: Case, action_key: str, payload: dict) -> Case:
    """An action the service takes by its own rule (a CDF decision), recorded with what it found."""
    return _apply_with_effects(case, runtime().workflows[case.route].action(action_key),
                               get_system_user(), payload)


def _apply_with_effects(case: Case, action: Action, actor: User, payload: dict) -> Case:
    event = service.transition(case, action.key, actor, payload)
    if action.effects:
        db.session().flush()  # the event's id, which the effects' jobs name
    for effect in action.effects:
        EFFECTS[effect](case, event)
    return case


def validate_payload(route: str, action: Action, payload) -> dict:
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise ValidationFailed({"_request": "Send the action's payload as a JSON object."})
    schema = schema_for_fields(f"{route}-{action.key}-payload", action.payload)()
    try:
        return schema.dump(schema.load(payload))
    except ValidationError as error:
        raise ValidationFailed(flatten_marshmallow_errors(error.messages)) from error


def describe_fields(definitions: tuple[FieldDefinition, ...]) -> list[dict]:
    """The payload an action needs, as the API lists it beside each allowed action."""
    described = []
    for field in definitions:
        entry = {"field": field.key, "label": field.label, "type": field.type,
                 "required": field.required}
        if field.options:
            entry["options"] = list(field.option_values)
        if field.fields:
            entry["fields"] = describe_fields(field.fields)
        if field.item is not None:
            entry["item"] = describe_fields((field.item,))[0]
        described.append(entry)
    return described


# Handlers: actions whose work is more than recording their payload.

def _update_answers(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    return service.update_draft(case, actor, payload)


def _submit_application(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    if payload:
        raise ValidationFailed({"_request": "Submitting takes no payload: the answers are the case's."})
    return service.submit_case_idempotently(case, actor, idempotency_key)[0]


def _attachments_endpoint(case: Case, actor: User, payload, idempotency_key: str | None) -> Case:
    service.check_action_allowed(case, "attach", actor)
    raise ValidationFailed({"_request": f"Send files to POST /api/v1/cases/{case.public_reference}"
                                        "/attachments as multipart/form-data."})


HANDLERS: dict[str, Callable[[Case, User, object, str | None], Case]] = {
    "update_answers": _update_answers,
    "submit_application": _submit_application,
    "attachments_endpoint": _attachments_endpoint,
    "delete_draft": lambda case, actor, _payload, _key: service.delete_draft(case, actor),
}


# Guards: rules beyond the state and the role, each refusing with a reason; they see the
# action's checked payload. What a guard returns (the meeting that decided, say) is recorded with the event.

def _case_is_urgent(case: Case, actor: User, payload: dict) -> None:
    urgency = runtime().workflows[case.route].urgency(case.urgency)  # workflows/ifr.yaml's urgencies
    if urgency is None or not urgency.urgent:
        raise Conflict("Only a case the clinician marked urgent can go to urgent consideration.")


def _within_review_window(case: Case, actor: User, payload: dict) -> None:
    row = queries.find_latest_clock(case, "review_request_window")
    if row is None:
        return
    view = view_clock(runtime().workflows[case.route], row, runtime().now())
    if view.used > view.target:
        raise Conflict(f"A review had to be asked for within {amount_text(view.target, view.unit)} "
                       "of the decision; that time has passed.")


def _reviewer_took_no_part_in_decision(case: Case, actor: User, payload: dict) -> None:
    decision = queries.find_last_event(case, "decision_recorded")
    took_part = (decision is not None and decision.actor_id == actor.id) or (
        actor.id in panels.users_who_sat_on(case))
    if took_part:
        raise Conflict("A review must be decided by someone who took no part in the decision.")


def _panel_may_decide(case: Case, actor: User, payload: dict) -> dict | None:
    meeting = panels.check_panel_may_decide(case, actor, runtime().today())
    if meeting is None:
        return {"decided_by": "chair's action"}
    return {"decided_by": "panel", "panel_meeting": {"id": meeting.id,
                                                     "date": meeting.meeting_date.isoformat()}}


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
# A decision follows the panel's findings unless the chair says why it departs from them
# (departure_reason): each refusal is a 422 naming the departure reason and the findings at odds.

def _approval_follows_findings(case: Case, actor: User, payload: dict) -> None:
    """An approval needs "Yes" on every criterion."""
    against = [key for key, answer in _findings(payload).items() if answer != "yes"]
    if against and not _departure_given(payload):
        labels = _criterion_labels(case)
        raise ValidationFailed({
            **{f"findings.{key}.finding": f"The panel found \"No\" on \"{labels.get(key, key)}\": an "
               "approval needs \"Yes\" on every criterion" for key in against},
            "departure_reason": "Enter why the approval departs from the findings, or change the "
                                "findings that are \"No\""})


def _decline_follows_findings(case: Case, actor: User, payload: dict) -> None:
    """A decline needs "No" on at least one criterion."""
    findings = _findings(payload)
    if findings and "no" not in findings.values() and not _departure_given(payload):
        raise ValidationFailed({
            "findings": "A decline needs \"No\" on at least one criterion: every finding is \"Yes\"",
            "departure_reason": "Enter why the decline departs from the findings, or change a finding "
                                "to \"No\""})


def _findings(payload: dict) -> dict[str, str | None]:
    return {key: (found or {}).get("finding") for key, found in (payload.get("findings") or {}).items()}


def _departure_given(payload: dict) -> bool:
    return bool((payload.get("departure_reason") or "").strip())


def _criterion_labels(case: Case) -> dict[str, str]:
    approve = runtime().workflows[case.route].action("approve")
    return {criterion.key: criterion.label for field in approve.payload if field.key == "findings"
            for criterion in field.fields}


GUARDS: dict[str, Callable[[Case, User, dict], dict | None]] = {
    "case_is_urgent": _case_is_urgent,
    "within_review_window": _within_review_window,
    "reviewer_took_no_part_in_decision": _reviewer_took_no_part_in_decision,
    "panel_may_decide": _panel_may_decide,
    "reply_by_within_clock": _reply_by_within_clock,
    "approval_follows_findings": _approval_follows_findings,
    "decline_follows_findings": _decline_follows_findings,
    "cdf_start_in_time": treatment.check_start_in_time,
    "cdf_break_within_limit": treatment.check_break_within_limit,
    "cdf_stop_after_treatment": treatment.check_stop_after_treatment,
}


# Guards about the case, the person and the day, not about what they will send: checked before an
# action's form is shown too, so that nobody fills in a form they may not send (a chair who declared
# an interest in a case is not shown its decision form).
BEFORE_THE_FORM = {"case_is_urgent", "within_review_window", "reviewer_took_no_part_in_decision",
                   "panel_may_decide"}


def check_may_start(case: Case, action_key: str, actor: User) -> None:
    """Refuse (404, 403 or 409) before the action's form is shown."""
    service.check_action_allowed(case, action_key, actor)
    for guard in runtime().workflows[case.route].action(action_key).guards:
        if guard in BEFORE_THE_FORM:
            GUARDS[guard](case, actor, {})


# Effects: what follows a transition, queued through the outbox.

def _notify_clinician(case: Case, event: CaseEvent) -> None:
    queue_job("send_case_update", case_id=case.id, event_id=event.id)


def _refer_to_cet(case: Case, event: CaseEvent) -> None:
    """A cohort goes, with its evidence (the case), to the CET's inbox and its policy queue."""
    from ifr_service.policy.service import file_referral

    if create_referral_once(CohortReferral(
            case_id=case.id, hub_id=case.hub_id, icd10_category=case.icd10_category,
            intervention_key=case.intervention_key, cohort_description=event.payload["cohort_description"],
            reason=event.payload["reason"])):
        file_referral(case.reference, england_date(case.submitted_utc), case.intervention_key,
                      case.icd10_category, event.payload["cohort_description"])


def _send_letter(case: Case, event: CaseEvent) -> None:
    queue_job("prepare_letter", case_id=case.id, event_id=event.id)
    signal_clocks(runtime().workflows[case.route], case, "letter_requested", runtime().now())


EFFECTS: dict[str, Callable[[Case, CaseEvent], None]] = {
    "notify_clinician": _notify_clinician,
    "send_letter": _send_letter,
    "refer_to_cet": _refer_to_cet,
    "record_cdf_treatment": treatment.record_treatment,
}


def known_names() -> KnownNames:
    """What the workflow files may name: the cases' guards and effects, and policy development's."""
    from ifr_service.policy import service as policy

    return KnownNames(roles=frozenset(role.value for role in Role),
                      guards=frozenset(GUARDS) | frozenset(policy.GUARDS),
                      effects=frozenset(EFFECTS) | frozenset(policy.EFFECTS),
                      handlers=frozenset(HANDLERS), signals=SIGNALS)
