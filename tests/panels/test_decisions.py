"""A panel decides coherently: it applies one branch of the exceptionality test (against a policy, or
no policy or a rare condition), an approval needs every criterion of that branch met and a decline at
least one not met, unless the chair records why the decision departs from the findings; and before
the decision (whose letter goes to the clinician) the chair checks what will be recorded and sent."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import CaseEvent
from tests.builders import CHAIR, DECISION, OFFICER, PAYLOADS, Road, findings
from tests.letters.test_letters import letter_of, pdf_text
from tests.panels.test_chair_access import findings_form
from tests.panels.test_conflicts import declare
from tests.web.browsing import Person

DEPARTURE = "The drug is the only option left and the evidence gap is in a rare subgroup."


@pytest.fixture
def road(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel()
    return road


def with_finding(payload: dict, criterion: str, finding: str) -> dict:
    changed = {key: dict(value) if isinstance(value, dict) else value
               for key, value in payload["findings"].items()}
    changed[criterion]["finding"] = finding
    return {**payload, "findings": changed}


def fields_of(response) -> set[str]:
    return {error["field"] for error in response.json["errors"]}


def test_an_approval_with_a_no_finding_is_refused_naming_the_finding_and_the_departure_reason(road):
    refused = road.act(CHAIR, "approve", with_finding(DECISION, "significantly_more_benefit", "no"),
                       expect=422)
    assert fields_of(refused) == {"findings.significantly_more_benefit.finding", "departure_reason"}
    assert road.case()["state"] == "ready_for_panel"


def test_an_approval_with_conditions_is_an_approval_too(road):
    payload = with_finding(PAYLOADS["approve_with_conditions"], "significantly_different", "no")
    refused = road.act(CHAIR, "approve_with_conditions", payload, expect=422)
    assert "findings.significantly_different.finding" in fields_of(refused)


def test_a_decline_with_every_finding_yes_is_refused(road):
    refused = road.act(CHAIR, "decline", {"findings": findings("yes"), "summary": "Not exceptional."},
                       expect=422)
    assert fields_of(refused) == {"findings", "departure_reason"}


def test_a_departure_from_the_findings_stands_when_the_chair_says_why(road, in_db):
    payload = {**with_finding(DECISION, "significantly_more_benefit", "no"), "departure_reason": DEPARTURE}
    assert road.act(CHAIR, "approve", payload).json["state"] == "approved"

    def recorded():
        return db.session().exec(select(CaseEvent).where(CaseEvent.name == "decision_recorded")).one().payload

    assert in_db(recorded)["departure_reason"] == DEPARTURE  # the letter and the minutes read this


def test_the_letter_gives_the_reason_a_decision_departs_from_the_findings(road, run_jobs):
    departing = {**with_finding(DECISION, "significantly_more_benefit", "no"), "departure_reason": DEPARTURE}
    road.act(CHAIR, "approve", departing)
    run_jobs()
    _, content = letter_of(road)
    text = " ".join(pdf_text(content).split())
    assert "Why the decision departs from the findings" in text and "rare subgroup" in text


def test_a_coherent_decision_needs_no_departure_reason(road):
    assert road.act(CHAIR, "decline", PAYLOADS["decline"]).json["state"] == "declined"


def test_the_minutes_show_why_a_decision_departs_from_the_findings(road, client):
    departing = {**with_finding(DECISION, "significantly_more_benefit", "no"), "departure_reason": DEPARTURE}
    road.act(CHAIR, "approve", departing)
    minutes = Person(client, OFFICER).open(f"/panel/meetings/{road.meeting['id']}/minutes")
    assert "Why the decision departs from the findings" in minutes and DEPARTURE in minutes


def test_the_decision_page_refuses_an_incoherent_approval_with_the_field_named(road, client):
    chair = Person(client, CHAIR)
    url = f"/cases/{road.reference}/actions/approve"
    form = {**findings_form("yes"), "findings.significantly_more_benefit.finding": "no",
            "summary": "Funded for twelve months."}
    page = chair.submit(url, form, expect=422).text
    assert "There is a problem" in page
    assert 'href="#field-departure_reason"' in page
    assert 'href="#field-findings-significantly_more_benefit-finding"' in page
    assert "Enter why the approval departs from the findings" in page


def test_a_decision_is_checked_before_it_is_confirmed_and_confirmed_once(road, client, in_db):
    chair = Person(client, CHAIR)
    url = f"/cases/{road.reference}/actions/approve"
    form = {**findings_form("yes"), "summary": "Funded for twelve months.", "_step": "check"}
    check = chair.submit(url, form, expect=200).text
    assert "Check before you confirm" in check and "Confirm and send the letter" in check
    assert "Funded for twelve months." in check and "Approved" in check
    assert "The panel, at its meeting of" in check
    assert road.case()["state"] == "ready_for_panel"  # nothing recorded yet
    change = chair.submit(url, {**form, "_step": "change"}, expect=200).text
    assert "Funded for twelve months." in change
    assert 'name="findings.significantly_more_benefit.finding"' in change
    hidden = dict(re.findall(r'<input type="hidden" name="([^"_][^"]*)" value="([^"]*)">', check))
    for _ in range(2):  # Confirm pressed twice
        done = chair.submit(url, {**hidden, "_step": "confirm"}, form_page=url)
        assert done.status_code == 302
    assert road.case()["state"] == "approved"

    def decisions():
        return len(db.session().exec(select(CaseEvent).where(CaseEvent.name == "decision_recorded")).all())

    assert in_db(decisions) == 1


def test_a_conflicted_chair_cannot_confirm_a_decision(road, client, auth):
    declare(road, road.meeting, OFFICER, CHAIR)
    chair = Person(client, CHAIR)
    url = f"/cases/{road.reference}/actions/approve"
    refused = chair.client.post(url, data={**findings_form("yes"), "summary": "Funded for a year.",
                                           "_step": "confirm", "csrf_token": _token(chair, "/queue")})
    assert refused.status_code == 409
    assert "you declared an interest" in refused.text and "What would fix it" in refused.text
    assert road.case()["state"] == "ready_for_panel"


def test_the_pack_says_why_a_case_cannot_be_decided_and_what_would_fix_it(client, auth, application):
    road = Road(client, auth, application)
    road.to_panel(hold_meeting=False)
    meeting = road.hold_meeting(absent=("demo-panel-pharmacist",))
    pack = Person(client, CHAIR).open(f"/panel/meetings/{meeting['id']}/cases/{road.reference}")
    assert f"/cases/{road.reference}/actions/approve" not in pack
    assert "You cannot record this decision yet" in pack
    assert "lacks pharmacist or clinician" in pack and "What would fix it" in pack


def _token(person: Person, page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', person.open(page)).group(1)
