"""A case is assigned to a case officer of its hub, through the service, with an event in its history;
"my cases" on the queue lists what is assigned to the person looking."""

from __future__ import annotations

import re

import pytest

from tests.builders import CHAIR, CLINICIAN, DECISION, OFFICER, Road
from tests.web.browsing import CSRF, Person

HUB_LEAD = "demo-hub-lead"  # Jordan Hale, another case officer of the London hub


@pytest.fixture
def road(client, auth, application) -> Road:
    return Road(client, auth, application)


def assign(client, auth, road: Road, who: str, assignee: str | None, expect: int = 200):
    response = client.put(f"/api/v1/cases/{road.reference}/assignment", json={"assigned_to": assignee},
                          headers=auth(who))
    assert response.status_code == expect, response.json
    return response.json


def assignment_events(app, road: Road) -> list[tuple[str, str | None]]:
    from sqlmodel import select

    from ifr_service import db
    from ifr_service.cases.models import Case, CaseEvent

    with app.app_context(), db.unit_of_work(app.extensions["ifr"].engine):
        case = db.session().exec(select(Case).where(Case.reference == road.reference)).one()
        rows = db.session().exec(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.name.like("case_%assigned"))
                                 .order_by(CaseEvent.sequence))
        return [(row.name, row.payload["assigned_to"]) for row in rows]


def test_an_officer_assigns_a_case_to_themselves_and_finds_it_under_my_cases(app, client, auth, road):
    answer = assign(client, auth, road, OFFICER, OFFICER)
    assert answer == {"reference": road.reference,
                      "assigned_to": {"username": OFFICER, "display_name": "Sam Patel"}}
    assert road.case()["assigned_to"]["username"] == OFFICER
    assert assignment_events(app, road) == [("case_assigned", OFFICER)]
    officer = Person(client, OFFICER)
    assert road.reference in officer.open("/queue?assigned=me")
    assert road.reference not in officer.open("/queue?assigned=nobody")
    assert road.reference not in Person(client, HUB_LEAD).open("/queue?assigned=me")


def test_assigning_to_whoever_has_it_already_records_nothing_more(app, client, auth, road):
    assign(client, auth, road, OFFICER, OFFICER)
    assign(client, auth, road, OFFICER, OFFICER)
    assert assignment_events(app, road) == [("case_assigned", OFFICER)]


def test_a_case_is_reassigned_and_unassigned_each_with_its_event(app, client, auth, road):
    assign(client, auth, road, OFFICER, OFFICER)
    assign(client, auth, road, OFFICER, HUB_LEAD)
    assert assign(client, auth, road, HUB_LEAD, None)["assigned_to"] is None
    assert assignment_events(app, road) == [("case_assigned", OFFICER), ("case_assigned", HUB_LEAD),
                                            ("case_unassigned", None)]
    timeline = Person(client, OFFICER).open(f"/cases/{road.reference}")
    assert "Assigned to Jordan Hale" in timeline and "No longer assigned to anyone" in timeline


def test_an_officer_of_another_hub_cannot_assign_the_case_nor_learn_it_exists(app, client, auth, road):
    refused = assign(client, auth, road, "officer-north-west", "officer-north-west", expect=404)
    assert refused["errors"][0]["message"] == "There is no case with that reference."
    assert assignment_events(app, road) == []


@pytest.mark.parametrize("assignee", [CHAIR, "officer-north-west", CLINICIAN, "nobody-at-all", "x" * 100])
def test_only_a_case_officer_of_the_cases_hub_can_be_assigned_it(app, client, auth, road, assignee):
    refused = assign(client, auth, road, OFFICER, assignee, expect=422)
    assert refused["errors"] == [{"field": "assigned_to",
                                  "message": "Choose a case officer of this case's hub."}]
    assert assignment_events(app, road) == []


def test_an_overlong_or_malformed_assignee_is_refused_naming_the_field(client, auth, road):
    overlong = assign(client, auth, road, OFFICER, "x" * 10_000, expect=422)
    assert overlong["errors"][0]["field"] == "assigned_to"
    assert assign(client, auth, road, OFFICER, 42, expect=422)["errors"][0]["field"] == "assigned_to"
    response = client.put(f"/api/v1/cases/{road.reference}/assignment", json={}, headers=auth(OFFICER))
    assert response.status_code == 422 and response.json["errors"][0]["field"] == "assigned_to"


def test_a_panel_chair_or_a_clinician_cannot_assign(client, auth, road):
    assign(client, auth, road, CHAIR, OFFICER, expect=403)
    assign(client, auth, road, CLINICIAN, OFFICER, expect=403)


def test_a_case_that_has_ended_is_not_assigned(client, auth, road):
    road.to_panel()
    road.act(CHAIR, "approve", DECISION)
    road.act(OFFICER, "close", {})
    assert assign(client, auth, road, OFFICER, OFFICER, expect=409)["errors"][0]["message"].startswith(
        "This case has ended")


def test_the_case_page_assigns_once_however_often_the_button_is_pressed(app, client, auth, road):
    officer = Person(client, OFFICER)
    page = officer.open(f"/cases/{road.reference}")
    assert "Assign to me" in page and re.search(r"Assigned to\s*</dt>\s*<dd[^>]*>\s*Nobody", page)
    token = CSRF.search(page).group(1)
    for _ in range(2):  # a double click: the same form posted twice
        response = client.post(f"/cases/{road.reference}/assignment",
                               data={"assigned_to": OFFICER, "csrf_token": token})
        assert response.status_code == 302
    assert assignment_events(app, road) == [("case_assigned", OFFICER)]
    after = officer.open(f"/cases/{road.reference}")
    assert "is assigned to you" in after and "Assign to me" not in after
    assert re.search(r"Assigned to\s*</dt>\s*<dd[^>]*>\s*Sam Patel", after)


def test_the_case_page_offers_no_assignment_to_those_who_may_not_assign(client, auth, road):
    assert "Assign to me" in Person(client, HUB_LEAD).open(f"/cases/{road.reference}")  # an officer may
    road.to_panel(hold_meeting=False)
    chair_page = Person(client, CHAIR).open(f"/cases/{road.reference}")
    assert "Assign to me" not in chair_page
    assert "Assign to me" not in Person(client, CLINICIAN).open(f"/cases/{road.reference}")
