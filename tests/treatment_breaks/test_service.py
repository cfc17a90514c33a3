"""Breaks in treatment through the API, on both routes, as NHS England's policy *Continuation of
funding for systemic anti-cancer therapy following a break in treatment* has them: a break of up to
6 weeks (12 for immunotherapy) beyond the end of the last cycle needs no form; a longer one needs a
treatment-break request, which keeps the authorisation when approved and ends it when refused."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.notifications.models import Notification
from tests.builders import (
    CDF_ADMIN,
    CHAIR,
    CLINICIAN,
    DECISION,
    OFFICER,
    Road,
    apply_to_cdf,
    cdf_application_for,
    record_treatment,
)

OTHER_TRUST_CLINICIAN = "demo-clinician-2"
NORTH_CDF_ADMIN = "cdf-admin-north"
OTHER_HUB_OFFICER = "officer-north-west"
CRITERIA = {"no_progression": True, "same_treatment": True, "fit_to_restart": True}
REASONS = {"reasons": "Toxicity resolved without progression on the restaging scan."}


def a_break(starts_on: str, restart: str, kind: str = "unplanned", reason: str = "toxicity") -> dict:
    return {"kind": kind, "starts_on": starts_on, "expected_restart_on": restart, "reason": reason}


def act(client, auth, reference: str, action: str, who: str, payload: dict, expect: int = 200) -> dict:
    response = client.post(f"/api/v1/cases/{reference}/actions/{action}", json=payload, headers=auth(who))
    assert response.status_code == expect, response.json
    return response.json


def read(client, auth, reference: str, who: str = CLINICIAN) -> dict:
    return client.get(f"/api/v1/cases/{reference}", headers=auth(who)).json


def sweep(app) -> dict:
    with app.app_context():
        from ifr_service.cdf.sweep import sweep_cdf_approvals

        return sweep_cdf_approvals()


@pytest.fixture
def sotorasib(client, auth, cdf_application) -> str:
    """A CDF approval of sotorasib (an oral drug costed by the month: a 28-day cycle, not an
    immunotherapy), its first supply given on 23 November 2026: next due 21 December, and with no
    form the next cycle may be given up to 1 February 2027."""
    case = apply_to_cdf(client, auth, cdf_application_for(client, auth, cdf_application,
                                                           "sotorasib-nsclc-kras-g12c"))
    record_treatment(client, auth, case["reference"], "record_start", {"date": "2026-11-23"})
    return case["reference"]


def test_the_case_shows_when_treatment_is_next_due_and_the_last_day_it_may_resume(client, auth, sotorasib):
    treatment = read(client, auth, sotorasib)["cdf"]["treatment"]
    assert (treatment["cycle_days"], treatment["break_limit_weeks"]) == (28, 6)
    assert (treatment["next_due_on"], treatment["next_treatment_by"]) == ("2026-12-21", "2027-02-01")


def test_a_cdf_approval_goes_through_a_short_break_with_no_form(client, auth, calendar, app,
                                                                sotorasib):
    calendar.set(date(2026, 12, 28))
    act(client, auth, sotorasib, "record_treatment_break", CLINICIAN, a_break("2026-12-21", "2027-01-25"))
    calendar.set(date(2027, 1, 25))  # nine weeks after the last supply: the old four-week rule lapsed it
    assert sweep(app) == {"expired": [], "lapsed": []}
    continued = record_treatment(client, auth, sotorasib, "record_continuation", {"date": "2027-01-25"})

    assert (continued["state"], continued["cdf"]["status"]) == ("on_treatment", "active")
    assert continued["breaks"]["breaks"][0] | {"notes": None} == {
        "kind": "unplanned", "starts_on": "2026-12-21", "expected_restart_on": "2027-01-25",
        "reason": "toxicity", "notes": None, "request_state": None, "decided_on": None,
        "decision_reasons": None}
    assert continued["cdf"]["treatment"]["next_due_on"] == "2027-02-22"


def test_a_break_longer_than_six_weeks_needs_a_request_not_a_break_record(client, auth, calendar, sotorasib):
    calendar.set(date(2026, 12, 28))
    refused = act(client, auth, sotorasib, "record_treatment_break", CLINICIAN,
                  a_break("2026-12-21", "2027-03-01"), expect=409)
    assert refused["errors"][0]["field"] == "expected_restart_on"
    assert "make a treatment-break request" in refused["errors"][0]["message"]
    within = act(client, auth, sotorasib, "request_treatment_break", CLINICIAN,
                 {**a_break("2026-12-21", "2027-01-25"), "criteria": CRITERIA}, expect=409)
    assert "no request is needed" in within["errors"][0]["message"]


def test_an_approved_break_request_keeps_the_cdf_approval_until_the_planned_restart(
        client, auth, calendar, app, sotorasib):
    calendar.set(date(2026, 12, 28))
    requested = act(client, auth, sotorasib, "request_treatment_break", CLINICIAN,
                    {**a_break("2026-12-21", "2027-03-01", reason="intercurrent_illness"),
                     "criteria": CRITERIA})
    assert requested["breaks"]["breaks"][0]["request_state"] == "pending"
    act(client, auth, sotorasib, "request_treatment_break", CLINICIAN,
        {**a_break("2026-12-22", "2027-03-01"), "criteria": CRITERIA}, expect=409)  # one at a time

    calendar.set(date(2027, 2, 15))  # past the six weeks: a pending request holds the approval
    assert sweep(app)["lapsed"] == []
    waiting = record_treatment(client, auth, sotorasib, "record_continuation", {"date": "2027-02-15"},
                               expect=409)
    assert "waiting for the region's Cancer Drugs Fund team's decision" in waiting["errors"][0]["message"]
    approved = act(client, auth, sotorasib, "approve_treatment_break", CDF_ADMIN, REASONS)
    assert approved["breaks"]["breaks"][0]["request_state"] == "approved"
    assert approved["cdf"]["treatment"]["next_treatment_by"] == "2027-03-01"

    calendar.set(date(2027, 3, 1))
    assert sweep(app)["lapsed"] == []
    restarted = record_treatment(client, auth, sotorasib, "record_continuation", {"date": "2027-03-01"})
    assert (restarted["state"], restarted["cdf"]["status"]) == ("on_treatment", "active")
    assert restarted["cdf"]["treatment"]["cycles_given"] == 2


def test_a_refused_break_request_ends_the_cdf_approval(client, auth, calendar, sotorasib):
    calendar.set(date(2026, 12, 28))
    act(client, auth, sotorasib, "request_treatment_break", CLINICIAN,
        {**a_break("2026-12-21", "2027-03-01"), "criteria": CRITERIA})
    refused = act(client, auth, sotorasib, "refuse_treatment_break", CDF_ADMIN,
                  {"reasons": "The restaging scan shows progression during the break."})

    assert (refused["state"], refused["cdf"]["status"]) == ("lapsed", "lapsed")
    assert refused["breaks"]["breaks"][0]["request_state"] == "refused"
    assert refused["breaks"]["breaks"][0]["decision_reasons"].startswith("The restaging scan")


def test_treatment_after_a_long_break_without_a_request_is_refused_saying_to_make_one(
        client, auth, calendar, app, sotorasib):
    calendar.set(date(2027, 2, 2))  # the day after the last day with no form
    refused = record_treatment(client, auth, sotorasib, "record_continuation", {"date": "2027-02-02"},
                               expect=409)
    message = refused["errors"][0]["message"]
    assert refused["errors"][0]["field"] == "date"
    assert "Make a treatment-break request" in message and "no new application is needed" in message
    assert read(client, auth, sotorasib)["cdf"]["status"] == "lapsed"
    assert sweep(app)["lapsed"] == [read(client, auth, sotorasib)["reference"]]


def test_an_immunotherapy_may_break_for_twelve_weeks_beyond_its_cycle(client, auth, cdf_application,
                                                                      calendar):
    case = apply_to_cdf(client, auth, cdf_application)  # atezolizumab, every 21 days
    record_treatment(client, auth, case["reference"], "record_start", {"date": "2026-11-23"})
    assert read(client, auth, case["reference"])["cdf"]["treatment"]["next_treatment_by"] == "2027-03-08"
    calendar.set(date(2027, 3, 8))
    record_treatment(client, auth, case["reference"], "record_continuation", {"date": "2027-03-08"})


@pytest.mark.parametrize(("change", "field"), [
    ({"expected_restart_on": "2026-12-20"}, "expected_restart_on"),  # before the break starts
    ({"starts_on": "2027-01-05"}, "starts_on"),  # an unplanned break in the future
    ({"starts_on": "2026-11-01"}, "starts_on"),  # before the last cycle
    ({"starts_on": "２０２６-１２-２１"}, "starts_on"),  # fullwidth digits  # noqa: RUF001
    ({"expected_restart_on": "2026-02-30"}, "expected_restart_on"),
])
def test_bad_break_dates_are_refused_naming_the_field(client, auth, calendar, app, sotorasib, change, field):
    calendar.set(date(2026, 12, 28))
    before = read(client, auth, sotorasib)["breaks"]
    refused = act(client, auth, sotorasib, "record_treatment_break", CLINICIAN,
                  {**a_break("2026-12-21", "2027-01-25"), **change}, expect=422)
    assert refused["errors"][0]["field"] == field
    assert read(client, auth, sotorasib)["breaks"] == before  # nothing saved


def test_a_request_with_a_criterion_not_met_is_refused_naming_it(client, auth, calendar, sotorasib):
    calendar.set(date(2026, 12, 28))
    refused = act(client, auth, sotorasib, "request_treatment_break", CLINICIAN,
                  {**a_break("2026-12-21", "2027-03-01"), "criteria": {**CRITERIA, "no_progression": False}},
                  expect=422)
    assert refused["errors"][0]["field"] == "criteria.no_progression"
    assert "record that treatment stopped" in refused["errors"][0]["message"]


def test_another_trusts_clinician_cannot_record_or_request_a_break(client, auth, calendar, sotorasib):
    calendar.set(date(2026, 12, 28))
    act(client, auth, sotorasib, "record_treatment_break", OTHER_TRUST_CLINICIAN,
        a_break("2026-12-21", "2027-01-25"), expect=404)
    act(client, auth, sotorasib, "request_treatment_break", OTHER_TRUST_CLINICIAN,
        {**a_break("2026-12-21", "2027-03-01"), "criteria": CRITERIA}, expect=404)


def test_another_regions_cdf_team_and_the_requesting_clinician_cannot_decide_a_request(
        client, auth, calendar, sotorasib):
    calendar.set(date(2026, 12, 28))
    act(client, auth, sotorasib, "request_treatment_break", CLINICIAN,
        {**a_break("2026-12-21", "2027-03-01"), "criteria": CRITERIA})
    act(client, auth, sotorasib, "approve_treatment_break", NORTH_CDF_ADMIN, REASONS, expect=404)
    act(client, auth, sotorasib, "approve_treatment_break", CLINICIAN, REASONS, expect=403)
    act(client, auth, sotorasib, "refuse_treatment_break", CLINICIAN, REASONS, expect=403)
    assert read(client, auth, sotorasib)["breaks"]["breaks"][0]["request_state"] == "pending"


def test_a_request_is_never_decided_by_the_person_who_made_it(monkeypatch):
    from ifr_service.errors import Forbidden
    from ifr_service.treatment_breaks import service
    from ifr_service.treatment_breaks.models import TreatmentBreak

    pending = TreatmentBreak(authorisation_id=1, kind="unplanned", starts_on=date(2026, 12, 21),
                             expected_restart_on=date(2027, 3, 1), reason="toxicity", recorded_by_id=7,
                             request_state="pending")
    monkeypatch.setattr(service, "_authorisation", lambda case: SimpleNamespace(id=1, reference="IFRA-X"))
    monkeypatch.setattr(service.queries, "find_pending_request", lambda *args, **kwargs: pending)
    with pytest.raises(Forbidden, match="someone other than who made it"):
        service.check_break_request_decidable(None, SimpleNamespace(id=7), {})
    decided_by_another = service.check_break_request_decidable(None, SimpleNamespace(id=8), {})
    assert decided_by_another == {"treatment_break_id": None}


# The IFR route: treatment recorded by hand on the approved case, breaks decided by the hub.

@pytest.fixture
def approved_ifr(client, auth, application) -> str:
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve", DECISION)
    return road.reference


def test_an_ifr_approval_records_treatment_by_hand_and_goes_through_a_long_break(
        client, auth, calendar, approved_ifr):
    today = client.application.extensions["ifr"].today()
    start = today.isoformat()
    act(client, auth, approved_ifr, "record_start", CLINICIAN, {"date": start})
    act(client, auth, approved_ifr, "record_start", CLINICIAN, {"date": start}, expect=409)  # once
    case = read(client, auth, approved_ifr)
    assert case["state"] == "approved"
    assert case["breaks"]["next_treatment_by"] is not None

    restart = date.fromisoformat(case["breaks"]["next_treatment_by"]) + timedelta(days=30)
    act(client, auth, approved_ifr, "request_treatment_break", CLINICIAN,
        {**a_break(start, restart.isoformat(), kind="planned", reason="planned_procedure"),
         "criteria": CRITERIA})
    act(client, auth, approved_ifr, "approve_treatment_break", OTHER_HUB_OFFICER, REASONS, expect=404)
    act(client, auth, approved_ifr, "approve_treatment_break", CLINICIAN, REASONS, expect=403)
    approved = act(client, auth, approved_ifr, "approve_treatment_break", OFFICER, REASONS)
    assert approved["breaks"]["next_treatment_by"] == restart.isoformat()

    calendar.set(restart)
    continued = act(client, auth, approved_ifr, "record_continuation", CLINICIAN,
                    {"date": restart.isoformat()})
    assert continued["state"] == "approved"
    stopped = act(client, auth, approved_ifr, "record_stop", CLINICIAN,
                  {"date": restart.isoformat(), "reason": "completed"})
    assert stopped["breaks"]["next_treatment_by"] is None


def test_a_refused_ifr_break_request_ends_the_funding_authorisation(client, auth, calendar, approved_ifr,
                                                                    in_db, run_jobs):
    today = client.application.extensions["ifr"].today()
    act(client, auth, approved_ifr, "record_start", CLINICIAN, {"date": today.isoformat()})
    latest = date.fromisoformat(read(client, auth, approved_ifr)["breaks"]["next_treatment_by"])
    restart = latest + timedelta(days=30)
    act(client, auth, approved_ifr, "request_treatment_break", CLINICIAN,
        {**a_break(today.isoformat(), restart.isoformat()), "criteria": CRITERIA})
    act(client, auth, approved_ifr, "refuse_treatment_break", OFFICER,
        {"reasons": "The disease progressed during the break, on the clinician's own letter."})
    run_jobs()
    told = in_db(lambda: [n.subject for n in db.session().exec(select(Notification))])
    assert any(subject.endswith(": treatment break refused") for subject in told)

    calendar.set(restart)
    refused = act(client, auth, approved_ifr, "record_continuation", CLINICIAN, {"date": restart.isoformat()},
                  expect=409)
    assert "ended" in refused["errors"][0]["message"]


def test_an_ifr_approval_records_the_class_and_cycle_the_break_policy_reads(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve", {**DECISION, "immunotherapy": True, "cycle_days": 21})
    today = client.application.extensions["ifr"].today()
    act(client, auth, road.reference, "record_start", CLINICIAN, {"date": today.isoformat()})

    breaks = read(client, auth, road.reference)["breaks"]
    assert (breaks["immunotherapy"], breaks["cycle_days"], breaks["allowed_break_weeks"]) == (True, 21, 12)
    assert breaks["next_due_on"] == (today + timedelta(days=21)).isoformat()
    assert breaks["next_treatment_by"] == (today + timedelta(days=21, weeks=12)).isoformat()


def test_an_ifr_approval_given_no_cycle_counts_the_break_from_the_last_treatment(client, auth, approved_ifr):
    today = client.application.extensions["ifr"].today()
    act(client, auth, approved_ifr, "record_start", CLINICIAN, {"date": today.isoformat()})
    breaks = read(client, auth, approved_ifr)["breaks"]
    assert (breaks["cycle_days"], breaks["allowed_break_weeks"]) == (None, 6)
    assert breaks["next_treatment_by"] == (today + timedelta(weeks=6)).isoformat()
