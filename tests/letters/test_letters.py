"""Letters: made by a background job, kept with the case, read back from the PDF, re-creatable."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from ifr_service.clock import add_working_days, today_in_england
from ifr_service.web.display import nhs_date
from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, PAYLOADS, REVIEW_CHAIR, Road, findings


def pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def letters_of(road: Road, recipient: str = "clinician") -> list[dict]:
    return [letter for letter in road.case(CLINICIAN)["letters"] if letter["recipient"] == recipient]


def letter_of(road: Road, who: str = CLINICIAN, recipient: str = "clinician") -> tuple[dict, bytes]:
    letter = letters_of(road, recipient)[-1]
    response = road.client.get(f"/api/v1/cases/{road.reference}/letters/{letter['id']}",
                               headers=road.auth(who))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return letter, response.data


def declined(client, auth, application, run_jobs) -> Road:
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {
        "findings": findings("no", "Other patients at this stage respond to standard care."),
        "summary": "The patient is not clinically exceptional."})
    run_jobs()
    return road


def test_a_decline_letter_gives_each_criterion_and_the_review_deadline(
        client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    letter, content = letter_of(road)
    text = pdf_text(content)

    assert letter["title"] == "Decision on your Individual Funding Request"
    assert f"Our reference: {road.reference}" in text
    assert "Outcome: Declined" in text
    assert "Decided by the IFR panel at its meeting of" in text
    assert "A policy covers this treatment (policy 170091P)" in text  # the test the panel applied
    assert "The comparator group: Adults with ROS1-positive" in text
    assert "Is the patient significantly different from the comparator group?" in text
    assert "Other patients at this stage respond to standard care." in text
    assert "The patient is not clinically exceptional." in text
    deadline = add_working_days(today_in_england(), 30)
    assert f"by {nhs_date(deadline)}" in text
    assert "reconsidered" in text


def test_the_clinicians_letter_names_the_patient_by_name_nhs_number_and_date_of_birth(
        client, auth, application, run_jobs):
    application["patient"]["nhs_number"] = "9434765919"
    text = pdf_text(letter_of(declined(client, auth, application, run_jobs))[1])

    assert "Patient: Alex Example" in text
    assert "NHS number: 943 476 5919" in text
    assert "Date of birth: 12 April 1968" in text


def test_dates_are_written_the_nhs_way_without_a_leading_zero(client, auth, application, run_jobs):
    text = pdf_text(letter_of(declined(client, auth, application, run_jobs))[1])
    today = nhs_date(today_in_england())

    assert f"Date: {today}" in text
    assert f"Decided by the IFR panel at its meeting of {today}." in text
    assert "Date of birth: 12 April 1968" in text
    assert not re.search(r"\b0\d (January|February|March|April|May|June|July|August|September|October|"
                         r"November|December) \d{4}", text)


def test_the_letter_is_signed_by_the_chair_who_recorded_the_decision_with_the_hubs_contact(
        client, auth, application, run_jobs):
    text = pdf_text(letter_of(declined(client, auth, application, run_jobs))[1])

    assert "Yours sincerely, Dr Helen Marsh Chair of the IFR panel" in text
    assert "London hub: Individual Funding Requests" in text
    assert "Email: ifr.london@nhs-england.example" in text
    assert "Telephone: 020 7946 0110" in text
    assert "Address: Individual Funding Requests, London Specialised Commissioning Hub" in text


def test_a_screening_letter_is_signed_by_the_case_officer_who_screened(client, auth, application, run_jobs):
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.screen("screen_not_responsible", {
        "responsible_commissioner": "NHS Camden CCG",
        "reason": "This treatment is commissioned by the patient's CCG, not NHS England."})
    run_jobs()
    letter, content = letter_of(road)
    text = pdf_text(content)
    assert letter["title"] == "Outcome of the screening of your Individual Funding Request"
    assert "NHS Camden CCG" in text
    assert "send the request to the commissioner named above" in text
    assert "Screened by the London screening group at its meeting of" in text
    assert "Yours sincerely, Sam Patel IFR case officer, London hub" in text


def test_an_approval_with_conditions_gives_its_conditions_and_review_date(
        client, auth, application, run_jobs):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve_with_conditions", {
        **DECISION, "conditions": "Treatment at the regional centre only.",
        "review_date": "2027-03-31", "stopping_criteria": "Progression on MRI at 12 weeks."})
    run_jobs()
    text = pdf_text(letter_of(road)[1])
    assert "Outcome: Approved with conditions" in text
    assert "Treatment at the regional centre only." in text
    assert "31 March 2027" in text
    assert "Progression on MRI at 12 weeks." in text
    assert "Ombudsman" not in text


def test_a_letter_is_made_once_and_the_clinician_told_once(client, auth, application, run_jobs, in_db):
    road = declined(client, auth, application, run_jobs)
    run_jobs()
    assert len(letters_of(road)) == 1
    assert len(letters_of(road, "patient")) == 1

    from sqlmodel import select

    from ifr_service import db
    from ifr_service.notifications.models import Notification

    kinds = in_db(lambda: [n.kind for n in db.session().exec(select(Notification))])
    assert sum(kind.startswith("letter:") for kind in kinds) == 1


def test_another_trusts_clinician_cannot_read_the_letter(client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    for letter in road.case(CLINICIAN)["letters"]:
        response = client.get(f"/api/v1/cases/{road.reference}/letters/{letter['id']}",
                              headers=auth("demo-clinician-2"))
        assert response.status_code == 404


def test_a_patient_who_asked_for_copies_gets_a_plain_words_letter_of_their_own(
        client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    letter, content = letter_of(road, recipient="patient")
    text = pdf_text(content)

    assert letter["title"] == "Your doctor's request for funding: our decision"
    assert "To: Alex Example, 1 Example Street, London NW1 2BU" in text
    assert "Dear Alex Example," in text
    assert "Dr Priya Shah, your doctor at University College London Hospitals" in text
    assert "We have decided not to pay for this treatment." in text
    assert "NHS number: 999 000 0018" in text
    assert "Email: ifr.london@nhs-england.example" in text
    assert "Criterion" not in text  # the panel's clinical reasons go to the clinician
    assert "Copy: the patient" in pdf_text(letter_of(road)[1])


def test_a_refused_reconsideration_tells_the_patient_in_plain_words_with_a_new_review_date(
        client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    road.act(CLINICIAN, "request_reconsideration", {
        "new_information": "A new scan shows the disease is confined to the brain."})
    road.act(OFFICER, "refuse_reconsideration", {"reason": "The scan was before the panel."})
    run_jobs()
    letter, content = letter_of(road, recipient="patient")
    text = pdf_text(content)

    assert letter["title"] == "Your doctor's request to look again at our decision"
    assert "The new information does not change our decision" in text
    assert f"ask for a review by {nhs_date(add_working_days(today_in_england(), 30))}" in text


def test_no_letter_is_made_for_a_patient_who_did_not_ask(client, auth, application, run_jobs):
    application["consent"]["copy_letters_to_patient"] = False
    road = declined(client, auth, application, run_jobs)

    assert letters_of(road, "patient") == []
    assert "Copy: the patient" not in pdf_text(letter_of(road)[1])


def assert_names_the_routes_onward(text: str) -> None:
    assert "If you are still unhappy" in text
    assert "Parliamentary and Health Service Ombudsman" in text
    assert "0345 015 4033" in text and "www.ombudsman.org.uk" in text
    assert "judicial review" in text


def test_after_the_review_panel_upholds_the_decision_the_letters_name_the_routes_onward(
        client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    road.to_review_panel()
    road.act(REVIEW_CHAIR, "uphold_on_review", PAYLOADS["uphold_on_review"])
    run_jobs()

    letter, content = letter_of(road)
    for text in (pdf_text(content), pdf_text(letter_of(road, recipient="patient")[1])):
        assert_names_the_routes_onward(text)
    text = pdf_text(content)
    assert letter["title"] == "Outcome of the review of your Individual Funding Request"
    assert "Decided by the Review Panel at its meeting of" in text
    assert "Dr Sue Black For the Review Panel" in text


def test_a_review_not_taken_forward_gives_the_finding_on_each_ground_and_the_routes_onward(
        client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    road.act(REVIEW_CHAIR, "refuse_review", PAYLOADS["refuse_review"])
    run_jobs()

    letter, content = letter_of(road)
    text = pdf_text(content)
    assert letter["title"] == "Your request for a review of our decision"
    assert "Outcome: Review not taken forward: the grounds are not made out" in text
    assert "Ground Finding Reasons" in text
    assert "The evidence was misunderstood or not considered No" in text
    assert "The minutes record the panel's discussion of the trial data." in text
    assert "NHS England's policy or procedure was not followed" not in text  # a ground not stated
    assert "Chair of the Review Panel (initial consideration)" in text
    assert_names_the_routes_onward(text)
    assert_names_the_routes_onward(pdf_text(letter_of(road, recipient="patient")[1]))


def test_a_review_referred_to_the_review_panel_says_what_happens_next_and_no_route_beyond(
        client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    road.to_review_panel(hold_meeting=False)
    run_jobs()

    letter, content = letter_of(road)
    text = pdf_text(content)
    assert letter["title"] == "Your request for a review of our decision"
    assert "Outcome: Awaiting the Review Panel" in text
    assert "The evidence was misunderstood or not considered Yes" in text
    assert "newly constituted IFR panel" in text
    assert "Ombudsman" not in text


def test_a_decision_letter_before_review_names_no_route_beyond_the_review(
        client, auth, application, run_jobs):
    text = pdf_text(letter_of(declined(client, auth, application, run_jobs))[1])
    assert "Ombudsman" not in text and "judicial review" not in text


def test_a_patient_who_wants_copies_needs_a_postal_address(client, auth, application):
    del application["patient"]["postal_address"]
    response = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["patient.postal_address"]
