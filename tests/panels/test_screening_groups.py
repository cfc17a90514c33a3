"""Screening groups: a region's screening group decides each screening outcome, with its reasons, at
a quorate meeting held with the case on its agenda (the IFR team records it); its chair screens an
urgent case between meetings. NHS England ran weekly regional screening panels (PQ 224945, 2015)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ifr_service.cases.queries import find_events, get_case
from tests.builders import (
    CHAIR,
    CLINICIAN,
    OFFICER,
    PAYLOADS,
    SCREENING_CHAIR,
    Road,
    hold_meeting_of,
    set_up_north_screening_group,
)
from tests.letters.test_letters import letter_of, pdf_text
from tests.web.browsing import Person

CLINICAL = "demo-screening-clinician"  # the group's clinician
PUBLIC_HEALTH = "demo-panel-member"  # its public health consultant
TO_PANEL = PAYLOADS["screen_to_panel"]


def checked(client, auth, application, urgency: str = "routine") -> Road:
    road = Road(client, auth, application, urgency)
    road.act(OFFICER, "confirm_complete")
    return road


def offered(road: Road, who: str) -> set[str]:
    return {action["action"] for action in road.case(who)["allowed_actions"]}


def screening_event(in_db, road: Road) -> dict:
    return in_db(lambda: [e.payload for e in find_events(get_case(road.reference))
                          if e.name == "screening_completed"][-1])


def test_the_outcome_is_the_groups_at_its_meeting_and_the_event_names_the_meeting(
        client, auth, application, in_db):
    road = checked(client, auth, application)
    meeting = road.hold_meeting(kind="screening_group")
    assert meeting["panel_kind"] == "screening_group"
    assert [item["reference"] for item in meeting["agenda"]] == [road.reference]
    assert road.act(OFFICER, "screen_to_panel", TO_PANEL).json["state"] == "ready_for_panel"
    recorded = screening_event(in_db, road)
    assert recorded["decided_by"] == "screening group"
    assert recorded["panel_meeting"] == {"id": meeting["id"], "date": meeting["meeting_date"],
                                         "panel": "London screening group"}


def test_without_a_meeting_of_the_group_no_outcome_is_recorded(client, auth, application):
    road = checked(client, auth, application)
    refused = road.act(OFFICER, "screen_cohort", PAYLOADS["screen_cohort"], expect=409)
    assert refused.json["errors"][0]["message"] == (
        "The case is not on the agenda of a meeting of the London screening group held yet.")
    assert "agenda of the group's meeting" in refused.json["fix"]
    assert road.case()["state"] == "screening"


def test_the_ifr_panels_meeting_does_not_screen(client, auth, application):
    road = checked(client, auth, application)
    ifr_meeting = road.hold_meeting()  # the IFR panel's agenda takes no case in screening
    assert ifr_meeting["agenda"] == []
    road.act(OFFICER, "screen_to_panel", TO_PANEL, expect=409)


def test_a_meeting_without_a_clinician_or_public_health_consultant_is_not_quorate(client, auth, application):
    road = checked(client, auth, application)
    meeting = road.hold_meeting(absent=(CLINICAL, PUBLIC_HEALTH), kind="screening_group")
    assert meeting["agenda"][0]["quorum"] == {
        "quorate": False, "present": 1,
        "missing": ["clinician or public health consultant", "at least 3 members (has 1)"]}
    refused = road.act(OFFICER, "screen_to_panel", TO_PANEL, expect=409)
    assert "not quorate" in refused.json["errors"][0]["message"]
    assert "clinician or public health consultant" in refused.json["errors"][0]["message"]
    assert road.case()["state"] == "screening"


def test_a_member_with_an_interest_does_not_count_and_cannot_record(client, auth, application):
    road = checked(client, auth, application)
    meeting = road.hold_meeting(kind="screening_group")
    declared = client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id(CLINICAL, "screening_group"),
        "details": "Dr Price referred this patient."})
    assert declared.status_code == 201
    assert declared.json["agenda"][0]["quorum"]["quorate"] is False  # two counted: three needed
    road.act(OFFICER, "screen_to_panel", TO_PANEL, expect=409)
    road.act(CLINICAL, "screen_to_panel", TO_PANEL, expect=404)  # a member sees no case: records nothing
    assert road.case()["state"] == "screening"


def test_a_meeting_dated_tomorrow_cannot_screen_until_it_is_held(client, auth, application, calendar):
    road = checked(client, auth, application)
    today = client.application.extensions["ifr"].today()
    group = road.panel("screening_group")
    hold_meeting_of(client, auth, group, OFFICER, day=today + timedelta(days=1))
    road.act(OFFICER, "screen_to_panel", TO_PANEL, expect=409)
    calendar.set(today + timedelta(days=1))
    assert road.act(OFFICER, "screen_to_panel", TO_PANEL).json["state"] == "ready_for_panel"


def test_the_chair_screens_an_urgent_case_between_meetings_recorded_as_chairs_action(
        client, auth, application, in_db, run_jobs):
    road = checked(client, auth, application, urgency="urgent")
    assert "screen_to_panel" in offered(road, SCREENING_CHAIR)
    closed = road.act(SCREENING_CHAIR, "screen_not_responsible", PAYLOADS["screen_not_responsible"])
    assert closed.json["state"] == "closed_not_responsible"
    assert screening_event(in_db, road) == {
        **PAYLOADS["screen_not_responsible"], "decided_by": "screening chair's action",
        "screening_group": {"id": road.panel("screening_group")["id"], "name": "London screening group"}}
    run_jobs()
    text = pdf_text(letter_of(road)[1])
    assert "Screened urgently by the chair of the London screening group, between its meetings." in text
    assert "Dr Nadia Hussain Chair of the London screening group" in text


def test_the_chair_screens_no_routine_case_alone(client, auth, application):
    road = checked(client, auth, application)
    assert not {"screen_to_panel", "screen_cohort"} & offered(road, SCREENING_CHAIR)
    refused = road.act(SCREENING_CHAIR, "screen_to_panel", TO_PANEL, expect=409)
    assert "Only a clinically critically urgent case" in refused.json["errors"][0]["message"]


def test_a_chair_with_an_interest_cannot_screen_by_chairs_action(client, auth, application):
    road = checked(client, auth, application, urgency="emergency")
    meeting = road.hold_meeting(kind="screening_group")
    client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id(SCREENING_CHAIR, "screening_group"),
        "details": "The chair's own trust made the request."})
    assert "screen_to_panel" not in offered(road, SCREENING_CHAIR)
    refused = road.act(SCREENING_CHAIR, "screen_to_panel", TO_PANEL, expect=409)
    assert "declared an interest" in refused.json["errors"][0]["message"]


@pytest.mark.parametrize("chair", [CHAIR, "review-chair"])
def test_only_the_screening_groups_chair_takes_its_chairs_action(client, auth, application, chair):
    """The IFR panel's chair and a chair on no group are panel chairs too, and London's: not the group's."""
    road = checked(client, auth, application, urgency="urgent")
    assert "screen_to_panel" not in offered(road, chair)
    refused = road.act(chair, "screen_to_panel", TO_PANEL, expect=403)
    assert refused.json["errors"][0]["message"] == (
        "Only the chair of the London screening group screens a case between its meetings.")
    assert road.case()["state"] == "screening"


