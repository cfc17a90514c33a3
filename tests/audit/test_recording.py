"""Every read of a case, every change and every refusal is recorded: who, when, what, from where."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest

from ifr_service.app import create_app
from ifr_service.audit import recording
from tests.builders import CDF_ADMIN, CHAIR, CLINICIAN, OFFICER, PDF, TRUST_APPROVER, Road, findings
from tests.web.browsing import Person

OTHER_TRUSTS_CLINICIAN = "demo-clinician-2"


def test_a_clinician_reading_their_case_through_the_api_is_recorded_with_who_what_and_where(
        client, auth, application, audit_log):
    road = Road(client, auth, application)

    response = client.get(f"/api/v1/cases/{road.reference}?search=Smith", headers=auth(CLINICIAN))

    assert response.status_code == 200
    row = audit_log.one(what="api.cases.get_case")
    assert row["username"] == CLINICIAN and row["role"] == "clinician"
    assert row["action"] == "read" and row["case_reference"] == road.reference
    assert row["method"] == "GET" and row["status_code"] == 200
    assert row["path"] == f"/api/v1/cases/{road.reference}"  # never the query string
    assert row["address"] == "127.0.0.1"
    assert row["occurred_utc"] is not None


def test_a_case_page_view_is_recorded(client, auth, application, audit_log):
    road = Road(client, auth, application)

    Person(client, OFFICER).open(f"/cases/{road.reference}")

    row = audit_log.one(what="pages.cases.show_case")
    assert (row["username"], row["role"], row["action"]) == (OFFICER, "case_officer", "read")
    assert row["case_reference"] == road.reference and row["path"] == f"/cases/{road.reference}"


def test_an_attachment_downloaded_through_the_api_or_a_page_is_recorded(client, auth, application, audit_log):
    draft = client.post("/api/v1/cases", json={"patient": application["patient"]},
                        headers=auth(CLINICIAN)).json["reference"]
    attached = client.post(f"/api/v1/cases/{draft}/attachments", headers=auth(CLINICIAN),
                           data={"file": (io.BytesIO(PDF), "clinic letter.pdf")})
    assert attached.status_code == 201
    address = f"/cases/{draft}/attachments/{attached.json['id']}"

    assert client.get(f"/api/v1{address}", headers=auth(CLINICIAN)).status_code == 200
    Person(client, CLINICIAN).open(address)

    assert audit_log.one(what="api.cases.download_attachment")["case_reference"] == draft
    assert audit_log.one(what="pages.cases.download_attachment")["action"] == "read"
    assert audit_log.one(what="api.cases.add_attachment")["action"] == "change"


def test_a_letter_downloaded_is_recorded(client, auth, application, audit_log, run_jobs):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", {"findings": findings("no"), "summary": "Not clinically exceptional."})
    run_jobs()
    letter = road.case(CLINICIAN)["letters"][-1]

    response = client.get(f"/api/v1/cases/{road.reference}/letters/{letter['id']}", headers=auth(CLINICIAN))

    assert response.status_code == 200
    row = audit_log.one(what="api.cases.download_letter")
    assert (row["username"], row["action"], row["case_reference"]) == (CLINICIAN, "read", road.reference)


def test_creating_and_submitting_a_case_is_one_change_under_its_new_reference(client, auth, application,
                                                                                audit_log):
    road = Road(client, auth, application)  # the clinician sends it to their trust, which approves it

    row = audit_log.one(what="api.cases.create_case")
    assert (row["action"], row["case_reference"][:6], row["status_code"]) == ("change", "DRAFT-", 201)
    row = audit_log.one(what="api.cases.take_action", username=TRUST_APPROVER)
    assert (row["action"], row["case_reference"], row["status_code"]) == ("change", road.reference, 200)


def test_an_action_is_recorded_as_a_change(client, auth, application, audit_log):
    road = Road(client, auth, application)

    road.act(OFFICER, "confirm_complete")

    row = audit_log.one(what="api.cases.take_action", username=OFFICER)
    assert (row["username"], row["action"], row["method"], row["status_code"]) == (
        OFFICER, "change", "POST", 200)


def test_a_change_whose_audit_row_cannot_be_written_is_not_saved(client, auth, application, audit_log,
                                                                  monkeypatch):
    road = Road(client, auth, application)

    def broken(_notes, _status_code):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(recording, "record_in_unit", broken)
    response = client.post(f"/api/v1/cases/{road.reference}/actions/confirm_complete", json={},
                           headers=auth(OFFICER))
    monkeypatch.undo()

    assert response.status_code == 500
    assert road.case()["state"] == "submitted"  # the change and its audit commit together, or neither


def test_a_refused_change_is_recorded_though_nothing_else_is_saved(client, auth, application, audit_log):
    road = Road(client, auth, application)

    road.act(CHAIR, "decline", {"findings": findings("no"), "summary": "Too soon."}, expect=409)

    row = audit_log.one(what="api.cases.take_action", username=CHAIR)
    assert (row["username"], row["action"], row["status_code"]) == (CHAIR, "change", 409)
    assert road.case()["state"] == "submitted"


@pytest.mark.parametrize("through", ["api", "page"])
def test_another_organisations_clinician_gets_404_and_a_denied_row(client, auth, application, audit_log,
                                                                   through):
    road = Road(client, auth, application)

    if through == "api":
        response = client.get(f"/api/v1/cases/{road.reference}", headers=auth(OTHER_TRUSTS_CLINICIAN))
        assert response.status_code == 404
    else:
        Person(client, OTHER_TRUSTS_CLINICIAN).open(f"/cases/{road.reference}", expect=404)

    row = audit_log.one(username=OTHER_TRUSTS_CLINICIAN)
    assert (row["action"], row["case_reference"], row["status_code"]) == ("denied", road.reference, 404)


def test_an_unknown_reference_records_nothing(client, auth, audit_log):
    assert client.get("/api/v1/cases/IFR-2026-999999", headers=auth(CLINICIAN)).status_code == 404
    assert audit_log.rows() == []


def test_the_hub_queue_which_shows_no_patient_is_one_list_view_not_a_read_of_each_case(
        client, auth, application, audit_log):
    Road(client, auth, application), Road(client, auth, application)

    page = Person(client, OFFICER).open("/queue")
    assert client.get("/api/v1/hubs/london/queue", headers=auth(OFFICER)).status_code == 200

    assert "NHS number" not in page.partition("<table")[2]  # what makes it a list: no identifier shown
    for what in ("pages.cases.queue", "api.cases.hub_queue"):
        row = audit_log.one(what=what)
        assert (row["action"], row["subject"]) == ("list", "list:work-queue:london")
        assert row["case_reference"] is None
        assert row["organisation"] == "hub:london"


def test_a_queue_search_by_nhs_number_or_name_is_a_read_of_each_case_it_finds(client, auth, application,
                                                                               audit_log):
    road = Road(client, auth, application)
    patient = application["patient"]
    officer = Person(client, OFFICER)

    officer.open(f"/queue?search={patient['nhs_number'].replace(' ', '')}")
    officer.open(f"/queue?search={patient['family_name']}")
    officer.open(f"/queue?search={road.reference}")  # by reference: no patient named, still a list

    rows = audit_log.rows(what="pages.cases.queue")
    assert [(row["action"], row["case_reference"]) for row in rows] == [
        ("read", road.reference), ("read", road.reference), ("list", None)]


def test_a_panel_meetings_agenda_shows_no_patient_so_is_one_list_view(client, auth, application, audit_log):
    road = Road(client, auth, application)
    road.to_panel()
    meeting = road.meeting["id"]
    start = len(audit_log.rows())

    Person(client, CHAIR).open(f"/panel/meetings/{meeting}")
    assert client.get(f"/api/v1/meetings/{meeting}", headers=auth(CHAIR)).status_code == 200

    rows = audit_log.rows()[start:]
    assert [(row["what"], row["action"], row["subject"], row["case_reference"]) for row in rows] == [
        ("pages.panels.show_meeting", "list", f"list:panel-agenda:{meeting}", None),
        ("api.panels.get_meeting", "list", f"list:panel-agenda:{meeting}", None)]


def test_each_row_holds_the_persons_organisation_as_they_acted(client, auth, application, audit_log):
    road = Road(client, auth, application)
    client.get(f"/api/v1/cases/{road.reference}", headers=auth(OFFICER))

    assert audit_log.one(what="api.cases.create_case")["organisation"] == "trust:RRV"
    assert audit_log.one(what="api.cases.get_case")["organisation"] == "hub:london"


def test_a_clinicians_list_of_cases_records_a_read_of_each(client, auth, application, audit_log):
    road = Road(client, auth, application)

    Person(client, CLINICIAN).open("/cases")

    assert audit_log.one(what="pages.cases.list_cases")["case_reference"] == road.reference


def test_a_cdf_application_is_recorded_as_its_clinicians_change_and_its_region_list_as_one_list_view(
        client, auth, cdf_application, audit_log):
    response = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN))
    assert response.status_code == 201
    reference = response.json["reference"]

    row = audit_log.one(what="api.cases.create_case")  # decided by the service, on the clinician's request
    assert (row["username"], row["action"], row["case_reference"]) == (CLINICIAN, "change", reference)

    Person(client, CDF_ADMIN).open("/cdf/applications")
    listed = client.get("/api/v1/cdf/regions/london/applications", headers=auth(CDF_ADMIN))
    assert listed.status_code == 200
    Person(client, CDF_ADMIN).open(f"/cdf/applications/{reference}")

    for what in ("pages.cdf.list_applications", "api.cdf.region_applications"):  # no patient details shown
        row = audit_log.one(what=what)
        assert (row["action"], row["case_reference"]) == ("list", None)
        assert row["subject"] == "list:cdf-applications:london"
    row = audit_log.one(what="pages.cdf.show_application")
    assert (row["username"], row["action"], row["case_reference"]) == (CDF_ADMIN, "read", reference)


def test_the_panel_pack_records_a_read_of_each_case_on_the_agenda(client, auth, application, audit_log):
    road = Road(client, auth, application)
    road.to_panel()

    response = client.get(f"/api/v1/meetings/{road.meeting['id']}/pack", headers=auth(CHAIR))

    assert response.status_code == 200
    row = audit_log.one(what="api.panels.panel_pack")
    assert (row["username"], row["action"], row["case_reference"]) == (CHAIR, "read", road.reference)


def test_an_approval_looked_up_by_number_is_a_read_or_for_another_trust_a_denial(
        client, auth, cdf_application, audit_log):
    approved = client.post("/api/v1/cases", json=cdf_application, headers=auth(CLINICIAN)).json
    address = f"/api/v1/cdf/approvals/{approved['approval_number']}"

    assert client.get(address, headers=auth("demo-cet")).status_code == 200
    assert client.get(address, headers=auth(OTHER_TRUSTS_CLINICIAN)).status_code == 404

    assert audit_log.one(what="api.cdf.get_approval", action="read")["username"] == "demo-cet"
    denied = audit_log.one(what="api.cdf.get_approval", action="denied")
    assert (denied["username"], denied["case_reference"]) == (OTHER_TRUSTS_CLINICIAN, approved["reference"])


def test_behind_a_trusted_load_balancer_the_clients_own_address_is_recorded(app, client, auth, application,
                                                                            audit_log):
    road = Road(client, auth, application)
    behind = create_app(replace(app.config["IFR"], trusted_proxy_hops=1))
    try:
        browser = behind.test_client()
        browser.environ_base.update(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.9")
        assert browser.get(f"/api/v1/cases/{road.reference}", headers=auth(CLINICIAN)).status_code == 200
    finally:
        behind.extensions["ifr"].engine.dispose()

    row = audit_log.one(what="api.cases.get_case")
    assert row["address"] == "198.51.100.9"  # what the balancer saw: not itself, nor what the client wrote


def test_an_event_about_no_one_case_is_recorded_once_with_its_subject(app, audit_log):
    officer = type("Person", (), {"username": OFFICER, "role": "case_officer"})()
    with app.test_request_context("/admin/users/7", method="POST"):
        recording.note_event(officer, "admin", "user:demo-clinician-2")
        recording.note_event(officer, "admin", "user:demo-clinician-2")  # the same change, noted twice
        recording.record_apart(app.extensions["ifr"].engine, recording.take_notes(), 200)

    row = audit_log.one(subject="user:demo-clinician-2")
    assert (row["username"], row["action"], row["case_reference"]) == (OFFICER, "admin", None)
    assert row["path"] == "/admin/users/7" and row["method"] == "POST"
