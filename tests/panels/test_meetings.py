"""Panel meetings decide cases only when quorate without the members who declared an interest."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from ifr_service import db
from ifr_service.panels.models import Panel, PanelMeeting
from tests.builders import (
    CHAIR,
    DECISION,
    OFFICER,
    REVIEW_CHAIR,
    Road,
    findings,
    hold_meeting_of,
    set_up_north_screening_group,
)
from tests.web.browsing import Person


def test_the_agenda_holds_the_regions_cases_ready_for_panel_most_urgent_first(
        client, auth, application):
    routine = Road(client, auth, application)
    routine.to_panel(hold_meeting=False)
    urgent = Road(client, auth, application, urgency="urgent")
    urgent.to_panel(hold_meeting=False)
    elsewhere = dict(application, patient={**application["patient"], "commissioner": "ccg-salford"})
    north = Road(client, auth, elsewhere)  # for the North's panel, not London's
    north.act("officer-north-west", "confirm_complete")
    hold_meeting_of(client, auth, set_up_north_screening_group(client, auth), "officer-north-west")
    north.act("officer-north-west", "screen_to_panel", {"reason": "An individual request for panel."})
    meeting = routine.hold_meeting()
    assert [item["reference"] for item in meeting["agenda"]] == [urgent.reference, routine.reference]
    assert all(item["quorum"]["quorate"] for item in meeting["agenda"])


def test_a_meeting_without_a_lay_member_cannot_decide(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    road.hold_meeting(absent=("demo-panel-lay-member",))
    response = road.act(CHAIR, "approve", DECISION, expect=409)
    assert "not quorate" in response.json["errors"][0]["message"]
    assert "lay member" in response.json["errors"][0]["message"]
    assert road.case()["state"] == "ready_for_panel"


def test_a_case_not_yet_before_a_meeting_cannot_be_decided(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    response = road.act(CHAIR, "decline", {"findings": findings(), "summary": "Not exceptional."},
                        expect=409)
    assert "agenda" in response.json["errors"][0]["message"]


def test_a_conflicted_member_does_not_count_and_cannot_record_the_decision(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting(absent=("demo-panel-vice-chair",))
    declared = client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id("demo-panel-chair"),
        "details": "The chair treated this patient in 2024."})
    assert declared.status_code == 201
    item = declared.json["agenda"][0]
    assert item["conflicted_member_ids"] == [road.member_id("demo-panel-chair")]
    assert item["quorum"] == {"quorate": False, "present": 4, "missing": ["chair or vice chair"]}
    road.act(CHAIR, "approve", DECISION, expect=409)


def test_with_the_vice_chair_present_the_meeting_decides_without_the_conflicted_chair(
        client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting()
    client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id("demo-panel-chair"),
        "details": "The chair's department made the request."})
    road.act(CHAIR, "approve", DECISION, expect=409)  # conflicted: may not record it
    assert road.act("demo-panel-vice-chair", "approve", DECISION).json["state"] == "approved"


def test_a_remitted_case_goes_to_a_newly_constituted_panel(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings(), "summary": "Not exceptional."})
    road.to_review_panel()
    road.act(REVIEW_CHAIR, "remit_on_review", {"reason": "The policy was missing from the pack."})
    road.hold_meeting()
    response = road.act(CHAIR, "approve", DECISION, expect=409)
    assert "newly constituted" in response.json["errors"][0]["message"]


def test_a_panel_member_cannot_review_a_decision_they_sat_on(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    road.act("demo-panel-vice-chair", "decline", {"findings": findings(), "summary": "Not exceptional."})
    road.to_review_panel()
    road.act(CHAIR, "uphold_on_review", {"reason": "The process was followed."}, expect=409)
    assert road.act(REVIEW_CHAIR, "uphold_on_review", {
        "reason": "The process was followed."}).json["state"] == "decision_upheld"


def test_urgent_chairs_action_needs_no_meeting(client, auth, application):
    road = Road(client, auth, application, urgency="emergency")
    road.act(OFFICER, "refer_for_chairs_action", {"reason": "Deterioration expected within weeks."})
    assert road.act(CHAIR, "approve", DECISION).json["state"] == "approved"


class TestPanelSetUp:
    def test_only_an_administrator_sets_up_panels(self, client, auth):
        response = client.post("/api/v1/panels", headers=auth(OFFICER),
                               json={"name": "North panel", "hub_code": "north-west"})
        assert response.status_code == 403

    def test_a_region_has_one_panel(self, client, auth):
        response = client.post("/api/v1/panels", headers=auth("demo-admin"),
                               json={"name": "Second London panel", "hub_code": "london"})
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "hub_code"

    def test_an_unknown_hub_is_an_error_of_its_field(self, client, auth):
        response = client.post("/api/v1/panels", headers=auth("demo-admin"),
                               json={"name": "Nowhere panel", "hub_code": "atlantis"})
        assert response.status_code == 422
        assert response.json["errors"] == [{"field": "hub_code",
                                             "message": "There is no hub with the code 'atlantis'."}]

    def test_bad_input_names_each_field(self, client, auth):
        response = client.post("/api/v1/panels", headers=auth("demo-admin"), json={
            "name": "N", "quorum": {"minimum_members": 0, "requires": [["wizard"]]}, "colour": "blue"})
        assert response.status_code == 422
        fields = {error["field"] for error in response.json["errors"]}
        assert fields == {"name", "hub_code", "quorum.minimum_members", "quorum.requires.0.0", "colour"}

    def test_only_panel_members_can_sit_on_a_panel(self, client, auth):
        panel = client.get("/api/v1/panels", headers=auth(OFFICER)).json[0]
        response = client.post(f"/api/v1/panels/{panel['id']}/members", headers=auth("demo-admin"),
                               json={"username": "demo-clinician", "panel_role": "clinician"})
        assert response.status_code == 422

    def test_another_hubs_officer_cannot_run_the_london_panel(self, client, auth):
        panel = client.get("/api/v1/panels", headers=auth(OFFICER)).json[0]
        response = client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=auth("officer-north-west"),
                               json={"meeting_date": "2026-12-01"})
        assert response.status_code == 403

    def test_a_meeting_names_only_its_own_members(self, client, auth):
        panel = client.get("/api/v1/panels", headers=auth(OFFICER)).json[0]
        response = client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=auth(OFFICER),
                               json={"meeting_date": "2026-12-01", "attendee_ids": [9999]})
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "attendee_ids"


def test_a_member_who_declared_an_interest_still_took_part_and_cannot_review(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting()
    client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id("demo-panel-chair"),
        "details": "Knows the family."})
    road.act("demo-panel-vice-chair", "decline", {"findings": findings(), "summary": "Not exceptional."})
    road.to_review_panel()
    road.act(CHAIR, "uphold_on_review", {"reason": "The process was followed."}, expect=409)


def test_the_lead_hubs_team_sees_the_cases_of_every_hub_in_its_region(client, auth, application, in_db):
    application["patient"]["commissioner"] = "ccg-leeds-west"  # Yorkshire and Humber, in the North
    road = Road(client, auth, application)
    lead = auth("officer-north-west")
    assert client.get(f"/api/v1/cases/{road.reference}", headers=lead).status_code == 404
    created = client.post("/api/v1/panels", headers=auth("demo-admin"),
                          json={"name": "North IFR panel", "hub_code": "north-west"})
    assert created.status_code == 201
    try:
        assert client.get(f"/api/v1/cases/{road.reference}", headers=lead).status_code == 200
        assert client.get("/api/v1/hubs/yorkshire-and-humber/queue", headers=lead).status_code == 404
    finally:
        in_db(lambda: db.session().delete(db.session().get(Panel, created.json["id"])))


def test_the_decision_records_its_meeting_and_the_record_of_that_meeting_then_stands(
        client, auth, application, in_db):
    road = Road(client, auth, application)
    road.to_panel()
    decided = road.act(CHAIR, "approve", DECISION).json
    assert decided["state"] == "approved"

    from sqlmodel import select

    from ifr_service.cases.models import CaseEvent

    payload = in_db(lambda: db.session().exec(
        select(CaseEvent).where(CaseEvent.name == "decision_recorded")).one().payload)
    assert payload["decided_by"] == "panel"
    assert payload["panel_meeting"]["id"] == road.meeting["id"]
    attendance = client.put(f"/api/v1/meetings/{road.meeting['id']}/attendance", headers=auth(OFFICER),
                            json={"attendee_ids": []})
    assert attendance.status_code == 409
    late = client.post(f"/api/v1/meetings/{road.meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id("demo-panel-chair"),
        "details": "Remembered afterwards."})
    assert late.status_code == 409


def test_a_member_stood_down_no_longer_counts_towards_quorum(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    panel, lay = road.panel(), road.member_id("demo-panel-lay-member")
    admin = auth("demo-admin")
    url = f"/api/v1/panels/{panel['id']}/members/{lay}"
    stood_down = client.patch(url, headers=admin, json={"is_active": False})
    try:
        assert stood_down.status_code == 200
        assert {m["username"]: m["is_active"] for m in stood_down.json["members"]}[
            "demo-panel-lay-member"] is False
        meeting = road.hold_meeting(absent=("demo-panel-lay-member",))
        assert meeting["agenda"][0]["quorum"]["missing"] == ["lay member"]
    finally:
        assert client.patch(url, headers=admin, json={"is_active": True}).status_code == 200


def test_membership_changes_are_for_administrators_and_name_their_errors(client, auth):
    panel = client.get("/api/v1/panels", headers=auth(OFFICER)).json[0]
    member = panel["members"][0]["id"]
    url = f"/api/v1/panels/{panel['id']}/members/{member}"
    assert client.patch(url, headers=auth(OFFICER), json={"is_active": False}).status_code == 403
    bad = client.patch(url, headers=auth("demo-admin"), json={"panel_role": "wizard", "x": 1})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json["errors"]} == {"panel_role", "x"}
    missing = client.patch(f"/api/v1/panels/{panel['id']}/members/99999", headers=auth("demo-admin"),
                           json={"is_active": False})
    assert missing.status_code == 404


def test_a_meeting_is_dated_within_the_services_history_and_two_years_ahead_or_refused_naming_its_date(
        client, auth, in_db):
    panel = client.get("/api/v1/panels", headers=auth(OFFICER)).json[0]
    url = f"/api/v1/panels/{panel['id']}/meetings"
    today = client.application.extensions["ifr"].today()
    for day in ("0010-06-01", "9457-01-01", "2013-03-31", (today + timedelta(days=3 * 366)).isoformat()):
        refused = client.post(url, headers=auth(OFFICER), json={"meeting_date": day})
        assert refused.status_code == 422, day
        assert [e["field"] for e in refused.json["errors"]] == ["meeting_date"], day
        assert "must be between 1 April 2013 and" in refused.json["errors"][0]["message"]
    assert in_db(lambda: db.session().exec(select(func.count()).select_from(PanelMeeting)).one()) == 0
    for day in ("2013-04-01", (today + timedelta(days=365)).isoformat()):
        assert client.post(url, headers=auth(OFFICER), json={"meeting_date": day}).status_code == 201, day


def test_the_meeting_page_refuses_a_date_out_of_range_naming_it_and_schedules_nothing(app, in_db):
    officer = Person(app.test_client(), OFFICER)
    page = officer.open("/panel/meetings")
    panel_id = int(re.search(r"/panel/(\d+)/meetings", page).group(1))
    refused = officer.submit(f"/panel/{panel_id}/meetings", {
        "meeting_date[day]": "1", "meeting_date[month]": "1", "meeting_date[year]": "9457",
        "kind": "ordinary"},
        form_page="/panel/meetings", expect=422)
    assert "The date of the meeting must be between" in refused.text
    assert in_db(lambda: db.session().exec(select(func.count()).select_from(PanelMeeting)).one()) == 0
