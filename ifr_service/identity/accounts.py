"""Who an identity provider's claims say someone is, as a user of this service.

The provider is the authority on a person's name and email, and on their role and organisation
until a service administrator sets those here (`managed_here`, users/service.py): from then the
service's record wins, and the claims still must name a role the service knows. The service keeps
its own row for what only it knows (panel seats, hub leads, an account switched off here) and
brings the rest up to date at each sign-in.
"""

from __future__ import annotations

from ifr_service import db
from ifr_service.config import Config
from ifr_service.errors import Forbidden
from ifr_service.reference.queries import find_hub, find_region
from ifr_service.users.access import OF_A_HUB, OF_A_TRUST
from ifr_service.users.models import Role, User
from ifr_service.users.queries import SYSTEM_USERNAME, create_user, find_user

# The service itself and registered systems never sign in through a browser.
NOT_PEOPLE = {Role.SYSTEM}


def account_for(claims: dict, config: Config) -> User:
    """The user these claims describe, created or brought up to date; Forbidden if they may not
    use the service."""
    username = _claim(claims, config.oidc_username_claim)
    if not username or username == SYSTEM_USERNAME or username.startswith("client:"):
        raise Forbidden("The identity provider did not say who you are, so you cannot sign in.")
    role = _role(claims, config)
    user = find_user(username)
    if user is not None and (not user.is_active or user.role_enum in NOT_PEOPLE):
        raise Forbidden("Your account is switched off on this service. Ask your service administrator.")
    if user is None:
        user = create_user(User(username=username, display_name=username, email="", role=role.value))
    user.display_name = _claim(claims, "name") or user.display_name
    user.email = _claim(claims, "email") or user.email
    if not user.managed_here:  # an administrator's choice of role and organisation stands
        user.role = role.value
        _place(user, role, _claim(claims, config.oidc_organisation_claim), _claim(claims, "org_name"))
    db.session().flush()
    return user


def _role(claims: dict, config: Config) -> Role:
    values = claims.get(config.oidc_role_claim) or []
    values = [values] if isinstance(values, str) else values
    ours = dict(config.oidc_role_map) if config.oidc_role_map else {role.value: role.value for role in Role}
    for value in values:
        role = ours.get(value) if isinstance(value, str) else None
        if role in Role.__members__.values() and Role(role) not in NOT_PEOPLE:
            return Role(role)
    raise Forbidden("Your role in the identity provider does not give access to this service.")


def _place(user: User, role: Role, organisation: str | None, organisation_name: str | None) -> None:
    """Put the user in their organisation: a trust (ODS code) for a clinician or a trust approver, a hub
    for hub and panel staff, a region for a CDF administrator; nobody else belongs to one."""
    user.organisation_code = user.organisation_name = user.hub_id = user.region_id = None
    if role in OF_A_TRUST:
        user.organisation_code = _required(organisation)
        user.organisation_name = organisation_name
    elif role in OF_A_HUB:
        user.hub_id = _required(find_hub(_required(organisation))).id
    elif role is Role.CDF_ADMIN:
        user.region_id = _required(find_region(_required(organisation))).id


def _required(value):
    if not value:
        raise Forbidden("The identity provider did not say which organisation you work for, or this "
                        "service does not know it, so you cannot sign in.")
    return value


def _claim(claims: dict, name: str) -> str | None:
    value = claims.get(name)
    return value.strip() or None if isinstance(value, str) else None
