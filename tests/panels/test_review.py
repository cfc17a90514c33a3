"""A review as NHS England's procedure has it: an initial consideration of whether each ground stated is
made out, by the chair of the region's Review Panel; then the Review Panel's meeting, where nobody who
took part in the decision (present at its meeting, recording it or taking chair's action, declaring an
interest in it) counts, sits or records, and which upholds or remits to a newly constituted panel."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import CaseEvent
from tests.builders import (
    CHAIR,
    CLINICIAN,
    DECISION,
    OFFICER,
    PAYLOADS,
    REVIEW_CHAIR,
    REVIEW_LAY_MEMBER,
    REVIEW_VICE_CHAIR,
    Road,
    findings,
)
from tests.panels.test_chair_access import assert_no_identifier
from tests.web.browsing import Person

DECLINE = {"findings": findings(), "summary": "Not clinically exceptional."}
VICE_CHAIR, LAY_MEMBER = "demo-panel-vice-chair", "demo-panel-lay-member"  # of the London IFR panel


def declined(client, auth, application, urgency: str = "routine") -> Road:
    road = Road(client, auth, application, urgency=urgency)
    road.to_panel()
    road.act(CHAIR, "decline", DECLINE)
    return road


def seat_on_review_panel(road: Road, username: str, panel_role: str) -> int:
    """An administrator gives someone a seat on the London Review Panel; returns the member's id."""
    response = road.client.post(f"/api/v1/panels/{road.review_panel()['id']}/members",
                                headers=road.auth("demo-admin"),
                                json={"username": username, "panel_role": panel_role})
    assert response.status_code == 201, response.json
    return road.review_member_id(username)


def refusal(response) -> str:
    return response.json["errors"][0]["message"]


def considered(ground: str, finding: str) -> dict:
    return {"grounds_considered": {ground: {"finding": finding, "reasons": "Read against the minutes."}}}


# The initial consideration

def test_grounds_not_made_out_end_the_review_and_the_decision_stands(client, auth, application):
    road = declined(client, auth, application)
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    done = road.act(REVIEW_CHAIR, "refuse_review", PAYLOADS["refuse_review"]).json
    assert done["state"] == "review_not_taken_forward"
    assert road.clock("review")["status"] == "met"
    assert road.hold_review_meeting()["agenda"] == []  # not taken forward: not before the Review Panel


