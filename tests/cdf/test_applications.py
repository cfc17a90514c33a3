"""A CDF application is decided at once against its entry's criteria form; refusals save nothing."""

from __future__ import annotations

import re
from datetime import date

from stdnum import luhn

from ifr_service.demo import test_range_nhs_numbers as nhs_numbers
from tests.builders import CDF_ADMIN, CLINICIAN, apply_to_cdf, cdf_application_for, record_treatment
from tests.conftest import count_rows

OTHER_PATIENT = nhs_numbers(3)[2]
OTHER_TRUSTS_CLINICIAN = "demo-clinician-2"  # of RJ1; CLINICIAN is of RRV


def test_every_mandatory_criterion_confirmed_is_approved_at_once_with_a_checkable_number(
        client, auth, cdf_application, run_jobs, in_db):
    case = apply_to_cdf(client, auth, cdf_application)

    assert (case["route"], case["state"]) == ("cdf", "approved")
    number = case["approval_number"]
    assert re.fullmatch(r"CDFA-2026-\d{6}-\d", number)
    assert luhn.is_valid(re.sub(r"\D", "", number))
    assert case["cdf"]["status"] == "active"
    assert case["cdf"]["entry"]["version"] == 1
    assert (case["cdf"]["decided_on"], case["cdf"]["start_by"]) == ("2026-11-23", "2026-12-21")
    assert case["cdf"]["unmet_criteria"] == []
    assert case["cdf"]["expected_cost_gbp"] == "64730.73"  # 17 cycles at £3,807.69
    assert [a["action"] for a in case["allowed_actions"]] == ["record_start", "record_stop"]
    run_jobs()
    from ifr_service.notifications.queries import find_notification

    sent = in_db(lambda: find_notification(_case_id(in_db, case["reference"]),
                                           _update_kind(in_db, case["reference"], "cdf_approved")))
    assert number in sent.body and "Sam" not in sent.body  # the number, never the patient


def test_an_unconfirmed_mandatory_criterion_is_not_approved_and_is_named(client, auth, cdf_application):
    cdf_application["criteria"].update(performance_status=False, progressed_after_platinum=False)
    case = apply_to_cdf(client, auth, cdf_application)

    assert case["state"] == "not_approved"
    assert case["approval_number"] is None
    unmet = case["cdf"]["unmet_criteria"]
    assert [c["key"] for c in unmet] == ["progressed_after_platinum", "performance_status"]
    assert "ECOG performance status" in unmet[1]["text"]
    assert case["allowed_actions"] == []


def test_an_informational_question_answered_no_does_not_stop_an_approval(client, auth, cdf_application):
    assert cdf_application["criteria"]["brain_metastases"] is False
    assert apply_to_cdf(client, auth, cdf_application)["state"] == "approved"


def test_a_criterion_left_unanswered_is_a_422_naming_it_and_saves_nothing(app, client, auth, cdf_application):
    del cdf_application["criteria"]["performance_status"]
    cdf_application["criteria"]["data_collection"] = "yes"
    before = count_rows(app)
    response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))

    assert response.status_code == 422
    fields = {error["field"] for error in response.json["errors"]}
    assert fields == {"criteria.performance_status", "criteria.data_collection"}
    assert count_rows(app) == before


def test_a_second_application_while_an_approval_is_in_force_is_refused_with_its_number(
        app, client, auth, cdf_application):
    first = apply_to_cdf(client, auth, cdf_application)
    before = count_rows(app)
    response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))

    assert response.status_code == 409
    assert response.json["approval_number"] == first["approval_number"]
    assert response.json["reference"] == first["reference"]  # the same trust may read that case
    assert first["approval_number"] in response.json["errors"][0]["message"]
    assert count_rows(app) == before
    assert apply_to_cdf(client, auth, for_patient(cdf_application, OTHER_PATIENT))["state"] == "approved"


def test_another_trusts_clinician_is_told_only_that_an_application_cannot_be_made_and_whom_to_contact(
        app, client, auth, cdf_application):
    first = apply_to_cdf(client, auth, cdf_application)
    theirs = {**cdf_application, "clinician": {**cdf_application["clinician"], "provider_ods_code": "RJ1"}}
    before = count_rows(app)

    response = client.post("/api/v1/cases", json=theirs, headers=auth(OTHER_TRUSTS_CLINICIAN))

    assert response.status_code == 409
    assert response.json["errors"] == [{"field": "entry", "message": (
        "An application to the Cancer Drugs Fund for this patient and Atezolizumab 1,200 mg/20 ml "
        "concentrate for solution for infusion cannot be made now. Contact the Cancer Drugs Fund team "
        "of London before applying.")}]
    assert set(response.json) == {"errors", "status"}
    for secret in (first["approval_number"], first["reference"], "approv"):
        assert secret not in response.text
    assert count_rows(app) == before


