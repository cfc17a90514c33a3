"""Supporting evidence is part of the application: files uploaded with a description in the draft,
removable until submission, listed on the task list, check your answers and the case page; more
added while the case is open, none after a final decision; and a request for information answered
with the question, who asked and the reply-by date in view, files and all."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Attachment, CaseEvent
from tests.builders import CLINICIAN, DECISION, OFFICER, PNG, TRUST_APPROVER, Road, pdf_with
from tests.cases.test_views import fill_in, form_sections, start_draft
from tests.conftest import count_rows
from tests.web.browsing import Person

OTHER_TRUST = "demo-clinician-2"
MULTIPART = {"content_type": "multipart/form-data"}


@pytest.fixture
def clinician(client):
    return Person(client, CLINICIAN)


def upload(person: Person, reference: str, content: bytes | None, name: str = "mri.pdf",
           description: str = "MRI report, 12 November 2026", expect: int = 302):
    data = {"description": description}
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return person.submit(f"/cases/{reference}/attachments/new", data, expect=expect, **MULTIPART)


def files_of(in_db, reference: str) -> list[Attachment]:
    from ifr_service.cases.queries import find_attachments, get_case

    return in_db(lambda: [f.model_copy() for f in find_attachments(get_case(reference))])


def events_named(in_db, reference: str, name: str) -> list[dict]:
    from ifr_service.cases.queries import get_case

    def read():
        case = get_case(reference)
        return [event.payload for event in db.session().exec(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.name == name))]
    return in_db(read)


def submit_draft(app, person: Person, draft: str, application: dict) -> str:
    """Filled in and sent on the pages, then signed off by the clinician's trust: its IFR reference."""
    for section in form_sections(app):
        fill_in(person, draft, section, application[section.key])
    person.submit(f"/cases/{draft}/check", expect=302)
    approver = Person(app.test_client(), TRUST_APPROVER)
    approved = approver.submit(f"/cases/{draft}/actions/approve_for_trust", {}, expect=302)
    return re.search(r"IFR-\d{4}-\d{6}", approver.open(approved.headers["Location"])).group(0)


def remove(person: Person, reference: str, attachment_id: int, form_page: str, expect: int = 302):
    return person.submit(f"/cases/{reference}/attachments/{attachment_id}/remove", {}, expect=expect,
                         form_page=form_page)


def test_files_uploaded_in_the_draft_are_on_the_task_list_and_check_your_answers(clinician, in_db):
    draft = start_draft(clinician)
    task_list = clinician.open(f"/cases/{draft}/application")
    assert "Upload supporting evidence" in task_list and "No files yet" in task_list
    upload(clinician, draft, pdf_with("mri"), "mri.pdf", "MRI report, 12 November 2026")
    upload(clinician, draft, PNG, "biopsy.png", "Biopsy slide, 3 October 2026")
    task_list = clinician.open(f"/cases/{draft}/application")
    assert "2 files uploaded" in task_list
    for page in (task_list, clinician.open(f"/cases/{draft}/check"),
                 clinician.open(f"/cases/{draft}/attachments/new")):
        assert "mri.pdf" in page and "MRI report, 12 November 2026" in page
        assert "biopsy.png" in page and "Biopsy slide, 3 October 2026" in page
    assert 'class="nhsuk-table-responsive" role="table"' in task_list
    assert len(events_named(in_db, draft, "attachment_added")) == 2


def test_the_evidence_section_points_to_the_upload_task_instead_of_a_dead_end(app, clinician):
    draft = start_draft(clinician)
    page = clinician.open(f"/cases/{draft}/application/evidence")
    assert "separately" not in page
    assert "Upload supporting evidence" in page


def test_an_upload_with_no_file_chosen_names_the_file_and_saves_nothing(app, clinician):
    draft = start_draft(clinician)
    before = count_rows(app)
    refused = upload(clinician, draft, None, expect=422)
    assert "Select a file to upload." in refused.text
    assert 'href="#field-file"' in refused.text  # the error summary links to the question
    assert "MRI report, 12 November 2026" in refused.text  # what was typed is kept
    assert count_rows(app) == before


def test_a_file_without_a_description_is_refused_on_the_page(app, clinician):
    draft = start_draft(clinician)
    refused = upload(clinician, draft, pdf_with("x"), description="  ", expect=422)
    assert "Enter a description of the file" in refused.text


@pytest.mark.parametrize("description", ["MRI\x1b[31m report", "MRI\x00", "Report \u202egnp.exe"])
def test_a_description_with_control_characters_is_refused_naming_the_description(
        app, client, auth, clinician, description):
    draft = start_draft(clinician)
    before = count_rows(app)
    page = upload(clinician, draft, pdf_with("x"), description=description, expect=422)
    assert "The description holds" in page.text
    api = client.post(f"/api/v1/cases/{draft}/attachments", headers=auth(CLINICIAN),
                      data={"file": (io.BytesIO(pdf_with("y")), "a.pdf"), "description": description},
                      content_type="multipart/form-data")
    assert api.status_code == 422
    assert [error["field"] for error in api.json["errors"]] == ["description"]
    assert api.json["errors"][0]["message"].startswith("The description holds")
    assert count_rows(app) == before


