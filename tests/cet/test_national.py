"""Every submitted case is recorded in the CET's national database as it changes, without the
patient's identity: a keyed pseudonym and an age band instead of the NHS number and birth date."""

from __future__ import annotations

from sqlmodel import select

from ifr_service import db
from ifr_service.cet.deidentify import patient_pseudonym
from ifr_service.cet.models import NationalCase
from ifr_service.interventions import intervention_key, normalise_intervention
from tests.builders import CHAIR, DECISION, OFFICER, Road, apply_to_cdf, findings


def national_rows(in_db) -> dict[str, NationalCase]:
    return {row.case_ref: row for row in in_db(lambda: list(db.session().exec(select(NationalCase))))}


def test_a_case_is_recorded_from_submission_to_decision(client, auth, application, in_db, app):
    client.post("/api/v1/cases", json=application, headers=auth("demo-clinician"))
    assert national_rows(in_db) == {}  # a draft is not a request yet
    road = Road(client, auth, application, urgency="urgent")

    row = national_rows(in_db)[road.reference]
    assert (row.route, row.outcome, row.decided_on, row.urgency) == ("ifr", "pending", None, "urgent")
    key = app.config["IFR"].pseudonym_key
    assert row.patient_pseudonym == patient_pseudonym("9990000018", key)
    assert (row.age_band, row.sex, row.icd10_category, row.icd10_chapter) == ("50-59", "female", "C34", "II")
    assert row.estimated_cost_pence == 6_240_000

    road.act(OFFICER, "confirm_complete")
    road.screen("screen_to_panel", {"reason": "An individual request for the panel."})
    road.hold_meeting()
    road.act(CHAIR, "decline", {"findings": findings("no"), "summary": "Not clinically exceptional."})
    row = national_rows(in_db)[road.reference]
    assert (row.outcome, row.exceptionality_found) == ("declined", False)
    assert row.decided_on is not None and row.working_days_to_decision == 0


def test_a_cdf_application_is_recorded_with_its_outcome(client, auth, cdf_application, in_db):
    approved = apply_to_cdf(client, auth, cdf_application)
    row = national_rows(in_db)[approved["reference"]]
    assert (row.route, row.outcome, row.intervention_type, row.estimated_cost_pence) == (
        "cdf", "approved", "drug", 6_473_073)


def test_an_approval_is_recorded_with_the_exceptionality_found(client, auth, application, in_db):
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.screen("screen_to_panel", {"reason": "An individual request for the panel."})
    road.hold_meeting()
    road.act(CHAIR, "approve", DECISION)
    assert national_rows(in_db)[road.reference].exceptionality_found is True


def test_interventions_group_by_code_or_by_name_however_it_is_written():
    assert normalise_intervention("  Drug-X,  100 MG ") == normalise_intervention("drugx 100 mg")
    assert normalise_intervention("ÉTOPOSIDE") == "étoposide"
    assert intervention_key("Anything", " 37752611002 ") == "37752611002"
    assert intervention_key("Drug X", None) == "drug x"


def test_cases_from_before_the_national_database_are_backfilled_from_their_history(
        client, auth, application, in_db):
    from ifr_service.cet.national import backfill
    from ifr_service.clock import today_in_england

    closed = Road(client, auth, application)
    closed.to_panel()
    closed.act(CHAIR, "approve", DECISION)
    closed.act(OFFICER, "close", {"reason": "Treatment given."})
    in_db(lambda: [db.session().delete(row) for row in db.session().exec(select(NationalCase))])
    assert national_rows(in_db) == {}

    assert in_db(backfill) == 1
    row = national_rows(in_db)[closed.reference]
    assert (row.outcome, row.exceptionality_found) == ("approved", True)  # closed after approval
    assert row.decided_on == today_in_england()  # the day of the approval's event
    assert in_db(backfill) == 0


def test_a_case_first_recorded_at_a_later_change_is_recorded_from_its_whole_history(
        client, auth, application, in_db):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve", DECISION)
    in_db(lambda: [db.session().delete(row) for row in db.session().exec(select(NationalCase))])

    road.act(OFFICER, "close", {"reason": "Treatment given."})  # before any backfill
    row = national_rows(in_db)[road.reference]
    assert (row.outcome, row.exceptionality_found) == ("approved", True)  # not pending
