"""The clinician's application pages: conditional questions revealed and checked on their page,
rows added and removed without checking the page, clinician details from the sign-in, a draft
deleted, an old draft link leading to the submitted case, and the clinician's list."""

from __future__ import annotations

import re

import pytest

from ifr_service.cases.queries import get_case
from ifr_service.users.queries import find_user
from tests.builders import CLINICIAN, OFFICER, TRUST_APPROVER, Road
from tests.cases.test_views import fill_in, form_sections, start_draft
from tests.web.browsing import Person


@pytest.fixture
def clinician(client):
    return Person(client, CLINICIAN)


def section(app, key: str):
    return next(s for s in form_sections(app) if s.key == key)


def test_why_it_is_urgent_is_revealed_under_each_urgent_answer_and_not_labelled_optional(clinician):
    draft = start_draft(clinician)
    page = clinician.open(f"/cases/{draft}/application/urgency")
    assert page.count('name="urgency.justification"') == 2  # under "urgent" and under "emergency"
    assert page.count('class="nhsuk-radios__conditional') == 2
    assert "Why it is urgent (optional)" not in page and "Why it is urgent" in page


def test_an_urgent_request_without_its_reason_is_refused_on_its_own_page_naming_the_question(clinician):
    draft = start_draft(clinician)
    response = clinician.submit(f"/cases/{draft}/application/urgency", {"urgency.level": "urgent"},
                                expect=422)
    assert "Enter why the request is urgent" in response.text
    assert 'href="#field-urgency-justification"' in response.text
    assert 'id="field-urgency-justification"' in response.text


def test_the_reason_typed_under_the_chosen_answer_is_the_one_kept(app, clinician):
    draft = start_draft(clinician)
    posted = {"urgency.level": "emergency", "urgency.justification": ["", "Cord compression within days."]}
    clinician.submit(f"/cases/{draft}/application/urgency", posted, expect=302)
    page = clinician.open(f"/cases/{draft}/check")
    assert "Cord compression within days." in page


def test_a_reason_left_under_an_answer_not_chosen_is_cleared(clinician):
    draft = start_draft(clinician)
    clinician.submit(f"/cases/{draft}/application/urgency",
                     {"urgency.level": "routine", "urgency.justification": ["Left over", "Left over"]},
                     expect=302)
    assert "Left over" not in clinician.open(f"/cases/{draft}/check")


def test_saving_for_later_does_not_refuse_an_unanswered_conditional_question(clinician):
    draft = start_draft(clinician)
    clinician.submit(f"/cases/{draft}/application/urgency",
                     {"urgency.level": "urgent", "save_and_return": "1"}, expect=302)


def test_dose_and_frequency_are_revealed_under_drug_and_required_there(clinician):
    draft = start_draft(clinician)
    page = clinician.open(f"/cases/{draft}/application/intervention")
    assert "Dose (optional)" not in page and "Frequency (optional)" not in page
    response = clinician.submit(f"/cases/{draft}/application/intervention",
                                {"intervention.type": "drug", "intervention.name": "A drug",
                                 "intervention.duration": "6 months"}, expect=422)
    assert "Enter the dose" in response.text and "Enter how often it is given" in response.text


def test_which_policy_is_revealed_when_a_policy_applies(clinician):
    draft = start_draft(clinician)
    response = clinician.submit(f"/cases/{draft}/application/policy",
                                {"policy.national_policy_applies": "yes"}, expect=422)
    assert "Enter which policy applies, and why the patient falls outside it" in response.text


def test_a_cost_written_with_a_pound_sign_and_commas_is_saved_as_the_amount(clinician):
    draft = start_draft(clinician)
    clinician.submit(f"/cases/{draft}/application/cost",
                     {"cost.amount_gbp": "£62,400.00", "cost.basis": "per_year"}, expect=302)
    assert "£62,400" in clinician.open(f"/cases/{draft}/check")


def test_a_wrong_date_and_cost_are_named_in_words(clinician):
    draft = start_draft(clinician)
    response = clinician.submit(f"/cases/{draft}/application/patient", {
        "patient.date_of_birth[day]": "30", "patient.date_of_birth[month]": "2",
        "patient.date_of_birth[year]": "1958"}, expect=422)
    assert "Enter the date of birth as a real date, like 28 2 1958" in response.text
    response = clinician.submit(f"/cases/{draft}/application/cost", {"cost.amount_gbp": "62.400,00"},
                                expect=422)
    assert "Enter the cost as a number, like 62400 or 62,400" in response.text


