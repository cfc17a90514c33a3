"""The IFR intake API, end to end, on each backend."""

from __future__ import annotations

import io
import zipfile

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.notifications.models import Notification
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_user
from tests.audit.conftest import AuditLog
from tests.builders import PDF, PNG, through_trust
from tests.conftest import count_rows

CLINICIAN = "demo-clinician"
OFFICER = "demo-officer"


def submit(client, auth, body, **headers):
    return through_trust(client, auth, client.post("/api/v1/cases?submit=true", json=body,
                                                   headers={**auth(CLINICIAN), **headers}))


def error_fields(response) -> set:
    return {error["field"] for error in response.json["errors"]}


def test_a_valid_application_is_submitted_and_lands_in_its_hubs_queue(client, auth, application):
    response = submit(client, auth, application)

    assert response.status_code == 201
    case = response.json
    assert case["reference"].startswith("IFR-")
    assert case["route"] == "ifr"
    assert case["state"] == "submitted"
    assert case["hub"] == {"code": "london", "name": "London"}
    assert case["region"] == {"code": "london", "name": "London"}
    assert case["form_version"] == 3
    as_clinician = client.get(f"/api/v1/cases/{case['reference']}", headers=auth(CLINICIAN)).json
    assert [action["action"] for action in as_clinician["allowed_actions"]] == ["attach", "withdraw"]
    assert response.headers["Location"].endswith(f"/api/v1/cases/{case['draft_reference']}")

    queue = client.get("/api/v1/hubs/london/queue", headers=auth(OFFICER))
    assert queue.status_code == 200
    assert [item["reference"] for item in queue.json["cases"]] == [case["reference"]]


def test_a_case_is_routed_by_its_patients_commissioner(client, auth, application):
    application["patient"]["commissioner"] = "ccg-salford"
    case = submit(client, auth, application).json
    assert case["hub"]["code"] == "north-west"
    assert case["region"]["code"] == "north"
    assert case["commissioner"] == {"code": "ccg-salford", "name": "NHS Salford CCG"}


def test_references_follow_one_sequence_per_route_and_year(client, auth, application):
    first = submit(client, auth, application).json["reference"]
    second = submit(client, auth, application).json["reference"]
    year, number = first.split("-")[1], int(first.split("-")[2])
    assert first == f"IFR-{year}-{number:06d}"
    assert second == f"IFR-{year}-{number + 1:06d}"


def test_bad_nhs_number_unknown_icd10_and_missing_exceptionality_are_named_together(
        app, client, auth, application):
    application["patient"]["nhs_number"] = "999 000 0019"
    application["diagnosis"]["icd10_code"] = "X99.99"
    del application["clinical_case"]["exceptionality"]
    before = count_rows(app)

    response = submit(client, auth, application)

    assert response.status_code == 422
    assert error_fields(response) == {
        "patient.nhs_number", "diagnosis.icd10_code", "clinical_case.exceptionality"}
    assert all(error["message"] for error in response.json["errors"])
    assert count_rows(app) == before


def test_unknown_fields_are_refused(client, auth, application):
    application["patient"]["favourite_colour"] = "blue"
    application["extra_section"] = {}
    response = submit(client, auth, application)
    assert response.status_code == 422
    assert error_fields(response) == {"patient.favourite_colour", "extra_section"}


def test_an_unknown_commissioner_is_named(client, auth, application):
    application["patient"]["commissioner"] = "ccg-atlantis"
    response = submit(client, auth, application)
    assert response.status_code == 422
    assert error_fields(response) == {"patient.commissioner"}


def test_an_urgent_request_needs_its_justification(client, auth, application):
    application["urgency"] = {"level": "urgent"}
    response = submit(client, auth, application)
    assert response.status_code == 422
    assert error_fields(response) == {"urgency.justification"}


def test_the_patients_consent_must_be_confirmed(client, auth, application):
    application["consent"]["patient_consents_to_data_sharing"] = False
    response = submit(client, auth, application)
    assert response.status_code == 422
    assert error_fields(response) == {"consent.patient_consents_to_data_sharing"}


def test_a_body_that_is_not_json_is_refused_plainly(client, auth):
    response = client.post("/api/v1/cases", data="not json", headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] is None


