"""Panel chairs decide on the clinical case alone: outside a meeting (chair's urgent action, review)
they read the one case they act on as its panel pack shows it, never the patient's identifiers, nor
the files and letters that carry them, and they still take every action a chair takes."""

from __future__ import annotations

import io
import json

import pytest

from tests.builders import CHAIR, CLINICIAN, OFFICER, PAYLOADS, PDF, REASON, REVIEW_CHAIR, Road, findings
from tests.web.browsing import Person

CHAIRS = (CHAIR, REVIEW_CHAIR, "demo-panel-vice-chair")


def identifiers(application: dict) -> list[str]:
    """Everything about the patient and the clinician that the pack leaves out, as it could be shown."""
    patient, clinician = application["patient"], application["clinician"]
    return [patient["nhs_number"], patient["nhs_number"].replace(" ", ""), patient["given_name"],
            f'{patient["given_name"]} {patient["family_name"]}', patient["date_of_birth"], "12 April 1968",
            "12/04/1968", patient["postal_address"], "NW1 2BU", clinician["name"], clinician["email"],
            clinician["telephone"], clinician["registration_number"]]


def assert_no_identifier(shown: str, application: dict) -> None:
    for identifier in identifiers(application):
        assert identifier not in shown, identifier


def findings_form(finding: str, test: str = "against_policy") -> dict:
    """The findings on one branch of the test as the decision page posts them."""
    form = {}
    for key, value in findings(finding, test=test).items():
        if isinstance(value, dict):
            form |= {f"findings.{key}.finding": value["finding"],
                     f"findings.{key}.reasons": f"Reasons about {key} here."}
        else:
            form[f"findings.{key}"] = value
    return form


@pytest.fixture
def urgent(client, auth, application) -> Road:
    """An emergency case with a file attached, referred for chair's action."""
    road = Road(client, auth, application, urgency="emergency")
    road.act(OFFICER, "request_information", PAYLOADS["request_information"])
    attached = client.post(f"/api/v1/cases/{road.reference}/attachments", headers=auth(CLINICIAN),
                           data={"file": (io.BytesIO(PDF), "alex-example-mri.pdf")})
    assert attached.status_code == 201, attached.json
    road.act(CLINICIAN, "provide_information", PAYLOADS["provide_information"])
    road.act(OFFICER, "confirm_complete")
    road.act(OFFICER, "refer_for_chairs_action", REASON)
    return road


@pytest.mark.parametrize("chair", CHAIRS)
def test_a_chair_reads_the_case_on_the_api_as_its_pack_shows_it_and_no_identifier(
        client, auth, urgent, application, chair):
    response = client.get(f"/api/v1/cases/{urgent.reference}", headers=auth(chair))
    assert response.status_code == 200
    assert_no_identifier(response.text, application)
    case = response.json
    assert case["deidentified"] is True
    assert case["answers"]["patient"] == {"age_in_years": case["answers"]["patient"]["age_in_years"],
                                          "sex": "female"}
    assert case["answers"]["clinician"] == {"role": "consultant",
                                            "provider_trust": application["clinician"]["provider_trust"]}
    assert case["answers"]["diagnosis"] == application["diagnosis"]  # the clinical case stays
    assert case["attachments"] == [] and case["letters"] == []
    assert {"approve", "decline"} <= {action["action"] for action in case["allowed_actions"]}
    assert case["clocks"] and case["state"] == "chairs_action"


def test_the_case_officer_still_reads_the_identifiable_case(client, auth, urgent, application):
    case = urgent.case(OFFICER)
    assert case["deidentified"] is False
    assert case["answers"]["patient"]["given_name"] == application["patient"]["given_name"]
    assert case["answers"]["clinician"]["email"] == application["clinician"]["email"]
    assert case["attachments"]


@pytest.mark.parametrize("chair", CHAIRS)
def test_a_chair_gets_no_file_or_letter_of_the_case(app, client, auth, urgent, run_jobs, chair):
    urgent.act(CHAIR, "approve", PAYLOADS["approve"])
    run_jobs()  # the outcome letter
    officer_view = urgent.case(OFFICER)
    attachment, letter = officer_view["attachments"][0]["id"], officer_view["letters"][0]["id"]
    files = (f"/cases/{urgent.reference}/attachments/{attachment}",
             f"/cases/{urgent.reference}/letters/{letter}")
    nobody = client.get(f"/api/v1/cases/IFR-2026-999999/letters/{letter}", headers=auth(chair))
    for path in files:
        refused = client.get(f"/api/v1{path}", headers=auth(chair))
        assert (refused.status_code, refused.json) == (404, nobody.json), path
        assert client.get(f"/api/v1{path}", headers=auth(OFFICER)).status_code == 200
    person = Person(app.test_client(), chair)
    for path in files:
        person.open(path, expect=404)


@pytest.mark.parametrize("chair", CHAIRS)
def test_a_chairs_case_page_shows_the_clinical_case_and_no_identifier(app, urgent, application, chair):
    page = Person(app.test_client(), chair).open(f"/cases/{urgent.reference}")
    assert_no_identifier(page, application)
    assert "alex-example-mri.pdf" not in page and "/letters/" not in page and "/attachments/" not in page
    assert application["diagnosis"]["icd10_code"] in page and "Patient&#39;s age" in page
    assert "the requesting clinician" in page  # the timeline names the clinician to nobody on the panel