def test_add_another_saves_and_adds_a_row_without_checking_the_page(clinician):
    draft = start_draft(clinician)
    row = "clinical_case.treatments_tried.0"
    posted = {f"{row}.treatment": "Crizotinib", "add_row": "clinical_case.treatments_tried"}
    response = clinician.submit(f"/cases/{draft}/application/clinical_case", posted, expect=302)
    page = clinician.open(response.headers["Location"])
    assert "There is a problem" not in page  # the row's other questions are still unanswered
    assert re.search(r'name="clinical_case\.treatments_tried\.1\.treatment"[^>]*autofocus', page)
    assert 'value="Crizotinib"' in page


def test_add_another_with_an_invalid_answer_elsewhere_keeps_what_was_typed_and_shows_no_error(clinician):
    draft = start_draft(clinician)
    row = "clinical_case.treatments_tried.0"
    posted = {f"{row}.treatment": "Crizotinib", "clinical_case.exceptionality": "bad\u202etext",
              "add_row": "clinical_case.treatments_tried"}
    response = clinician.submit(f"/cases/{draft}/application/clinical_case", posted, expect=200)
    assert "There is a problem" not in response.text
    assert 'value="Crizotinib"' in response.text
    assert 'name="clinical_case.treatments_tried.1.treatment"' in response.text


def test_each_row_has_remove_and_removing_one_keeps_the_others(clinician):
    draft = start_draft(clinician)
    rows = {f"clinical_case.treatments_tried.{n}.{key}": f"{key} {n}"
            for n in range(3) for key in ("treatment", "when", "outcome")}
    clinician.submit(f"/cases/{draft}/application/clinical_case", {**rows, "save_and_return": "1"},
                     expect=302)
    page = clinician.open(f"/cases/{draft}/application/clinical_case")
    assert page.count('name="remove_row"') == 4 and "formnovalidate" in page
    clinician.submit(f"/cases/{draft}/application/clinical_case",
                     {**rows, "remove_row": "clinical_case.treatments_tried.1"}, expect=302)
    page = clinician.open(f"/cases/{draft}/application/clinical_case")
    assert "treatment 0" in page and "treatment 2" in page and "treatment 1" not in page


def test_enter_presses_save_and_continue_not_add_another(clinician):
    draft = start_draft(clinician)
    page = clinician.open(f"/cases/{draft}/application/clinical_case")
    form = page[page.index('<form method="post"'):]
    first_button = re.search(r"<button[^>]*>([^<]*)", form)
    assert first_button.group(1).strip() == "Save and continue"
    assert 'type="submit"' in first_button.group(0) and "formnovalidate" not in first_button.group(0)


def test_a_flood_of_ten_thousand_rows_is_refused_before_any_row_is_read_and_draws_no_rows(clinician):
    draft = start_draft(clinician)
    rows = {f"clinical_case.treatments_tried.{n}.treatment": "x" for n in range(10_000)}
    response = clinician.submit(f"/cases/{draft}/application/clinical_case", rows)
    assert response.status_code in (413, 422)
    if response.status_code == 422:
        assert response.text.count('name="remove_row"') <= 30
    rows = {f"clinical_case.treatments_tried.{n}.treatment": "x" for n in range(31)}
    response = clinician.submit(f"/cases/{draft}/application/clinical_case", rows, expect=422)
    assert "Enter no more than 30 treatments already tried" in response.text


def test_a_far_row_number_draws_no_more_rows_than_the_list_holds(clinician):
    draft = start_draft(clinician)
    posted = {"clinical_case.treatments_tried.99999.treatment": "x",
              "add_row": "clinical_case.treatments_tried", "clinical_case.exceptionality": "bad\u202etext"}
    response = clinician.submit(f"/cases/{draft}/application/clinical_case", posted)
    assert response.text.count('name="remove_row"') <= 30


def test_a_later_application_carries_the_registration_of_the_clinicians_last_one(app, clinician, application):
    first = start_draft(clinician)
    fill_in(clinician, first, section(app, "clinician"), application["clinician"])
    page = clinician.open(f"/cases/{start_draft(clinician)}/application/clinician")
    assert f'value="{application["clinician"]["registration_number"]}"' in page


def test_a_new_application_carries_the_clinicians_details_from_the_sign_in(clinician, in_db):
    draft = start_draft(clinician)
    page = clinician.open(f"/cases/{draft}/application/clinician")
    name, email, trust = in_db(lambda: (lambda u: (u.display_name, u.email, u.organisation_name))(
        find_user(CLINICIAN)))
    assert f'value="{name}"' in page and f'value="{email}"' in page and trust in page


