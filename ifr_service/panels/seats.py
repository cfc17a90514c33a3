"""A panel's seats, as a service administrator keeps them: who sits on the panel and in which seat
(chair, vice-chair, public health consultant, pharmacist, clinician, commissioning representative,
lay member), a seat given back to someone stood down, and whether the seats could make a quorum.

A seat is never deleted: standing a member down keeps it, with the meetings they sat at and the
interests they declared, and quorum and decisions count only active seats (service.py)."""

from __future__ import annotations

from ifr_service.errors import NotFound, ValidationFailed
from ifr_service.panels import queries
from ifr_service.panels.models import Panel, PanelMember
from ifr_service.panels.quorum import QuorumResult, check_quorum
from ifr_service.panels.service import PANEL_ROLES, add_member, check_seat, seat_of, update_member
from ifr_service.text import shortened
from ifr_service.users.models import User
from ifr_service.users.queries import find_user, get_user_by_id


def seat_member(panel: Panel, username: str, panel_role: str) -> PanelMember:
    """Give a panel chair or member a seat on the panel: a new one, or their seat back if they were
    stood down (a seat is kept, not deleted, for the meetings its holder sat at). The same seat given
    again is the one they have."""
    if not username:
        problems = {"username": "Choose the person who takes the seat."}
        try:
            check_seat(panel_role)
        except ValidationFailed as error:
            problems.update(error.fields)
        raise ValidationFailed(problems)
    seat = check_seat(panel_role)
    user = find_user(username)
    earlier = next((m for m in queries.find_members(panel.id) if user and m.user_id == user.id), None)
    if earlier is None:
        return add_member(panel, username, seat)
    if earlier.is_active and earlier.panel_role == seat:
        return earlier  # the same seat given twice (a double click): one seat
    if earlier.is_active:
        raise ValidationFailed({"username": f"{shortened(username)} is a member of this panel already: "
                                            "change their seat instead."})
    if not user.is_active or user.role not in PANEL_ROLES:
        raise ValidationFailed({"username": "Only panel chairs and panel members who can sign in can sit "
                                            "on a panel."})
    earlier.panel_role, earlier.is_active = seat, True
    queries.flush()
    return earlier


def change_seat(panel: Panel, member_id: int, panel_role: str | None, sits: str | None) -> PanelMember:
    """An administrator's change to a seat: its role on the panel, and whether its holder sits on
    the panel or is stood down. A seat comes back only to a panel chair or member who can sign in."""
    errors = {}
    try:
        seat = check_seat(panel_role)
    except ValidationFailed as error:
        errors.update(error.fields)
    if sits not in ("yes", "no"):
        errors["sits"] = "Choose whether they sit on the panel."
    member = next((m for m in queries.find_members(panel.id) if m.id == member_id), None)
    if member is None:
        raise NotFound("There is no such member of this panel.", field="member_id")
    holder = get_user_by_id(member.user_id)
    if sits == "yes" and not member.is_active and (not holder.is_active or holder.role not in PANEL_ROLES):
        errors["sits"] = ("Only a panel chair or panel member who can sign in can sit on a panel: change "
                          "their role or switch them on first.")
    if errors:
        raise ValidationFailed(errors)
    return update_member(panel, member_id, {"panel_role": seat, "is_active": sits == "yes"})


def stand_down_seats_of(user: User) -> list[int]:
    """Stand the user down from every panel they sit on; the panels' ids."""
    stood_down = []
    for panel in queries.find_panels():
        seat = seat_of(user, panel.id)
        if seat is not None:
            seat.is_active = False
            stood_down.append(panel.id)
    queries.flush()
    return stood_down


def seats_quorum(panel: Panel) -> QuorumResult:
    """Whether the panel's active seats could make a quorate meeting, were every one present with no
    interest in the case: a panel that could not is told what it lacks before a meeting finds out."""
    return check_quorum(panel.quorum, [m.panel_role for m in queries.find_members(panel.id) if m.is_active])
