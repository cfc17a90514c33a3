"""The Cancer Drugs Fund pages: the national list, an application decided at once, its result, an
IFR instead when it is not approved, and the region's applications for its CDF team."""

from __future__ import annotations

import re

import pytest

from ifr_service.web.fields import shown_values
from tests.builders import CDF_ADMIN, CLINICIAN, OFFICER
from tests.conftest import count_rows
from tests.web.browsing import Person

ENTRY = "atezolizumab-urothelial-after-platinum"
APPLY = f"/cdf/{ENTRY}/apply"
CDF_CASE = re.compile(r"/cdf/applications/(CDF-\d{4}-\d{6})$")


def criteria_form(app):
    with app.app_context():
        cdf = app.extensions["ifr"].cdf
        return cdf.criteria_form(cdf.get(ENTRY, 1))


def typed(app, application: dict) -> dict:
    """The application as a person fills the page in: every section's inputs, criteria as Yes/No."""
    posted = {}
    for section in criteria_form(app).sections:
        posted.update(shown_values(section.fields, application.get(section.key), f"{section.key}."))
    return posted


def patient_typed(app, application: dict | None = None) -> dict:
    """The first step's inputs: the patient alone."""
    return {name: value for name, value in typed(app, application or {}).items()
            if name.startswith("patient.")}


def one_h1(page: str) -> str:
    assert page.count("<h1") == 1, "a page has exactly one main heading"
    return page


@pytest.fixture
def clinician(client):
    return Person(client, CLINICIAN)


def apply(clinician: Person, posted: dict, expect: int = 302):
    return clinician.submit(APPLY, posted, expect=expect)


def test_a_clinician_sees_the_national_list_each_entry_linking_to_its_application(app, clinician, calendar,
                                                                                cdf_application):
    from datetime import date

    calendar.set(date(2026, 11, 23))
    page = one_h1(clinician.open("/cdf"))
    assert f'href="/cdf/{ENTRY}/apply"' in page and "TA525" in page
    assert "6 entries" in page  # pembrolizumab's two versions are one entry: the current one
    first = one_h1(clinician.open(APPLY))  # the patient first, then the rest and the criteria
    assert 'name="patient.nhs_number"' in first and 'name="criteria.brain_metastases"' not in first
    form = one_h1(clinician.submit(APPLY, {**patient_typed(app, cdf_application), "step": "patient"},
                                    expect=200).text)
    assert "The patient has brain metastases" in form and 'name="criteria.brain_metastases"' in form
    assert "it does not decide the approval" in form  # a criterion that is recorded, not judged
    assert 'name="treatment.regimen"' in form  # the entry's own treatment questions


def test_a_clinician_applies_for_a_listed_drug_and_sees_the_approval_number(app, clinician, cdf_application):
    response = apply(clinician, typed(app, cdf_application))
    reference = CDF_CASE.search(response.headers["Location"]).group(1)
    page = one_h1(clinician.open(response.headers["Location"]))
    assert "Application approved" in page and "nhsuk-panel" in page
    assert re.search(r"CDFA-2026-\d{6}-\d", page)
    assert "21 December 2026" in page  # treatment must start within 4 weeks of the approval
    assert f'href="/cases/{reference}"' in page
    assert "Start an Individual Funding Request" not in page


def test_an_application_missing_a_criterion_names_it_and_saves_nothing(app, clinician, cdf_application):
    posted = typed(app, cdf_application)
    del posted["criteria.performance_status"]
    response = apply(clinician, posted, expect=422)
    assert "There is a problem" in response.text
    assert 'href="#field-criteria-performance_status"' in response.text
    assert 'value="Sam"' in response.text  # what was typed is shown again
    assert count_rows(app)["ifr_case"] == 0


def test_a_diagnosis_outside_the_indication_is_named_beside_the_icd10_code(app, clinician, cdf_application):
    cdf_application["diagnosis"]["icd10_code"] = "C34.1"
    response = apply(clinician, typed(app, cdf_application), expect=422)
    assert 'href="#field-diagnosis-icd10_code"' in response.text
    assert "C34.1 is outside this entry" in response.text
    assert count_rows(app)["ifr_case"] == 0


def test_an_unmet_criterion_is_not_approved_names_it_and_offers_an_ifr_instead(app, clinician,
                                                                              cdf_application):
    cdf_application["criteria"]["performance_status"] = False
    response = apply(clinician, typed(app, cdf_application))
    result = response.headers["Location"]
    page = one_h1(clinician.open(result))
    assert "Application not approved" in page and "ECOG performance status is 0 or 1." in page
    assert "Start an Individual Funding Request" in page
    converted = clinician.submit(f"{result}/ifr-conversion", {
        "drug.name": "Atezolizumab 1,200 mg/20 ml concentrate for solution for infusion",
        "drug.dose": "1,200 mg", "drug.frequency": "Every 3 weeks", "drug.duration": "Until progression"},
        form_page=result, expect=302)
    draft = re.search(r"/cases/(DRAFT-[A-Z0-9]+)/application", converted.headers["Location"]).group(1)
    assert "Individual Funding Request" in clinician.open(f"/cases/{draft}/application")


def test_an_ifr_conversion_without_the_dose_names_the_field_and_starts_nothing(app, clinician,
                                                                               cdf_application):
    cdf_application["criteria"]["performance_status"] = False
    result = apply(clinician, typed(app, cdf_application)).headers["Location"]
    response = clinician.submit(f"{result}/ifr-conversion", {"drug.name": "Atezolizumab"}, form_page=result,
                                expect=422)
    assert 'href="#field-drug-dose"' in response.text
    assert count_rows(app)["ifr_case"] == 1  # the CDF application only


