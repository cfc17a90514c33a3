"""Turn cases into the plain dicts the response schemas dump."""

from __future__ import annotations

from dataclasses import asdict

from ifr_service.cases import queries
from ifr_service.cases.access import can_read_identifiers
from ifr_service.cases.actions import describe_fields
from ifr_service.cases.assignment import assignee_of
from ifr_service.cases.clocks import view_clock
from ifr_service.cases.models import Case, CaseClock
from ifr_service.cases.onward import find_onward_work
from ifr_service.cases.queries import QueueLine
from ifr_service.cases.service import actions_for
from ifr_service.cases.similar import deidentified_application
from ifr_service.cdf.presenters import present_application
from ifr_service.letters.queries import find_letters
from ifr_service.policy.matching import matching_policies
from ifr_service.reference import queries as reference
from ifr_service.reference.models import Commissioner, Hub, Region
from ifr_service.runtime import runtime
from ifr_service.treatment_breaks.service import present_breaks
from ifr_service.users.models import User
from ifr_service.workflows.definition import Action


def similar_requests(case: Case) -> dict:
    """Other requests for the same treatment in the same ICD-10 category, in every hub, and the
    national policies that match the request (policy/matching.py: screening checks the case against
    them)."""
    total, by_state, recent = queries.find_similar_cases(case)
    return {
        "policies": [asdict(policy) for policy in matching_policies(case)],
        "icd10_category": case.icd10_category, "intervention": case.intervention_key,
        "total": total, "by_state": by_state,
        "recent": [{"reference": other.reference, "state": other.state, "submitted_utc": other.submitted_utc,
                    "hub": reference.find_organisation(Hub, other.hub_id)["code"]} for other in recent],
    }


def present_case(case: Case, user: User) -> dict:
    workflow = runtime().workflows[case.route]
    return {
        "reference": case.public_reference,
        "draft_reference": case.draft_reference,
        "route": case.route,
        "state": case.state,
        "state_title": workflow.state(case.state).title,
        "form_key": case.form_key,
        "form_version": case.form_version,
        "urgency": case.urgency,
        "assigned_to": assignee_of(case) if user.hub_id is not None else None,  # hub staff only
        "hub": reference.find_organisation(Hub, case.hub_id),
        "region": reference.find_organisation(Region, case.region_id),
        "commissioner": reference.find_organisation(Commissioner, case.commissioner_id),
        "created_utc": case.created_utc,
        "updated_utc": case.updated_utc,
        "submitted_utc": case.submitted_utc,
        "allowed_actions": [present_action(action) for action in actions_for(case, user)],
        "clocks": [view_clock(workflow, row, runtime().now()) for row in queries.find_clocks(case)],
        "onward": find_onward_work(case),
        **case_contents(case, user),
    }


def case_contents(case: Case, user: User) -> dict:
    """The application, its files and its letters, as this person may read them. Whoever may not read
    the patient's identifiers (the panel roles) gets the application as the panel pack shows it, and
    none of the files or letters, which carry them; the case's state, clocks and actions are the same."""
    if not can_read_identifiers(user):
        return {"answers": deidentified_application(case, runtime().today()), "attachments": [],
                "letters": [], "cdf": None, "breaks": None, "deidentified": True}
    bare = queries.is_bare_new_case(case)  # a case made by this request: no files yet, none read
    return {"answers": case.answers, "attachments": [] if bare else queries.find_attachments(case),
            "letters": [] if bare else find_letters(case.id),
            "cdf": present_application(case) if case.route == "cdf" else None,
            "breaks": present_breaks(case), "deidentified": False}


def present_action(action: Action) -> dict:
    return {"action": action.key, "title": action.title, "payload": describe_fields(action.payload)}


def present_queue_item(line: QueueLine, next_clock: CaseClock | None) -> dict:
    """One line of a hub queue: the case and the clock that falls due next."""
    case = line.case
    due = next_clock and view_clock(runtime().workflows[case.route], next_clock, runtime().now())
    return {
        "due_on": due.due_on if due else None,
        "due_utc": due.due_utc if due else None,
        "clock": due.clock if due else None,
        "clock_status": due.status if due else None,
        "reference": case.public_reference,
        "state": case.state,
        "urgency": case.urgency,
        "submitted_utc": case.submitted_utc,
        "intervention": line.intervention,
        "diagnosis_icd10": line.diagnosis_icd10,
        "provider_trust": line.provider_trust,
        "assigned_to": assignee_of(case),
    }
