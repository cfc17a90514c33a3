"""Every approval issues a funding authorisation, IFR and CDF alike, and the trust looks it up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from stdnum import luhn

from ifr_service.funding import queries
from tests.builders import (
    CDF_ADMIN,
    CHAIR,
    CLINICIAN,
    DECISION,
    OFFICER,
    PAYLOADS,
    TRUST_APPROVER,
    Road,
    apply_to_cdf,
    record_treatment,
)

MONDAY = date(2026, 12, 21)


@pytest.fixture
def road(client, auth, application, calendar):
    calendar.set(MONDAY)
    return lambda: Road(client, auth, application)


def authorisation_of(in_db, reference: str):
    from ifr_service.cases.queries import get_case

    return in_db(lambda: queries.find_authorisation_for_case(get_case(reference).id))


def look_up(client, auth, reference: str, who: str = CLINICIAN):
    return client.get(f"/api/v1/authorisations/{reference}", headers=auth(who))


def test_an_ifr_approval_with_conditions_issues_an_authorisation_with_its_terms(road, client, auth, in_db):
    case = road()
    case.to_panel()
    case.act(CHAIR, "approve_with_conditions", {**PAYLOADS["approve_with_conditions"],
                                                 "funded_until": "2027-06-30", "cost_cap_gbp": "42000.00"})
    issued = authorisation_of(in_db, case.reference)
    assert issued.reference.startswith("IFRA-2026-") and issued.route == "ifr"
    assert luhn.is_valid(issued.reference.replace("IFRA-", "").replace("-", ""))
    assert (issued.ends_on, issued.cost_cap_pence, issued.review_date) == (
        date(2027, 6, 30), 4_200_000, date(2027, 3, 31))
    assert issued.conditions == "Treatment at the regional centre only."
    assert issued.stopping_criteria == "Progression on MRI at 12 weeks."
    assert issued.provider_org_code == "RRV" and issued.nhs_number

    shown = look_up(client, auth, issued.reference).json
    assert (shown["status"], shown["ends_on"]) == ("in_force", "2027-06-30")
    assert shown["cost_cap_gbp"] == "42000.00" and shown["case_reference"] == case.reference
    assert shown["treatment_given"]["cycles_given"] == 0
    assert issued.nhs_number not in look_up(client, auth, issued.reference).get_data(as_text=True)


def test_an_approval_without_a_cap_is_capped_at_the_requests_estimated_cost(road, application, in_db):
    case = road()
    case.to_panel()
    case.act(CHAIR, "approve", DECISION)
    issued = authorisation_of(in_db, case.reference)
    assert issued.cost_cap_pence == round(float(application["cost"]["amount_gbp"]) * 100)
    assert issued.ends_on is None and issued.review_date is None


@pytest.mark.parametrize(("terms", "field"), [
    ({"funded_until": "2026-12-21"}, "funded_until"),  # today: a period must run after it
    ({"funded_until": "2027-01-31"}, "review_date"),  # before the review of 31 March 2027
    ({"review_date": "2026-12-01"}, "review_date"),
    ({"cost_cap_gbp": "-5"}, "cost_cap_gbp"),
])
def test_terms_that_cannot_hold_are_refused_naming_the_field_and_nothing_is_issued(
        road, in_db, terms, field):
    case = road()
    case.to_panel()
    refused = case.act(CHAIR, "approve_with_conditions", {**PAYLOADS["approve_with_conditions"], **terms},
                       expect=422)
    assert field in {error["field"] for error in refused.json["errors"]}
    assert case.case()["state"] == "ready_for_panel"
    assert authorisation_of(in_db, case.reference) is None


def test_a_cdf_approval_is_its_own_authorisation_and_its_treatment_is_counted(
        client, auth, cdf_application, in_db):
    case = apply_to_cdf(client, auth, cdf_application)
    number = case["approval_number"]
    issued = authorisation_of(in_db, case["reference"])
    assert (issued.reference, issued.route, issued.immunotherapy, issued.cycle_days) == (
        number, "cdf", True, 21)
    assert issued.cost_cap_pence == 17 * 380_769 and issued.start_by.isoformat() == case["cdf"]["start_by"]

    day = case["cdf"]["decided_on"]
    record_treatment(client, auth, case["reference"], "record_start", {"date": day})
    given = look_up(client, auth, number).json["treatment_given"]
    assert (given["started_on"], given["cycles_given"]) == (day, 1)
    record_treatment(client, auth, case["reference"], "record_stop", {"date": day, "reason": "toxicity"})
    ended = look_up(client, auth, number).json
    assert (ended["status"], ended["end_reason"], ended["treatment_given"]["stop_reason"]) == (
        "ended", "treatment_stopped", "toxicity")


def test_the_cdf_sweep_ends_the_authorisation_of_an_approval_never_started(
        app, client, auth, cdf_application, calendar, in_db):
    from ifr_service.cdf.sweep import sweep_cdf_approvals

    case = apply_to_cdf(client, auth, cdf_application)
    calendar.set(date.fromisoformat(case["cdf"]["start_by"]) + timedelta(days=1))
    with app.app_context():
        assert case["reference"] in sweep_cdf_approvals()["expired"]
    ended = authorisation_of(in_db, case["reference"])
    assert (ended.status, ended.end_reason) == ("ended", "expired")


def test_who_may_look_an_authorisation_up(road, client, auth, in_db):
    case = road()
    case.to_panel()
    case.act(CHAIR, "approve", DECISION)
    reference = authorisation_of(in_db, case.reference).reference

    assert look_up(client, auth, reference, CLINICIAN).status_code == 200
    assert look_up(client, auth, reference, TRUST_APPROVER).status_code == 200  # the trust's pharmacy
    assert look_up(client, auth, reference, OFFICER).status_code == 200  # the hub that decided it
    assert look_up(client, auth, reference, "demo-cet").json["case_reference"] is None
    assert look_up(client, auth, reference, "demo-clinician-2").status_code == 404  # another trust
    assert look_up(client, auth, reference, CDF_ADMIN).status_code == 404  # not the CDF's
    assert look_up(client, auth, reference, "demo-panel-member").status_code == 403
    assert look_up(client, auth, reference, "demo-auditor").status_code == 403


def test_a_reference_that_is_not_one_is_a_422_and_an_unknown_one_a_404(client, auth):
    assert look_up(client, auth, "IFRA-2026-000001-0x").status_code == 422
    good_shape = f"IFRA-2026-999999-{luhn.calc_check_digit('2026999999')}"
    missing = look_up(client, auth, good_shape)
    assert missing.status_code == 404 and missing.json["errors"][0]["field"] == "reference"