def test_a_second_application_while_an_approval_is_in_force_is_refused(app, clinician, cdf_application):
    apply(clinician, typed(app, cdf_application))
    response = apply(clinician, typed(app, cdf_application), expect=409)
    assert "already has an approval in force" in response.text
    assert 'href="#field-patient-nhs_number"' in response.text  # beside the NHS number, what was typed kept
    assert f'value="{cdf_application["patient"]["given_name"]}"' in response.text


def test_the_regions_cdf_team_lists_its_applications_with_approval_numbers(app, client, clinician,
                                                                            cdf_application):
    approved = CDF_CASE.search(apply(clinician, typed(app, cdf_application)).headers["Location"]).group(1)
    cdf_application["criteria"]["performance_status"] = False
    cdf_application["patient"]["nhs_number"] = "999 000 0034"
    refused = CDF_CASE.search(apply(clinician, typed(app, cdf_application)).headers["Location"]).group(1)
    team = Person(client, CDF_ADMIN)
    page = one_h1(team.open("/cdf/applications"))
    assert approved in page and refused in page and "2 applications" in page
    assert re.search(r"CDFA-2026-\d{6}-\d", page) and "Not approved" in page
    assert "Sam" not in page and "999 000 00" not in page  # no patient details
    only_refused = team.open("/cdf/applications?state=not_approved")
    assert refused in only_refused and approved not in only_refused
    assert "Application approved" in team.open(f"/cdf/applications/{approved}")


def test_another_regions_cdf_team_does_not_see_the_application(app, client, clinician, cdf_application):
    reference = CDF_CASE.search(apply(clinician, typed(app, cdf_application)).headers["Location"]).group(1)
    north = Person(client, "cdf-admin-north")
    assert reference not in north.open("/cdf/applications")
    north.open(f"/cdf/applications/{reference}", expect=404)


def test_an_entry_not_on_the_list_today_has_no_application_page(clinician):
    clinician.open("/cdf/no-such-drug/apply", expect=404)


def test_the_hubs_ifr_team_cannot_open_the_cdf_pages(client):
    officer = Person(client, OFFICER)
    assert "Your role does not allow" in officer.open("/cdf", expect=403)
    officer.open("/cdf/applications", expect=403)


def test_a_duplicate_is_refused_at_the_first_step_keeping_what_was_typed(app, clinician, cdf_application):
    apply(clinician, typed(app, cdf_application))
    posted = {**patient_typed(app, cdf_application), "step": "patient"}
    response = clinician.submit(APPLY, posted, expect=409)
    assert "already has an approval in force" in response.text
    assert 'name="criteria.consultant_prescriber"' not in response.text  # before the criteria
    assert f'value="{cdf_application["patient"]["family_name"]}"' in response.text
    assert count_rows(app)["ifr_case"] == 1


def test_the_first_step_names_a_wrong_patient_answer_in_words(app, clinician, cdf_application):
    posted = {**patient_typed(app, cdf_application), "patient.date_of_birth[day]": "30",
              "patient.date_of_birth[month]": "2", "step": "patient"}
    response = clinician.submit(APPLY, posted, expect=422)
    assert "Enter the date of birth as a real date, like 28 2 1958" in response.text


def test_the_second_step_carries_the_patient_and_sends_the_application(app, clinician, cdf_application):
    step_two = clinician.submit(APPLY, {**patient_typed(app, cdf_application), "step": "patient"}, expect=200)
    assert 'type="hidden" name="patient.nhs_number"' in step_two.text
    assert 'name="clinician.name" type="text" value="Dr Priya Shah"' in step_two.text  # from the sign-in
    assert "step 2 of 2" in step_two.text
    rest = {name: value for name, value in typed(app, cdf_application).items()
            if not name.startswith("patient.")}
    response = apply(clinician, {**patient_typed(app, cdf_application), **rest})
    assert CDF_CASE.search(response.headers["Location"])


def test_the_cdf_case_page_shows_the_drug_regimen_approval_number_and_start_by_date(app, clinician,
                                                                                   cdf_application):
    reference = CDF_CASE.search(apply(clinician, typed(app, cdf_application)).headers["Location"]).group(1)
    page = clinician.open(f"/cases/{reference}")
    assert "Atezolizumab 1,200 mg/20 ml" in page and "1,200 mg every 3 weeks" in page
    assert re.search(r"CDF-\d{4}-\d{6}|[A-Z]{3}-\d{4}-\d+", page)
    assert "Treatment must start by" in page and "Not given" not in page and "&lt;strong&gt;" not in page
    assert "Urgency" not in page and "Cdf application received" not in page
    assert "Cancer Drugs Fund application received" in page
    assert f"/cdf/applications/{reference}/confirmation" in page


def test_the_approval_confirmation_is_a_printable_page_with_the_number_and_the_patient(app, clinician,
                                                                                     cdf_application):
    reference = CDF_CASE.search(apply(clinician, typed(app, cdf_application)).headers["Location"]).group(1)
    page = one_h1(clinician.open(f"/cdf/applications/{reference}/confirmation"))
    patient = cdf_application["patient"]
    number = patient["nhs_number"].replace(" ", "")
    assert f"{number[:3]} {number[3:6]} {number[6:]}" in page and patient["family_name"] in page
    assert "Approval number" in page and "data-ifr-print" in page and "print." in page
    assert "Treatment must start by" in page


def test_a_refused_application_has_no_approval_confirmation(app, clinician, cdf_application):
    cdf_application["criteria"]["performance_status"] = False
    reference = CDF_CASE.search(apply(clinician, typed(app, cdf_application)).headers["Location"]).group(1)
    clinician.open(f"/cdf/applications/{reference}/confirmation", expect=404)