def test_a_draft_file_is_removed_and_the_removal_is_a_case_event(clinician, in_db):
    draft = start_draft(clinician)
    upload(clinician, draft, pdf_with("keep"), "keep.pdf", "Clinic letter")
    upload(clinician, draft, pdf_with("drop"), "drop.pdf", "Wrong patient's scan")
    dropped = next(f for f in files_of(in_db, draft) if f.filename == "drop.pdf")
    removed = remove(clinician, draft, dropped.id, f"/cases/{draft}/attachments/new")
    assert removed.headers["Location"].endswith(f"/cases/{draft}/attachments/new")
    assert "drop.pdf is removed." in clinician.open(removed.headers["Location"])
    assert [f.filename for f in files_of(in_db, draft)] == ["keep.pdf"]
    assert events_named(in_db, draft, "attachment_removed") == [
        {"attachment_id": dropped.id, "filename": "drop.pdf", "sha256": dropped.sha256}]
    assert ("demo-clinician", "change") in audited(in_db, draft, "/remove")


def audited(in_db, reference: str, path_end: str) -> list[tuple[str, str]]:
    from ifr_service.audit.models import AuditEvent

    return in_db(lambda: [(row.username, row.action) for row in db.session().exec(
        select(AuditEvent).where(AuditEvent.case_reference == reference)) if row.path.endswith(path_end)])


def test_removing_a_file_twice_is_harmless(clinician, in_db):
    draft = start_draft(clinician)
    upload(clinician, draft, pdf_with("drop"), "drop.pdf", "Scan")
    dropped = files_of(in_db, draft)[0]
    form_page = f"/cases/{draft}/attachments/new"
    page = clinician.client.get(form_page).text  # the same page's token, sent twice (a double click)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/cases/{draft}/attachments/{dropped.id}/remove"
    first = clinician.client.post(url, data={"csrf_token": token})
    second = clinician.client.post(url, data={"csrf_token": token})
    assert (first.status_code, second.status_code) == (302, 302)
    assert "That file was removed already." in clinician.open(second.headers["Location"])
    assert len(events_named(in_db, draft, "attachment_removed")) == 1


def test_removing_a_file_twice_through_the_api_gives_the_same_answer(client, auth, clinician, in_db):
    draft = start_draft(clinician)
    upload(clinician, draft, pdf_with("keep"), "keep.pdf", "Clinic letter")
    upload(clinician, draft, pdf_with("drop"), "drop.pdf", "Scan")
    dropped = next(f for f in files_of(in_db, draft) if f.filename == "drop.pdf")
    url = f"/api/v1/cases/{draft}/attachments/{dropped.id}"
    first, second = (client.delete(url, headers=auth(CLINICIAN)) for _ in range(2))
    assert (first.status_code, second.status_code) == (200, 200)
    assert [f["filename"] for f in first.json] == [f["filename"] for f in second.json] == ["keep.pdf"]
    assert len(events_named(in_db, draft, "attachment_removed")) == 1


def test_another_trusts_clinician_can_neither_add_nor_remove_a_file(app, client, auth, clinician, in_db):
    draft = start_draft(clinician)
    upload(clinician, draft, pdf_with("mine"), "mine.pdf", "Scan")
    mine = files_of(in_db, draft)[0]
    other = Person(app.test_client(), OTHER_TRUST)
    before = count_rows(app)
    other.open(f"/cases/{draft}/attachments/new", expect=404)
    token_page = "/cases/new"
    other.submit(f"/cases/{draft}/attachments/{mine.id}/remove", {}, expect=404, form_page=token_page)
    other.submit(f"/cases/{draft}/attachments/new", {"file": (io.BytesIO(pdf_with("theirs")), "t.pdf"),
                                                     "description": "Theirs"},
                 expect=404, form_page=token_page, **MULTIPART)
    api = client.delete(f"/api/v1/cases/{draft}/attachments/{mine.id}", headers=auth(OTHER_TRUST))
    assert api.status_code == 404
    assert count_rows(app) == before


def test_a_file_cannot_be_removed_after_submission(app, client, auth, clinician, in_db, application):
    draft = start_draft(clinician)
    upload(clinician, draft, pdf_with("sent"), "sent.pdf", "Scan")
    sent = files_of(in_db, draft)[0]
    reference = submit_draft(app, clinician, draft, application)
    case_page = clinician.open(f"/cases/{reference}")
    assert "sent.pdf" in case_page and "Remove" not in case_page
    refused = clinician.submit(f"/cases/{reference}/attachments/{sent.id}/remove", {}, expect=409,
                               form_page=f"/cases/{reference}")
    assert "Remove a file" in refused.text or "cannot" in refused.text.lower()
    api = client.delete(f"/api/v1/cases/{reference}/attachments/{sent.id}", headers=auth(CLINICIAN))
    assert api.status_code == 409
    assert [f.filename for f in files_of(in_db, reference)] == ["sent.pdf"]


