"""Who is calling, and the rule each endpoint declares about who may call it.

Every view function is wrapped by `allow(...)`; a test walks the URL map and
fails if one is not, so no endpoint is reachable by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request

from ifr_service.errors import Forbidden, Unauthorised
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_user
from ifr_service.users.tokens import read_token

PUBLIC = "public"
ANY_SIGNED_IN = "any signed-in user"

# The role groups every route's rule is written with. A group says who may call a route at all;
# which cases each of them may see is decided in one place, ifr_service/cases/access.py.
# Administrators keep reference data, panels and users; they never see a case's contents.
HUB_TEAM = (Role.CASE_OFFICER, Role.PANEL_CHAIR, Role.PANEL_MEMBER)
WORKS_THE_QUEUE = (Role.CASE_OFFICER, Role.PANEL_CHAIR)  # chairs take chair's urgent action from it
RUNS_MEETINGS = (Role.CASE_OFFICER, Role.PANEL_CHAIR)
# The roles that belong to a hub (hub_id): its IFR team and panels, and its commissioning finance.
OF_A_HUB = (*HUB_TEAM, Role.COMMISSIONING_FINANCE)
# The roles that belong to a provider trust, by its ODS code.
OF_A_TRUST = (Role.CLINICIAN, Role.TRUST_APPROVER)
CASE_READERS = (Role.CLINICIAN, Role.TRUST_APPROVER, Role.CDF_ADMIN, *HUB_TEAM)
# The panel decides on the clinical case alone: its roles read a case as its pack shows it, without
# the patient's identifiers (cases/access.py:can_read_identifiers).
SITS_ON_PANELS = (Role.PANEL_CHAIR, Role.PANEL_MEMBER)


def allow(*roles: Role | str) -> Callable:
    """Declare who may call a view: roles, ANY_SIGNED_IN or PUBLIC."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if PUBLIC not in roles:
                user = current_user()
                if ANY_SIGNED_IN not in roles and user.role not in roles:
                    raise Forbidden("Your role does not allow this.")
            return view(*args, **kwargs)

        guarded.access_rule = tuple(str(role) for role in roles)
        return guarded

    return decorate


def current_user() -> User:
    if "user" not in g:
        g.user = _authenticate()
    return g.user


def _authenticate() -> User:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorised("Sign in first: send an Authorization: Bearer token.")
    username = read_token(token.strip(), current_app.config["IFR"])
    user = find_user(username)
    if user is None or not user.is_active or user.role == Role.SYSTEM:  # the service never signs in
        raise Unauthorised("Your account is not active on this service.")
    return user
