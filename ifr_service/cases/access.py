"""Who may see a case. A case someone may not see is answered as not found."""

from __future__ import annotations

from collections.abc import Callable

from flask import g, has_app_context

from ifr_service.audit.models import DENIED
from ifr_service.audit.recording import note_case_seen
from ifr_service.cases.models import Case
from ifr_service.cases.queries import get_case
from ifr_service.errors import NotFound
from ifr_service.users.access import SITS_ON_PANELS, WORKS_THE_QUEUE
from ifr_service.users.models import Role, User

# Who else on a hub's IFR team sees a case, by a feature's rule: the staff of the hub that runs the
# region's panel (panels/access.py). Features register their rule at start-up (ifr_service/features.py);
# with none registered, nobody else sees the case: the rule fails closed.
# Where a clinician's application waits for their trust's sign-off (workflows/ifr.yaml). NHS England
# does not see it there: it has not been submitted to NHS England yet (submitted_utc is not set).
AWAITING_TRUST_APPROVAL = "awaiting_trust_approval"

_ALSO_SEEN_BY: list[Callable[[User, Case], bool]] = []


def also_seen_by(rule: Callable[[User, Case], bool]) -> Callable[[User, Case], bool]:
    """Register a rule by which hub staff also see a case of another hub."""
    if rule not in _ALSO_SEEN_BY:
        _ALSO_SEEN_BY.append(rule)
    return rule


def can_see_case(user: User, case: Case) -> bool:
    """Administrators, CET analysts and auditors never see a case's contents: the CET works on the
    pseudonymised national database, auditors on the audit log.

    Worked out once per request for a person and a case it lets them see (a request reaches it from
    the route, the action's checks, the transition and the response): who may see a case cannot
    change within a request, and the lead hub's answer costs a query."""
    seen = g.setdefault("cases_seen", set()) if has_app_context() else set()
    if (user.id, case.id) in seen:
        return True
    visible = _can_see_case(user, case)
    if visible and case.id is not None:
        seen.add((user.id, case.id))
    return visible


def _can_see_case(user: User, case: Case) -> bool:
    role = user.role_enum
    if role is Role.SYSTEM:
        return True
    if role is Role.CLINICIAN:
        return case.provider_org_code is not None and case.provider_org_code == user.organisation_code
    if role is Role.TRUST_APPROVER:  # their own trust's request, while it awaits their sign-off
        return (case.state == AWAITING_TRUST_APPROVAL and case.provider_org_code is not None
                and case.provider_org_code == user.organisation_code)
    if role is Role.CDF_ADMIN:
        return case.route == "cdf" and user.region_id is not None and case.region_id == user.region_id
    if role is Role.PANEL_MEMBER:  # the de-identified pack of their panel's meetings, never the case
        return False
    if role in WORKS_THE_QUEUE:  # hub case officers and chairs; the CDF is run by the regions' CDF teams
        return case.route == "ifr" and case.submitted_utc is not None and user.hub_id is not None and (
            case.hub_id == user.hub_id or any(rule(user, case) for rule in _ALSO_SEEN_BY))
    return False


def can_read_identifiers(user: User) -> bool:
    """Whether this person may read the identifiable case, besides its clinical facts: the patient's
    name, NHS number, date of birth and address, the clinician's name and contact details, and the
    files and letters that carry them. The panel roles may not: a chair who takes chair's action or
    decides a review reads the one case as its pack shows it (cases/presenters.py:case_contents)."""
    return user.role_enum not in SITS_ON_PANELS


def get_visible_case(reference: str, user: User, for_update: bool = False) -> Case:
    """The case, if this person may see it. A case they may not see is answered exactly as a
    reference nobody has, before anything else about the request is looked at."""
    case = get_case(reference, for_update=for_update)
    check_can_see_case(user, case)
    return case


def get_identifiable_case(reference: str, user: User) -> Case:
    """The case, if this person may see it and read its identifiers (its files and letters, say).
    Someone who reads the case only de-identified is answered as for a reference nobody has."""
    case = get_case(reference)
    check_can_see_case(user, case, identifiable=True)
    return case


def check_can_see_case(user: User, case: Case, identifiable: bool = False) -> None:
    """Every read or change of a case for a person comes through here, so here it is audited."""
    if not can_see_case(user, case) or (identifiable and not can_read_identifiers(user)):
        note_case_seen(user, case, action=DENIED)
        raise NotFound("There is no case with that reference.", field="reference")
    note_case_seen(user, case)


def can_see_hub_queue(user: User, hub_id: int) -> bool:
    return user.role_enum in WORKS_THE_QUEUE and user.hub_id == hub_id