def test_once_treatment_has_stopped_the_patient_may_be_approved_again(client, auth, cdf_application):
    first = apply_to_cdf(client, auth, cdf_application)
    record_treatment(client, auth, first["reference"], "record_stop",
                     {"date": "2026-11-23", "reason": "patient_choice"})
    assert apply_to_cdf(client, auth, cdf_application)["state"] == "approved"


def test_an_approval_not_started_within_four_weeks_expires(client, auth, cdf_application, calendar, app):
    case = apply_to_cdf(client, auth, cdf_application)
    calendar.set(date(2026, 12, 22))  # the day after start_by

    refused = record_treatment(client, auth, case["reference"], "record_start", {"date": "2026-12-22"},
                               expect=409)
    assert "expired on 21 December 2026" in refused["errors"][0]["message"]
    again = {**cdf_application,
             "treatment": {**cdf_application["treatment"], "planned_start_date": "2026-12-28"}}
    assert apply_to_cdf(client, auth, again)["state"] == "approved"  # the old one is no duplicate now

    with app.app_context():
        from ifr_service.cdf.sweep import sweep_cdf_approvals

        assert sweep_cdf_approvals() == {"expired": [case["reference"]], "lapsed": []}
        assert sweep_cdf_approvals() == {"expired": [], "lapsed": []}  # safe to run again
    reread = client.get(f"/api/v1/cases/{case['reference']}", headers=auth(CLINICIAN)).json
    assert reread["state"] == "expired"


def test_treatment_recorded_within_its_windows_becomes_the_outcome_record(
        client, auth, cdf_application, calendar):
    case = apply_to_cdf(client, auth, cdf_application)
    calendar.set(date(2027, 2, 1))
    reference = case["reference"]
    record_treatment(client, auth, reference, "record_start", {"date": "2026-12-01"})
    record_treatment(client, auth, reference, "record_continuation", {"date": "2026-12-22"})
    # An immunotherapy every 21 days: ten weeks after the last dose is within twelve weeks of the
    # end of its cycle (NHS England's policy on breaks in treatment).
    record_treatment(client, auth, reference, "record_continuation", {"date": "2027-03-02"}, expect=422)
    record_treatment(client, auth, reference, "record_continuation", {"date": "2026-12-01"}, expect=422)
    calendar.set(date(2027, 3, 2))
    record_treatment(client, auth, reference, "record_continuation", {"date": "2027-03-02"})
    stopped = record_treatment(client, auth, reference, "record_stop",
                               {"date": "2027-03-02", "reason": "progression"})

    assert stopped["state"] == "treatment_stopped"
    assert stopped["cdf"]["treatment"] == {
        "started_on": "2026-12-01", "last_treatment_on": "2027-03-02", "cycles_given": 3,
        "stopped_on": "2027-03-02", "stop_reason": "progression", "break_limit_weeks": 12,
        "cycle_days": 21, "next_due_on": None, "next_treatment_by": None}
    assert stopped["cdf"]["status"] == "stopped"


def test_a_break_longer_than_six_weeks_beyond_the_cycle_needs_a_treatment_break_request_not_a_new_form(
        client, auth, cdf_application, calendar, app):
    body = cdf_application_for(client, auth, cdf_application, "sotorasib-nsclc-kras-g12c")
    case = apply_to_cdf(client, auth, body)
    assert case["cdf"]["treatment"]["break_limit_weeks"] == 6  # not an immunotherapy
    record_treatment(client, auth, case["reference"], "record_start", {"date": "2026-11-23"})
    calendar.set(date(2026, 12, 29))  # five weeks and a day later: within the policy now
    record_treatment(client, auth, case["reference"], "record_continuation", {"date": "2026-12-29"})
    # The cycle of 29 December ends on 26 January; six weeks beyond it is 9 March.
    calendar.set(date(2027, 3, 10))

    refused = record_treatment(client, auth, case["reference"], "record_continuation",
                               {"date": "2027-03-10"}, expect=409)
    assert "Make a treatment-break request" in refused["errors"][0]["message"]
    assert "new application" not in refused["errors"][0]["message"].replace("no new application", "")
    assert client.get(f"/api/v1/cases/{case['reference']}",
                      headers=auth(CLINICIAN)).json["cdf"]["status"] == "lapsed"
    with app.app_context():
        from ifr_service.cdf.sweep import sweep_cdf_approvals

        assert sweep_cdf_approvals()["lapsed"] == [case["reference"]]


