"""A service administrator's work on users: add one, change their role and organisation, make a
case officer their hub's IFR lead, switch someone off and back on.

Every rule is here, not in a page: one change is checked whole and then made whole, or refused
naming each field that is wrong (nothing half-saved). A user an administrator added or changed is
`managed_here`: their role and organisation stand when they next sign in, whatever the identity
provider's claims say (identity/accounts.py). Each change is audited as "user:<username>".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ifr_service.audit.models import ADMIN
from ifr_service.audit.recording import note_event
from ifr_service.db import as_utc, utc_now
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.reference.queries import find_hub, find_provider, find_region, get_hub_by_id, get_region
from ifr_service.text import quoted, text_problem
from ifr_service.users import queries
from ifr_service.users.access import OF_A_HUB, OF_A_TRUST
from ifr_service.users.models import Role, User

# Every role a person can hold; the service's own user is not a person.
ASSIGNABLE_ROLES = tuple(role for role in Role if role is not Role.SYSTEM)
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{2,99}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A second save of the same new user within this time (a double click) is the first one, not a clash.
SAME_SAVE = timedelta(minutes=2)


@dataclass(frozen=True)
class Details:
    """What an administrator sets about a user, checked."""

    display_name: str
    email: str
    role: Role
    organisation_code: str | None = None
    organisation_name: str | None = None
    hub_id: int | None = None
    region_id: int | None = None
    leads_hub: bool = False
    is_active: bool = True


def get_person(username: str) -> User:
    """A person an administrator may manage: not the service itself, nor a registered system (those
    are `ifr-service clients`' to manage)."""
    user = queries.find_user(username)
    if user is None or user.role == Role.SYSTEM or user.username.startswith("client:"):
        raise NotFound("There is no such user.", field="username")
    return user


def add_user(admin: User, form: Mapping[str, str]) -> User:
    """A new person, who can sign in at once through the identity provider under this username."""
    username = (form.get("username") or "").strip()
    errors = {}
    problem = _username_problem(username)
    earlier = queries.find_user_ignoring_case(username) if not problem else None
    details = _read_details(form, errors, adding=True)
    if problem:
        errors["username"] = problem
    elif earlier is not None and not _is_same_save(earlier, username, details):
        errors["username"] = f"There is a user {quoted(earlier.username)} already: choose another username."
    if errors:
        raise ValidationFailed(errors)
    if earlier is not None:
        return earlier  # the same form saved twice: one user
    user = queries.create_user(User(username=username, display_name=details.display_name, email=details.email,
                                    role=details.role.value, managed_here=True))
    _apply(user, details)
    note_event(admin, ADMIN, f"user:{user.username}")
    return user


def change_user(admin: User, user: User, form: Mapping[str, str]) -> User:
    """Change a person's details, role, organisation, hub lead and whether they can sign in."""
    errors = {}
    details = _read_details(form, errors, adding=False)
    if details is not None:
        errors.update(_self_and_last_admin_problems(admin, user, details))
    if errors:
        raise ValidationFailed(errors)
    switched_off = user.is_active and not details.is_active
    left_panels = user.role in (Role.PANEL_CHAIR, Role.PANEL_MEMBER) and (
        switched_off or details.role not in (Role.PANEL_CHAIR, Role.PANEL_MEMBER))
    _apply(user, details)
    user.managed_here = True
    if switched_off:
        queries.end_page_sessions(user.id, utc_now())  # signed out everywhere, at once
    if left_panels:
        _stand_down_seats(admin, user)
    note_event(admin, ADMIN, f"user:{user.username}")
    return user


def _stand_down_seats(admin: User, user: User) -> None:
    """A person switched off, or no longer a panel chair or member, sits on no panel: their seats are
    stood down (kept, for the meetings they sat at)."""
    from ifr_service.panels.seats import stand_down_seats_of

    for panel_id in stand_down_seats_of(user):
        note_event(admin, ADMIN, f"panel:{panel_id}")


def _self_and_last_admin_problems(admin: User, user: User, details: Details) -> dict:
    errors = {}
    if user.id == admin.id and not details.is_active:
        errors["is_active"] = "You cannot switch yourself off: ask another service administrator."
    if user.id == admin.id and details.role is not Role.ADMIN:
        errors["role"] = "You cannot change your own role: ask another service administrator."
    leaves_admins = user.role == Role.ADMIN and user.is_active and (
        not details.is_active or details.role is not Role.ADMIN)
    if leaves_admins and not errors and queries.count_active_users(Role.ADMIN) <= 1:
        errors["role"] = "This is the last active service administrator: add another before changing them."
    return errors


def _apply(user: User, details: Details) -> None:
    user.display_name, user.email, user.role = details.display_name, details.email, details.role.value
    user.organisation_code, user.organisation_name = details.organisation_code, details.organisation_name
    user.hub_id, user.region_id = details.hub_id, details.region_id
    user.leads_hub, user.is_active = details.leads_hub, details.is_active
    queries.flush()


def _is_same_save(earlier: User, username: str, details: Details | None) -> bool:
    recent = utc_now() - as_utc(earlier.created_utc) <= SAME_SAVE
    return (details is not None and recent and earlier.username == username and earlier.managed_here
            and details_of(earlier) == details)


def details_of(user: User) -> Details:
    return Details(display_name=user.display_name, email=user.email, role=user.role_enum,
                   organisation_code=user.organisation_code, organisation_name=user.organisation_name,
                   hub_id=user.hub_id, region_id=user.region_id, leads_hub=user.leads_hub,
                   is_active=user.is_active)


def _username_problem(username: str) -> str | None:
    if not username:
        return "Enter a username."
    if username == queries.SYSTEM_USERNAME:
        return "That username is the service's own: choose another."
    if not USERNAME.fullmatch(username):
        return ("Enter a username of 3 to 100 letters, digits, full stops, hyphens, underscores or @, "
                "starting with a letter or digit, as the identity provider gives it.")
    return None


def _read_details(form: Mapping[str, str], errors: dict, adding: bool) -> Details | None:
    """The details posted, or None with `errors` saying why not, each by its field."""
    name = _text(form, "display_name", 200, "Enter the person's full name.", errors)
    email = _text(form, "email", 254, "Enter the person's email address.", errors)
    if email and not EMAIL.fullmatch(email):
        errors["email"] = "Enter an email address in the right format, like name@nhs.net."
    role = _role(form.get("role"), errors)
    place = _place(form, role, errors) if role is not None else {}
    leads_hub = _yes_or_no(form, "leads_hub", errors, default=False)
    if leads_hub and role is not None and role is not Role.CASE_OFFICER:
        errors["leads_hub"] = "Only a hub's case officer can lead its IFR team."
    is_active = True if adding else _yes_or_no(form, "is_active", errors, default=None)
    if is_active is None and "is_active" not in errors:
        errors["is_active"] = "Choose whether the person can sign in."
    if errors:
        return None
    return Details(display_name=name, email=email, role=role, leads_hub=leads_hub, is_active=is_active,
                   **place)


def _text(form: Mapping[str, str], field: str, longest: int, missing: str, errors: dict) -> str | None:
    value = (form.get(field) or "").strip()
    problem = text_problem(value) or (f"Keep this to {longest} characters." if len(value) > longest else None)
    if not value or problem:
        errors[field] = problem or missing
        return None
    return value


def _role(value: str | None, errors: dict) -> Role | None:
    if value in {role.value for role in ASSIGNABLE_ROLES}:
        return Role(value)
    errors["role"] = "Choose the person's role from the list."
    return None


def _place(form: Mapping[str, str], role: Role, errors: dict) -> dict:
    """The organisation the role requires, and no other: a provider trust for a clinician or a trust
    approver, a hub for hub and panel staff, a region for a CDF administrator."""
    if role in OF_A_TRUST:
        # Chosen from reference data's trusts (by ODS code), never typed: a name and code that
        # disagree, or a trust that is not there, cannot be saved.
        provider = find_provider((form.get("trust_code") or "").strip().upper())
        if provider is None:
            errors["trust_code"] = ("Choose the person's provider trust from the list. A trust not on it "
                                    "is added to the reference data first (docs/reference-data.md).")
            return {"organisation_code": None, "organisation_name": None}
        return {"organisation_code": provider.code, "organisation_name": provider.name}
    if role in OF_A_HUB:
        hub = find_hub(form.get("hub") or "")
        if hub is None:
            errors["hub"] = "Choose the hub the person works for from the list."
        return {"hub_id": hub.id if hub else None}
    if role is Role.CDF_ADMIN:
        region = find_region(form.get("region") or "")
        if region is None:
            errors["region"] = "Choose the region whose CDF team the person works for from the list."
        return {"region_id": region.id if region else None}
    return {}


def _yes_or_no(form: Mapping[str, str], field: str, errors: dict, default: bool | None) -> bool | None:
    value = form.get(field)
    if value in (None, ""):
        return default
    if value not in ("yes", "no"):
        errors[field] = "Choose yes or no."
        return None
    return value == "yes"


def organisation_of(user: User) -> str | None:
    """The organisation a user belongs to, by name."""
    if user.hub_id is not None:
        return get_hub_by_id(user.hub_id).name
    if user.region_id is not None:
        return get_region(user.region_id).name
    if user.organisation_code:
        return f"{user.organisation_name or ''} ({user.organisation_code})".strip()
    return None

