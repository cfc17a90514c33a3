"""The service administrator's panel pages: each regional IFR panel with its seats, a seat given to
a panel chair or member, a seat's role changed, a member stood down or given their seat back. The
rules are the panel service's (panels/seats.py, panels/service.py); each change is audited as
"panel:<id>"."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ifr_service.audit.models import ADMIN
from ifr_service.audit.recording import note_event
from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.panels import queries, seats
from ifr_service.panels.models import Panel, PanelRole
from ifr_service.reference.queries import get_hub_by_id
from ifr_service.users.access import current_user
from ifr_service.users.models import Role
from ifr_service.users.queries import find_people
from ifr_service.web.requests import ID
from ifr_service.web.session import page_allow

panel_admin_pages = Blueprint("panel_admin", __name__)
SEAT_TITLES = {PanelRole.CHAIR: "Chair", PanelRole.VICE_CHAIR: "Vice-chair",
               PanelRole.PUBLIC_HEALTH_CONSULTANT: "Public health consultant",
               PanelRole.PHARMACIST: "Pharmacist", PanelRole.CLINICIAN: "Clinician",
               PanelRole.COMMISSIONING_REPRESENTATIVE: "Commissioning representative",
               PanelRole.LAY_MEMBER: "Lay member"}


@panel_admin_pages.get("/admin/panels")
@page_allow(Role.ADMIN)
def list_panels():
    panels = [{"panel": panel, "hub": get_hub_by_id(panel.hub_id).name,
               "seats": sum(1 for member in queries.find_members(panel.id) if member.is_active),
               "quorum": seats.seats_quorum(panel)} for panel in queries.find_panels()]
    return render_template("admin/panels.html", title="Panels", panels=panels)


@panel_admin_pages.get(f"/admin/panels/<{ID}:panel_id>")
@page_allow(Role.ADMIN)
def show_panel(panel_id: int):
    return _panel_page(queries.get_panel(panel_id), {}, None)


@panel_admin_pages.post(f"/admin/panels/<{ID}:panel_id>/members")
@page_allow(Role.ADMIN)
def add_member(panel_id: int):
    panel = queries.get_panel(panel_id)
    try:
        member = seats.seat_member(panel, request.form.get("username") or "", request.form.get("panel_role"))
    except ValidationFailed as error:
        return _panel_page(panel, request.form, error.fields), 422
    note_event(current_user(), ADMIN, f"panel:{panel.id}")
    flash(f"{_name_of(member.user_id)} has a seat on the panel: {SEAT_TITLES[member.panel_role].lower()}.")
    return redirect(url_for(".show_panel", panel_id=panel.id))


@panel_admin_pages.route(f"/admin/panels/<{ID}:panel_id>/members/<{ID}:member_id>", methods=["GET", "POST"])
@page_allow(Role.ADMIN)
def change_member(panel_id: int, member_id: int):
    panel = queries.get_panel(panel_id)
    member = next((m for m in queries.find_members(panel.id) if m.id == member_id), None)
    if member is None:
        raise NotFound("There is no such member of this panel.", field="member_id")
    if request.method == "GET":
        values = {"panel_role": member.panel_role, "sits": "yes" if member.is_active else "no"}
        return _member_page(panel, member, values, None)
    try:
        seats.change_seat(panel, member.id, request.form.get("panel_role"), request.form.get("sits"))
    except ValidationFailed as error:
        return _member_page(panel, member, request.form, error.fields), 422
    note_event(current_user(), ADMIN, f"panel:{panel.id}")
    what = SEAT_TITLES[member.panel_role].lower() if member.is_active else "stood down"
    flash(f"{_name_of(member.user_id)}'s seat is saved: {what}.")
    return redirect(url_for(".show_panel", panel_id=panel.id))


def _panel_page(panel: Panel, values, errors: dict | None):
    members = queries.find_members_with_users(panel.id)
    seated = {user.id for member, user in members if member.is_active}
    candidates = [user for role in (Role.PANEL_CHAIR, Role.PANEL_MEMBER) for user in find_people(role=role)
                  if user.is_active and user.id not in seated]
    return render_template(
        "admin/panel.html", title=panel.name, panel=panel, hub=get_hub_by_id(panel.hub_id).name,
        members=members, quorum=seats.seats_quorum(panel), seat_titles=SEAT_TITLES, values=values,
        errors=errors,
        people=[{"value": "", "text": "Choose a person", "selected": not values.get("username")}] + [
            {"value": user.username, "text": f"{user.display_name} ({user.username})",
             "selected": values.get("username") == user.username} for user in candidates],
        seat_items=_seat_items(values.get("panel_role"), select=True),
        back_link={"href": url_for(".list_panels"), "text": "Back to panels"})


def _member_page(panel: Panel, member, values, errors: dict | None):
    name = _name_of(member.user_id)
    return render_template(
        "admin/member.html", title=f"{name}'s seat on the {panel.name}", panel=panel, member=member,
        name=name, values=values, errors=errors, seat_items=_seat_items(values.get("panel_role")),
        back_link={"href": url_for(".show_panel", panel_id=panel.id), "text": f"Back to the {panel.name}"})


def _seat_items(chosen: str | None, select: bool = False) -> list[dict]:
    if select:
        return [{"value": "", "text": "Choose a seat", "selected": not chosen}] + [
            {"value": role.value, "text": title, "selected": chosen == role.value}
            for role, title in SEAT_TITLES.items()]
    return [{"value": role.value, "text": title, "checked": chosen == role.value}
            for role, title in SEAT_TITLES.items()]


def _name_of(user_id: int) -> str:
    from ifr_service.users.queries import get_user_by_id

    return get_user_by_id(user_id).display_name