def test_a_drug_not_on_the_list_is_refused_with_the_offer_of_an_ifr(app, client, auth, cdf_application):
    cdf_application["entry"] = "wonderdrug-everything"
    before = count_rows(app)
    response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "entry"
    assert response.json["ifr_conversion"]["href"] == "/api/v1/cdf/ifr-conversions"
    assert count_rows(app) == before


def test_a_diagnosis_outside_the_entrys_indication_is_refused_with_the_offer_of_an_ifr(
        client, auth, cdf_application):
    cdf_application["diagnosis"]["icd10_code"] = "C50.9"
    response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "diagnosis.icd10_code"
    assert "ifr_conversion" in response.json


def test_an_unlisted_drug_becomes_an_ifr_draft_carrying_its_data(client, auth, cdf_application):
    body = {section: cdf_application[section] for section in ("patient", "clinician", "diagnosis")}
    body["treatment"] = {"planned_start_date": "2026-12-01"}
    body["drug"] = {"name": "Wonderdrug 100 mg tablets", "dose": "100 mg", "frequency": "Once daily",
                    "duration": "Until progression"}
    response = client.post("/api/v1/cdf/ifr-conversions", json=body, headers=auth(CLINICIAN))

    assert response.status_code == 201, response.json
    draft = response.json
    assert (draft["route"], draft["state"], draft["reference"][:6]) == ("ifr", "draft", "DRAFT-")
    assert draft["answers"]["patient"]["nhs_number"] == "9990000026"
    assert draft["answers"]["intervention"] == {"type": "drug", "name": "Wonderdrug 100 mg tablets",
                                                "dose": "100 mg", "frequency": "Once daily",
                                                "duration": "Until progression"}
    del body["drug"]["dose"]
    refused = client.post("/api/v1/cdf/ifr-conversions", json=body, headers=auth(CLINICIAN))
    assert refused.status_code == 422 and refused.json["errors"][0]["field"] == "drug.dose"


def test_the_planned_start_must_fall_within_the_approvals_window(client, auth, cdf_application):
    for planned, problem in (("2026-11-20", "from today on"), ("2026-12-22", "4 weeks")):
        cdf_application["treatment"]["planned_start_date"] = planned
        response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))
        assert response.status_code == 422
        assert response.json["errors"][0]["field"] == "treatment.planned_start_date"
        assert problem in response.json["errors"][0]["message"]


def test_an_approval_is_looked_up_by_its_number_without_patient_details(client, auth, cdf_application):
    case = apply_to_cdf(client, auth, cdf_application)
    number = case["approval_number"]

    found = client.get(f"/api/v1/cdf/approvals/{number.lower()}", headers=auth("cdf-admin-north"))
    assert found.status_code == 200
    assert (found.json["approval_number"], found.json["status"]) == (number, "active")
    assert found.json["case_reference"] is None  # another region's case
    assert "9990000026" not in found.get_data(as_text=True)
    mine = client.get(f"/api/v1/cdf/approvals/{number}", headers=auth(CDF_ADMIN)).json
    assert mine["case_reference"] == case["reference"]
    assert (mine["provider_org_code"], mine["provider_name"]) == (
        "RRV", "University College London Hospitals NHS Foundation Trust")  # by name, from the reference data
    assert client.get(f"/api/v1/cdf/approvals/{number}", headers=auth(CLINICIAN)).status_code == 200
    other_trust = client.get(f"/api/v1/cdf/approvals/{number}", headers=auth("demo-clinician-2"))
    assert other_trust.status_code == 404  # a clinician checks their own trust's approvals
    assert client.get(f"/api/v1/cdf/approvals/{number}", headers=auth("demo-officer")).status_code == 403

    wrong_digit = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert client.get(f"/api/v1/cdf/approvals/{wrong_digit}", headers=auth(CDF_ADMIN)).status_code == 422
    unknown = f"CDFA-2026-999999-{luhn.calc_check_digit('2026999999')}"
    assert client.get(f"/api/v1/cdf/approvals/{unknown}", headers=auth(CDF_ADMIN)).status_code == 404
    assert client.get("/api/v1/cdf/approvals/12345", headers=auth(CDF_ADMIN)).status_code == 422


