"""The service administrator's pages: the overview they land on, and the users pages (find a user,
add one, change their role, organisation and hub lead, switch them off and on). The rules are in
users/service.py; these pages read a form, call it, and show what it says."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ifr_service.errors import ValidationFailed
from ifr_service.jobs.queries import count_messages_by_state
from ifr_service.jobs.routes import jobs_overview
from ifr_service.panels import queries as panel_queries
from ifr_service.panels.seats import seats_quorum
from ifr_service.reference.queries import find_hubs, find_providers, find_regions
from ifr_service.users import queries, service
from ifr_service.users.access import OF_A_HUB, current_user
from ifr_service.users.models import Role, User
from ifr_service.web.session import ROLE_TITLES, page_allow

admin_pages = Blueprint("admin", __name__)
MOST_LISTED = 100  # a national service has thousands of clinicians: a search narrows them
# The states of a background job, in the words the overview uses (jobs/queries.py).
JOB_STATES = [("waiting", "Waiting to be handed on"), ("running", "Handed on, being tried"),
              ("retrying", "Waiting to be tried again"), ("completed", "Completed"),
              ("failed", "Failed (in the failed list)")]


@admin_pages.get("/admin")
@page_allow(Role.ADMIN)
def overview():
    counts = queries.count_people_by_role()
    roles = [{"role": role, "title": ROLE_TITLES[role], "active": counts.get((role.value, True), 0),
              "off": counts.get((role.value, False), 0)} for role in service.ASSIGNABLE_ROLES]
    panels = [{"panel": panel, "seats": sum(1 for m in panel_queries.find_members(panel.id) if m.is_active),
               "quorum": seats_quorum(panel)} for panel in panel_queries.find_panels()]
    states = count_messages_by_state()
    job_states = [{"title": title, "count": states.get(key, 0)} for key, title in JOB_STATES]
    return render_template("admin/overview.html", title="Service administration", roles=roles, panels=panels,
                           job_states=job_states, jobs=jobs_overview())


@admin_pages.get("/admin/users")
@page_allow(Role.ADMIN)
def list_users():
    words = (request.args.get("q") or "").strip()[:100]
    role = request.args.get("role") or ""
    if role not in {r.value for r in service.ASSIGNABLE_ROLES}:
        role = ""
    found = queries.find_people(words, role or None, limit=MOST_LISTED + 1)
    people = [{"user": user, "organisation": service.organisation_of(user)} for user in found[:MOST_LISTED]]
    return render_template("admin/users.html", title="Users", people=people, words=words, role=role,
                           more=len(found) > MOST_LISTED, most=MOST_LISTED,
                           role_items=_role_items(role, everyone=True), role_titles=ROLE_TITLES)


@admin_pages.route("/admin/users/new", methods=["GET", "POST"])
@page_allow(Role.ADMIN)
def add_user():
    if request.method == "GET":
        return _user_form(None, {}, None)
    try:
        user = service.add_user(current_user(), request.form)
    except ValidationFailed as error:
        return _user_form(None, request.form, error.fields), 422
    flash(f"{user.display_name} ({user.username}) is added: they can sign in now.")
    return redirect(url_for(".show_user", username=user.username))


@admin_pages.route("/admin/users/<username>", methods=["GET", "POST"])
@page_allow(Role.ADMIN)
def show_user(username: str):
    user = service.get_person(username)
    if request.method == "GET":
        return _user_form(user, _values_of(user), None)
    was_active = user.is_active
    try:
        service.change_user(current_user(), user, request.form)
    except ValidationFailed as error:
        return _user_form(user, request.form, error.fields), 422
    flash(_saved_message(user, was_active))
    return redirect(url_for(".show_user", username=user.username))


def _saved_message(user: User, was_active: bool) -> str:
    if was_active and not user.is_active:
        return (f"{user.display_name} is switched off: they are signed out everywhere and cannot sign in, "
                "and any panel seats they held are stood down.")
    if user.is_active and not was_active:
        return f"{user.display_name} is switched on: they can sign in again."
    return f"{user.display_name}'s details are saved."


def _user_form(user: User | None, values, errors: dict | None):
    role = values.get("role") or ""
    title = f"{user.display_name} ({user.username})" if user else "Add a user"
    return render_template(
        "admin/user.html", title=title, user=user, values=values, errors=errors, role_titles=ROLE_TITLES,
        organisation=service.organisation_of(user) if user else None,
        role_items=_role_items(role), hub_items=_choices(find_hubs(), values.get("hub"), "hub"),
        region_items=_choices(find_regions(), values.get("region"), "region"),
        trust_items=_trust_choices(values.get("trust_code")),
        back_link={"href": url_for(".list_users"), "text": "Back to users"})


def _values_of(user: User) -> dict:
    """What the change form shows for a user as they are."""
    from ifr_service.reference.queries import get_hub_by_id, get_region

    return {"display_name": user.display_name, "email": user.email, "role": user.role,
            "trust_code": user.organisation_code or "",
            "hub": get_hub_by_id(user.hub_id).code if user.hub_id else "",
            "region": get_region(user.region_id).code if user.region_id else "",
            "leads_hub": "yes" if user.leads_hub else "", "is_active": "yes" if user.is_active else "no"}


ROLE_HINTS = {Role.CLINICIAN: "Needs their provider trust", Role.TRUST_APPROVER: "Needs their provider trust",
              Role.CDF_ADMIN: "Needs their region",
              **{role: "Needs their hub" for role in OF_A_HUB}}


def _role_items(chosen: str, everyone: bool = False) -> list[dict]:
    if everyone:
        return [{"value": "", "text": "Every role", "selected": not chosen}] + [
            {"value": role.value, "text": ROLE_TITLES[role], "selected": chosen == role.value}
            for role in service.ASSIGNABLE_ROLES]
    return [{"value": role.value, "text": ROLE_TITLES[role], "checked": chosen == role.value,
             "hint": {"text": ROLE_HINTS[role]} if role in ROLE_HINTS else None}
            for role in service.ASSIGNABLE_ROLES]


def _trust_choices(chosen: str | None) -> list[dict]:
    """Reference data's trusts by name, the ODS code beside it (two trusts' names can be alike)."""
    return [{"value": "", "text": "", "selected": not chosen}] + [
        {"value": row.code, "text": f"{row.name} ({row.code})", "selected": chosen == row.code}
        for row in find_providers()]


def _choices(rows, chosen: str | None, what: str) -> list[dict]:
    return [{"value": "", "text": f"Choose a {what}", "selected": not chosen}] + [
        {"value": row.code, "text": row.name, "selected": chosen == row.code} for row in rows]
