"""Assigning a case to a case officer of its hub: who works it, for the queue's "my cases".

Assignment is not a step of the workflow (the case stays in its state), but it is a change to the
case: it is made here only, checked, and written with an event in the case's history, in the same
transaction. Assigning a case to whoever it is already assigned to changes nothing and records nothing
(a double-clicked button assigns once).
"""

from __future__ import annotations

from ifr_service.cases import queries
from ifr_service.cases.access import check_can_see_case
from ifr_service.cases.models import Case
from ifr_service.db import utc_now
from ifr_service.errors import Conflict, Forbidden, ValidationFailed
from ifr_service.runtime import runtime
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_hub_staff, find_user, get_user_by_id

ASSIGNED, UNASSIGNED = "case_assigned", "case_unassigned"


def assign_case(case: Case, actor: User, username: str | None) -> Case:
    """Assign the case to the hub's case officer `username`, or to nobody (None)."""
    check_can_assign(case, actor)
    assignee = _officer_of_hub(case, username) if username else None
    if case.assigned_to_id == (assignee.id if assignee else None):
        return case  # already so: no change, no event
    previous = get_user_by_id(case.assigned_to_id) if case.assigned_to_id else None
    case.assigned_to_id = assignee.id if assignee else None
    case.updated_utc = utc_now()
    queries.record_event(case, ASSIGNED if assignee else UNASSIGNED, actor, None, None, {
        "assigned_to": assignee.username if assignee else None,
        "assigned_to_name": assignee.display_name if assignee else None,
        "previously": previous.username if previous else None})
    return case


def check_can_assign(case: Case, actor: User) -> None:
    """A case officer of the case's own hub, on a case not yet ended (404 for a case they may not see)."""
    check_can_see_case(actor, case)
    if actor.role_enum is not Role.CASE_OFFICER or actor.hub_id is None or actor.hub_id != case.hub_id:
        raise Forbidden("Only a case officer of the case's hub can assign it.")
    if runtime().workflows[case.route].state(case.state).final:
        raise Conflict("This case has ended: it is not assigned to anyone any more.")


def can_assign(case: Case, actor: User) -> bool:
    return (actor.role_enum is Role.CASE_OFFICER and actor.hub_id is not None
            and actor.hub_id == case.hub_id and not runtime().workflows[case.route].state(case.state).final)


def hub_officers(hub_id: int) -> list[User]:
    """Whom a case of the hub may be assigned to."""
    return find_hub_staff(hub_id, Role.CASE_OFFICER.value)


def assignee_of(case: Case) -> User | None:
    return get_user_by_id(case.assigned_to_id) if case.assigned_to_id else None


def _officer_of_hub(case: Case, username: str) -> User:
    user = find_user(username)
    if user is None or not user.is_active or user.role_enum is not Role.CASE_OFFICER \
            or user.hub_id != case.hub_id:
        raise ValidationFailed({"assigned_to": "Choose a case officer of this case's hub."})
    return user
