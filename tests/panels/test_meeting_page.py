"""The meeting page does the meeting's work: who is present, the agenda's order (most urgent first)
and contents, and withdrawing a mistaken declaration of interest, each only by those who may."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.builders import CHAIR, OFFICER, Road
from tests.panels.test_conflicts import PHARMACIST, PUBLIC_HEALTH, VICE_CHAIR, declare, standing
from tests.web.browsing import Person

REVIEW_CHAIR = "demo-review-chair"  # a panel chair with no seat on the London panel


@pytest.fixture
def two_cases(client, auth, application):
    """A routine case on the agenda of a meeting of today (every member present), then an urgent
    case ready for panel after it, added to the same agenda."""
    routine = Road(client, auth, application)
    routine.to_panel()
    urgent = Road(client, auth, application, urgency="urgent")
    urgent.to_panel(hold_meeting=False)
    meeting = routine.meeting
    added = client.post(f"/api/v1/meetings/{meeting['id']}/agenda", headers=auth(OFFICER))
    assert added.status_code == 200, added.json
    return routine, urgent, meeting


def agenda_order(client, meeting: dict) -> list[str]:
    response = client.get(f"/api/v1/meetings/{meeting['id']}", headers=client.auth_for(OFFICER))
    return [entry["reference"] for entry in response.json["agenda"]]


@pytest.fixture(autouse=True)
def _auth_on_client(client, auth):
    client.auth_for = auth


def test_the_agenda_puts_the_urgent_case_first_though_it_came_later(client, two_cases):
    routine, urgent, meeting = two_cases
    assert agenda_order(client, meeting) == [urgent.reference, routine.reference]


def test_an_officer_moves_a_case_down_the_agenda_and_removes_one(client, two_cases):
    routine, urgent, meeting = two_cases
    officer, page = Person(client, OFFICER), f"/panel/meetings/{meeting['id']}"
    officer.submit(f"{page}/agenda/{urgent.reference}/move", {"direction": "down"}, form_page=page,
                   expect=302)
    assert agenda_order(client, meeting) == [routine.reference, urgent.reference]
    officer.submit(f"{page}/agenda/{routine.reference}/removal", {}, form_page=page, expect=302)
    assert agenda_order(client, meeting) == [urgent.reference]
    assert routine.case()["state"] == "ready_for_panel"  # back among the cases waiting for a meeting


def test_a_chair_without_a_seat_on_the_panel_cannot_reorder_its_agenda(client, two_cases):
    routine, urgent, meeting = two_cases
    outsider = Person(client, REVIEW_CHAIR)
    token = re.search(r'name="csrf_token" value="([^"]+)"', outsider.open("/queue")).group(1)
    refused = client.post(f"/panel/meetings/{meeting['id']}/agenda/{urgent.reference}/move",
                          data={"direction": "down", "csrf_token": token})
    assert refused.status_code == 403
    assert agenda_order(client, meeting) == [urgent.reference, routine.reference]


def test_a_member_without_the_chair_cannot_change_the_agenda_from_the_page(client, two_cases):
    meeting = two_cases[2]
    page = Person(client, PUBLIC_HEALTH).open(f"/panel/meetings/{meeting['id']}")
    assert "/agenda/" not in page and "Record attendance" not in page


def test_attendance_is_recorded_on_the_meeting_page(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting(absent=(PHARMACIST,))
    officer, page = Person(client, OFFICER), f"/panel/meetings/{meeting['id']}"
    shown = officer.open(page)
    everyone = re.findall(r'name="attendee_ids" type="checkbox" value="(\d+)"', shown)
    assert len(everyone) == 6 and road.member_id(PHARMACIST) not in meeting["attendee_ids"]
    officer.submit(f"{page}/attendance", {"attendee_ids": everyone}, form_page=page, expect=302)
    after = client.get(f"/api/v1/meetings/{meeting['id']}", headers=auth(OFFICER)).json
    assert road.member_id(PHARMACIST) in after["attendee_ids"]
    assert after["agenda"][0]["quorum"]["quorate"]


def test_the_chair_withdraws_a_mistaken_declaration_on_the_page_saying_why(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), OFFICER, VICE_CHAIR, details="Treated the patient.")
    conflict = standing(meeting, road.member_id(VICE_CHAIR))["id"]
    chair, page = Person(client, CHAIR), f"/panel/meetings/{meeting['id']}"
    assert "Withdraw the declaration" in chair.open(page)
    blank = chair.submit(f"{page}/conflicts/{conflict}/withdrawal", {"reason": " "}, form_page=page,
                         expect=422)
    assert "Say why the declaration is withdrawn." in blank.text
    chair.submit(f"{page}/conflicts/{conflict}/withdrawal", {"reason": "Declared against the wrong case."},
                 form_page=page, expect=302)
    minutes = chair.open(f"{page}/minutes")
    assert "Declared against the wrong case." in minutes and "withdrawn by Dr Helen Marsh" in minutes


def test_a_member_who_is_not_the_chair_cannot_withdraw_anothers_declaration_on_the_page(
        client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), OFFICER, VICE_CHAIR)
    conflict = standing(meeting, road.member_id(VICE_CHAIR))["id"]
    member, page = Person(client, PUBLIC_HEALTH), f"/panel/meetings/{meeting['id']}"
    assert "Withdraw the declaration" not in member.open(page)
    refused = member.submit(f"{page}/conflicts/{conflict}/withdrawal", {"reason": "I think it is wrong."},
                            form_page=page)
    assert refused.status_code == 403
    after = client.get(f"/api/v1/meetings/{meeting['id']}", headers=auth(OFFICER)).json
    assert any(c["id"] == conflict for c in after["agenda"][0]["conflicts"])  # it stands


def test_the_date_hint_of_a_new_meeting_is_a_future_date(client, calendar):
    calendar.set(date(2026, 12, 7))
    page = Person(client, OFFICER).open("/panel/meetings")
    assert "For example, 4 1 2027" in page and "15 3 1984" not in page


def test_the_minutes_offer_a_print_button_and_print_without_the_services_header(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    minutes = Person(client, OFFICER).open(f"/panel/meetings/{road.meeting['id']}/minutes")
    assert "Print the minutes" in minutes and "window.print()" in minutes
    assert "@media print" in minutes and ".nhsuk-header" in minutes
