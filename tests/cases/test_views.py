"""The case pages: a clinician applies a section a page, the hub works the case from its queue."""

from __future__ import annotations

import re

import pytest

from ifr_service.web.fields import shown_values
from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, TRUST_APPROVER, Road
from tests.web.browsing import Person

DRAFT = re.compile(r"/cases/(DRAFT-[A-Z0-9]+)/application")


def form_sections(app):
    with app.app_context():
        return app.extensions["ifr"].forms.latest("ifr-application").sections


def start_draft(person: Person) -> str:
    response = person.submit("/cases/new", expect=302)
    return DRAFT.search(response.headers["Location"]).group(1)


def fill_in(person: Person, draft: str, section, answers: dict, expect: int = 302):
    """Post a section's page as a person typing the answers would."""
    posted = shown_values(section.fields, answers, f"{section.key}.")
    return person.submit(f"/cases/{draft}/application/{section.key}", posted, expect=expect)


@pytest.fixture
def clinician(client):
    return Person(client, CLINICIAN)


def test_a_clinician_applies_a_section_a_page_and_gets_a_reference(app, clinician, application):
    draft = start_draft(clinician)
    sections = form_sections(app)
    for position, section in enumerate(sections):
        response = fill_in(clinician, draft, section, application[section.key])
        following = sections[position + 1].key if position + 1 < len(sections) else None
        assert response.headers["Location"].endswith(
            f"/application/{following}" if following else f"/cases/{draft}/check")
    assert "You have completed 11 of 11 sections." in clinician.open(f"/cases/{draft}/application")
    check = clinician.open(f"/cases/{draft}/check")
    assert "Example kinase inhibitor 600 mg capsules" in check and "Crizotinib 250 mg twice daily" in check
    submitted = clinician.submit(f"/cases/{draft}/check", expect=302)
    assert "Sent to your trust for sign-off" in clinician.open(submitted.headers["Location"])
    assert "With your trust for sign-off" in clinician.open(f"/cases/{draft}")
    approver = Person(app.test_client(), TRUST_APPROVER)  # the trust's sign-off sends it to NHS England
    approved = approver.submit(f"/cases/{draft}/actions/approve_for_trust", {}, expect=302)
    reference = re.search(r"IFR-\d{4}-\d{6}", approver.open(approved.headers["Location"])).group(0)
    assert reference in clinician.open("/cases")
    case_page = clinician.open(f"/cases/{reference}")
    assert "Awaiting completeness check" in case_page
    assert "Edit the application (11 times)" in case_page  # the draft, saved a page at a time


def test_a_wrong_answer_names_the_field_and_saves_nothing_on_that_page(app, clinician, application):
    draft = start_draft(clinician)
    patient = next(s for s in form_sections(app) if s.key == "patient")
    wrong = {**application["patient"], "nhs_number": "943 476 5918"}  # check digit does not match
    response = fill_in(clinician, draft, patient, wrong, expect=422)
    assert "There is a problem" in response.text
    assert 'href="#field-patient-nhs_number"' in response.text
    assert "check digit does not match" in response.text
    assert 'value="Alex"' in response.text  # what was typed is shown again beside the error
    assert "Not started" in clinician.open(f"/cases/{draft}/application")


def test_save_and_come_back_later_keeps_a_part_answered_section(app, clinician, application):
    draft = start_draft(clinician)
    patient = next(s for s in form_sections(app) if s.key == "patient")
    posted = {"patient.given_name": "Alex", "save_and_return": "1"}
    response = clinician.submit(f"/cases/{draft}/application/patient", posted, expect=302)
    assert response.headers["Location"].endswith(f"/cases/{draft}/application")
    assert "In progress" in clinician.open(f"/cases/{draft}/application")
    assert 'value="Alex"' in clinician.open(f"/cases/{draft}/application/{patient.key}")


def test_submitting_an_incomplete_application_links_each_problem_to_its_section(clinician):
    draft = start_draft(clinician)
    response = clinician.submit(f"/cases/{draft}/check", expect=422)
    assert f'href="/cases/{draft}/application/patient#field-patient-nhs_number"' in response.text
    assert draft in clinician.open("/cases")  # still a draft


def test_another_row_of_treatments_tried_can_be_added(app, clinician):
    draft = start_draft(clinician)
    row = "clinical_case.treatments_tried.0"
    posted = {f"{row}.treatment": "Crizotinib", f"{row}.when": "2025", f"{row}.outcome": "Worked",
              "add_row": "clinical_case.treatments_tried"}
    response = clinician.submit(f"/cases/{draft}/application/clinical_case", posted, expect=302)
    assert "/application/clinical_case?added=clinical_case.treatments_tried" in response.headers["Location"]
    page = clinician.open(response.headers["Location"])
    assert 'name="clinical_case.treatments_tried.1.treatment"' in page and 'value="Crizotinib"' in page