def test_only_the_regions_cdf_team_sees_its_cdf_cases(client, auth, cdf_application):
    case = apply_to_cdf(client, auth, cdf_application)
    url = f"/api/v1/cases/{case['reference']}"

    assert client.get(url, headers=auth(CDF_ADMIN)).status_code == 200
    assert client.get(url, headers=auth("cdf-admin-north")).status_code == 404
    assert client.get(url, headers=auth("demo-officer")).status_code == 404  # hub IFR staff
    queue = client.get("/api/v1/hubs/london/queue", headers=auth("demo-officer")).json
    assert case["reference"] not in [item["reference"] for item in queue["cases"]]


def test_the_regional_team_lists_its_applications_and_audits_them(client, auth, cdf_application):
    approved = apply_to_cdf(client, auth, cdf_application)
    cdf_application["criteria"]["performance_status"] = False
    cdf_application["patient"]["nhs_number"] = OTHER_PATIENT
    apply_to_cdf(client, auth, cdf_application)

    listing = client.get("/api/v1/cdf/regions/london/applications", headers=auth(CDF_ADMIN)).json
    assert listing["total"] == 2
    assert {row["state"] for row in listing["applications"]} == {"approved", "not_approved"}
    assert "patient" not in listing["applications"][0]
    assert {row["provider_name"] for row in listing["applications"]} == {
        "University College London Hospitals NHS Foundation Trust"}
    only = client.get("/api/v1/cdf/regions/london/applications?state=approved", headers=auth(CDF_ADMIN)).json
    assert [row["reference"] for row in only["applications"]] == [approved["reference"]]
    assert client.get("/api/v1/cdf/regions/london/applications",
                      headers=auth("cdf-admin-north")).status_code == 404
    assert client.get("/api/v1/cdf/regions/london/applications?state=pending",
                      headers=auth(CDF_ADMIN)).status_code == 422

    audit = client.get("/api/v1/cdf/regions/london/audit?from=2026-11-01&to=2026-11-30",
                       headers=auth(CDF_ADMIN)).json
    row = audit["entries"][0]
    assert (row["applications"], row["approved"], row["not_approved"]) == (2, 1, 1)
    assert row["unmet_criteria"] == {"performance_status": 1}


def test_the_current_list_shows_each_entrys_current_version_and_form(client, auth, cdf_application):
    entries = {e["key"]: e for e in client.get("/api/v1/cdf/entries", headers=auth(CLINICIAN)).json}

    assert len(entries) == 6
    pembrolizumab = entries["pembrolizumab-nsclc-untreated-pdl1"]
    assert (pembrolizumab["version"], pembrolizumab["funding_route"]) == (2, "routine_commissioning")
    atezolizumab = entries["atezolizumab-urothelial-after-platinum"]
    assert (atezolizumab["cycle_days"], atezolizumab["allowed_break_weeks"]) == (21, 12)
    assert atezolizumab["start_within_weeks"] == 4
    assert [f["field"] for f in atezolizumab["treatment_fields"]] == [
        "planned_start_date", "line_of_therapy", "regimen"]
    assert set(cdf_application["criteria"]) == {c["key"] for c in atezolizumab["criteria"]}


def test_only_a_clinician_applies_and_the_route_must_be_known(client, auth, cdf_application):
    assert client.post("/api/v1/cases", json=cdf_application, headers=auth(CDF_ADMIN)).status_code == 403
    cdf_application["route"] = "blueteq"
    response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "route"


def test_a_retried_application_with_its_idempotency_key_answers_the_same_case(client, auth, cdf_application):
    headers = {**auth(CLINICIAN), "Idempotency-Key": "cdf-retry-1"}
    first = client.post("/api/v1/cases", json=cdf_application, headers=headers)
    again = client.post("/api/v1/cases", json=cdf_application, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json["approval_number"] == again.json["approval_number"]


def test_a_cdf_application_for_another_trust_as_provider_is_refused_naming_the_field(
        app, client, auth, cdf_application):
    cdf_application["clinician"]["provider_ods_code"] = "RJ1"
    before = count_rows(app)
    response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["clinician.provider_ods_code"]
    assert "RRV" in response.json["errors"][0]["message"]
    assert count_rows(app) == before


def for_patient(application: dict, nhs_number: str) -> dict:
    return {**application, "patient": {**application["patient"], "nhs_number": nhs_number}}


def _case_id(in_db, reference: str) -> int:
    from ifr_service.cases.queries import get_case

    return in_db(lambda: get_case(reference).id)


def _update_kind(in_db, reference: str, event: str) -> str:
    from ifr_service.cases.queries import find_last_event, get_case

    return in_db(lambda: f"case_update:{find_last_event(get_case(reference), event).id}")