def test_a_chair_takes_chairs_action_on_the_api_and_its_answer_carries_no_identifier(
        client, auth, urgent, application):
    form = client.get(f"/api/v1/cases/{urgent.reference}", headers=auth(CHAIR))
    assert_no_identifier(form.text, application)
    decided = urgent.act(CHAIR, "approve", PAYLOADS["approve"])
    assert decided.json["state"] == "approved" and decided.json["deidentified"] is True
    assert_no_identifier(decided.text, application)


def test_a_chair_takes_chairs_action_on_the_pages_and_sees_no_identifier(app, urgent, application):
    chair = Person(app.test_client(), CHAIR)
    form = chair.open(f"/cases/{urgent.reference}/actions/decline")
    assert_no_identifier(form, application)
    done = chair.submit(f"/cases/{urgent.reference}/actions/decline",
                        {**findings_form("no"), "summary": "Not clinically exceptional.", "_step": "confirm"},
                        expect=302,
                        follow_redirects=False)
    page = chair.client.get(done.headers["Location"])
    assert page.status_code == 200 and "Declined" in page.text
    assert_no_identifier(page.text, application)


def test_a_review_chair_considers_and_decides_a_review_on_the_pages_and_sees_no_identifier(
        app, client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    road.act(CHAIR, "decline", PAYLOADS["decline"])
    road.act(CLINICIAN, "request_review", PAYLOADS["request_review"])
    reviewer = Person(app.test_client(), REVIEW_CHAIR)
    page = reviewer.open(f"/cases/{road.reference}")
    assert f"/cases/{road.reference}/actions/refer_to_review_panel" in page
    assert "second-line trial data" in page  # the grounds of the review: the case to decide stays
    assert_no_identifier(page, application)
    reviewer.submit(f"/cases/{road.reference}/actions/refer_to_review_panel", {
        "grounds_considered.evidence_not_considered.finding": "yes",
        "grounds_considered.evidence_not_considered.reasons": "The pack's index lists no trial data.",
        "_step": "confirm"}, expect=302)
    road.hold_review_meeting()
    page = reviewer.open(f"/cases/{road.reference}")
    assert f"/cases/{road.reference}/actions/remit_on_review" in page
    done = reviewer.submit(f"/cases/{road.reference}/actions/remit_on_review",
                           {**PAYLOADS["remit_on_review"], "_step": "confirm"}, expect=302)
    after = reviewer.client.get(done.headers["Location"])
    assert after.status_code == 200
    assert_no_identifier(after.text, application)
    assert road.case(OFFICER)["state"] == "ready_for_panel"


def test_a_chairs_work_queue_carries_no_identifier(app, client, auth, urgent, application):
    queue = client.get("/api/v1/hubs/london/queue", headers=auth(CHAIR))
    assert queue.status_code == 200 and urgent.reference in queue.text
    assert_no_identifier(queue.text, application)
    page = Person(app.test_client(), CHAIR).open("/queue")
    assert urgent.reference in page
    assert_no_identifier(page, application)


def test_identifiers_typed_into_free_text_reach_neither_the_pack_nor_a_chairs_view(
        app, client, auth, application):
    """The pack leaves out the patient's section, but a clinician may type the patient's NHS number,
    name and date of birth into an answer, and an officer into a screening note: each is taken out."""
    application["clinical_case"]["exceptionality"] = (
        "Alex Example (NHS 9990000018, born 12/04/1968) is unlike others; Mrs Example, born 12 April "
        "1968, NHS 999-000-0018.")
    application["clinical_case"]["treatments_tried"][0]["outcome"] = "Alex responded, then progressed."
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.screen("screen_to_panel", {"reason": "Alex Example's case is exceptional (9990000018)."})
    meeting = road.hold_meeting()
    typed = ["9990000018", "999-000-0018", "12/04/1968", "12 April 1968", "Alex", "Mrs Example"]
    pack = client.get(f"/api/v1/meetings/{meeting['id']}/pack", headers=auth("demo-panel-lay-member"))
    chair = client.get(f"/api/v1/cases/{road.reference}", headers=auth(CHAIR))
    person = Person(app.test_client(), CHAIR)
    page = person.open(f"/panel/meetings/{meeting['id']}/cases/{road.reference}")
    case_page = person.open(f"/cases/{road.reference}")  # its timeline shows the screening note
    assert "[name removed]&#39;s case is exceptional" in case_page
    mine = next(case for case in pack.json["cases"] if case["reference"] == road.reference)
    for shown in (json.dumps(mine), chair.text, page, case_page):
        for identifier in typed:
            assert identifier not in shown, identifier
    assert mine["application"]["clinical_case"]["exceptionality"] == (
        "[name removed] (NHS [NHS number removed], born [date of birth removed]) is unlike others; "
        "[name removed], born [date of birth removed], NHS [NHS number removed].")
    assert "[name removed]'s case is exceptional" in json.dumps(mine["screening_notes"])
    officer = client.get(f"/api/v1/cases/{road.reference}", headers=auth(OFFICER)).json
    assert officer["answers"]["clinical_case"]["exceptionality"].startswith("Alex Example (NHS 9990000018")