def test_the_case_officer_takes_an_action_from_the_case_page(client, auth, application):
    road = Road(client, auth, application)
    officer = Person(client, OFFICER)
    assert road.reference in officer.open("/queue")
    case_page = officer.open(f"/cases/{road.reference}")
    assert f"/cases/{road.reference}/actions/confirm_complete" in case_page
    response = officer.submit(f"/cases/{road.reference}/actions/confirm_complete", {}, expect=302)
    assert "Confirm" in officer.open(response.headers["Location"])
    assert road.case()["state"] == "screening"


def test_an_action_without_its_reason_names_the_field_and_changes_nothing(client, auth, application):
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.hold_meeting(kind="screening_group")
    officer = Person(client, OFFICER)
    response = officer.submit(f"/cases/{road.reference}/actions/screen_to_panel", {"reason": ""}, expect=422)
    assert 'href="#field-reason"' in response.text
    assert road.case()["state"] == "screening"


def test_an_action_the_state_does_not_allow_is_refused_with_a_page(client, auth, application):
    road = Road(client, auth, application)
    officer = Person(client, OFFICER)
    page = officer.open(f"/cases/{road.reference}/actions/screen_to_panel", expect=409)
    assert "That cannot be done now" in page
    # not a dead end: the case it is about, why, and the way back to the queue
    assert road.reference in page and "awaiting completeness check" in page
    assert 'href="/queue"' in page and "Back to the work queue" in page


def test_the_queue_filters_by_urgency_and_overdue_target(client, auth, application, calendar):
    from datetime import date

    calendar.set(date(2026, 11, 2))
    urgent = Road(client, auth, application, urgency="urgent")
    routine = Road(client, auth, application)
    officer = Person(client, OFFICER)
    only_urgent = officer.open("/queue?urgency=urgent")
    assert urgent.reference in only_urgent and routine.reference not in only_urgent
    calendar.set(date(2026, 11, 23))  # three weeks on: the 2-day acknowledgement target has passed
    overdue = officer.open("/queue?due=overdue")
    assert urgent.reference in overdue and "Overdue" in overdue
    assert "No cases match." in officer.open("/queue?due=on_track")
    assert "urgency" in officer.open("/queue?urgency=soon", expect=422)


def test_the_queue_puts_the_soonest_due_first_and_decided_cases_apart(
        client, auth, application, calendar, run_jobs):
    from datetime import date

    calendar.set(date(2026, 11, 2))
    asked = Road(client, auth, application)  # asked for information: due when the answer is
    calendar.set(date(2026, 11, 3))
    waiting = Road(client, auth, application)  # its completeness check due 5 working days on
    decided = Road(client, auth, application)
    run_jobs()
    asked.act(OFFICER, "request_information", {"questions": "Please send the latest MRI report."})
    decided.to_panel()
    decided.act(CHAIR, "approve", DECISION)
    run_jobs()  # the decision letter: now no clock runs on the approved case
    officer = Person(client, OFFICER)
    queue = officer.open("/queue")
    places = [queue.index(road.reference) for road in (waiting, asked)]
    assert places == sorted(places)
    assert decided.reference not in queue  # an approved case is not open work
    assert decided.reference in officer.open("/queue?view=decided")


def test_a_clinician_of_another_trust_cannot_see_the_case(client, auth, application):
    road = Road(client, auth, application)
    other = Person(client, "demo-clinician-2")
    assert road.reference not in other.open("/cases")
    other.open(f"/cases/{road.reference}", expect=404)


def test_what_a_clinician_types_is_shown_as_text_never_run_as_markup(client, auth, application):
    application["intervention"]["name"] = '<script>alert("x")</script> "quoted" & more'
    road = Road(client, auth, application)
    page = Person(client, OFFICER).open(f"/cases/{road.reference}")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#34;quoted&#34; &amp; more" in page


def test_a_refused_date_is_shown_again_as_it_was_typed(app, clinician, application):
    draft = start_draft(clinician)
    posted = {"patient.date_of_birth[day]": "31", "patient.date_of_birth[month]": "2",
              "patient.date_of_birth[year]": "1968"}
    page = clinician.submit(f"/cases/{draft}/application/patient", posted, expect=422).text
    assert 'name="patient.date_of_birth[day]" type="text" value="31"' in page


def test_emptying_an_optional_answer_clears_it_and_a_required_one_is_kept(app, clinician, application):
    draft = start_draft(clinician)
    section = next(s for s in form_sections(app) if s.key == "clinician")
    fill_in(clinician, draft, section, application["clinician"])
    emptied = {**shown_values(section.fields, application["clinician"], "clinician."),
               "clinician.telephone": "", "clinician.name": ""}
    clinician.submit(f"/cases/{draft}/application/clinician", emptied, expect=302)
    page = clinician.open(f"/cases/{draft}/application/clinician")
    assert 'value="020 3456 7890"' not in page  # the telephone number is gone
    assert 'value="Dr Priya Shah"' in page  # the name stays until another is given
