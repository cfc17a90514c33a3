"""Cases travel the whole IFR road through the one actions endpoint, on each backend."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import CaseEvent
from ifr_service.cases.queries import get_case
from ifr_service.notifications.models import Notification
from tests.builders import (
    CHAIR,
    CLINICIAN,
    DECISION,
    OFFICER,
    PAYLOADS,
    REASON,
    REVIEW_CHAIR,
    Road,
    findings,
)

MONDAY = date(2026, 12, 21)  # the week before Christmas: three bank holidays follow


@pytest.fixture
def road(client, auth, application, calendar):
    calendar.set(MONDAY)
    return lambda urgency="routine": Road(client, auth, application, urgency)


def test_an_application_is_checked_screened_and_approved_by_the_panel(road, in_db, run_jobs):
    case = road()
    case.to_panel()
    assert case.case()["state"] == "ready_for_panel"
    approved = case.act(CHAIR, "approve", DECISION).json
    assert approved["state"] == "approved"
    run_jobs()  # the acknowledgement and the decision letter
    assert {c["clock"]: c["status"] for c in case.case()["clocks"]} == {
        "acknowledgement": "met", "completeness_check": "met", "screening": "met", "decision": "met",
        "letter": "met"}

    def events():
        return [e.name for e in db.session().exec(select(CaseEvent).order_by(CaseEvent.id))]

    assert in_db(events) == ["draft_created", "sent_for_trust_approval", "case_submitted",
                             "completeness_confirmed", "screening_completed", "decision_recorded"]


def test_the_decision_and_its_reasons_are_recorded_in_the_event(road, in_db):
    case = road()
    case.to_panel()
    case.act(CHAIR, "decline", PAYLOADS["decline"])

    def decision():
        event = db.session().exec(select(CaseEvent).where(CaseEvent.name == "decision_recorded")).one()
        return event.to_state, event.payload

    state, payload = in_db(decision)
    assert state == "declined"
    assert payload["findings"]["significantly_different"] == {
        "finding": "no", "reasons": "The panel considered the evidence submitted."}
    assert payload["findings"]["policy_position"] == "against_policy"


def test_a_decline_without_reasons_is_refused_and_changes_nothing(road):
    case = road()
    case.to_panel()
    empty = findings("no", reasons="")
    response = case.act(CHAIR, "decline", {"findings": empty, "summary": "No."}, expect=422)
    fields = {error["field"] for error in response.json["errors"]}
    assert "findings.significantly_more_benefit.reasons" in fields
    assert "summary" in fields
    assert case.case()["state"] == "ready_for_panel"


def test_an_action_the_state_does_not_allow_answers_409_with_what_is_allowed(road):
    case = road()
    response = case.act(CHAIR, "approve", DECISION, expect=409)
    assert response.json["allowed_actions"] == []
    response = case.act(OFFICER, "screen_to_panel", REASON, expect=409)
    assert response.json["allowed_actions"] == [
        "confirm_complete", "request_information", "refer_for_chairs_action", "prepare_evidence_for_panel"]


def test_an_action_the_role_may_not_take_answers_403(road):
    case = road()
    case.to_panel()
    case.act(OFFICER, "approve", DECISION, expect=403)


def test_an_unknown_payload_field_is_refused(road):
    case = road()
    response = case.act(OFFICER, "confirm_complete", {"notes": "ok", "verdict": "fine"}, expect=422)
    assert response.json["errors"] == [{"field": "verdict", "message": "Unknown field."}]


def test_each_allowed_action_lists_the_payload_it_needs(road):
    case = road()
    case.to_panel()
    actions = {a["action"]: a for a in case.case(CHAIR)["allowed_actions"]}
    assert set(actions) == {"approve", "approve_with_conditions", "decline", "defer"}
    decline = {field["field"]: field for field in actions["decline"]["payload"]}
    assert decline["summary"]["required"] is True
    assert [c["field"] for c in decline["findings"]["fields"]] == [
        "policy_position", "policy_reference", "comparator_group", "significantly_different",
        "significantly_more_benefit", "cohort_in_disguise", "evidence_of_effectiveness", "value_for_money"]


def test_a_request_for_information_pauses_the_clock_across_the_bank_holidays(road, calendar):
    case = road()  # submitted on Monday 21 December 2026
    # 22, 23, 24 December; 25 and 28 are bank holidays (Boxing Day observed); 29, 30.
    assert case.clock("completeness_check")["due_on"] == "2026-12-30"
    calendar.set(date(2026, 12, 23))
    case.act(OFFICER, "request_information", PAYLOADS["request_information"])
    paused = case.clock("completeness_check")
    assert (paused["status"], paused["used_working_days"], paused["due_on"]) == ("paused", 2, None)
    assert case.clock("information_response")["due_on"] == "2027-01-25"

    calendar.set(date(2027, 1, 4))  # answered after Christmas, New Year's Day and Boxing Day
    case.act(CLINICIAN, "provide_information", PAYLOADS["provide_information"])
    resumed = case.clock("completeness_check")
    assert (resumed["status"], resumed["used_working_days"]) == ("on_track", 2)
    assert resumed["due_on"] == "2027-01-07"  # the three working days left: 5, 6, 7 January
    assert case.clock("information_response")["status"] == "met"


def test_the_case_keeps_the_soonest_due_date_of_its_running_clocks(road, calendar, in_db, run_jobs):
    case = road()  # submitted on Monday 21 December 2026
    run_jobs()  # the acknowledgement is sent, which stops its clock

    def next_due_on():
        return get_case(case.reference).next_due_on

    assert in_db(next_due_on) == date(2026, 12, 30)  # the completeness check's
    calendar.set(date(2026, 12, 23))
    case.act(OFFICER, "request_information", PAYLOADS["request_information"])
    assert in_db(next_due_on) == date(2027, 1, 25)  # the check paused: only the answer's clock runs
    calendar.set(date(2027, 1, 4))
    case.act(CLINICIAN, "provide_information", PAYLOADS["provide_information"])
    assert in_db(next_due_on) == date(2027, 1, 7)  # the check resumed; the answer's clock stopped
    case.act(CLINICIAN, "withdraw", {"reason": "The patient has moved abroad."})
    run_jobs()
    assert in_db(next_due_on) is None  # every clock stopped


def test_an_overdue_check_shows_in_the_hub_queue(road, calendar, client, auth, run_jobs):
    case = road()
    run_jobs()
    calendar.set(date(2027, 1, 6))
    queue = client.get("/api/v1/hubs/london/queue", headers=auth(OFFICER)).json
    item = next(item for item in queue["cases"] if item["reference"] == case.reference)
    assert (item["clock"], item["due_on"], item["clock_status"]) == (
        "completeness_check", "2026-12-30", "overdue")


def test_a_cohort_is_closed_at_screening_and_the_clinician_sent_a_letter(road, in_db, run_jobs):
    case = road()
    case.act(OFFICER, "confirm_complete")
    closed = case.screen("screen_cohort", PAYLOADS["screen_cohort"]).json
    assert closed["state"] == "closed_cohort"
    assert case.case(CLINICIAN)["allowed_actions"] == []
    run_jobs()

    def updates():
        return [n.subject for n in db.session().exec(select(Notification))
                if n.kind.startswith("case_update:")]

    assert in_db(updates) == []  # the clinician hears by letter
    letter = case.case(CLINICIAN)["letters"][0]
    assert letter["title"] == "Outcome of the screening of your Individual Funding Request"


def test_only_an_urgent_case_goes_to_chairs_action(road):
    road().act(OFFICER, "refer_for_chairs_action", REASON, expect=409)


def test_an_urgent_case_is_decided_by_chairs_action_within_its_clock(road, calendar):
    case = road("urgent")
    assert case.clock("urgent_decision")["due_on"] == "2026-12-30"  # five working days from receipt
    case.act(OFFICER, "refer_for_chairs_action", REASON)
    assert case.clock("urgent_decision")["due_on"] == "2026-12-30"  # the same clock, still running
    calendar.set(date(2026, 12, 24))
    decided = case.act(CHAIR, "approve_with_conditions", PAYLOADS["approve_with_conditions"]).json
    assert decided["state"] == "approved_with_conditions"
    assert case.clock("urgent_decision")["status"] == "met"


def test_an_urgent_case_screened_to_panel_keeps_its_urgent_target_not_the_30_working_days(road):
    case = road("urgent")
    case.to_panel(hold_meeting=False)
    clocks = {c["clock"]: c for c in case.case()["clocks"]}
    assert "decision" not in clocks and "screening" not in clocks and "completeness_check" not in clocks
    assert (clocks["urgent_decision"]["unit"], clocks["urgent_decision"]["status"]) == (
        "working_days", "on_track")


def test_an_emergency_has_a_24_hour_clock_from_receipt_counted_in_hours(road, calendar):
    case = road("emergency")  # received on Monday 21 December at 9:00 in England
    emergency = case.clock("emergency_decision")
    assert (emergency["unit"], emergency["target"], emergency["due_utc"], emergency["status"]) == (
        "hours", 24, "2026-12-22T09:00:00+00:00", "on_track")
    assert emergency["target_working_days"] is None
    calendar.set(MONDAY, at=time(20))
    case.act(OFFICER, "confirm_complete")
    assert case.clock("emergency_decision")["status"] == "on_track"  # 11 hours left, into screening
    calendar.set(date(2026, 12, 22), at=time(4))
    assert case.clock("emergency_decision")["status"] == "due_soon"  # 5 hours left
    calendar.set(date(2026, 12, 22), at=time(10))
    assert case.clock("emergency_decision")["status"] == "overdue"
    queue = case.client.get("/api/v1/hubs/london/queue", headers=case.auth(OFFICER)).json
    line = next(item for item in queue["cases"] if item["reference"] == case.reference)
    assert (line["clock"], line["due_utc"]) == ("emergency_decision", "2026-12-22T09:00:00+00:00")


def test_deferral_waits_for_the_clinician_then_returns_to_panel(road):
    case = road()
    case.to_panel()
    case.act(CHAIR, "defer", PAYLOADS["defer"])
    assert case.clock("decision")["status"] == "paused"
    case.act(CLINICIAN, "provide_deferred_information", PAYLOADS["provide_deferred_information"])
    assert case.case()["state"] == "ready_for_panel"
    assert case.clock("decision")["status"] in {"on_track", "due_soon"}


def test_reconsideration_on_new_information_returns_the_case_to_panel(road):
    case = road()
    case.to_panel()
    case.act(CHAIR, "decline", PAYLOADS["decline"])
    case.act(CLINICIAN, "request_reconsideration", PAYLOADS["request_reconsideration"])
    case.act(OFFICER, "accept_reconsideration", PAYLOADS["accept_reconsideration"])
    assert case.case()["state"] == "ready_for_panel"
    assert case.act(CHAIR, "approve", DECISION).json["state"] == "approved"


def test_a_review_is_considered_then_decided_by_the_review_panel_which_can_remit(road):
    case = road()
    case.to_panel()
    case.act(CHAIR, "decline", PAYLOADS["decline"])
    case.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    case.act(CHAIR, "refer_to_review_panel", PAYLOADS["refer_to_review_panel"], expect=409)
    case.act(REVIEW_CHAIR, "refer_to_review_panel", PAYLOADS["refer_to_review_panel"])
    assert case.case()["state"] == "awaiting_review_panel"
    case.hold_review_meeting()
    case.act(CHAIR, "remit_on_review", {"reason": "Reviewing my own panel."}, expect=409)
    remitted = case.act(REVIEW_CHAIR, "remit_on_review", PAYLOADS["remit_on_review"]).json
    assert remitted["state"] == "ready_for_panel"
    assert case.clock("review")["status"] == "met"


def test_a_review_asked_for_after_the_window_is_refused(road, calendar):
    case = road()
    case.to_panel()
    case.act(CHAIR, "decline", PAYLOADS["decline"])
    calendar.set(date(2027, 3, 1))
    response = case.act(CLINICIAN, "request_review", {
        "grounds": ["policy_not_followed"], "explanation": "The panel was not quorate that day."},
        expect=409)
    assert "30 working days" in response.json["errors"][0]["message"]


def test_review_grounds_are_only_the_stated_ones(road):
    case = road()
    case.to_panel()
    case.act(CHAIR, "decline", PAYLOADS["decline"])
    response = case.act(CLINICIAN, "request_review", {
        "grounds": ["we disagree"], "explanation": "We believe the patient is exceptional."},
        expect=422)
    assert response.json["errors"][0]["field"] == "grounds.0"


def test_a_clinician_can_withdraw_before_the_decision_but_not_after(road):
    case = road()
    case.act(CLINICIAN, "withdraw", PAYLOADS["withdraw"])
    assert case.case(CLINICIAN)["state"] == "withdrawn"
    decided = road()
    decided.to_panel()
    decided.act(CHAIR, "approve", DECISION)
    decided.act(CLINICIAN, "withdraw", {}, expect=409)


def test_files_go_to_the_attachments_endpoint_not_the_actions_endpoint(road):
    case = road()
    case.act(OFFICER, "request_information", PAYLOADS["request_information"])
    response = case.act(CLINICIAN, "attach", {}, expect=422)
    assert "/attachments" in response.json["errors"][0]["message"]


def test_a_withdrawal_stops_the_clocks_without_judging_them(road):
    case = road()
    case.act(CLINICIAN, "withdraw", {})
    assert case.clock("completeness_check", who=CLINICIAN)["status"] == "stopped"


def test_submitting_through_the_actions_endpoint_is_idempotent_too(client, auth, application):
    draft = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN)).json["reference"]
    headers = {**auth(CLINICIAN), "Idempotency-Key": "submit-once"}
    first = client.post(f"/api/v1/cases/{draft}/actions/submit", json={}, headers=headers)
    again = client.post(f"/api/v1/cases/{draft}/actions/submit", json={}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json["reference"] == again.json["reference"]
    without_key = client.post(f"/api/v1/cases/{draft}/actions/submit", json={}, headers=auth(CLINICIAN))
    assert without_key.status_code == 409