def test_grounds_made_out_put_the_case_before_the_review_panel_and_not_the_ifr_panel(
        client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel(hold_meeting=False)
    assert road.case()["state"] == "awaiting_review_panel"
    assert road.hold_meeting()["agenda"] == []  # the IFR panel's agenda does not take it
    review = road.hold_review_meeting()
    assert [item["reference"] for item in review["agenda"]] == [road.reference]
    assert review["agenda"][0]["quorum"]["quorate"] is True


def test_the_initial_consideration_answers_each_stated_ground_and_no_other(client, auth, application):
    road = declined(client, auth, application)
    road.act(CLINICIAN, "request_review", {"grounds": ["policy_not_followed", "unreasonable_decision"],
                                           "explanation": "The panel did not have the policy before it."})
    missing = road.act(REVIEW_CHAIR, "refer_to_review_panel", considered("policy_not_followed", "yes"),
                       expect=422)
    assert [e["field"] for e in missing.json["errors"]] == [
        "grounds_considered.unreasonable_decision.finding"]
    unstated = road.act(REVIEW_CHAIR, "refer_to_review_panel", {"grounds_considered": {
        **considered("policy_not_followed", "yes")["grounds_considered"],
        **considered("unreasonable_decision", "no")["grounds_considered"],
        **considered("evidence_not_considered", "yes")["grounds_considered"]}}, expect=422)
    assert [e["field"] for e in unstated.json["errors"]] == ["grounds_considered.evidence_not_considered"]
    unreasoned = road.act(REVIEW_CHAIR, "refuse_review", {"grounds_considered": {
        "policy_not_followed": {"finding": "no"}, "unreasonable_decision": {"finding": "no"}}}, expect=422)
    assert {e["field"] for e in unreasoned.json["errors"]} == {
        "grounds_considered.policy_not_followed.reasons", "grounds_considered.unreasonable_decision.reasons"}
    assert road.case()["state"] == "review_requested"


def test_the_outcome_of_the_initial_consideration_follows_its_findings(client, auth, application):
    road = declined(client, auth, application)
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    none_made_out = road.act(REVIEW_CHAIR, "refer_to_review_panel",
                             considered("evidence_not_considered", "no"), expect=422)
    assert none_made_out.json["errors"][0]["field"] == "grounds_considered"
    made_out = road.act(REVIEW_CHAIR, "refuse_review", considered("evidence_not_considered", "yes"),
                        expect=422)
    assert made_out.json["errors"][0]["field"] == "grounds_considered.evidence_not_considered.finding"
    referred = road.act(REVIEW_CHAIR, "refer_to_review_panel", considered("evidence_not_considered", "yes"))
    assert referred.json["state"] == "awaiting_review_panel"


def test_only_the_review_panels_chair_or_vice_chair_makes_the_initial_consideration(
        client, auth, application):
    road = declined(client, auth, application)
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    payload = PAYLOADS["refer_to_review_panel"]
    assert "chair or vice-chair of the region's Review Panel" in refusal(
        road.act("review-chair", "refer_to_review_panel", payload, expect=409))  # a chair with no seat
    road.act(REVIEW_LAY_MEMBER, "refer_to_review_panel", payload, expect=404)  # a member sees no case
    road.act(OFFICER, "refer_to_review_panel", payload, expect=403)
    road.act(CLINICIAN, "refer_to_review_panel", payload, expect=403)
    assert road.act(REVIEW_VICE_CHAIR, "refer_to_review_panel", payload).json["state"] == (
        "awaiting_review_panel")


def test_a_review_panel_chair_who_sat_on_the_decision_cannot_consider_the_request(
        client, auth, application):
    road = declined(client, auth, application)
    seat_on_review_panel(road, VICE_CHAIR, "vice_chair")  # present at the IFR panel's meeting
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    refused = road.act(VICE_CHAIR, "refer_to_review_panel", PAYLOADS["refer_to_review_panel"], expect=409)
    assert "took no part in the decision" in refusal(refused)
    assert "present at a meeting of the IFR panel" in refusal(refused)
    actions = [a["action"] for a in road.case(VICE_CHAIR)["allowed_actions"]]
    assert "refer_to_review_panel" not in actions and "refuse_review" not in actions


# The Review Panel's meeting

def test_the_review_panel_upholds_and_its_event_records_the_meeting(client, auth, application, in_db):
    road = declined(client, auth, application)
    road.to_review_panel()
    upheld = road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"]).json
    assert upheld["state"] == "decision_upheld"
    payload = in_db(lambda: db.session().exec(
        select(CaseEvent).where(CaseEvent.name == "review_decided")).one().payload)
    assert payload["decided_by"] == "review_panel"
    assert payload["panel_meeting"]["id"] == road.review_meeting["id"]
    considered = in_db(lambda: db.session().exec(
        select(CaseEvent).where(CaseEvent.name == "review_grounds_considered")).one().payload)
    assert considered["grounds_made_out"] == ["evidence_not_considered"]


def test_a_case_not_yet_before_a_review_panel_meeting_cannot_be_decided(client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel(hold_meeting=False)
    refused = road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"], expect=409)
    assert "not on the agenda of a Review Panel meeting" in refusal(refused)


def test_the_ifr_panel_cannot_decide_the_review_even_at_its_own_meeting(client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel()
    road.hold_meeting()
    for member in (CHAIR, VICE_CHAIR):
        road.act(member, "uphold_on_review", PAYLOADS["uphold_on_review"], expect=409)
    assert road.case()["state"] == "awaiting_review_panel"


def test_a_review_panel_without_a_lay_member_is_not_quorate(client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel(hold_meeting=False)
    meeting = road.hold_review_meeting(absent=(REVIEW_LAY_MEMBER,))
    assert meeting["agenda"][0]["quorum"]["quorate"] is False
    refused = road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"], expect=409)
    assert "not quorate" in refusal(refused) and "lay member" in refusal(refused)


def test_a_member_who_sat_on_the_decision_neither_counts_nor_records(client, auth, application):
    road = declined(client, auth, application)
    seat_on_review_panel(road, LAY_MEMBER, "lay_member")  # present at the IFR panel's meeting
    seat_on_review_panel(road, VICE_CHAIR, "clinician")  # the same; a panel chair by role
    road.to_review_panel(hold_meeting=False)
    meeting = road.hold_review_meeting(absent=(REVIEW_LAY_MEMBER,))
    assert meeting["agenda"][0]["quorum"]["missing"] == ["lay member"]  # the IFR panel's does not count
    road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"], expect=409)
    whole = road.hold_review_meeting()
    assert whole["agenda"][0]["quorum"]["quorate"] is True
    refused = road.act(VICE_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"], expect=409)
    assert "you took part in the decision under review" in refusal(refused)
    assert road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"]).json["state"] == (
        "decision_upheld")


def test_a_member_who_declared_an_interest_in_the_case_at_its_panel_does_not_count(
        client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    commissioner = "demo-panel-commissioner"
    meeting = road.hold_meeting(absent=(commissioner,))  # not present: an interest declared all the same
    declared = road.client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.member_id(commissioner),
        "details": "Commissions the patient's provider."})
    assert declared.status_code == 201, declared.json
    road.act(CHAIR, "decline", DECLINE)
    seat_on_review_panel(road, commissioner, "lay_member")
    road.to_review_panel(hold_meeting=False)
    review = road.hold_review_meeting(absent=(REVIEW_LAY_MEMBER,))
    assert review["agenda"][0]["quorum"]["missing"] == ["lay member"]
    road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"], expect=409)
    assert road.case()["state"] == "awaiting_review_panel"


def test_a_chair_who_took_chairs_action_cannot_sit_on_its_review(client, auth, application):
    road = Road(client, auth, application, urgency="emergency")
    road.act(OFFICER, "refer_for_chairs_action", {"reason": "Deterioration expected within weeks."})
    road.act(VICE_CHAIR, "decline", DECLINE)  # chair's action: no meeting at all
    seat_on_review_panel(road, VICE_CHAIR, "vice_chair")
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    refused = road.act(VICE_CHAIR, "refer_to_review_panel", PAYLOADS["refer_to_review_panel"], expect=409)
    assert "you recorded a decision on it" in refusal(refused)
    road.act(REVIEW_CHAIR, "refer_to_review_panel", PAYLOADS["refer_to_review_panel"])
    road.hold_review_meeting()
    refused = road.act(VICE_CHAIR, "remit_on_review", PAYLOADS["remit_on_review"], expect=409)
    assert "you recorded a decision on it" in refusal(refused)


def test_an_interest_declared_at_the_review_meeting_keeps_that_member_out(client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel()
    meeting = road.review_meeting
    declared = road.client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=auth(OFFICER), json={
        "case_reference": road.reference, "member_id": road.review_member_id(REVIEW_CHAIR),
        "details": "Trained with the requesting clinician."})
    assert declared.status_code == 201, declared.json
    assert declared.json["agenda"][0]["quorum"]["quorate"] is True  # the vice-chair chairs it
    refused = road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"], expect=409)
    assert "declared an interest" in refusal(refused)
    assert road.act(REVIEW_VICE_CHAIR, "remit_on_review", PAYLOADS["remit_on_review"]).json["state"] == (
        "ready_for_panel")


def test_once_the_review_panel_has_decided_its_attendance_stands(client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel()
    road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"])
    changed = road.client.put(f"/api/v1/meetings/{road.review_meeting['id']}/attendance",
                              headers=auth(OFFICER), json={"attendee_ids": []})
    assert changed.status_code == 409


# Remittal

def test_a_remitted_case_goes_to_a_newly_constituted_ifr_panel_and_not_to_the_review_panel(
        client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel()
    road.act(REVIEW_CHAIR, "remit_on_review", PAYLOADS["remit_on_review"])
    assert road.case()["state"] == "ready_for_panel"
    # The Review Panel's meeting has the case on its agenda and is the latest, and the Review Panel's
    # chair was present: it is still the IFR panel's meeting that counts for an IFR decision.
    refused = road.act(REVIEW_CHAIR, "approve", DECISION, expect=409)
    assert "you are not recorded as present" in refusal(refused)
    road.hold_meeting()
    refused = road.act(CHAIR, "approve", DECISION, expect=409)
    assert "newly constituted" in refusal(refused)


def test_the_review_panels_outcome_skips_no_step(client, auth, application):
    road = declined(client, auth, application)
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    road.hold_review_meeting()
    for action in ("uphold_on_review", "remit_on_review"):  # before the initial consideration
        road.act(REVIEW_CHAIR, action, PAYLOADS[action], expect=409)
    road.act(REVIEW_CHAIR, "refuse_review", PAYLOADS["refuse_review"])
    for action in ("uphold_on_review", "remit_on_review", "refer_to_review_panel"):
        road.act(REVIEW_CHAIR, action, PAYLOADS[action], expect=409)
    assert road.case()["state"] == "review_not_taken_forward"


# The Review Panel's pages

def test_the_review_panels_pack_holds_the_decision_the_request_and_its_consideration_and_no_identifier(
        app, client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel()
    pack = f"/panel/meetings/{road.review_meeting['id']}/cases/{road.reference}"
    page = Person(app.test_client(), REVIEW_CHAIR).open(pack)
    assert "Review Panel pack" in page and "The review" in page
    assert "The evidence was misunderstood or not considered" in page  # the ground by its words
    assert "evidence_not_considered<" not in page
    for said in ("Not clinically exceptional.", "The panel did not consider the second-line trial data sent.",
                 "The pack&#39;s index does not list the trial data the clinician sent."):
        assert said in page, said
    assert f"/cases/{road.reference}/actions/uphold_on_review" in page
    assert_no_identifier(page, application)
    Person(app.test_client(), CHAIR).open(pack, expect=403)  # no seat on the Review Panel


def test_the_pack_says_why_a_member_who_sat_on_the_decision_cannot_record_the_outcome(
        app, client, auth, application):
    road = declined(client, auth, application)
    seat_on_review_panel(road, VICE_CHAIR, "clinician")
    road.to_review_panel()
    page = Person(app.test_client(), VICE_CHAIR).open(
        f"/panel/meetings/{road.review_meeting['id']}/cases/{road.reference}")
    assert "You cannot record this outcome yet" in page
    assert "you took part in the decision under review" in page
    assert "/actions/uphold_on_review" not in page


def test_the_minutes_of_the_review_meeting_record_who_sat_and_the_outcome(app, client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel()
    road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"])
    minutes = Person(app.test_client(), OFFICER).open(f"/panel/meetings/{road.review_meeting['id']}/minutes")
    assert "London Review Panel" in minutes
    assert f"{road.reference}: Decision upheld on review" in minutes
    assert "How the process was followed" in minutes and "Recorded by Dr Sue Black" in minutes
    assert "Dr Omar Haddad, clinician" in minutes and "Lee Carter, lay member" in minutes


def test_the_review_panels_pack_on_the_api_holds_the_review_and_an_ifr_panels_does_not(
        client, auth, application):
    road = declined(client, auth, application)
    road.to_review_panel()
    pack = client.get(f"/api/v1/meetings/{road.review_meeting['id']}/pack", headers=auth(REVIEW_CHAIR))
    assert pack.status_code == 200, pack.json
    papers = {paper["event"]: paper["payload"] for paper in pack.json["cases"][0]["review"]}
    assert papers["decision_recorded"]["summary"] == "Not clinically exceptional."
    assert papers["review_requested"]["grounds"] == ["evidence_not_considered"]
    assert papers["review_grounds_considered"]["grounds_made_out"] == ["evidence_not_considered"]
    assert_no_identifier(pack.text, application)
    ifr = client.get(f"/api/v1/meetings/{road.meeting['id']}/pack", headers=auth(CHAIR)).json
    assert all(case["review"] == [] for case in ifr["cases"])