def test_evidence_is_added_while_the_case_is_open_and_not_after_a_final_decision(
        client, auth, application, clinician):
    road = Road(client, auth, application)
    assert f'href="/cases/{road.reference}/attachments/new"' in clinician.open(f"/cases/{road.reference}")
    upload(clinician, road.reference, pdf_with("later"), "later.pdf", "New scan")
    road.to_panel()
    upload(clinician, road.reference, pdf_with("at panel"), "panel.pdf", "Letter from oncologist")
    road.act("demo-panel-chair", "approve", DECISION)
    assert f'href="/cases/{road.reference}/attachments/new"' not in clinician.open(f"/cases/{road.reference}")
    upload(clinician, road.reference, pdf_with("too late"), "late.pdf", "Too late", expect=409)


class TestAnsweringARequestForInformation:
    @pytest.fixture
    def road(self, client, auth, application) -> Road:
        road = Road(client, auth, application)
        road.act(OFFICER, "request_information", {"questions": "Please send the latest MRI report."})
        return road

    def test_the_case_page_says_plainly_who_the_clinician_must_answer_and_by_when(self, road, clinician):
        due = road.clock("information_response", CLINICIAN)["due_on"]
        page = clinician.open(f"/cases/{road.reference}")
        from ifr_service.web.display import nhs_date

        assert (f"We are waiting for your answer to a question from the IFR team. Reply by {nhs_date(due)}."
                in page)
        assert "Its own clocks wait" not in page

    def test_the_answer_page_shows_the_question_who_asked_and_the_reply_by_date(self, road, clinician):
        from ifr_service.web.display import nhs_date

        due = road.clock("information_response", CLINICIAN)["due_on"]
        answer = clinician.client.get(f"/cases/{road.reference}/actions/provide_information")
        assert answer.status_code == 302
        page = clinician.open(answer.headers["Location"])
        assert "Please send the latest MRI report." in page
        assert "A case officer of the IFR team" in page
        assert nhs_date(due) in page
        assert 'type="file"' in page

    def test_an_answer_with_a_file_attaches_it_and_evidence_can_still_be_added(self, road, clinician, in_db):
        url = f"/cases/{road.reference}/answer/provide_information"
        sent = clinician.submit(url, {"information": "The MRI of 30 November is attached.",
                                      "file": (io.BytesIO(pdf_with("answer")), "mri-nov.pdf"),
                                      "description": "MRI report, 30 November 2026"}, expect=302, **MULTIPART)
        page = clinician.open(sent.headers["Location"])
        assert "Awaiting completeness check" in page
        assert "mri-nov.pdf" in page and "Attach supporting evidence" in page
        assert [f.filename for f in files_of(in_db, road.reference)] == ["mri-nov.pdf"]
        assert "Send the information the panel asked for" not in page  # the IFR team asked, not the panel
        assert "Send the information asked for" in page

    def test_a_wrong_answer_with_a_file_saves_neither(self, app, road, clinician):
        before = count_rows(app)
        url = f"/cases/{road.reference}/answer/provide_information"
        refused = clinician.submit(url, {"information": "Short", "file": (io.BytesIO(pdf_with("a")), "a.pdf"),
                                         "description": "MRI"}, expect=422, **MULTIPART)
        assert "Please send the latest MRI report." in refused.text  # the question stays in view
        assert count_rows(app) == before

    def test_a_question_from_the_panel_is_said_to_come_from_the_panel(self, client, auth, application,
                                                                       clinician):
        road = Road(client, auth, application)
        road.to_panel()
        road.act("demo-panel-chair", "defer", {"information_needed": "The genomic report of the biopsy."})
        assert "a question from the IFR panel." in clinician.open(f"/cases/{road.reference}")
        page = clinician.open(f"/cases/{road.reference}/answer/provide_deferred_information")
        assert "The genomic report of the biopsy." in page and "The chair of the IFR panel" in page
        clinician.submit(f"/cases/{road.reference}/answer/provide_deferred_information",
                         {"information": "The report is attached: ROS1 G2032R."}, expect=302, **MULTIPART)
        timeline = clinician.open(f"/cases/{road.reference}")
        assert "Send the information the panel asked for" in timeline

    def test_a_reply_by_date_set_with_the_request_is_the_one_shown(self, road, clinician, in_db):
        from ifr_service.cases.information import open_request
        from ifr_service.cases.queries import get_case, record_event
        from ifr_service.users.queries import find_user

        def ask_with_a_date():  # as the action records it once its payload carries the date
            case = get_case(road.reference)
            record_event(case, "information_requested", find_user(OFFICER), case.state, case.state,
                         {"questions": "And the biopsy report.", "reply_by": "2027-01-04"})
            return open_request(case).waiting_text(for_clinician=True)

        assert in_db(ask_with_a_date) == ("We are waiting for your answer to a question from the IFR team. "
                                       "Reply by 4 January 2027.")
