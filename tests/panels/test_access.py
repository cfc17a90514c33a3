"""Panel members read the de-identified pack of their own panel's meetings, never the identifiable
case; a member with no seat on a panel sees none of its meetings or packs."""

from __future__ import annotations

import pytest

from tests.builders import OFFICER, Road
from tests.web.browsing import Person

MEMBERS = ("demo-panel-member", "demo-panel-lay-member", "demo-panel-pharmacist")


@pytest.fixture
def road(client, auth, application) -> Road:
    road = Road(client, auth, application)
    road.to_panel()
    return road


@pytest.mark.parametrize("member", MEMBERS)
def test_a_panel_member_never_reads_the_identifiable_case_on_their_agenda(app, client, auth, road, member):
    for path in (f"/api/v1/cases/{road.reference}", f"/api/v1/cases/{road.reference}/similar"):
        assert client.get(path, headers=auth(member)).status_code == 404, path
    Person(app.test_client(), member).open(f"/cases/{road.reference}", expect=404)


def test_the_pack_a_member_reads_carries_no_patient_identifier(app, client, auth, road, application):
    patient = application["patient"]
    pack = client.get(f"/api/v1/meetings/{road.meeting['id']}/pack", headers=auth("demo-panel-lay-member"))
    assert pack.status_code == 200
    page = Person(app.test_client(), "demo-panel-lay-member").open(
        f"/panel/meetings/{road.meeting['id']}/cases/{road.reference}")
    for shown in (pack.text, page):
        for identifier in (patient["nhs_number"], patient["nhs_number"].replace(" ", ""),
                           f'{patient["given_name"]} {patient["family_name"]}', patient["date_of_birth"],
                           "12 April 1968", patient["postal_address"], "NW1 2BU"):
            assert identifier not in shown


def test_a_member_without_a_seat_on_the_panel_sees_none_of_its_meetings_or_packs(app, client, auth, road):
    panel = road.panel()
    url = f"/api/v1/panels/{panel['id']}/members/{road.member_id('demo-panel-lay-member')}"
    assert client.patch(url, headers=auth("demo-admin"), json={"is_active": False}).status_code == 200
    try:
        meeting = road.meeting["id"]
        for path in (f"/api/v1/meetings/{meeting}", f"/api/v1/meetings/{meeting}/pack"):
            assert client.get(path, headers=auth("demo-panel-lay-member")).status_code == 403, path
            assert client.get(path, headers=auth("review-chair")).status_code == 403, path  # a chair, no seat
        declared = client.post(f"/api/v1/meetings/{meeting}/conflicts", headers=auth("demo-panel-lay-member"),
                               json={"case_reference": road.reference, "member_id": panel["members"][0]["id"],
                                     "details": "Made up."})
        assert declared.status_code == 403
        lay = Person(app.test_client(), "demo-panel-lay-member")
        assert "London IFR panel" not in lay.open("/panel/meetings")
        for path in (f"/panel/meetings/{meeting}", f"/panel/meetings/{meeting}/minutes",
                     f"/panel/meetings/{meeting}/cases/{road.reference}"):
            lay.open(path, expect=403)
    finally:
        assert client.patch(url, headers=auth("demo-admin"), json={"is_active": True}).status_code == 200
    assert client.get(f"/api/v1/meetings/{road.meeting['id']}/pack",
                      headers=auth("demo-panel-lay-member")).status_code == 200


def test_the_lead_hubs_case_officers_still_run_and_read_the_meetings(client, auth, road):
    assert client.get(f"/api/v1/meetings/{road.meeting['id']}/pack", headers=auth(OFFICER)).status_code == 200
