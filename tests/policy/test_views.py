"""The policy-development queue's pages: the queue, an item with its evidence and timeline, the
actions the workflow allows, and the library of published policies."""

from __future__ import annotations

import re

import pytest

from ifr_service.policy import queries
from ifr_service.policy.jobs import file_cohort_candidates
from ifr_service.policy.models import PolicyItem
from ifr_service.web.display import nhs_date
from tests.builders import CLINICIAN, OFFICER, Road
from tests.cet.test_import import csv_lines, load
from tests.policy.test_queue import (
    AS_OF,
    CET,
    COHORT,
    HISTORY_DATES,
    POLICY_LEAD,
    PUBLISH,
    ROAD,
    TRIAGE_DUE,
    act,
)
from tests.web.browsing import Person


@pytest.fixture
def item(app, client, auth, application, calendar) -> str:
    """The example IFR's treatment requested four times before, from London and Yorkshire and
    Humber, and once now: filed as a candidate."""
    calendar.set(AS_OF)
    load(app, csv_lines(*COHORT))
    Road(client, auth, application)
    with app.app_context():
        [reference] = file_cohort_candidates(AS_OF)["new"]
    return reference


@pytest.fixture
def analyst(client):
    return Person(client, CET)


def state_of(in_db, reference: str) -> tuple[str, int]:
    def read():
        found = queries.get_item(reference)
        return found.state, len(queries.find_events(found))

    return in_db(read)


def test_the_queue_lists_each_item_with_its_state_priority_and_due_date(item, analyst):
    page = analyst.open("/cet/policy-queue")
    assert f'href="/cet/policy-queue/{item}"' in page and "1 item" in page
    assert "Example kinase inhibitor 600 mg capsules" in page and ">C34<" in page
    assert re.search(r'<strong class="nhsuk-tag[^"]*"\s*>\s*Candidate\s*</strong>', page)
    assert "No owner yet" in page and nhs_date(TRIAGE_DUE) in page  # 20 working days from today


def test_the_queue_is_filtered_by_state(item, analyst):
    assert "No items match." in analyst.open("/cet/policy-queue?state=accepted")
    assert item in analyst.open("/cet/policy-queue?state=candidate")
    assert analyst.client.get("/cet/policy-queue?state=colour").status_code == 422


def test_the_queue_pages_through_items_highest_priority_first(analyst, in_db):
    def file_many():
        for number in range(27):
            queries.create_item_once(PolicyItem(
                reference=f"POL-2026-{number:04d}", state="candidate", intervention_key=f"drug {number}",
                icd10_category="C50", title=f"Drug {number} for C50", priority_score=number, evidence={}))

    in_db(file_many)
    first = analyst.open("/cet/policy-queue")
    assert "27 items" in first and "POL-2026-0026" in first and "POL-2026-0001" not in first
    assert "Page 2 of 2" in first
    second = analyst.open("/cet/policy-queue?page=2")
    assert "POL-2026-0001" in second and "POL-2026-0000" in second and "POL-2026-0026" not in second


def test_an_item_shows_its_evidence_timeline_and_the_actions_allowed_now(item, analyst):
    page = analyst.open(f"/cet/policy-queue/{item}")
    assert f"{item}: Example kinase inhibitor 600 mg capsules for C34" in page
    first_received = HISTORY_DATES[0][0]
    assert f"5, received from {first_received:%-d %B %Y} to {AS_OF:%-d %B %Y}" in page
    assert "London, Yorkshire and Humber" in page and "£262,400.00" in page
    assert "2 approved of 4 decided (50.0%)" in page
    assert "100.0 percentage points between the highest and the lowest" in page
    assert "HIST-0" in page and "Filed as a cohort candidate" in page
    assert f'href="/cet/policy-queue/{item}/actions/accept"' in page
    assert f'href="/cet/policy-queue/{item}/actions/close"' in page
    assert "actions/publish" not in page


