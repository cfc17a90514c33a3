"""After an IFR approval: the review reminder, the clinician's outcome report, and continuing a
time-limited approval, end to end through the API, the clock sweep and the jobs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.queries import get_case
from ifr_service.cet.models import NationalCase
from ifr_service.funding import queries as funding_queries
from ifr_service.notifications.models import Notification
from ifr_service.outcomes import queries
from ifr_service.outcomes.reminders import sweep_review_dates
from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, PAYLOADS, Road
from tests.web.browsing import Person

DECIDED_ON = date(2027, 1, 4)  # a Monday: the panel approves a twelve-week funded trial
FUNDED_UNTIL, REVIEW = date(2027, 3, 29), date(2027, 3, 22)
REPORT = {
    "assessed_on": "2027-03-10", "response": "responding",
    "outcome_measures": [{"measure": "Seizure frequency from the patient's diary",
                          "result": "Down from 12 a month to 3 a month."},
                         {"measure": "MRI at 12 weeks", "result": "Lesion smaller by a third."}],
    "stopping_criteria_met": False, "notes": "Tolerating treatment well."}
CONTINUATION = {
    "response": "responding",
    "response_data": "Seizures down from 12 to 3 a month; MRI at 12 weeks shows the lesion a third smaller.",
    "continue_until": "2027-09-30",
    "reason": "The trial of treatment shows a sustained response; stopping now would lose it."}


def approved_trial(client, auth, calendar, application, payload: dict | None = None) -> Road:
    """An IFR approved with conditions for a funded trial of treatment until FUNDED_UNTIL."""
    calendar.set(DECIDED_ON)
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve_with_conditions", payload or {
        **PAYLOADS["approve_with_conditions"], "review_date": REVIEW.isoformat(),
        "funded_until": FUNDED_UNTIL.isoformat()})
    return road


def authorisation(in_db, reference: str) -> dict:
    def read():
        found = funding_queries.find_authorisation_for_case(get_case(reference).id)
        return {key: getattr(found, key) for key in ("reference", "status", "ends_on", "review_date",
                                                     "outcome_reported_on", "end_reason", "ended_on")}
    return in_db(read)


def clinicians_letters(road: Road) -> list[str]:
    return [letter["title"] for letter in road.case(CLINICIAN)["letters"]
            if letter["recipient"] == "clinician"]


def sweep(app) -> int:
    with app.app_context():
        return sweep_review_dates()


def notifications(in_db, prefix: str) -> list[tuple[str, str]]:
    return in_db(lambda: sorted((n.recipient, n.subject) for n in db.session().exec(select(Notification))
                                if n.kind.startswith(prefix)))


def national_response(in_db, reference: str) -> tuple:
    row = in_db(lambda: db.session().exec(select(NationalCase).where(NationalCase.case_ref == reference))
                .one().model_dump())
    return row["reported_response"], row["response_reported_on"]


def test_an_ifr_approval_runs_through_its_review_reminder_outcome_report_and_extension(
        app, client, auth, application, calendar, in_db, run_jobs):
    road = approved_trial(client, auth, calendar, application)
    run_jobs()
    assert authorisation(in_db, road.reference)["ends_on"] == FUNDED_UNTIL

    calendar.set(date(2027, 3, 7))  # 15 days before the review date: not yet
    assert sweep(app) == 0
    calendar.set(date(2027, 3, 8))  # 14 days before (OUTCOME_REVIEW_REMINDER_DAYS)
    assert sweep(app) == 1
    assert sweep(app) == 0  # once per review date
    assert notifications(in_db, "outcome_review:") == [(
        "priya.shah@nhs.net", f"Individual Funding Request {road.reference}: treatment review due by "
                              "22 March 2027")]

    calendar.set(date(2027, 3, 12))
    road.act(CLINICIAN, "report_outcome", REPORT)
    found = authorisation(in_db, road.reference)
    assert (found["status"], found["outcome_reported_on"]) == ("in_force", date(2027, 3, 12))
    assert national_response(in_db, road.reference) == ("responding", date(2027, 3, 12))
    assert [subject for _, subject in notifications(in_db, "after_approval:")] == [
        f"Individual Funding Request {road.reference}: outcome reported (responding)"] * 2  # both officers
    reports = in_db(lambda: [report.model_dump()
                             for report in queries.find_outcome_reports(get_case(road.reference).id)])
    assert [(r["response"], len(r["measures"]), r["ended_authorisation"]) for r in reports] == [
        ("responding", 2, False)]

    road.act(CLINICIAN, "request_continuation", CONTINUATION)
    road.act(OFFICER, "approve_continuation", {"funded_until": "2027-09-30", "review_date": "2027-09-01",
                                               "reasons": "A sustained response on both measures."})
    run_jobs()
    found = authorisation(in_db, road.reference)
    assert (found["ends_on"], found["review_date"]) == (date(2027, 9, 30), date(2027, 9, 1))
    assert clinicians_letters(road)[-1] == "Your request to continue funding"

    calendar.set(date(2027, 8, 18))  # 14 days before the new review date: reminded afresh
    assert sweep(app) == 1
    assert len(notifications(in_db, "outcome_review:")) == 2


def test_the_case_page_shows_the_report_to_the_hub(client, auth, application, calendar, in_db):
    road = approved_trial(client, auth, calendar, application)
    calendar.set(date(2027, 3, 12))
    road.act(CLINICIAN, "report_outcome", REPORT)
    page = Person(client, OFFICER).open(f"/cases/{road.reference}")
    assert "Outcome reports" in page
    assert "Down from 12 a month to 3 a month." in page
    assert authorisation(in_db, road.reference)["reference"] in page


def test_stopping_criteria_met_end_the_funding_authorisation(app, client, auth, application, calendar,
                                                             in_db):
    road = approved_trial(client, auth, calendar, application)
    calendar.set(date(2027, 3, 1))
    road.act(CLINICIAN, "report_outcome", {**REPORT, "assessed_on": "2027-02-26", "response": "progressing",
                                           "stopping_criteria_met": True})
    found = authorisation(in_db, road.reference)
    assert (found["status"], found["end_reason"], found["ended_on"]) == (
        "ended", "stopping_criteria_met", date(2027, 3, 1))
    # Nothing is left to report on or continue, and no reminder goes for an ended authorisation.
    road.act(CLINICIAN, "request_continuation", CONTINUATION, expect=409)
    calendar.set(date(2027, 3, 8))
    assert sweep(app) == 0


def test_a_report_that_treatment_stopped_ends_the_authorisation(client, auth, application, calendar, in_db):
    road = approved_trial(client, auth, calendar, application)
    calendar.set(date(2027, 3, 1))
    road.act(CLINICIAN, "report_outcome", {**REPORT, "assessed_on": "2027-02-26", "response": "stopped"})
    assert authorisation(in_db, road.reference)["status"] == "ended"


def test_a_blank_response_is_refused_naming_the_field_and_nothing_is_kept(client, auth, application,
                                                                          calendar, in_db):
    road = approved_trial(client, auth, calendar, application)
    calendar.set(date(2027, 3, 12))
    response = road.act(CLINICIAN, "report_outcome", {**REPORT, "response": None}, expect=422)
    assert [error["field"] for error in response.json["errors"]] == ["response"]
    assert authorisation(in_db, road.reference)["outcome_reported_on"] is None


def test_an_outcome_cannot_be_dated_before_the_approval(client, auth, application, calendar):
    road = approved_trial(client, auth, calendar, application)
    response = road.act(CLINICIAN, "report_outcome", {**REPORT, "assessed_on": "2026-12-01"}, expect=422)
    assert [error["field"] for error in response.json["errors"]] == ["assessed_on"]


def test_a_clinician_of_another_trust_cannot_report_on_the_case(client, auth, application, calendar):
    road = approved_trial(client, auth, calendar, application)
    road.act("demo-clinician-2", "report_outcome", REPORT, expect=404)
    road.act("demo-clinician-2", "request_continuation", CONTINUATION, expect=404)


def test_only_the_clinician_reports_and_only_the_hub_or_the_chair_decides(client, auth, application,
                                                                           calendar):
    road = approved_trial(client, auth, calendar, application)
    road.act(OFFICER, "report_outcome", REPORT, expect=403)
    road.act(CLINICIAN, "request_continuation", CONTINUATION)
    decision = {"reasons": "The response data does not support continuing."}
    road.act(CLINICIAN, "decline_continuation", decision, expect=403)
    road.act("demo-panel-lay-member", "decline_continuation", decision, expect=404)  # never sees the case
    road.act(CHAIR, "decline_continuation", decision)


def test_a_declined_continuation_keeps_the_end_date_and_sends_its_letter(client, auth, application,
                                                                          calendar, in_db, run_jobs):
    road = approved_trial(client, auth, calendar, application)
    road.act(CLINICIAN, "request_continuation", CONTINUATION)
    road.act(OFFICER, "decline_continuation", {"reasons": "The MRI shows no change at 12 weeks."})
    run_jobs()
    assert authorisation(in_db, road.reference)["ends_on"] == FUNDED_UNTIL
    assert clinicians_letters(road)[-1] == "Your request to continue funding"


def test_one_continuation_request_waits_at_a_time_and_a_decision_needs_one(client, auth, application,
                                                                           calendar):
    road = approved_trial(client, auth, calendar, application)
    road.act(OFFICER, "decline_continuation", {"reasons": "Nothing was asked."}, expect=409)
    road.act(CLINICIAN, "request_continuation", CONTINUATION)
    road.act(CLINICIAN, "request_continuation", CONTINUATION, expect=409)


@pytest.mark.parametrize(("field", "payload"), [
    ("funded_until", {"funded_until": "2027-12-31", "review_date": "2027-09-01"}),  # beyond what was asked
    ("funded_until", {"funded_until": "2027-03-01", "review_date": "2027-02-01"}),  # before the present end
    ("review_date", {"funded_until": "2027-09-30", "review_date": "2027-10-15"}),  # after funding ends
])
def test_a_continuation_is_approved_only_within_the_dates_asked(client, auth, application, calendar,
                                                                 field, payload):
    road = approved_trial(client, auth, calendar, application)
    road.act(CLINICIAN, "request_continuation", CONTINUATION)
    response = road.act(OFFICER, "approve_continuation", {**payload, "reasons": "A sustained response."},
                        expect=422)
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_a_continuation_must_ask_for_a_date_after_the_present_end(client, auth, application, calendar):
    road = approved_trial(client, auth, calendar, application)
    response = road.act(CLINICIAN, "request_continuation", {**CONTINUATION, "continue_until": "2027-03-01"},
                        expect=422)
    assert [error["field"] for error in response.json["errors"]] == ["continue_until"]


def test_an_approval_funded_until_treatment_stops_has_nothing_to_extend(client, auth, application,
                                                                        calendar):
    calendar.set(DECIDED_ON)
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve", DECISION)
    road.act(CLINICIAN, "request_continuation", CONTINUATION, expect=409)
    actions = [action["action"] for action in road.case(CLINICIAN)["allowed_actions"]]
    assert "report_outcome" in actions and "request_continuation" not in actions


def test_no_reminder_goes_to_a_clinician_who_reported_within_the_lead_time(app, client, auth, application,
                                                                          calendar, in_db):
    road = approved_trial(client, auth, calendar, application)
    calendar.set(date(2027, 3, 9))
    road.act(CLINICIAN, "report_outcome", {**REPORT, "assessed_on": "2027-03-09"})
    assert sweep(app) == 0


def test_the_report_form_opens_with_the_measures_the_application_stated(client, auth, application, calendar):
    application["clinical_case"]["outcome_measures"] = "Seizure frequency diary\nMRI at 12 weeks"
    road = approved_trial(client, auth, calendar, application)
    clinician = Person(client, CLINICIAN)
    page = clinician.open(f"/cases/{road.reference}/actions/report_outcome")
    assert 'name="outcome_measures.0.measure"' in page and "Seizure frequency diary</textarea>" in page
    assert "MRI at 12 weeks</textarea>" in page
    refused = clinician.submit(f"/cases/{road.reference}/actions/report_outcome", {
        "assessed_on[day]": "4", "assessed_on[month]": "1", "assessed_on[year]": "2027",
        "outcome_measures.0.measure": "Seizure frequency diary", "outcome_measures.0.result": "Fewer",
        "stopping_criteria_met": "no"}, expect=422)
    assert "the response to treatment" in refused.text.lower()
    added = clinician.submit(f"/cases/{road.reference}/actions/report_outcome", {
        "outcome_measures.0.measure": "Seizure frequency diary", "add_row": "outcome_measures"}, expect=200)
    assert 'name="outcome_measures.1.measure"' in added.text


def test_the_cets_trends_break_down_by_the_response_reported(client, auth, application, calendar, in_db):
    from ifr_service.cet.breakdown import breakdown

    road = approved_trial(client, auth, calendar, application)
    calendar.set(date(2027, 3, 12))
    road.act(CLINICIAN, "report_outcome", {**REPORT, "response": "stable"})
    found = in_db(lambda: breakdown(["reported_response"], DECIDED_ON, DECIDED_ON).rows)
    assert [(row["reported_response"], row["cases"]) for row in found] == [("stable", 1)]


def test_the_chair_decides_a_continuation_from_a_page_that_shows_what_was_asked_without_the_patient(
        client, auth, application, calendar):
    road = approved_trial(client, auth, calendar, application)
    asked = {**CONTINUATION, "reason": "Alex Example has a sustained response on both measures."}
    road.act(CLINICIAN, "request_continuation", asked)
    page = Person(client, CHAIR).open(f"/cases/{road.reference}/actions/approve_continuation")
    assert "Continuation asked until" in page and "30 September 2027" in page
    assert "Alex Example" not in page and "[name removed] has a sustained response" in page
