"""The policy road as NHS England's method for national clinical policies has it (workflows/policy.yaml):
the CET triages a cohort and proposes it; NHS England's specialised commissioning policy team commissions
the evidence review, takes the proposition to the Clinical Panel, runs the impact analysis, stakeholder
testing and consultation, and records CPAG's recommendation and the commissioning committee's decision
with the dates of their meetings. Each stage is due within its target and refuses every other role;
items left on the 2013 road still show and move on; and the clinician of a case closed as a cohort, and
its hub, see the item's stage from the case page, without what the teams wrote."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from ifr_service.clock import add_working_days
from ifr_service.policy import queries
from ifr_service.policy.models import PolicyEvent
from ifr_service.users.queries import find_user
from ifr_service.web.display import nhs_date
from tests.builders import CLINICIAN, OFFICER, Road
from tests.policy.test_queue import AS_OF, CET, MET_ON, POLICY_LEAD, PUBLISH, ROAD, act, cohort  # noqa: F401
from tests.policy.test_views import item, state_of  # noqa: F401  (the fixture)
from tests.web.browsing import Person

# Everyone who is not the policy team: each is refused each of its actions.
NOT_THE_POLICY_TEAM = [CET, OFFICER, CLINICIAN, "demo-panel-chair", "demo-cdf-admin", "demo-admin"]
ANOTHER_TRUSTS_CLINICIAN = "demo-clinician-2"


def target_of(app, state: str) -> int | None:
    return app.extensions["ifr"].workflows["policy"].state(state).target_working_days


def test_each_stage_is_due_within_its_target_and_refuses_every_other_role(app, client, auth, item):  # noqa: F811
    for who in [POLICY_LEAD, OFFICER, "demo-admin"]:
        act(client, auth, item, "accept", who=who, expect=403)  # triage is the CET's
    accepted = act(client, auth, item, "accept")
    assert accepted["due_on"] == add_working_days(AS_OF, target_of(app, "accepted")).isoformat()
    for action, payload, state in [*ROAD, ("publish", PUBLISH, "published")]:
        for who in NOT_THE_POLICY_TEAM:
            act(client, auth, item, action, payload, who=who, expect=403)
        moved = act(client, auth, item, action, payload, who=POLICY_LEAD)
        target = target_of(app, state)
        assert (moved["state"], moved["due_on"]) == (
            state, add_working_days(AS_OF, target).isoformat() if target else None)
    events = client.get(f"/api/v1/cet/policy-queue/{item}", headers=auth(POLICY_LEAD)).json["events"]
    recorded = {event["name"]: event["payload"] for event in events}
    assert recorded["policy_clinical_panel_supported"]["meeting_on"] == MET_ON
    assert recorded["policy_cpag_recommended"]["recommendation"] == "routinely_commissioned"
    assert recorded["policy_published"]["decided_by"] == "National Commissioning Group"


def test_the_clinical_panel_may_send_the_proposition_back_and_consultation_may_be_left_out(
        client, auth, item, in_db):  # noqa: F811
    act(client, auth, item, "accept")
    for action, payload, _ in ROAD[:2]:
        act(client, auth, item, action, payload, who=POLICY_LEAD)
    returned = act(client, auth, item, "record_clinical_panel_return", {
        "meeting_on": MET_ON, "reason": "The proposition goes beyond the studies reviewed."}, who=POLICY_LEAD)
    assert returned["state"] == "evidence_review"
    for action, payload, _ in ROAD[1:4]:
        act(client, auth, item, action, payload, who=POLICY_LEAD)
    assert act(client, auth, item, "submit_to_cpag", ROAD[5][1], who=POLICY_LEAD)["state"] == "cpag"


def test_a_meeting_not_yet_held_is_refused_naming_the_field_and_changes_nothing(client, auth, item, in_db):  # noqa: F811
    act(client, auth, item, "accept")
    for action, payload, _ in ROAD[:2]:
        act(client, auth, item, action, payload, who=POLICY_LEAD)
    before = state_of(in_db, item)
    tomorrow = (AS_OF + timedelta(days=1)).isoformat()
    refused = act(client, auth, item, "record_clinical_panel_support", {"meeting_on": tomorrow},
                  who=POLICY_LEAD, expect=422)
    assert [error["field"] for error in refused["errors"]] == ["meeting_on"]
    missing = act(client, auth, item, "record_cpag_recommendation", {}, who=POLICY_LEAD, expect=409)
    assert "record_clinical_panel_support" in missing["allowed_actions"]  # not CPAG's turn yet
    assert state_of(in_db, item) == before


# What an item that stopped on the 2013 road had recorded, by the state it stopped in.
OLD_EVENTS = [("policy_assigned_to_crg", "accepted", "assigned_to_crg", {"crg_code": "CTY"}),
              ("policy_evidence_review_started", "assigned_to_crg", "evidence_review", {}),
              ("policy_drafted", "evidence_review", "draft_policy",
               {"summary": "Fund for ROS1-positive disease after crizotinib, as drafted in 2025."}),
              ("policy_submitted_to_board", "draft_policy", "board_review", {})]


def on_the_2013_road(in_db, reference: str, state: str) -> None:
    """The item as the 2013 road left it in `state`: its CRG, its state and the old events."""
    def arrange():
        found, analyst = queries.get_item(reference), find_user(CET)
        found.state, found.crg_code = state, "CTY"
        for name, from_state, to_state, payload in OLD_EVENTS:
            queries.record_event(PolicyEvent(item_id=found.id, name=name, actor_id=analyst.id,
                                             from_state=from_state, to_state=to_state, payload=payload))
            if to_state == state:
                break

    in_db(arrange)


@pytest.mark.parametrize(("state", "title", "next_action", "next_state"), [
    ("assigned_to_crg", "Assigned to a Clinical Reference Group (2013 road)", "commission_evidence_review",
     "evidence_review"),
    ("draft_policy", "Draft policy (2013 road)", "submit_to_clinical_panel", "clinical_panel"),
    ("board_review", "Programme of Care board (2013 road)", "submit_to_clinical_panel", "clinical_panel"),
])
def test_an_item_left_on_the_2013_road_still_shows_and_moves_on_to_the_current_method(
        client, auth, item, in_db, state, title, next_action, next_state):  # noqa: F811
    act(client, auth, item, "accept")
    on_the_2013_road(in_db, item, state)
    lead = Person(client, POLICY_LEAD)
    page = lead.open(f"/cet/policy-queue/{item}")
    assert title in page and "A stage of the 2013 process" in page
    assert "Assigned to a Clinical Reference Group (2013 road)" in page  # its history reads in full
    assert item in lead.open(f"/cet/policy-queue?state={state}")
    found = client.get(f"/api/v1/cet/policy-queue/{item}", headers=auth(POLICY_LEAD)).json
    assert (found["state"], found["state_title"]) == (state, title)
    assert [a["action"] for a in found["allowed_actions"]] == [next_action, "not_take_forward"]
    # The CET analyst publishing from the board has no counterpart now: nothing is left for the CET.
    assert client.get(f"/api/v1/cet/policy-queue/{item}", headers=auth(CET)).json["allowed_actions"] == []
    act(client, auth, item, "publish", PUBLISH, who=CET, expect=409)
    payload = {"proposition": "Fund for ROS1-positive disease after crizotinib."} if (
        next_action == "submit_to_clinical_panel") else {}
    act(client, auth, item, next_action, payload, who=CET, expect=403)
    moved = act(client, auth, item, next_action, payload, who=POLICY_LEAD)
    assert (moved["state"], moved["crg_code"]) == (next_state, "CTY")  # the CRG it had is kept


def test_an_item_in_a_2013_state_shows_what_the_old_road_recorded(client, auth, item, in_db):  # noqa: F811
    act(client, auth, item, "accept")
    on_the_2013_road(in_db, item, "board_review")
    page = Person(client, POLICY_LEAD).open(f"/cet/policy-queue/{item}")
    assert "Draft policy recorded (2013 road)" in page
    assert "<strong>What the draft policy proposes:</strong> Fund for ROS1-positive disease" in page
    assert "Submitted to the Programme of Care board (2013 road)" in page


def test_the_clinician_of_a_case_closed_as_a_cohort_and_its_hub_see_the_policy_stage(
        client, auth, application, calendar):
    calendar.set(AS_OF)
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.screen("screen_cohort", {"cohort_description": "ROS1-positive NSCLC after crizotinib.",
                                  "reason": "A question for national policy."})
    [queued] = client.get("/api/v1/cet/policy-queue", headers=auth(CET)).json["items"]
    reference = queued["reference"]
    clinician = Person(client, CLINICIAN)
    page = clinician.open(f"/cases/{road.reference}")
    assert f"National policy development: {reference}" in page
    assert re.search(r"Stage: <strong>Candidate</strong>, since " + nhs_date(AS_OF), page)

    act(client, auth, reference, "accept", {"notes": "Internal: worth a policy, costs look high."})
    act(client, auth, reference, "commission_evidence_review", {"reviewer": "Reviewer Ltd, contract 42"},
        who=POLICY_LEAD)
    for person in (clinician, Person(client, OFFICER)):
        page = person.open(f"/cases/{road.reference}")
        assert "Stage: <strong>Clinical evidence review</strong>" in page
        assert "An independent review of the clinical evidence has been commissioned" in page
        assert "Internal: worth a policy" not in page and "Reviewer Ltd" not in page
        assert "Chris Morgan" not in page  # nor who owns the work

    act(client, auth, reference, "not_take_forward", {"reason": "Internal: a national review is planned."},
        who=POLICY_LEAD)
    page = Person(client, CLINICIAN).open(f"/cases/{road.reference}")
    assert "Finished: <strong>Not taken forward</strong>" in page and "national review is planned" not in page
    onward = client.get(f"/api/v1/cases/{road.reference}", headers=auth(CLINICIAN)).json["onward"]
    assert onward == [{"heading": "National policy development", "reference": reference,
                       "stage": "Not taken forward", "final": True, "since": AS_OF.isoformat(),
                       "meaning": "NHS England decided not to develop a national policy for this cohort."}]
    # Another trust's clinician sees nothing of the case, its stage included.
    assert Person(client, ANOTHER_TRUSTS_CLINICIAN).client.get(f"/cases/{road.reference}").status_code == 404


def test_a_case_not_closed_as_a_cohort_shows_no_policy_stage(client, auth, cohort):  # noqa: F811
    """The live case of the cohort is open at the hub: the item exists, but the case was not closed
    into it, so its page says nothing of policy development."""
    live = cohort["live_case"].reference
    assert "National policy development" not in Person(client, CLINICIAN).open(f"/cases/{live}")
    assert "National policy development" not in Person(client, OFFICER).open(f"/cases/{live}")
    assert client.get(f"/api/v1/cases/{live}", headers=auth(OFFICER)).json["onward"] == []