def test_accepting_an_item_makes_the_analyst_chosen_its_owner_and_returns_to_the_item(item, analyst, in_db):
    form = analyst.open(f"/cet/policy-queue/{item}/actions/accept")
    assert re.search(r'<input[^>]*name="owner"[^>]*value="demo-cet"', form) and "Chris Morgan" in form
    assert 'name="notes"' in form and "checked" not in form  # no one is chosen for you
    response = analyst.submit(f"/cet/policy-queue/{item}/actions/accept",
                              {"owner": "demo-cet", "notes": "Worth a policy."}, expect=302)
    assert response.headers["Location"].endswith(f"/cet/policy-queue/{item}")
    page = analyst.open(f"/cet/policy-queue/{item}")
    assert "Propose as a national policy topic: done." in page and "Worth a policy." in page
    assert re.search(r"Owner\s*</dt>\s*<dd[^>]*>\s*Chris Morgan", page)  # by name, never the username
    assert "<strong>The CET analyst who owns the work:</strong> Chris Morgan" in page  # the timeline too
    assert state_of(in_db, item) == ("accepted", 2)
    assert "Proposed to the specialised commissioning policy team" in page
    assert "/actions/" not in page  # what comes next is the policy team's


def test_a_policy_action_with_a_missing_reason_names_the_field_and_changes_nothing(item, analyst, in_db):
    response = analyst.submit(f"/cet/policy-queue/{item}/actions/close", {"reason": "  "}, expect=422)
    assert "There is a problem" in response.text and 'href="#field-reason"' in response.text
    assert "Enter why no policy is needed" in response.text
    assert state_of(in_db, item) == ("candidate", 1)


def test_an_owner_who_is_not_a_cet_analyst_names_the_field_and_changes_nothing(item, analyst, in_db):
    response = analyst.submit(f"/cet/policy-queue/{item}/actions/accept", {"owner": OFFICER}, expect=422)
    assert 'href="#field-owner"' in response.text
    assert f"The owner must be one of the CET&#39;s active analysts, named by username or by name: " \
           f"&#39;{OFFICER}&#39; is not one." in response.text
    assert state_of(in_db, item) == ("candidate", 1)


def test_accepting_with_no_owner_chosen_asks_for_one_and_changes_nothing(item, analyst, in_db):
    response = analyst.submit(f"/cet/policy-queue/{item}/actions/accept", {"notes": "Worth a policy."},
                              expect=422)
    assert 'href="#field-owner"' in response.text
    assert "Choose the CET analyst who owns the work." in response.text
    assert "Worth a policy." in response.text  # what was typed is kept
    assert state_of(in_db, item) == ("candidate", 1)


def test_an_action_the_state_does_not_allow_is_refused_before_its_form(item, analyst):
    response = analyst.client.get(f"/cet/policy-queue/{item}/actions/publish")
    assert response.status_code == 409 and "while it is candidate" in response.text
    assert analyst.client.get(f"/cet/policy-queue/{item}/actions/fly").status_code == 404
    assert analyst.client.get("/cet/policy-queue/POL-1999-0001").status_code == 404


def test_a_published_policy_is_in_the_library_any_signed_in_user_can_read(item, client, auth):
    act(client, auth, item, "accept")
    for action, payload, _ in ROAD:
        act(client, auth, item, action, payload, who=POLICY_LEAD)
    lead = Person(client, POLICY_LEAD)
    year, month, day = PUBLISH["meeting_on"].split("-")
    lead.submit(f"/cet/policy-queue/{item}/actions/publish", {
        **PUBLISH, "meeting_on[day]": day, "meeting_on[month]": month, "meeting_on[year]": year,
        "title": "Kinase inhibitor for ROS1-positive lung cancer"}, expect=302)
    assert "Published as NCP-" in lead.open(f"/cet/policy-queue/{item}")
    library = Person(client, CLINICIAN).open("/policies")
    assert "Kinase inhibitor for ROS1-positive lung cancer" in library and "Routinely commissioned" in library


def test_a_clinician_cannot_open_the_queue_or_act_on_an_item(item, client):
    clinician = Person(client, CLINICIAN)
    assert clinician.client.get("/cet/policy-queue").status_code == 403
    assert clinician.client.get(f"/cet/policy-queue/{item}").status_code == 403
    assert clinician.client.get(f"/cet/policy-queue/{item}/actions/accept").status_code == 403
