"""The panel's pages: meetings, the agenda with quorum for each case, the de-identified panel pack,
conflicts of interest and the minutes."""

from __future__ import annotations

import re

import pytest

from tests.builders import CHAIR, CLINICIAN, OFFICER, Road
from tests.panels.test_chair_access import findings_form
from tests.web.browsing import Person

MEMBER = "demo-panel-member"
MEETING = re.compile(r"/panel/meetings/(\d+)$")


def one_h1(page: str) -> str:
    assert page.count("<h1") == 1, "a page has exactly one main heading"
    return page


def meeting_of(road: Road) -> int:
    return road.meeting["id"]


@pytest.fixture
def officer(client):
    return Person(client, OFFICER)


@pytest.fixture
def road(client, auth, application):
    """A case ready for panel, on the agenda of a meeting of the London panel held today."""
    road = Road(client, auth, application)
    road.to_panel()
    return road


def test_the_hub_team_sees_its_panels_meetings_with_their_agendas(road, officer):
    page = one_h1(officer.open("/panel/meetings"))
    assert "London IFR panel" in page and "Upcoming meetings" in page
    assert f'href="/panel/meetings/{meeting_of(road)}"' in page
    assert '<td class="nhsuk-table__cell--numeric">1</td>' in page  # one case on its agenda


def test_a_case_officer_schedules_a_meeting_from_the_page(client, officer):
    page = officer.open("/panel/meetings")
    attendees = re.findall(r'name="attendee_ids" type="checkbox" value="(\d+)"', page)
    assert len(attendees) == 6  # every active member of the London panel can be named
    response = officer.submit(f"/panel/{_panel_id(page)}/meetings", {
        "meeting_date[day]": "30", "meeting_date[month]": "11", "meeting_date[year]": "2026",
        "kind": "extraordinary", "attendee_ids": attendees[:4]}, form_page="/panel/meetings", expect=302)
    meeting = one_h1(officer.open(response.headers["Location"]))
    assert "Panel meeting of 30 November 2026" in meeting and "Extraordinary" in meeting
    assert "The meeting of 30 November 2026 is scheduled." in meeting
    present = re.findall(r'name="attendee_ids" type="checkbox" value="(\d+)"[^>]*checked', meeting)
    assert sorted(present) == sorted(attendees[:4])  # the attendance form, ticked as scheduled


def test_a_meeting_without_a_date_names_the_field_and_schedules_nothing(officer):
    page = officer.open("/panel/meetings")
    response = officer.submit(f"/panel/{_panel_id(page)}/meetings", {"kind": "ordinary"},
                              form_page="/panel/meetings", expect=422)
    assert "There is a problem" in response.text and 'href="#field-meeting_date"' in response.text
    assert "Enter the date of the meeting." in response.text
    assert "No meetings are scheduled." in officer.open("/panel/meetings")


def test_a_panel_member_reads_the_meetings_but_cannot_schedule_one(road, client):
    member = Person(client, MEMBER)
    page = member.open("/panel/meetings")
    assert f"/panel/meetings/{meeting_of(road)}" in page and "Schedule a meeting" not in page
    response = member.submit(f"/panel/{_panel_id(page, road)}/meetings", {"kind": "ordinary"},
                             form_page=f"/panel/meetings/{meeting_of(road)}", expect=403)
    assert "Your role does not allow you to use this page." in response.text


def test_the_agenda_is_built_from_the_cases_ready_for_panel(client, auth, application, officer):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    panel = road.panel()
    created = client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=auth(OFFICER), json={
        "meeting_date": "2026-12-07", "attendee_ids": [m["id"] for m in panel["members"]]})
    url = f"/panel/meetings/{created.json['id']}"
    assert "No cases are on the agenda yet." in officer.open(url)
    response = officer.submit(f"{url}/agenda", form_page=url, expect=302)
    page = one_h1(officer.open(response.headers["Location"]))
    assert "1 case ready for panel added: the agenda has 1." in page
    assert road.reference in page and "Example kinase inhibitor 600 mg capsules" in page and "C34.1" in page
    assert "Quorate" in page and f"{url}/cases/{road.reference}" in page


def test_declaring_an_interest_takes_the_member_out_of_that_cases_quorum(client, auth, application, officer):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting(absent=("demo-panel-vice-chair",))
    url = f"/panel/meetings/{meeting['id']}"
    response = officer.submit(f"{url}/conflicts", {
        "member_id": str(road.member_id(CHAIR)), "case_reference": road.reference,
        "details": "The chair treated this patient in 2024."}, form_page=url, expect=302)
    page = officer.open(response.headers["Location"])
    assert "Not quorate" in page and "Lacks chair or vice chair" in page
    assert "The chair treated this patient in 2024." in page


