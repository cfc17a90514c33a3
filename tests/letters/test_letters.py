"""Letters: made by a background job, kept with the case, read back from the PDF, re-creatable."""

from __future__ import annotations

import io

from pypdf import PdfReader

from ifr_service import db
from ifr_service.clock import add_working_days, today_in_england
from ifr_service.letters.jobs import make_letter
from ifr_service.letters.models import Letter
from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, Road, findings


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def letter_of(road: Road, who: str = CLINICIAN) -> tuple[dict, bytes]:
    letter = road.case(who)["letters"][-1]
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
    text = " ".join(pdf_text(content).split())

    assert letter["title"] == "Decision on your Individual Funding Request"
    assert f"Our reference: {road.reference}" in text
    assert "Outcome: Declined" in text
    assert "Decided by the IFR panel at its meeting of" in text
    assert "Is there evidence of clinical effectiveness?" in text
    assert "Other patients at this stage respond to standard care." in text
    assert "The patient is not clinically exceptional." in text
    deadline = add_working_days(today_in_england(), 30)
    assert f"by {deadline:%d %B %Y}" in text
    assert "reconsidered" in text


def test_a_letter_is_made_once_and_the_clinician_told_once(client, auth, application, run_jobs,
                                                            in_db):
    road = declined(client, auth, application, run_jobs)
    run_jobs()
    assert len(road.case(CLINICIAN)["letters"]) == 1

    from sqlmodel import select

    from ifr_service import db
    from ifr_service.notifications.models import Notification

    kinds = in_db(lambda: [n.kind for n in db.session().exec(select(Notification))])
    assert sum(kind.startswith("letter:") for kind in kinds) == 1


def test_a_letter_can_be_made_again_byte_for_byte(client, auth, application, run_jobs, in_db):
    road = declined(client, auth, application, run_jobs)
    letter, content = letter_of(road)

    def remake() -> bytes:
        stored = db.session().get(Letter, letter["id"])
        return make_letter(stored.case_id, stored.event_id)[1]

    assert in_db(remake) == content


def test_an_approval_with_conditions_gives_its_conditions_and_review_date(
        client, auth, application, run_jobs):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "approve_with_conditions", {
        **DECISION, "conditions": "Treatment at the regional centre only.",
        "review_date": "2027-03-31", "stopping_criteria": "Progression on MRI at 12 weeks."})
    run_jobs()
    text = " ".join(pdf_text(letter_of(road)[1]).split())
    assert "Outcome: Approved with conditions" in text
    assert "Treatment at the regional centre only." in text
    assert "31 March 2027" in text
    assert "Progression on MRI at 12 weeks." in text


def test_a_screening_closure_names_the_responsible_commissioner(client, auth, application,
                                                                run_jobs):
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.act(OFFICER, "screen_not_responsible", {
        "responsible_commissioner": "NHS Camden CCG",
        "reason": "This treatment is commissioned by the patient's CCG, not NHS England."})
    run_jobs()
    letter, content = letter_of(road)
    text = " ".join(pdf_text(content).split())
    assert letter["title"] == "Outcome of the screening of your Individual Funding Request"
    assert "NHS Camden CCG" in text
    assert "send the request to the commissioner named above" in text


def test_another_trusts_clinician_cannot_read_the_letter(client, auth, application, run_jobs):
    road = declined(client, auth, application, run_jobs)
    letter = road.case(CLINICIAN)["letters"][0]
    response = client.get(f"/api/v1/cases/{road.reference}/letters/{letter['id']}",
                          headers=auth("demo-clinician-2"))
    assert response.status_code == 404


def test_the_letter_is_copied_to_the_patient_only_where_they_asked(client, auth, application, run_jobs):
    asked = declined(client, auth, application, run_jobs)
    assert "Copy: the patient" in pdf_text(letter_of(asked)[1])
    application["consent"]["copy_letters_to_patient"] = False
    not_asked = declined(client, auth, application, run_jobs)
    assert "Copy: the patient" not in pdf_text(letter_of(not_asked)[1])


def test_a_patient_who_wants_copies_needs_a_postal_address(client, auth, application):
    del application["patient"]["postal_address"]
    response = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["patient.postal_address"]
