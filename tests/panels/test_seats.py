"""A panel's seats as the service administrator keeps them (panels/seats.py, panels/admin_views.py):
a seat given, changed, stood down and given back, the quorum the seats could make, and the audit
row each change leaves. Each test puts the seats back as they were (restore_people)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.errors import ValidationFailed
from ifr_service.panels import queries, seats
from ifr_service.panels.models import PanelMember
from ifr_service.users.queries import find_user
from tests.users.audited import audit_mark, audited_since
from tests.web.browsing import Person

pytestmark = pytest.mark.usefixtures("restore_people")


def london():
    return queries.find_panels()[0]


def seat_of(username: str) -> PanelMember:
    user = find_user(username)
    return db.session().exec(select(PanelMember).where(PanelMember.user_id == user.id)).one()


def refusal(function, *args) -> dict:
    with pytest.raises(ValidationFailed) as refused:
        function(*args)
    return refused.value.fields


def test_the_demo_panels_seats_could_make_a_quorum(in_db):
    assert in_db(lambda: seats.seats_quorum(london()).quorate)


def test_standing_down_the_only_lay_member_leaves_seats_that_cannot_make_a_quorum(in_db):
    def run():
        seats.change_seat(london(), seat_of("demo-panel-lay-member").id, "lay_member", "no")
        return seats.seats_quorum(london()).missing

    assert in_db(run) == ("lay member",)


def test_a_member_stood_down_gets_their_seat_back_not_a_second_one(in_db):
    def run():
        member = seat_of("demo-panel-pharmacist")
        seats.change_seat(london(), member.id, "pharmacist", "no")
        again = seats.seat_member(london(), "demo-panel-pharmacist", "clinician")
        count = len(db.session().exec(select(PanelMember).where(PanelMember.user_id == member.user_id)).all())
        return again.id == member.id, again.panel_role, again.is_active, count

    assert in_db(run) == (True, "clinician", True, 1)


def test_a_sitting_member_cannot_be_given_a_second_seat(in_db):
    errors = in_db(refusal, seats.seat_member, in_db(london), "demo-panel-chair", "lay_member")
    assert errors == {"username": ["demo-panel-chair is a member of this panel already: change their seat "
                                   "instead."]}


def test_the_same_seat_given_twice_is_one_seat(in_db):
    def run():
        first = seats.seat_member(london(), "demo-review-chair", "vice_chair")
        return first.id == seats.seat_member(london(), "demo-review-chair", "vice_chair").id

    assert in_db(run)


@pytest.mark.parametrize(("username", "seat", "fields"), [
    ("", "", {"username", "panel_role"}),
    ("demo-review-chair", "treasurer", {"panel_role"}),
    ("demo-officer", "lay_member", {"username"}),
    ("nobody-at-all", "lay_member", {"username"})])
def test_a_seat_for_no_one_in_no_seat_or_for_someone_not_on_panels_is_refused(in_db, username, seat, fields):
    def run():
        return set(refusal(seats.seat_member, london(), username, seat))

    assert in_db(run) == fields


def test_someone_switched_off_cannot_be_given_a_seat(in_db):
    def run():
        find_user("demo-review-chair").is_active = False
        return refusal(seats.seat_member, london(), "demo-review-chair", "lay_member")

    assert in_db(run) == {"username": ["demo-review-chair is switched off: switch them on first."]}


def test_a_seat_is_changed_and_stood_down_on_the_page_and_each_change_is_audited(client, in_db):
    mark, admin = audit_mark(in_db), Person(client, "demo-admin")
    panel_id = in_db(lambda: london().id)
    member_id = in_db(lambda: seat_of("demo-panel-commissioner").id)
    address = f"/admin/panels/{panel_id}/members/{member_id}"
    assert "Commissioning representative" in admin.open(f"/admin/panels/{panel_id}")
    admin.submit(address, {"panel_role": "lay_member", "sits": "yes"}, expect=302)
    page = admin.open(f"/admin/panels/{panel_id}")
    assert "Kim Walsh&#39;s seat is saved: lay member." in page
    admin.submit(address, {"panel_role": "lay_member", "sits": "no"}, expect=302)
    assert in_db(lambda: (seat_of("demo-panel-commissioner").panel_role,
                          seat_of("demo-panel-commissioner").is_active)) == ("lay_member", False)
    assert audited_since(in_db, mark, f"panel:{panel_id}") == [("demo-admin", "admin")] * 2


def test_a_seat_given_on_the_page_and_a_bad_one_refused_naming_the_field(client, in_db):
    admin = Person(client, "demo-admin")  # review-chair: a chair with no seat
    panel_id = in_db(lambda: london().id)
    address = f"/admin/panels/{panel_id}/members"
    refused = admin.submit(address, {"username": "review-chair", "panel_role": "king"},
                           form_page=f"/admin/panels/{panel_id}", expect=422)
    assert 'href="#field-panel_role"' in refused.text
    admin.submit(address, {"username": "review-chair", "panel_role": "vice_chair"},
                 form_page=f"/admin/panels/{panel_id}", expect=302)
    assert in_db(lambda: seat_of("review-chair").panel_role) == "vice_chair"
    twice = admin.submit(address, {"username": "review-chair", "panel_role": "lay_member"},
                         form_page=f"/admin/panels/{panel_id}", expect=422)
    assert "is a member of this panel already" in twice.text


def test_a_member_of_another_panel_is_not_found_at_this_one(client, in_db):
    admin = Person(client, "demo-admin")
    panel_id = in_db(lambda: london().id)
    assert admin.client.get(f"/admin/panels/{panel_id}/members/99999").status_code == 404
    assert admin.client.get("/admin/panels/99999").status_code == 404
