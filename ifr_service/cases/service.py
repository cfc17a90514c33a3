"""The case use cases: the only place a case is created or changed.

Each function runs inside the caller's unit of work and only flushes; the
request (or job) commits once at the edge. Every change writes its event in
the same transaction, through `apply_action`.
"""

from __future__ import annotations

import hashlib
import json
import secrets

from ifr_service import db
from ifr_service.audit.models import DENIED, READ
from ifr_service.audit.recording import note_case_seen
from ifr_service.cases import queries
from ifr_service.cases.access import AWAITING_TRUST_APPROVAL, can_see_case, check_can_see_case
from ifr_service.cases.attachments import check_file, checked_description
from ifr_service.cases.clocks import move_clocks, signal_clocks
from ifr_service.cases.models import URGENCY_RANK, Attachment, Case, CaseEvent, IdempotencyRecord
from ifr_service.db import utc_now
from ifr_service.errors import Forbidden, NotFound, ValidationFailed
from ifr_service.forms.answers import (
    CLINICIAN_PROVIDER_ODS_CODE,
    CLINICIAN_REGISTRATION_BODY,
    CLINICIAN_REGISTRATION_NUMBER,
    CLINICIAN_ROLE,
    CLINICIAN_TELEPHONE,
    DIAGNOSIS_ICD10_CODE,
    INTERVENTION_DMD_CODE,
    INTERVENTION_NAME,
    INTERVENTION_OPCS4_CODE,
    PATIENT_COMMISSIONER,
    URGENCY_LEVEL,
    read_answer,
    submitted_answer,
)
from ifr_service.forms.validation import validate_answers
from ifr_service.interventions import intervention_key
from ifr_service.jobs.outbox import queue_job
from ifr_service.reference import queries as reference
from ifr_service.runtime import runtime
from ifr_service.users.models import Role, User
from ifr_service.workflows.definition import Action
from ifr_service.workflows.engine import next_state
from ifr_service.workflows.registry import registry
from ifr_service.workflows.runner import decide, offered

FORM_FOR_ROUTE = {"ifr": "ifr-application"}
DELETED_STATES = ("deleted",)
CARRIED_CLINICIAN_ANSWERS = (CLINICIAN_REGISTRATION_BODY, CLINICIAN_REGISTRATION_NUMBER, CLINICIAN_ROLE,
                             CLINICIAN_TELEPHONE)
DRAFT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def apply_action(case: Case, action: str, actor: User, payload: dict | None = None) -> Case:
    """Check the workflow allows the action, move the case, and record the event."""
    transition(case, action, actor, payload)
    return case


def transition(case: Case, action: str, actor: User, payload: dict | None = None,
               to_state: str | None = None) -> CaseEvent:
    """apply_action, answering the event it recorded, for the action's effects. Decided in memory:
    the case, its event, its clocks (read once) and what the workflow's listeners keep in step (the
    national record) are written together at the unit of work's next flush. `to_state`: where the
    runner already found the action leads (workflows/runner.py:decide), so it is not worked out again."""
    check_can_see_case(actor, case)
    workflow = runtime().workflows[case.route]
    target = to_state or next_state(workflow, case.state, action, actor.role)
    from_state, case.state = case.state, target
    case.updated_utc = utc_now()
    event = queries.record_event(case, workflow.action(action).event, actor, from_state, target, payload,
                                 flush=False)
    move_clocks(workflow, case, from_state, target, runtime().now())
    for listener in registry(workflow.key).listeners:  # the CET's national record (cet/national.py)
        listener(case, event)
    return event


def check_action_allowed(case: Case, action: str, actor: User) -> None:
    """Refuse early (404, 409 or 403) before any answer or file is looked at."""
    check_can_see_case(actor, case)
    next_state(runtime().workflows[case.route], case.state, action, actor.role)


