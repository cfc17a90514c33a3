"""Governance cannot be undone by whom it binds: a declaration of interest is withdrawn only by the
member it binds (before the day of the meeting) or by the panel's chair, always with a reason, and
the record keeps who, when and why."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from ifr_service import db
from ifr_service.audit.models import AuditEvent
from tests.builders import CHAIR, DECISION, OFFICER, Road
from tests.panels.test_chair_access import findings_form
from tests.web.browsing import Person

VICE_CHAIR, PUBLIC_HEALTH, PHARMACIST = "demo-panel-vice-chair", "demo-panel-member", "demo-panel-pharmacist"
COMMISSIONER = "demo-panel-commissioner"


def declare(road, meeting: dict, who: str, member: str, details: str = "Treated the patient.", expect=201):
    response = road.client.post(f"/api/v1/meetings/{meeting['id']}/conflicts", headers=road.auth(who), json={
        "case_reference": road.reference, "member_id": road.member_id(member), "details": details})
    assert response.status_code == expect, response.json
    return response.json


def standing(meeting: dict, member_id: int) -> dict:
    return next(c for c in meeting["agenda"][0]["conflicts"] if c["member_id"] == member_id)


def withdraw(road, meeting: dict, conflict_id: int, who: str, reason: str | None = "Declared in error."):
    return road.client.post(f"/api/v1/meetings/{meeting['id']}/conflicts/{conflict_id}/withdrawal",
                            headers=road.auth(who), json={} if reason is None else {"reason": reason})


def meeting_on(road, day) -> dict:
    panel = road.panel()
    created = road.client.post(f"/api/v1/panels/{panel['id']}/meetings", headers=road.auth(OFFICER), json={
        "meeting_date": day.isoformat(), "attendee_ids": [m["id"] for m in panel["members"]]})
    assert created.status_code == 201, created.json
    return road.client.post(f"/api/v1/meetings/{created.json['id']}/agenda", headers=road.auth(OFFICER)).json


def test_conflicted_members_cannot_withdraw_their_own_declarations_on_the_day_and_then_decide(
        client, auth, application):
    """The finding's attack: the vice-chair and the public health member declare, the meeting is
    not quorate for the case, they withdraw their own declarations and approve it."""
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting(absent=(CHAIR,))
    declare(road, meeting, VICE_CHAIR, VICE_CHAIR)
    meeting = declare(road, meeting, PUBLIC_HEALTH, PUBLIC_HEALTH)
    road.act(VICE_CHAIR, "approve", DECISION, expect=409)
    for member in (VICE_CHAIR, PUBLIC_HEALTH):
        conflict_id = standing(meeting, road.member_id(member))["id"]
        refused = withdraw(road, meeting, conflict_id, member)
        assert refused.status_code == 409, refused.json
        assert "only the panel's chair" in refused.json["errors"][0]["message"]
        gone = client.delete(f"/api/v1/meetings/{meeting['id']}/conflicts/{conflict_id}",
                             headers=auth(member))
        assert gone.status_code == 404  # the old way round is gone: a withdrawal is a recorded act
    road.act(VICE_CHAIR, "approve", DECISION, expect=409)
    assert road.case()["state"] == "ready_for_panel"


def test_only_the_member_bound_or_the_panels_chair_may_withdraw_a_declaration(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), OFFICER, PUBLIC_HEALTH)
    assert standing(meeting, road.member_id(PUBLIC_HEALTH))["declared_by"] == OFFICER  # who recorded it
    conflict_id = standing(meeting, road.member_id(PUBLIC_HEALTH))["id"]
    for someone in (PHARMACIST, VICE_CHAIR, "review-chair"):  # other members, a chair with no seat
        assert withdraw(road, meeting, conflict_id, someone).status_code == 403, someone
    assert withdraw(road, meeting, conflict_id, OFFICER).status_code == 403  # runs meetings, is no member
    assert road.client.get(f"/api/v1/meetings/{meeting['id']}", headers=auth(OFFICER)).json[
        "agenda"][0]["conflicts"][0]["id"] == conflict_id


def test_the_chair_withdraws_a_declaration_only_with_a_reason_and_the_record_keeps_who_when_and_why(
        client, auth, application, in_db):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), OFFICER, PUBLIC_HEALTH)
    conflict_id = standing(meeting, road.member_id(PUBLIC_HEALTH))["id"]
    unexplained = withdraw(road, meeting, conflict_id, CHAIR, reason=None)
    assert unexplained.status_code == 422
    assert [e["field"] for e in unexplained.json["errors"]] == ["reason"]
    blank = withdraw(road, meeting, conflict_id, CHAIR, reason="   ")
    assert (blank.status_code, blank.json["errors"][0]["field"]) == (422, "reason")

    audited_before = in_db(lambda: db.session().exec(select(func.max(AuditEvent.id))).one() or 0)
    done = withdraw(road, meeting, conflict_id, CHAIR, reason="Recorded against the wrong member.")
    assert done.status_code == 200, done.json
    item = done.json["agenda"][0]
    assert item["conflicts"] == []
    [kept] = item["withdrawn_conflicts"]
    assert kept["id"] == conflict_id and kept["withdrawn_by"] == CHAIR and kept["declared_by"] == OFFICER
    assert kept["reason"] == "Recorded against the wrong member." and kept["withdrawn_utc"]
    changes = in_db(lambda: [row.what for row in db.session().exec(select(AuditEvent).where(
        AuditEvent.id > audited_before,  # references come round again: the log outlives the cases
        AuditEvent.case_reference == road.reference, AuditEvent.username == CHAIR,
        AuditEvent.action == "change"))])
    assert changes == ["api.panels.withdraw_conflict"]
    assert withdraw(road, meeting, conflict_id, CHAIR).status_code == 404  # withdrawn once


def test_a_chair_cannot_lift_their_own_declaration_on_the_day_nor_others_in_a_case_they_are_conflicted_in(
        client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting()
    declare(road, meeting, CHAIR, CHAIR)
    meeting = declare(road, meeting, OFFICER, PHARMACIST)
    own = withdraw(road, meeting, standing(meeting, road.member_id(CHAIR))["id"], CHAIR)
    assert own.status_code == 409
    other = withdraw(road, meeting, standing(meeting, road.member_id(PHARMACIST))["id"], CHAIR)
    assert other.status_code == 409
    assert "declared an interest in this case" in other.json["errors"][0]["message"]


def test_a_member_may_withdraw_their_own_declaration_before_the_day_of_the_meeting(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    tomorrow = client.application.extensions["ifr"].today() + timedelta(days=1)
    meeting = declare(road, meeting_on(road, tomorrow), PUBLIC_HEALTH, PUBLIC_HEALTH)
    conflict_id = standing(meeting, road.member_id(PUBLIC_HEALTH))["id"]
    done = withdraw(road, meeting, conflict_id, PUBLIC_HEALTH, reason="It was the other Dr Shah's patient.")
    assert done.status_code == 200, done.json
    assert done.json["agenda"][0]["withdrawn_conflicts"][0]["withdrawn_by"] == PUBLIC_HEALTH


def test_a_genuine_interest_can_be_declared_again_after_a_withdrawal(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), OFFICER, PHARMACIST)
    conflict_id = standing(meeting, road.member_id(PHARMACIST))["id"]
    assert withdraw(road, meeting, conflict_id, CHAIR).status_code == 200
    again = declare(road, meeting, PHARMACIST, PHARMACIST, details="On reflection, I did advise the trust.")
    assert again["agenda"][0]["conflicted_member_ids"] == [road.member_id(PHARMACIST)]
    assert [c["id"] for c in again["agenda"][0]["withdrawn_conflicts"]] == [conflict_id]
    declare(road, again, PHARMACIST, PHARMACIST, expect=422)  # one standing declaration at a time


def test_after_the_decision_a_declaration_stands(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), OFFICER, COMMISSIONER)
    conflict_id = meeting["agenda"][0]["conflicts"][0]["id"]
    road.act(CHAIR, "approve", DECISION)
    assert withdraw(road, meeting, conflict_id, CHAIR).status_code == 409


def test_the_minutes_show_a_withdrawn_declaration_with_who_withdrew_it_when_and_why(
        app, client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), OFFICER, PHARMACIST, details="Advised the trust.")
    withdraw(road, meeting, standing(meeting, road.member_id(PHARMACIST))["id"], CHAIR,
             reason="The advice was on another patient.")
    minutes = Person(app.test_client(), OFFICER).open(f"/panel/meetings/{meeting['id']}/minutes")
    assert "Declarations withdrawn" in minutes
    assert "The advice was on another patient." in minutes
    assert "withdrawn by" in minutes and "Advised the trust." in minutes
    assert ", recorded by " in minutes  # who recorded the declaration, as well as who withdrew it


def test_a_member_who_declared_an_interest_is_not_offered_the_decision_form(app, client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), CHAIR, CHAIR)
    chair = Person(app.test_client(), CHAIR)
    pack = chair.open(f"/panel/meetings/{meeting['id']}/cases/{road.reference}")
    assert f"/cases/{road.reference}/actions/approve" not in pack
    chair.open(f"/cases/{road.reference}/actions/approve", expect=409)
    vice = Person(app.test_client(), VICE_CHAIR).open(
        f"/panel/meetings/{meeting['id']}/cases/{road.reference}")
    assert f"/cases/{road.reference}/actions/approve" in vice


def test_a_member_who_declared_an_interest_cannot_record_the_decision_by_posting_the_form(
        app, client, auth, application):
    """Not offered is not enough: the form posted as a browser would (with a valid CSRF token from
    the member's own pack page) is refused too, and the case is not decided."""
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = declare(road, road.hold_meeting(), CHAIR, CHAIR)
    chair = Person(app.test_client(), CHAIR)
    form = findings_form("yes")
    refused = chair.submit(f"/cases/{road.reference}/actions/approve", {**form, "summary": "Funded."},
                           form_page=f"/panel/meetings/{meeting['id']}/cases/{road.reference}")
    assert refused.status_code == 409
    assert road.case()["state"] == "ready_for_panel"


def test_a_member_who_declared_an_interest_is_not_offered_the_decision_through_the_api(
        client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    declare(road, road.hold_meeting(), CHAIR, CHAIR)
    offered = {action["action"] for action in road.case(CHAIR)["allowed_actions"]}
    assert not offered & {"approve", "approve_with_conditions", "decline", "defer"}
    assert "approve" in {action["action"] for action in road.case(VICE_CHAIR)["allowed_actions"]}
    road.act(CHAIR, "approve", DECISION, expect=409)


def test_an_interest_declared_at_one_meeting_binds_at_another_meeting_of_the_case_the_same_day(
        client, auth, application):
    """No way round by a second meeting: a conflicted member present at a fresh meeting with the case
    on its agenda still does not count and cannot decide it."""
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    declare(road, road.hold_meeting(absent=(CHAIR,)), VICE_CHAIR, VICE_CHAIR)
    again = road.hold_meeting(absent=(CHAIR,))
    assert again["agenda"][0]["quorum"]["quorate"] is False
    assert again["agenda"][0]["quorum"]["missing"] == ["chair or vice chair"]
    road.act(VICE_CHAIR, "approve", DECISION, expect=409)
    assert road.case()["state"] == "ready_for_panel"


def test_a_member_cannot_withdraw_their_declaration_for_a_later_meeting_once_the_case_is_before_one(
        client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    road.hold_meeting()
    tomorrow = client.application.extensions["ifr"].today() + timedelta(days=1)
    later = declare(road, meeting_on(road, tomorrow), COMMISSIONER, COMMISSIONER)
    refused = withdraw(road, later, standing(later, road.member_id(COMMISSIONER))["id"], COMMISSIONER)
    assert refused.status_code == 409
    road.act(CHAIR, "approve", DECISION)  # today's meeting decides without the member
    assert road.case()["state"] == "approved"
