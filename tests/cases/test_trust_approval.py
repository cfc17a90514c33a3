"""The trust's own checks: an application on a form the trust signs off (version 3) goes to the
clinician's trust first, unseen by NHS England, and only the same trust's approver sends it on or
returns it with comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case, CaseClock
from ifr_service.jobs.models import OutboxMessage
from ifr_service.users.models import Role, User
from ifr_service.users.queries import find_user
from tests.builders import CHAIR, CLINICIAN, OFFICER, TRUST_APPROVER
from tests.web.browsing import Person

OTHER_TRUSTS_APPROVER = "demo-trust-approver-2"  # Guy's and St Thomas'
COLLEAGUE = "colleague-clinician"  # another clinician of CLINICIAN's trust (UCLH, RRV)
RETURNED = {"comments": "Please give the date of the second MDT, where the oncologists agreed."}


def send(client, auth, application) -> dict:
    response = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))
    assert response.status_code == 201, response.json
    return response.json


def act(client, auth, who: str, reference: str, action: str, payload: dict | None = None):
    return client.post(f"/api/v1/cases/{reference}/actions/{action}", json=payload or {},
                       headers=auth(who))


def case_row(draft: str) -> Case:
    return db.session().exec(select(Case).where(Case.draft_reference == draft)).one()


def clocks_of(draft: str) -> list[str]:
    case = case_row(draft)
    return [row.clock for row in db.session().exec(select(CaseClock).where(CaseClock.case_id == case.id))]


def acknowledgements() -> int:
    rows = db.session().exec(select(OutboxMessage).where(OutboxMessage.job == "send_case_acknowledgement"))
    return len(list(rows))


def _colleague() -> str:
    if find_user(COLLEAGUE) is None:
        db.session().add(User(username=COLLEAGUE, display_name="Dr Colleague", email="c@example.nhs.uk",
                              role=Role.CLINICIAN.value, organisation_code="RRV",
                              organisation_name="University College London Hospitals NHS Foundation Trust"))
    return COLLEAGUE


def test_a_submission_waits_for_its_trust_unseen_by_nhs_england_and_with_no_clock(
        client, auth, application, in_db):
    case = send(client, auth, application)
    draft = case["draft_reference"]

    assert case["state"] == "awaiting_trust_approval" and case["form_version"] == 3
    assert case["reference"] == draft  # no IFR reference yet: NHS England has not received it
    assert client.get(f"/api/v1/cases/{draft}", headers=auth(OFFICER)).status_code == 404
    assert client.get("/api/v1/hubs/london/queue", headers=auth(OFFICER)).json["cases"] == []
    assert in_db(clocks_of, draft) == [] and in_db(acknowledgements) == 0
    assert in_db(lambda: case_row(draft).hub_id) is None


def test_the_same_trusts_approver_sends_it_to_nhs_england_once(client, auth, application, in_db):
    draft = send(client, auth, application)["draft_reference"]
    seen = client.get(f"/api/v1/cases/{draft}", headers=auth(TRUST_APPROVER)).json
    assert [a["action"] for a in seen["allowed_actions"]] == ["approve_for_trust", "return_to_clinician"]

    approved = act(client, auth, TRUST_APPROVER, draft, "approve_for_trust")

    assert approved.status_code == 200, approved.json
    reference = approved.json["reference"]
    assert reference.startswith("IFR-") and approved.json["state"] == "submitted"
    assert approved.json["hub"] == {"code": "london", "name": "London"}
    queue = client.get("/api/v1/hubs/london/queue", headers=auth(OFFICER)).json["cases"]
    assert [item["reference"] for item in queue] == [reference]
    assert in_db(clocks_of, draft) == ["urgent_decision", "acknowledgement"]  # from now, not before
    assert in_db(acknowledgements) == 1
    # Signed off, it leaves the approver's sight; a second approval changes nothing.
    again = act(client, auth, TRUST_APPROVER, draft, "approve_for_trust")
    assert again.status_code == 404
    assert client.get(f"/api/v1/cases/{reference}", headers=auth(TRUST_APPROVER)).status_code == 404
    assert in_db(acknowledgements) == 1


@pytest.mark.parametrize("action, payload", [("approve_for_trust", None), ("return_to_clinician", RETURNED)])
@pytest.mark.parametrize("who, status", [
    (OTHER_TRUSTS_APPROVER, 404),  # another trust's approver does not learn the application exists
    (CLINICIAN, 403),  # the submitting clinician cannot sign off their own request
    (COLLEAGUE, 403),  # nor can a colleague of the same trust: signing off is the approver's
    (OFFICER, 404),  # NHS England's IFR team cannot see it yet
    (CHAIR, 404),
    ("demo-admin", 403),
])
def test_only_the_same_trusts_approver_signs_off_or_returns(client, auth, application, in_db,
                                                            action, payload, who, status):
    in_db(_colleague)
    draft = send(client, auth, application)["draft_reference"]

    refused = act(client, auth, who, draft, action, payload)

    assert refused.status_code == status, refused.json
    assert in_db(lambda: case_row(draft).state) == "awaiting_trust_approval"
    assert "Alex" not in refused.text  # nothing of the patient in the refusal


def test_returned_with_comments_the_clinician_edits_and_sends_it_again(client, auth, application, in_db):
    draft = send(client, auth, application)["draft_reference"]
    blank = act(client, auth, TRUST_APPROVER, draft, "return_to_clinician", {"comments": "  "})
    assert blank.status_code == 422 and [e["field"] for e in blank.json["errors"]] == ["comments"]
    assert in_db(lambda: case_row(draft).state) == "awaiting_trust_approval"

    returned = act(client, auth, TRUST_APPROVER, draft, "return_to_clinician", RETURNED)

    assert returned.status_code == 200 and returned.json["state"] == "draft"
    assert client.get(f"/api/v1/cases/{draft}", headers=auth(TRUST_APPROVER)).status_code == 404
    assert client.get(f"/api/v1/cases/{draft}", headers=auth(OFFICER)).status_code == 404
    clinician = Person(client, CLINICIAN)
    assert RETURNED["comments"] in clinician.open(f"/cases/{draft}/application")
    changed = client.patch(f"/api/v1/cases/{draft}", headers=auth(CLINICIAN), json={
        "trust_checks": {"mdt_outcome_details": "Discussed again at the MDT: the oncologists agreed."}})
    assert changed.status_code == 200
    again = client.post(f"/api/v1/cases/{draft}/submit", headers=auth(CLINICIAN))
    assert again.status_code == 200 and again.json["state"] == "awaiting_trust_approval"
    assert act(client, auth, TRUST_APPROVER, draft, "approve_for_trust").json["reference"].startswith("IFR-")


def test_a_trust_approver_sees_only_their_trusts_applications_awaiting_sign_off(
        app, client, auth, application, in_db):
    waiting = send(client, auth, application)["draft_reference"]
    draft = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN)).json["reference"]

    approver = Person(client, TRUST_APPROVER)
    listed = approver.open("/trust/sign-off")
    assert waiting in listed and draft not in listed and "Alex Example" in listed
    approver.open(f"/cases/{draft}", expect=404)  # a draft is the clinician's own until sent
    assert waiting not in Person(app.test_client(), OTHER_TRUSTS_APPROVER).open("/trust/sign-off")
    Person(app.test_client(), OTHER_TRUSTS_APPROVER).open(f"/cases/{waiting}", expect=404)
    Person(app.test_client(), OFFICER).open("/trust/sign-off", expect=403)


def test_an_application_begun_on_an_older_version_goes_straight_to_nhs_england(
        client, auth, application, in_db):
    del application["trust_checks"]
    draft = client.post("/api/v1/cases", json={"patient": application["patient"]},
                        headers=auth(CLINICIAN)).json["reference"]

    def on_version_2():
        case_row(draft).form_version = 2  # started before version 3 was published

    in_db(on_version_2)
    client.patch(f"/api/v1/cases/{draft}", json=application, headers=auth(CLINICIAN))

    submitted = client.post(f"/api/v1/cases/{draft}/submit", headers=auth(CLINICIAN))

    assert submitted.status_code == 200, submitted.json
    assert submitted.json["state"] == "submitted" and submitted.json["reference"].startswith("IFR-")
    sent = act(client, auth, CLINICIAN, draft, "send_for_trust_approval")
    assert sent.status_code == 409


@pytest.mark.parametrize("days, message", [
    (-1, "Enter the date of the MDT discussion as today or a day in the past"),
    (366, "Enter the date of the MDT discussion within the last 365 days"),
])
def test_the_mdt_date_is_not_in_the_future_nor_absurdly_old(app, client, auth, application, days, message):
    today = app.extensions["ifr"].today()
    application["trust_checks"]["mdt_date"] = (today - timedelta(days=days)).isoformat()

    refused = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))

    assert refused.status_code == 422
    assert [(e["field"], e["message"][:len(message)]) for e in refused.json["errors"]] == [
        ("trust_checks.mdt_date", message)]


def test_an_application_without_the_trusts_checks_is_not_sent(client, auth, application):
    del application["trust_checks"]
    refused = client.post("/api/v1/cases?submit=true", json=application, headers=auth(CLINICIAN))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["trust_checks"]


def test_the_example_application_is_still_sent_years_after_it_was_written(app, client, auth, application,
                                                                        calendar):
    """docs/examples/ifr-application.json's MDT date must lie within the last year: its users date it
    from the service's today, so the example, the demo and these tests outlive the file's date."""
    calendar.set(app.extensions["ifr"].today() + timedelta(days=2 * 365))
    assert send(client, auth, application)["state"] == "awaiting_trust_approval"