def actions_for(case: Case, user: User) -> list[Action]:
    """What this user may do next; nothing on a case they may not see, and nothing a guard says is
    not theirs to be offered (no decision of a case in which they declared an interest)."""
    if not can_see_case(user, case):
        return []
    return offered(runtime().workflows[case.route], case, case.state, user)


def queue_states(route: str) -> list[str]:
    """Every state but the draft and the trust's sign-off: the hub sees a case from submission on."""
    workflow = runtime().workflows[route]
    return [state.key for state in workflow.states
            if state.key not in (workflow.initial, AWAITING_TRUST_APPROVAL)]


def create_draft(actor: User, answers: dict, route: str = "ifr", complete: bool = False) -> Case:
    """Start an application. `complete=True` checks every answer now, as submission will."""
    if actor.role_enum is not Role.CLINICIAN:
        raise Forbidden("Only a clinician can start an application.")
    form = runtime().forms.latest(FORM_FOR_ROUTE[route])
    cleaned = validate_answers(form, answers, complete=complete)
    check_provider_is_own_trust(actor, cleaned)
    workflow = runtime().workflows[route]
    case = Case(
        draft_reference=new_draft_reference(), route=route, state=workflow.initial,
        form_key=form.key, form_version=form.version, answers=cleaned,
        created_by_id=actor.id, provider_org_code=actor.organisation_code,
    )
    _set_urgency(case)  # before the INSERT, which then carries it
    queries.create_case(case)
    queries.record_event(case, "draft_created", actor, None, case.state,
                         {"form": form.key, "form_version": form.version, "fields": _paths(cleaned)})
    note_case_seen(actor, case)  # a new draft passes no access check, but its creation is audited too
    return case


def delete_draft(case: Case, actor: User) -> Case:
    """A draft its clinician no longer wants: its answers are erased (a draft holds a patient's
    details, kept for no purpose once abandoned); its events stay, as every case's do."""
    check_action_allowed(case, "delete_draft", actor)
    case.answers = {}
    return apply_action(case, "delete_draft", actor, {})


def clinician_details(actor: User) -> dict:
    """A new application's clinician section, from the sign-in (name, email, trust) and from the
    clinician's own latest application (registration and role), so they are not retyped."""
    details = {"name": actor.display_name, "email": actor.email,
               "provider_trust": actor.organisation_name, "provider_ods_code": actor.organisation_code}
    latest = queries.find_latest_case_by(actor.id)
    earlier = latest.answers if latest else {}
    details |= {path.keys[1]: read_answer(earlier, path) for path in CARRIED_CLINICIAN_ANSWERS
                if read_answer(earlier, path)}
    return {key: value for key, value in details.items() if value}


def update_draft(case: Case, actor: User, changes: dict) -> Case:
    """Merge changed answers into the draft: a section's keys are replaced one by one."""
    check_action_allowed(case, "edit", actor)
    form = runtime().forms.get(case.form_key, case.form_version)
    cleaned = validate_answers(form, changes, complete=False)
    check_provider_is_own_trust(actor, cleaned)
    merged = {section: dict(values) for section, values in case.answers.items()}
    for section, values in cleaned.items():
        merged.setdefault(section, {}).update(values)
    case.answers = merged
    _set_urgency(case)
    return apply_action(case, "edit", actor, {"fields": _paths(cleaned)})


def add_attachment(case: Case, actor: User, filename: str | None, content: bytes,
                   description: str | None, description_required: bool = False) -> tuple[Attachment, bool]:
    """Attach a file; the same file again answers the attachment already there (False). The pages
    ask for a description of each file; the API takes one if given (cases/attachments.py)."""
    check_action_allowed(case, "attach", actor)
    checked = check_file(filename, content, runtime().config.attachment_max_bytes)
    description = checked_description(description, required=description_required)
    existing = queries.find_attachment_by_hash(case, checked.sha256)
    if existing is not None:
        return existing, False
    attachment = queries.create_attachment(Attachment(
        case_id=case.id, filename=checked.filename, content_type=checked.content_type,
        size_bytes=checked.size_bytes, sha256=checked.sha256, description=description,
        uploaded_by_id=actor.id,
    ), content)
    apply_action(case, "attach", actor, {"attachment_id": attachment.id, "sha256": checked.sha256,
                                         "filename": checked.filename})
    return attachment, True