def test_a_json_body_that_is_not_an_object_is_refused(client, auth):
    response = client.post("/api/v1/cases", json=["a", "list"], headers=auth(CLINICIAN))
    assert response.status_code == 422


def test_a_retried_submission_with_the_same_idempotency_key_returns_the_same_case(
        app, client, auth, application):
    first = submit(client, auth, application, **{"Idempotency-Key": "retry-1"})
    rows = count_rows(app)
    second = submit(client, auth, application, **{"Idempotency-Key": "retry-1"})

    assert first.status_code == second.status_code == 201
    assert second.json["reference"] == first.json["reference"]
    assert count_rows(app) == rows


def test_an_idempotency_key_reused_for_a_different_request_is_refused(client, auth, application):
    submit(client, auth, application, **{"Idempotency-Key": "retry-2"})
    application["patient"]["given_name"] = "Someone else"
    response = submit(client, auth, application, **{"Idempotency-Key": "retry-2"})
    assert response.status_code == 422
    assert error_fields(response) == {"Idempotency-Key"}


def test_a_retry_answers_its_case_only_while_the_person_may_see_it_and_is_audited(
        app, client, auth, application, in_db):
    moving = in_db(_clinician_of, "moving-clinician", "RRV")
    audit_log = AuditLog(app.extensions["ifr"].engine)
    first = submit_as(client, auth, moving, application, "move-1")
    replay = submit_as(client, auth, moving, application, "move-1")
    assert (first.status_code, replay.status_code) == (201, 201)
    row = audit_log.rows(status_code=201, action="read")[-1]
    assert (row["username"], row["case_reference"], row["what"]) == (
        moving, first.json["reference"], "api.cases.create_case")

    in_db(_clinician_of, moving, "RJ1")  # they have moved to another trust since
    application["clinician"]["provider_ods_code"] = "RRV"
    moved = submit_as(client, auth, moving, application, "move-1")

    assert moved.status_code == 404 and first.json["reference"] not in moved.text
    assert "Alex" not in moved.text
    refused = audit_log.one(action="denied", username=moving)
    assert (refused["case_reference"], refused["status_code"]) == (first.json["reference"], 404)


def submit_as(client, auth, username: str, body: dict, key: str):
    return through_trust(client, auth, client.post("/api/v1/cases?submit=true", json=body,
                                                   headers={**auth(username), "Idempotency-Key": key}))


def _clinician_of(username: str, organisation_code: str) -> str:
    user = find_user(username) or User(username=username, display_name=username, email="",
                                       role=Role.CLINICIAN.value)
    user.organisation_code, user.organisation_name = organisation_code, organisation_code
    db.session().add(user)
    return username


def test_an_application_claiming_another_trust_as_provider_is_refused_naming_the_field(
        app, client, auth, application):
    application["clinician"]["provider_ods_code"] = "RJ1"  # demo-clinician works for RRV
    before = count_rows(app)
    response = submit(client, auth, application)
    assert response.status_code == 422 and error_fields(response) == {"clinician.provider_ods_code"}
    assert "RRV" in response.json["errors"][0]["message"]
    assert count_rows(app) == before


def test_a_draft_cannot_be_changed_or_submitted_claiming_another_trust_as_provider(
        app, client, auth, application, in_db):
    clinician = auth(CLINICIAN)
    reference = client.post("/api/v1/cases", json={"patient": application["patient"]},
                            headers=clinician).json["reference"]
    claimed = {"clinician": {**application["clinician"], "provider_ods_code": "RJ1"}}
    patched = client.patch(f"/api/v1/cases/{reference}", json=claimed, headers=clinician)
    assert patched.status_code == 422 and error_fields(patched) == {"clinician.provider_ods_code"}

    rest = {key: value for key, value in application.items() if key != "patient"}
    assert client.patch(f"/api/v1/cases/{reference}", json=rest, headers=clinician).status_code == 200

    def claim_another_trust():  # a draft saved before the rule existed
        case = db.session().exec(select(Case).where(Case.draft_reference == reference)).one()
        clinician = {**case.answers["clinician"], "provider_ods_code": "RJ1"}
        case.answers = {**case.answers, "clinician": clinician}

    in_db(claim_another_trust)
    submitted = client.post(f"/api/v1/cases/{reference}/submit", headers=clinician)
    assert submitted.status_code == 422 and error_fields(submitted) == {"clinician.provider_ods_code"}
    assert client.get(f"/api/v1/cases/{reference}", headers=clinician).json["state"] == "draft"


