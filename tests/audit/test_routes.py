"""The auditor searches the audit log through the API, per case and per person; nobody else can."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ifr_service.clock import ENGLAND
from tests.builders import CDF_ADMIN, CLINICIAN, OFFICER, TRUST_APPROVER, Road, through_trust

AUDITOR = "demo-auditor"
OTHER_TRUSTS_CLINICIAN = "demo-clinician-2"


def search(client, auth, who: str = AUDITOR, **query):
    return client.get("/api/v1/audit", query_string=query, headers=auth(who))


def new_events(response, audit_log) -> list[dict]:
    assert response.status_code == 200, response.json
    return [event for event in response.json["events"] if event["id"] > audit_log.start]


@pytest.fixture
def read_and_refused(client, auth, application) -> Road:
    """A case its clinician read, and another trust's clinician asked for."""
    road = Road(client, auth, application)
    client.get(f"/api/v1/cases/{road.reference}", headers=auth(CLINICIAN))
    client.get(f"/api/v1/cases/{road.reference}", headers=auth(OTHER_TRUSTS_CLINICIAN))
    return road


def test_the_auditor_sees_who_touched_a_case_newest_first(client, auth, audit_log, read_and_refused):
    events = new_events(search(client, auth, case=read_and_refused.reference), audit_log)

    assert [(e["username"], e["action"], e["what"]) for e in events] == [
        (OTHER_TRUSTS_CLINICIAN, "denied", "api.cases.get_case"),
        (CLINICIAN, "read", "api.cases.get_case"),
        (TRUST_APPROVER, "change", "api.cases.take_action"),  # the trust's sign-off
        (CLINICIAN, "change", "api.cases.create_case")]
    assert events[0]["status_code"] == 404 and events[0]["address"] == "127.0.0.1"


def test_a_case_is_found_by_its_draft_reference_too(client, auth, application, audit_log):
    draft = client.post("/api/v1/cases", json=application, headers=auth(CLINICIAN)).json["reference"]
    submitted = through_trust(client, auth, client.post(f"/api/v1/cases/{draft}/submit",
                                                        headers=auth(CLINICIAN))).json["reference"]

    by_draft = new_events(search(client, auth, case=draft), audit_log)
    by_reference = new_events(search(client, auth, case=submitted), audit_log)

    assert by_draft == by_reference
    assert {e["case_reference"] for e in by_draft} == {draft, submitted}


def test_the_auditor_sees_what_one_person_did(client, auth, audit_log, read_and_refused):
    events = new_events(search(client, auth, user=OTHER_TRUSTS_CLINICIAN), audit_log)

    assert [(e["action"], e["case_reference"]) for e in events] == [("denied", read_and_refused.reference)]


def test_a_search_can_be_limited_to_days_in_england(client, auth, audit_log, read_and_refused):
    today = datetime.now(ENGLAND).date()
    reference = read_and_refused.reference

    today_only = search(client, auth, case=reference, **{"from": today, "to": today})
    from_tomorrow = search(client, auth, case=reference, **{"from": today + timedelta(days=1)})

    assert len(new_events(today_only, audit_log)) == 4
    assert new_events(from_tomorrow, audit_log) == []


def test_the_auditor_searches_by_a_name_an_organisation_or_an_action_and_reads_each_row_in_words(
        client, auth, audit_log, read_and_refused):
    reference = read_and_refused.reference

    by_name = new_events(search(client, auth, case=reference, user="tom okafor"), audit_log)
    by_trust = new_events(search(client, auth, case=reference, organisation="trust:RRV"), audit_log)
    today = datetime.now(ENGLAND).date()
    refusals_today = new_events(search(client, auth, action="denied", **{"from": today}), audit_log)

    assert [(e["username"], e["organisation"], e["done"]) for e in by_name] == [
        (OTHER_TRUSTS_CLINICIAN, "trust:RJ1", "Refused: read the case through the API")]
    assert [(e["done"], e["what"]) for e in by_trust] == [
        ("Read the case through the API", "api.cases.get_case"),
        ("Took the action through the API: Approve for the trust and send to NHS England",
         "api.cases.take_action"),
        ("Started an application through the API", "api.cases.create_case")]
    assert [(e["username"], e["case_reference"]) for e in refusals_today] == [
        (OTHER_TRUSTS_CLINICIAN, reference)]


@pytest.mark.parametrize("who", [CLINICIAN, OFFICER, CDF_ADMIN, "demo-cet", "demo-admin"])
def test_nobody_but_the_auditor_may_search_the_audit_log(client, auth, who):
    assert search(client, auth, who, user=CLINICIAN).status_code == 403


def test_searching_records_no_read_of_a_case(client, auth, audit_log, read_and_refused):
    before = len(audit_log.rows())
    search(client, auth, case=read_and_refused.reference)
    assert len(audit_log.rows()) == before


@pytest.mark.parametrize(("query", "field"), [
    ({}, "case"),
    ({"case": " "}, "case"),
    ({"user": CLINICIAN, "from": "yesterday"}, "from"),
    ({"user": CLINICIAN, "from": "2026-11-30", "to": "2026-11-01"}, "from"),
    ({"user": CLINICIAN, "page_size": "1000"}, "page_size"),
    ({"organisation": "RRV"}, "organisation"),
    ({"action": "refused"}, "action"),
])
def test_a_bad_search_is_a_422_naming_the_field(client, auth, query, field):
    response = search(client, auth, **query)

    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_the_api_takes_a_date_or_no_date_never_an_empty_one(client, auth, audit_log, read_and_refused):
    """An empty ?from= is no date: the document says a date, and the API keeps its document. The
    search page's empty boxes are the page's own matter (test_views)."""
    empty = search(client, auth, case=read_and_refused.reference, **{"from": ""})
    assert empty.status_code == 422
    assert [error["field"] for error in empty.json["errors"]] == ["from"]
    assert search(client, auth, case=read_and_refused.reference).status_code == 200