def submit_case(case: Case, actor: User) -> Case:
    """The clinician submits the application. On a form version the trust signs off
    (`signed_off_by_trust`) it goes to the trust first, and NHS England receives it when the trust
    approves it (approve_for_trust); otherwise it goes to NHS England now."""
    if runtime().forms.get(case.form_key, case.form_version).signed_off_by_trust:
        return send_for_trust_approval(case, actor)
    check_action_allowed(case, "submit", actor)
    check_complete(case, actor)
    return _submit_to_nhs_england(case, "submit", actor)


def send_for_trust_approval(case: Case, actor: User) -> Case:
    """The clinician's finished application, to their trust's approver: checked as a submission is
    (the guard form_signed_off_by_trust, cases/actions.py), but not yet NHS England's: no reference,
    no hub, no clock."""
    workflow = runtime().workflows[case.route]
    check_can_see_case(actor, case)
    decision = decide(workflow, case, case.state, "send_for_trust_approval", actor, {})
    transition(case, decision.action.key, actor, decision.payload, decision.to_state)
    return case


def approve_for_trust(case: Case, actor: User) -> Case:
    """The trust's approver signs the application off: it is then submitted to NHS England, exactly
    as a submission without the trust's step is (routed, given its reference, acknowledged, its clocks
    started), at this moment and only now."""
    check_action_allowed(case, "approve_for_trust", actor)
    form = runtime().forms.get(case.form_key, case.form_version)
    case.answers = validate_answers(form, case.answers, complete=True)  # the reference data may have moved
    return _submit_to_nhs_england(case, "approve_for_trust", actor)


def check_complete(case: Case, actor: User) -> None:
    """Every answer the case's form version asks for, and the clinician's own trust as its provider."""
    form = runtime().forms.get(case.form_key, case.form_version)
    case.answers = validate_answers(form, case.answers, complete=True)
    check_provider_is_own_trust(actor, case.answers)


def _submit_to_nhs_england(case: Case, action: str, actor: User) -> Case:
    """Give the request its reference, route it to its hub, and start its acknowledgement."""
    answers = case.answers
    hub, region = register_submission(case, intervention_key(
        submitted_answer(answers, INTERVENTION_NAME),
        read_answer(answers, INTERVENTION_DMD_CODE) or read_answer(answers, INTERVENTION_OPCS4_CODE)))
    apply_action(case, action, actor, {"reference": case.reference, "hub": hub.code, "region": region.code})
    # The clock first: queueing the job flushes, and the submission is then written in one batch.
    signal_clocks(runtime().workflows[case.route], case, "acknowledgement_requested", runtime().now())
    queue_job("send_case_acknowledgement", case_id=case.id)
    return case


def check_provider_is_own_trust(actor: User, answers: dict) -> None:
    """A clinician applies for care their own trust would give: the provider the answers claim
    (clinician.provider_ods_code) must be the submitter's own organisation, or the case would be
    routed and shown as another trust's."""
    claimed = read_answer(answers, CLINICIAN_PROVIDER_ODS_CODE)
    if claimed is None:
        return  # not answered yet (a draft); a complete application must answer it
    own = (actor.organisation_code or "").upper()
    if claimed.strip().upper() != own or not own:
        raise ValidationFailed({"clinician.provider_ods_code": (
            f"Enter your own trust's ODS code ({own}): you can only apply for treatment your "
            "organisation would give." if own else
            "Your account has no organisation, so you cannot apply for a provider: ask your service "
            "administrator.")})