def test_an_interest_without_its_details_names_the_field_and_records_nothing(road, officer):
    url = f"/panel/meetings/{meeting_of(road)}"
    response = officer.submit(f"{url}/conflicts", {
        "member_id": str(road.member_id(CHAIR)), "case_reference": road.reference, "details": ""},
        form_page=url, expect=422)
    assert 'href="#field-details"' in response.text
    assert "No interests have been declared." in officer.open(url)


def test_the_panel_pack_shows_no_patient_identifiers(road, officer):
    page = one_h1(officer.open(f"/panel/meetings/{meeting_of(road)}/cases/{road.reference}"))
    for identifier in ("Alex", "999 000 0018", "9990000018", "1968-04-12", "12 April 1968",
                       "1 Example Street", "Priya Shah", "priya.shah@nhs.net", "020 3456 7890", "7012345"):
        assert identifier not in page, identifier
    assert "years" in page and "Female" in page and "Consultant" in page  # the age, not the birth date
    assert "Unlike most patients with ROS1-positive lung cancer" in page  # the clinical case
    assert "Screening notes" in page and "An individual request with a case" not in page
    assert "exceptional circumstances." in page  # the reason for sending it to panel
    assert "Similar requests nationally" in page and "Applicable national policy" in page


def test_the_chair_finds_the_decision_actions_in_the_pack_and_a_member_does_not(road, client):
    pack = f"/panel/meetings/{meeting_of(road)}/cases/{road.reference}"
    chair_page = Person(client, CHAIR).open(pack)
    for action in ("approve", "approve_with_conditions", "decline", "defer"):
        assert f"/cases/{road.reference}/actions/{action}" in chair_page
    assert "/actions/" not in Person(client, MEMBER).open(pack)


def test_a_case_not_on_the_agenda_has_no_pack_at_that_meeting(client, auth, application, road, officer):
    other = Road(client, auth, application)
    officer.open(f"/panel/meetings/{meeting_of(road)}/cases/{other.reference}", expect=404)


def test_the_minutes_record_each_decision_with_reasons_per_criterion(road, client, officer):
    chair = Person(client, CHAIR)
    findings = findings_form("no")
    chair.submit(f"/cases/{road.reference}/actions/decline",
                 {**findings, "summary": "The patient is not clinically exceptional.", "_step": "confirm"},
                 expect=302)
    page = one_h1(officer.open(f"/panel/meetings/{meeting_of(road)}/minutes"))
    assert f"{road.reference}: Declined" in page
    assert "significantly more benefit than is usual for the comparator group?" in page
    assert "Against a policy" in page and "170091P" in page  # the branch of the test
    for criterion in ("significantly_different", "significantly_more_benefit"):
        assert f"Reasons about {criterion} here." in page
    assert "The patient is not clinically exceptional." in page
    assert "Recorded by Dr Helen Marsh" in page
    assert "Pat Green, lay member" in page  # attendance
    assert "Conflicts of interest declared" in page


def test_a_clinician_cannot_open_the_panel_meetings(road, client):
    clinician = Person(client, CLINICIAN)
    assert "Your role does not allow" in clinician.open("/panel/meetings", expect=403)
    clinician.open(f"/panel/meetings/{meeting_of(road)}/minutes", expect=403)


def test_another_hubs_team_cannot_open_the_london_panels_meetings(road, client):
    north = Person(client, "officer-north-west")
    assert "does not run a regional IFR panel" in north.open("/panel/meetings")
    north.open(f"/panel/meetings/{meeting_of(road)}", expect=403)
    north.open(f"/panel/meetings/{meeting_of(road)}/cases/{road.reference}", expect=403)


def _panel_id(page: str, road: Road | None = None) -> str:
    if road is not None:
        return str(road.panel()["id"])
    return re.search(r'action="/panel/(\d+)/meetings"', page).group(1)


def test_a_chair_who_declared_an_interest_is_not_shown_the_cases_decision_form(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    declared = client.post(f"/api/v1/meetings/{road.meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id("demo-panel-chair"),
        "details": "The patient is a relative."})
    assert declared.status_code == 201, declared.json
    chair = Person(client, "demo-panel-chair")
    refused = chair.open(f"/cases/{road.reference}/actions/approve", expect=409)
    assert "no interest in the case" in refused and "findings" not in refused
    vice_chair = Person(client.application.test_client(), "demo-panel-vice-chair")
    assert "findings" in vice_chair.open(f"/cases/{road.reference}/actions/approve")