def test_a_draft_can_be_built_up_and_then_submitted(client, auth, application):
    clinician = auth(CLINICIAN)
    draft = client.post("/api/v1/cases", json={"patient": application["patient"]}, headers=clinician)
    assert draft.status_code == 201
    reference = draft.json["reference"]
    assert reference.startswith("DRAFT-")
    assert draft.json["state"] == "draft"
    assert [a["action"] for a in draft.json["allowed_actions"]] == [
        "edit", "attach", "remove_attachment", "submit", "delete_draft"]

    rest = {key: value for key, value in application.items() if key != "patient"}
    patched = client.patch(f"/api/v1/cases/{reference}", json=rest, headers=clinician)
    assert patched.status_code == 200
    assert patched.json["answers"]["patient"]["given_name"] == "Alex"

    sent = client.post(f"/api/v1/cases/{reference}/submit", headers=clinician)
    assert sent.status_code == 200 and sent.json["state"] == "awaiting_trust_approval"
    submitted = through_trust(client, auth, sent)
    assert submitted.json["reference"].startswith("IFR-")
    assert client.get(f"/api/v1/cases/{reference}", headers=clinician).json["state"] == "submitted"


def test_an_incomplete_draft_cannot_be_submitted_and_stays_a_draft(client, auth, application):
    clinician = auth(CLINICIAN)
    reference = client.post("/api/v1/cases", json={"patient": application["patient"]},
                            headers=clinician).json["reference"]
    response = client.post(f"/api/v1/cases/{reference}/submit", headers=clinician)
    assert response.status_code == 422
    assert "clinical_case" in error_fields(response)
    assert client.get(f"/api/v1/cases/{reference}", headers=clinician).json["state"] == "draft"


def test_a_submitted_case_cannot_be_edited_or_submitted_again(client, auth, application):
    reference = submit(client, auth, application).json["reference"]
    clinician = auth(CLINICIAN)
    edit = client.patch(f"/api/v1/cases/{reference}", json={"cost": {"notes": "x"}}, headers=clinician)
    again = client.post(f"/api/v1/cases/{reference}/submit", headers=clinician)
    assert edit.status_code == 409
    assert again.status_code == 409


def test_a_draft_is_checked_for_what_it_has(client, auth):
    response = client.post("/api/v1/cases", json={"patient": {"nhs_number": "12345"}},
                           headers=auth(CLINICIAN))
    assert response.status_code == 422
    assert error_fields(response) == {"patient.nhs_number"}


def test_every_change_writes_an_event(app, client, auth, application, in_db):
    clinician = auth(CLINICIAN)
    reference = client.post("/api/v1/cases", json={"patient": application["patient"]},
                            headers=clinician).json["reference"]
    rest = {key: value for key, value in application.items() if key != "patient"}
    client.patch(f"/api/v1/cases/{reference}", json=rest, headers=clinician)
    client.post(f"/api/v1/cases/{reference}/attachments",
                data={"file": (io.BytesIO(PDF), "letter.pdf")}, headers=clinician)
    through_trust(client, auth, client.post(f"/api/v1/cases/{reference}/submit", headers=clinician))

    def events():
        case = db.session().exec(select(Case).where(Case.draft_reference == reference)).one()
        rows = db.session().exec(select(CaseEvent).where(CaseEvent.case_id == case.id)
                                 .order_by(CaseEvent.sequence))
        return [(e.name, e.from_state, e.to_state, e.actor_role) for e in rows]

    assert in_db(events) == [
        ("draft_created", None, "draft", "clinician"),
        ("draft_updated", "draft", "draft", "clinician"),
        ("attachment_added", "draft", "draft", "clinician"),
        ("sent_for_trust_approval", "draft", "awaiting_trust_approval", "clinician"),
        ("case_submitted", "awaiting_trust_approval", "submitted", "trust_approver"),
    ]