def register_submission(case: Case, treatment_key: str):
    """What every route does as a request arrives: route it through the patient's commissioner to
    its hub and region, give it its reference (IFR-2026-000123, CDF-2026-000045) and the keys
    similar requests are found by. Returns the hub and the region."""
    hub, region = _route_to_hub(case)
    case.hub_id, case.region_id = hub.id, region.id
    year = runtime().today().year
    case.reference = f"{case.route.upper()}-{year}-{queries.allocate_reference_number(case.route, year):06d}"
    case.icd10_category = submitted_answer(case.answers, DIAGNOSIS_ICD10_CODE)[:3]
    case.intervention_key = treatment_key
    case.submitted_utc = runtime().now()  # the service's clock, as the reference's year
    queries.note_submitted(case)  # its national record is then made from what is in hand
    return hub, region


def create_case_idempotently(actor: User, answers: dict, submit: bool,
                             key: str | None) -> tuple[Case, int]:
    """Create (and perhaps submit) a case once per Idempotency-Key; retries get the same case."""
    def create() -> Case:
        case = create_draft(actor, answers, complete=submit)
        return submit_case(case, actor) if submit else case

    return once(actor, key, {"answers": answers, "submit": submit}, create, status_code=201)


def submit_case_idempotently(case: Case, actor: User, key: str | None) -> tuple[Case, int]:
    return once(actor, key, {"submit": case.draft_reference}, lambda: submit_case(case, actor),
                status_code=200)


def once(actor: User, key: str | None, request: dict, work, status_code: int):
    """Do `work` once per user and Idempotency-Key: a retry of the same request answers the case
    the first one made; the key reused for a different request is refused."""
    if key is None:
        return work(), status_code
    fingerprint = _fingerprint(request)
    if not 1 <= len(key) <= 200:
        raise ValidationFailed({"Idempotency-Key": "Use a key of 1 to 200 characters."})
    earlier = queries.find_idempotency_record(actor.id, key)
    if earlier is None:
        case = work()
        record = IdempotencyRecord(user_id=actor.id, key=key, request_fingerprint=fingerprint,
                                   case_id=case.id, status_code=status_code)
        if queries.create_idempotency_record(record):
            return case, status_code
        # A concurrent retry won: undo this copy (and its queued jobs) and answer with that one.
        db.current_unit().rollback()
        earlier = queries.find_idempotency_record(actor.id, key)
    if earlier.request_fingerprint != fingerprint:
        raise ValidationFailed({"Idempotency-Key": "This key was already used for a different request."})
    return _replayed(actor, queries.get_case_by_id(earlier.case_id)), earlier.status_code


def _replayed(actor: User, case: Case) -> Case:
    """A retry answers the case the first request made, as a read of it: only if the person may
    still see it (they may have moved to another trust since), and audited like any read."""
    if not can_see_case(actor, case):
        note_case_seen(actor, case, action=DENIED)
        raise NotFound("There is no case with that reference.", field="reference")
    note_case_seen(actor, case, action=READ)
    return case


def _route_to_hub(case: Case):
    code = submitted_answer(case.answers, PATIENT_COMMISSIONER)
    commissioner = reference.find_commissioner(code)
    hub = commissioner and reference.find_hub_for_commissioner(commissioner, runtime().today())
    if hub is None:
        raise ValidationFailed({"patient.commissioner": "No hub serves this commissioner today."})
    case.commissioner_id = commissioner.id
    return hub, reference.get_region(hub.region_id)


def _set_urgency(case: Case) -> None:
    level = read_answer(case.answers, URGENCY_LEVEL) or "routine"
    case.urgency, case.urgency_rank = level, URGENCY_RANK[level]


def new_draft_reference() -> str:
    return "DRAFT-" + "".join(secrets.choice(DRAFT_ALPHABET) for _ in range(8))


def _fingerprint(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, default=str).encode()).hexdigest()


def _paths(answers: dict) -> list[str]:
    return sorted(f"{section}.{key}" for section, values in answers.items() for key in values)
