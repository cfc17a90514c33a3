"""When a policy is published, the open IFR cases it answers are flagged to their hubs' case
officers: an event on each case, and an email that names the case and the policy, not the patient."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.cases.queries import record_event
from ifr_service.notifications.models import Notification
from ifr_service.notifications.sending import send_once
from ifr_service.policy.models import Policy
from ifr_service.runtime import runtime
from ifr_service.users.models import Role
from ifr_service.users.queries import find_hub_staff, get_system_user


def flag_open_cases(policy: Policy) -> list[str]:
    workflow = runtime().workflows["ifr"]
    finished = [state.key for state in workflow.states if state.final]
    query = select(Case).where(Case.route == "ifr", Case.submitted_utc.is_not(None),
                               Case.state.not_in(finished), Case.intervention_key == policy.intervention_key,
                               Case.icd10_category == policy.icd10_category).order_by(Case.id)
    flagged = []
    for case in db.session().exec(query):
        record_event(case, "policy_published", get_system_user(), case.state, case.state, {
            "policy": policy.reference, "title": policy.title, "position": policy.position})
        for officer in find_hub_staff(case.hub_id, Role.CASE_OFFICER):
            send_once(Notification(
                case_id=case.id, kind=f"policy_published:{policy.reference}", recipient=officer.email,
                subject=f"Individual Funding Request {case.reference}: a national policy now applies",
                body=(f"NHS England has published the national commissioning policy {policy.reference}, "
                      f"{policy.title} ({policy.position.replace('_', ' ')}).\n\nIt covers the treatment "
                      f"requested in Individual Funding Request {case.reference}. Please consider the "
                      "case against the policy.\n\nThis message contains no patient information.\n")))
        flagged.append(case.reference)
    return flagged