def test_a_submission_stands_even_when_handing_its_job_to_the_queue_fails(
        app, client, auth, application):
    runtime = app.extensions["ifr"]
    working = runtime.dispatcher

    class Broken:
        def dispatch(self, message_id, queue):
            raise ConnectionError("queue unreachable")

    runtime.dispatcher = Broken()
    try:
        response = submit(client, auth, application)
    finally:
        runtime.dispatcher = working
    assert response.status_code == 201
    reference = response.json["reference"]
    assert client.get(f"/api/v1/cases/{reference}", headers=auth(CLINICIAN)).status_code == 200


def test_submission_acknowledges_the_requesting_clinician_once(client, auth, application,
                                                                in_db, run_jobs):
    case = submit(client, auth, application).json
    run_jobs()
    run_jobs()

    def sent():
        return [(n.kind, n.recipient, n.subject)
                for n in db.session().exec(select(Notification))]

    assert in_db(sent) == [("case_acknowledgement", "priya.shah@nhs.net",
                            f"Individual Funding Request {case['reference']} received")]


class TestAttachments:
    def attach(self, client, auth, reference, content, name, **form):
        response = client.post(f"/api/v1/cases/{reference}/attachments",
                               data={"file": (io.BytesIO(content), name), **form},
                               headers=auth(CLINICIAN))
        # Werkzeug's test client spools a large body to a temporary file it never closes.
        response.request.environ["wsgi.input"].close()
        return response

    def draft(self, client, auth, application):
        return client.post("/api/v1/cases", json={"patient": application["patient"]},
                           headers=auth(CLINICIAN)).json["reference"]

    def test_a_pdf_is_stored_with_its_sha256(self, client, auth, application):
        reference = self.draft(client, auth, application)
        response = self.attach(client, auth, reference, PDF, "clinic letter.pdf",
                               description="Clinic letter")
        assert response.status_code == 201
        assert response.json["content_type"] == "application/pdf"
        assert len(response.json["sha256"]) == 64
        download = client.get(f"/api/v1/cases/{reference}/attachments/{response.json['id']}",
                              headers=auth(CLINICIAN))
        assert download.data == PDF

    def test_png_jpeg_and_docx_are_accepted_by_their_content(self, client, auth, application):
        reference = self.draft(client, auth, application)
        docx = io.BytesIO()
        with zipfile.ZipFile(docx, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
        for content, name in [(PNG, "scan.png"), (jpeg, "photo.jpg"), (docx.getvalue(), "x.docx")]:
            assert self.attach(client, auth, reference, content, name).status_code == 201

    def test_a_file_whose_content_is_not_accepted_is_refused_whatever_its_name(
            self, app, client, auth, application):
        reference = self.draft(client, auth, application)
        before = count_rows(app)
        response = self.attach(client, auth, reference, b"MZ\x90\x00 not a pdf", "report.pdf")
        assert response.status_code == 422
        assert error_fields(response) == {"file"}
        assert count_rows(app) == before

    def test_a_file_over_the_size_cap_is_refused(self, app, client, auth, application):
        reference = self.draft(client, auth, application)
        cap = app.config["IFR"].attachment_max_bytes
        response = self.attach(client, auth, reference, PDF + b"0" * cap, "big.pdf")
        assert response.status_code == 422
        assert error_fields(response) == {"file"}

    def test_the_same_file_twice_is_one_attachment(self, client, auth, application):
        reference = self.draft(client, auth, application)
        first = self.attach(client, auth, reference, PDF, "a.pdf")
        second = self.attach(client, auth, reference, PDF, "b.pdf")
        assert (first.status_code, second.status_code) == (201, 200)
        assert first.json["id"] == second.json["id"]

    def test_a_request_without_a_file_is_refused(self, client, auth, application):
        reference = self.draft(client, auth, application)
        response = client.post(f"/api/v1/cases/{reference}/attachments", data={},
                               headers=auth(CLINICIAN))
        assert response.status_code == 422
        assert error_fields(response) == {"file"}


class TestQueue:
    def test_the_most_urgent_then_newest_come_first(self, client, auth, application):
        for level in ["routine", "emergency", "routine", "urgent"]:
            application["urgency"] = {"level": level, "justification": "Progressing disease."}
            submit(client, auth, application)
        queue = client.get("/api/v1/hubs/london/queue", headers=auth(OFFICER)).json
        assert [item["urgency"] for item in queue["cases"]] == [
            "emergency", "urgent", "routine", "routine"]
        routine = [item["reference"] for item in queue["cases"] if item["urgency"] == "routine"]
        assert routine == sorted(routine, reverse=True)

    def test_the_queue_is_paged(self, client, auth, application):
        for _ in range(3):
            submit(client, auth, application)
        page = client.get("/api/v1/hubs/london/queue?page=2&page_size=2", headers=auth(OFFICER))
        assert page.json["total"] == 3
        assert len(page.json["cases"]) == 1

    def test_drafts_are_not_in_the_queue(self, client, auth, application):
        client.post("/api/v1/cases", json={"patient": application["patient"]},
                    headers=auth(CLINICIAN))
        assert client.get("/api/v1/hubs/london/queue", headers=auth(OFFICER)).json["total"] == 0

    def test_bad_paging_is_named(self, client, auth):
        response = client.get("/api/v1/hubs/london/queue?page=0&page_size=1000",
                              headers=auth(OFFICER))
        assert response.status_code == 422
        assert error_fields(response) == {"page", "page_size"}

    def test_an_unknown_hub_is_not_found(self, client, auth):
        assert client.get("/api/v1/hubs/atlantis/queue", headers=auth("demo-officer")).status_code == 404


class TestWhoSeesWhat:
    def test_another_trusts_clinician_cannot_see_the_case(self, client, auth, application):
        reference = submit(client, auth, application).json["reference"]
        response = client.get(f"/api/v1/cases/{reference}", headers=auth("demo-clinician-2"))
        assert response.status_code == 404

    def test_a_draft_reference_does_not_reveal_the_submitted_reference(self, client, auth,
                                                                       application):
        case = submit(client, auth, application).json
        response = client.get(f"/api/v1/cases/{case['draft_reference']}",
                              headers=auth("demo-clinician-2"))
        assert response.status_code == 404
        assert case["reference"] not in response.get_data(as_text=True)

    def test_another_hubs_officer_cannot_see_the_case_or_the_queue(self, client, auth, application):
        reference = submit(client, auth, application).json["reference"]
        other = auth("officer-north-west")
        assert client.get(f"/api/v1/cases/{reference}", headers=other).status_code == 404
        assert client.get("/api/v1/hubs/london/queue", headers=other).status_code == 404

    def test_the_hub_officer_sees_the_submitted_case_and_the_officers_next_steps(
            self, client, auth, application):
        reference = submit(client, auth, application).json["reference"]
        case = client.get(f"/api/v1/cases/{reference}", headers=auth(OFFICER))
        assert case.status_code == 200
        assert [a["action"] for a in case.json["allowed_actions"]] == [
            "confirm_complete", "request_information", "refer_for_chairs_action",
            "prepare_evidence_for_panel"]

    def test_hub_staff_cannot_see_drafts(self, client, auth, application):
        reference = client.post("/api/v1/cases", json={"patient": application["patient"]},
                                headers=auth(CLINICIAN)).json["reference"]
        assert client.get(f"/api/v1/cases/{reference}", headers=auth(OFFICER)).status_code == 404

    def test_only_clinicians_start_applications(self, client, auth, application):
        assert submit(client, lambda _: auth(OFFICER), application).status_code == 403

    def test_a_request_without_a_token_is_unauthorised(self, client, application):
        response = client.post("/api/v1/cases", json=application)
        assert response.status_code == 401
        assert response.json["errors"][0]["message"]

    def test_a_forged_token_is_unauthorised(self, client):
        response = client.get("/api/v1/hubs/london/queue",
                              headers={"Authorization": "Bearer not.a.token"})
        assert response.status_code == 401


def test_a_submitted_case_is_refused_as_submitted_before_its_new_answers_are_read(
        client, auth, application):
    reference = submit(client, auth, application).json["reference"]
    response = client.patch(f"/api/v1/cases/{reference}",
                            json={"patient": {"nhs_number": "bad"}}, headers=auth(CLINICIAN))
    assert response.status_code == 409