def test_a_draft_is_deleted_after_confirmation_and_its_answers_are_erased(clinician, in_db):
    draft = start_draft(clinician)
    clinician.submit(f"/cases/{draft}/application/patient", {"patient.given_name": "Erasable"}, expect=302)
    assert "Delete this draft" in clinician.open(f"/cases/{draft}/application")
    confirm = clinician.open(f"/cases/{draft}/delete")
    assert "You cannot undo this" in confirm and "nhsuk-button--warning" in confirm
    assert "This draft Individual Funding Request for Erasable" in confirm
    clinician.submit(f"/cases/{draft}/delete", expect=302)
    assert f'href="/cases/{draft}"' not in clinician.open("/cases")
    clinician.open(f"/cases/{draft}/application", expect=404)
    assert in_db(lambda: (get_case(draft).answers, get_case(draft).state)) == ({}, "deleted")


def test_an_old_draft_link_leads_to_the_submitted_case(app, client, auth, clinician, application):
    draft = start_draft(clinician)
    for part in form_sections(app):
        fill_in(clinician, draft, part, application[part.key])
    clinician.submit(f"/cases/{draft}/check", expect=302)
    for old in (f"/cases/{draft}/application", f"/cases/{draft}/check"):  # with the trust: its page
        response = clinician.client.get(old)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{draft}")
    again = clinician.submit(f"/cases/{draft}/check", expect=302,  # a second press of Send
                             form_page=f"/cases/{draft}")
    assert again.headers["Location"].endswith(f"/cases/{draft}")
    reference = client.post(f"/api/v1/cases/{draft}/actions/approve_for_trust",
                            headers=auth(TRUST_APPROVER)).json["reference"]
    for old in (f"/cases/{draft}/application", f"/cases/{draft}/application/patient",
                f"/cases/{draft}/check"):
        response = clinician.client.get(old)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{reference}")
    again = clinician.submit(f"/cases/{draft}/check", expect=302,  # a second press of Submit
                             form_page=f"/cases/{reference}")
    assert again.headers["Location"].endswith(f"/cases/{reference}")


def test_cases_waiting_on_the_clinician_are_marked_and_listed_first(client, auth, application, clinician):
    waiting = Road(client, auth, application)
    waiting.act(OFFICER, "request_information", {"questions": "Please send the latest scan report."})
    later = Road(client, auth, application)  # changed after, so first were the list by date alone
    page = clinician.open("/cases")
    assert page.index(waiting.reference) < page.index(later.reference)
    assert "Waiting for you" in page and "nhsuk-table-responsive" in page


def test_withdrawal_is_a_warning_button_whose_page_states_the_consequence_and_confirms(
        client, auth, application, clinician):
    road = Road(client, auth, application)
    page = clinician.open(f"/cases/{road.reference}")
    assert re.search(r'nhsuk-button--warning[^>]*\s+href="[^"]*/actions/withdraw"', page)
    confirm = clinician.open(f"/cases/{road.reference}/actions/withdraw")
    assert "Are you sure you want to withdraw this request?" in confirm
    assert "it cannot be reopened" in confirm and "Yes, withdraw the request" in confirm
    assert "No, keep the request" in confirm
    assert road.case()["state"] == "submitted"  # opening the page changes nothing
    clinician.submit(f"/cases/{road.reference}/actions/withdraw", {"reason": "Chose another route."},
                     expect=302)
    assert road.case()["state"] == "withdrawn"


def test_asking_for_reconsideration_pauses_the_review_window_rather_than_marking_it_met(
        client, auth, application):
    from tests.builders import CHAIR, findings

    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings(), "summary": "Not exceptional."})
    road.act(CLINICIAN, "request_reconsideration",
             {"new_information": "A new scan shows the disease is now confined to the brain."})
    window = road.clock("review_request_window")
    assert window["status"] == "paused" and window["stopped_on"] is None
    road.act(OFFICER, "refuse_reconsideration", {"reason": "The scan does not change the case."})
    assert road.clock("review_request_window")["status"] in ("on_track", "due_soon")


def test_the_api_takes_an_amount_written_with_a_pound_sign_and_commas(client, auth, application):
    application["cost"]["amount_gbp"] = "£62,400.00"
    response = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 201, response.json
    assert response.json["answers"]["cost"]["amount_gbp"] == "62400.00"


def test_the_api_names_a_fullwidth_amount_in_the_same_words_as_the_page(client, auth, application):
    application["cost"]["amount_gbp"] = "\uff16\uff12\uff14\uff10\uff10"
    response = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert {"field": "cost.amount_gbp",
            "message": "Enter the cost in the digits 0 to 9, like 62400 or 62,400"} in response.json["errors"]


def test_a_date_typed_in_other_digits_is_refused_naming_the_question(clinician):
    draft = start_draft(clinician)
    response = clinician.submit(f"/cases/{draft}/application/patient", {
        "patient.date_of_birth[day]": "\uff12\uff18", "patient.date_of_birth[month]": "2",
        "patient.date_of_birth[year]": "1958"}, expect=422)
    assert "Enter the date of birth in the digits 0 to 9, like 28 2 1958" in response.text