def test_another_regions_group_cannot_screen_a_london_case(client, auth, application):
    road = checked(client, auth, application, urgency="urgent")
    north = set_up_north_screening_group(client, auth)
    hold_meeting_of(client, auth, north, "officer-north-west")  # the North's: London's case is not on it
    road.act("screening-chair-north-west", "screen_to_panel", TO_PANEL, expect=404)
    road.act("officer-north-west", "screen_to_panel", TO_PANEL, expect=404)
    assert road.case()["state"] == "screening"


def test_a_region_without_a_screening_group_screens_nothing_and_is_told_why(client, auth, application):
    elsewhere = dict(application, patient={**application["patient"], "commissioner": "ccg-salford"})
    north = Road(client, auth, elsewhere)
    north.act("officer-north-west", "confirm_complete")
    refused = north.act("officer-north-west", "screen_to_panel", TO_PANEL, expect=409)
    assert refused.json["errors"][0]["message"] == "The case's region has no screening group to screen it."
    assert "screening_group" in refused.json["fix"]


def test_the_minutes_list_each_outcome_with_its_reasons_the_attendance_and_the_interests(
        client, auth, application):
    first, second = checked(client, auth, application), checked(client, auth, application)
    meeting = first.hold_meeting(kind="screening_group")
    client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": second.reference, "member_id": first.member_id(CLINICAL, "screening_group"),
        "details": "Dr Price treats this patient."})
    first.act(OFFICER, "screen_cohort", PAYLOADS["screen_cohort"])
    minutes = client.get(f"/api/v1/meetings/{meeting['id']}/minutes", headers=auth(SCREENING_CHAIR)).json
    assert (minutes["panel"], minutes["panel_kind"]) == ("London screening group", "screening_group")
    assert [m["display_name"] for m in minutes["present"]] == ["Dr Nadia Hussain", "Dr Owen Price",
                                                               "Dr Ravi Kumar"]
    assert minutes["absent"] == []
    assert minutes["conflicts"] == [{"reference": second.reference, "member_id": first.member_id(
        CLINICAL, "screening_group"), "member": "Dr Owen Price", "details": "Dr Price treats this patient.",
        "withdrawn": False, "withdrawal_reason": None}]
    [outcome] = minutes["outcomes"]
    assert (outcome["reference"], outcome["action"], outcome["recorded_by"]) == (
        first.reference, "screen_cohort", "Sam Patel")
    assert outcome["reasons"] == PAYLOADS["screen_cohort"]
    page = Person(client, SCREENING_CHAIR).open(f"/panel/meetings/{meeting['id']}/minutes")
    assert f"{first.reference}: Close at screening: a cohort, not an individual" in page
    assert PAYLOADS["screen_cohort"]["reason"].replace("'", "&#39;") in page
    assert "Dr Owen Price took no part in " + second.reference in page
    assert "Dr Ravi Kumar, public health consultant" in page  # present
    assert client.get(f"/api/v1/meetings/{meeting['id']}/minutes", headers=auth(CHAIR)).status_code == 403


def test_a_screening_outcome_cannot_be_reviewed(client, auth, application):
    """New information means a new request: a case closed at screening has no review."""
    road = checked(client, auth, application)
    road.screen("screen_cohort")
    assert road.case(CLINICIAN)["allowed_actions"] == []
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"], expect=409)
    road.act(CLINICIAN, "request_reconsideration", PAYLOADS["request_reconsideration"], expect=409)
    assert road.case()["state"] == "closed_cohort"


def test_a_screening_meeting_says_when_the_next_is_due(client, auth, application):
    road = checked(client, auth, application)
    meeting = road.hold_meeting(kind="screening_group")
    today = client.application.extensions["ifr"].today()
    assert meeting["next_meeting_due"] == (today + timedelta(days=7)).isoformat()
    assert road.hold_meeting()["next_meeting_due"] is None  # the IFR panel meets as its work needs
    page = Person(client, OFFICER).open("/panel/meetings")
    assert "The screening group meets every 7 days: its next meeting is due on" in page
