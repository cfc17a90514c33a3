"""Cohorts become items of the policy-development queue, filed once; the items move through their
workflow by the same engine and roles as cases, and a published policy enters the library and is
flagged on the open IFR cases it answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ifr_service.cases.queries import find_last_event, get_case
from ifr_service.clock import add_working_days, today_in_england
from ifr_service.notifications.queries import find_notification
from ifr_service.policy.jobs import file_cohort_candidates
from tests.builders import Road
from tests.cet.test_import import GOOD, csv_lines, load

# Today: the live case is received on the real date (its submission's timestamp), which the cohort's
# window must hold.
AS_OF = today_in_england()
# The example IFR's treatment, requested before from two hubs: a cohort of five with the live case,
# the first of them 300 days before it.
HISTORY_DATES = [(AS_OF - timedelta(days=300 - 30 * i), AS_OF - timedelta(days=290 - 30 * i))
                 for i in range(4)]
TRIAGE_DUE = add_working_days(AS_OF, 20)
COHORT = [{**GOOD, "case_ref": f"HIST-{i}", "received_date": HISTORY_DATES[i][0].isoformat(),
           "decision_date": HISTORY_DATES[i][1].isoformat(),
           "intervention_name": "Example kinase inhibitor 600 mg capsules",
           "diagnosis_icd10": "C34.9", "commissioner": commissioner, "outcome": outcome, "urgency": "urgent",
           "estimated_cost_gbp": "50000.00", "crg_code": "CIC"}
          for i, (commissioner, outcome) in enumerate([
              ("NHS Camden CCG", "approved"), ("NHS Camden CCG", "approved"),
              ("NHS Leeds West CCG", "declined"), ("NHS Leeds West CCG", "declined")])]
CET = "demo-cet"
POLICY_LEAD = "demo-policy-lead"
MET_ON = (AS_OF - timedelta(days=1)).isoformat()  # the meetings whose outcomes the policy team records
# NHS England's method after the CET's triage (workflows/policy.yaml), as the policy team takes it:
# each action, what it records, and the state it leads to.
ROAD = [
    ("commission_evidence_review", {"reviewer": "NICE Commissioning Support Programme"}, "evidence_review"),
    ("submit_to_clinical_panel", {"proposition": "Fund for ROS1-positive disease after crizotinib."},
     "clinical_panel"),
    ("record_clinical_panel_support", {"meeting_on": MET_ON, "notes": "The proposition reflects the review."},
     "impact_analysis"),
    ("start_stakeholder_testing", {"impact": "About 40 patients a year; £2m a year at list price."},
     "stakeholder_testing"),
    ("open_public_consultation", {"closes_on": (AS_OF + timedelta(days=30)).isoformat()},
     "public_consultation"),
    ("submit_to_cpag", {"engagement": "Twelve responses; the starting criteria were clarified."}, "cpag"),
    ("record_cpag_recommendation", {"meeting_on": MET_ON, "recommendation": "routinely_commissioned"},
     "commissioning_decision"),
]
PUBLISH = {"decided_by": "National Commissioning Group", "meeting_on": MET_ON,
           "title": "Example kinase inhibitor for ROS1-positive lung cancer",
           "position": "routinely_commissioned",
           "criteria": "ROS1-positive NSCLC progressing after crizotinib; ECOG 0-2."}


@pytest.fixture
def cohort(app, client, auth, application, calendar):
    """Four historical requests and a live one: five, from London and Yorkshire and the Humber."""
    calendar.set(AS_OF)
    load(app, csv_lines(*COHORT))
    live = Road(client, auth, application)
    with app.app_context():
        filed = file_cohort_candidates(AS_OF)
    assert len(filed["new"]) == 1
    return {"reference": filed["new"][0], "live_case": live}


def act(client, auth, reference: str, action: str, payload: dict | None = None, who: str = CET,
        expect: int = 200) -> dict:
    response = client.post(f"/api/v1/cet/policy-queue/{reference}/actions/{action}", json=payload or {},
                           headers=auth(who))
    assert response.status_code == expect, response.json
    return response.json


def test_a_cohort_is_filed_once_with_its_evidence_and_priority(app, client, auth, cohort):
    item = client.get(f"/api/v1/cet/policy-queue/{cohort['reference']}", headers=auth(CET)).json
    assert (item["state"], item["intervention_key"], item["icd10_category"]) == (
        "candidate", "example kinase inhibitor 600 mg capsules", "C34")
    evidence = item["evidence"]
    assert (evidence["count"], evidence["hub_count"], evidence["approval_rate"]) == (5, 2, 0.5)
    # The cases were recorded under CIC (Complex Invasive Cardiology); lung cancer's CRG comes from
    # the ICD-10 mapping, not from what the cases happened to record.
    assert evidence["hub_approval_spread"] == 1.0 and item["suggested_crg_code"] == "TSY"
    assert item["suggestion_reason"].startswith("C34 falls in C33\u2013C34, malignant neoplasms of trachea")
    # 40 x 5/20 + 30 x £262,400/£1m + 20 x 1.0 + 10 x 4/5 urgent (the live case is routine)
    assert item["priority_score"] == pytest.approx(10 + 7.872 + 20 + 8, abs=0.05)
    assert item["due_on"] == TRIAGE_DUE.isoformat()  # 20 working days

    with app.app_context():
        assert file_cohort_candidates(AS_OF) == {"new": [], "updated": []}
    load(app, csv_lines({**COHORT[0], "case_ref": "HIST-9", "received_date": str(AS_OF - timedelta(days=180)),
                         "decision_date": str(AS_OF - timedelta(days=166))}))
    with app.app_context():
        assert file_cohort_candidates(AS_OF) == {"new": [], "updated": [cohort["reference"]]}
    grown = client.get(f"/api/v1/cet/policy-queue/{cohort['reference']}", headers=auth(CET)).json
    assert grown["evidence"]["count"] == 6
    assert [e["name"] for e in grown["events"]] == ["policy_candidate_filed", "policy_evidence_updated"]
    queue = client.get("/api/v1/cet/policy-queue", headers=auth(CET)).json
    assert queue["total"] == 1


def test_an_item_moves_to_a_published_policy_that_screening_then_sees(app, client, auth, cohort, in_db):
    reference = cohort["reference"]
    accepted = act(client, auth, reference, "accept")
    assert (accepted["owner"], accepted["state"]) == (CET, "accepted")
    for action, payload, state in ROAD:
        assert act(client, auth, reference, action, payload, who=POLICY_LEAD)["state"] == state
    published = act(client, auth, reference, "publish", PUBLISH, who=POLICY_LEAD)
    assert (published["state"], published["due_on"], published["allowed_actions"]) == ("published", None, [])
    assert published["crg_code"] == "TSY"  # the suggestion, taken when the review was commissioned

    library = client.get("/api/v1/policies?icd10_category=C34", headers=auth("demo-officer")).json
    assert [(p["reference"], p["position"]) for p in library] == [(reference.replace("POL-", "NCP-"),
                                                                   "routinely_commissioned")]
    live = cohort["live_case"]
    flag = in_db(lambda: find_last_event(get_case(live.reference), "policy_published"))
    assert flag is not None and flag.payload["policy"] == reference.replace("POL-", "NCP-")
    notice = in_db(lambda: find_notification(get_case(live.reference).id,
                                             f"policy_published:{reference.replace('POL-', 'NCP-')}"))
    assert notice is not None and live.reference in notice.body
    similar = client.get(f"/api/v1/cases/{live.reference}/similar", headers=auth("demo-officer")).json
    assert [p["reference"] for p in similar["policies"]] == [reference.replace("POL-", "NCP-")]


def test_the_queue_workflow_is_enforced_like_a_cases(client, auth, cohort):
    reference = cohort["reference"]
    refused = act(client, auth, reference, "publish", {}, expect=409)
    assert "accept" in refused["allowed_actions"]
    act(client, auth, reference, "accept", who="demo-admin", expect=403)  # not a CET role in the workflow
    act(client, auth, reference, "accept", who=POLICY_LEAD, expect=403)  # triage is the CET's
    assert client.post(f"/api/v1/cet/policy-queue/{reference}/actions/accept", json={},
                       headers=auth("demo-officer")).status_code == 403
    act(client, auth, reference, "accept", {"owner": "demo-officer"}, expect=422)
    act(client, auth, reference, "accept")
    act(client, auth, reference, "commission_evidence_review", {"crg_code": "ZZZ"}, who=POLICY_LEAD,
        expect=422)
    act(client, auth, reference, "not_take_forward", {"reason": "short"}, who=POLICY_LEAD, expect=422)
    act(client, auth, reference, "not_take_forward", {"reason": "A national policy is already planned."},
        expect=403)  # the CET proposes; whether NHS England takes a topic forward is the policy team's
    closed = act(client, auth, reference, "not_take_forward",
                 {"reason": "A national policy is already planned."}, who=POLICY_LEAD)
    assert closed["state"] == "not_taken_forward"
    act(client, auth, "POL-2026-9999", "accept", expect=404)


def test_a_cohort_referred_at_screening_is_filed_in_the_queue(client, auth, application, calendar):
    calendar.set(AS_OF)
    road = Road(client, auth, application)
    road.act("demo-officer", "confirm_complete")
    road.screen("screen_cohort", {"cohort_description": "ROS1-positive NSCLC after crizotinib.",
                                               "reason": "A question for national policy."})
    queue = client.get("/api/v1/cet/policy-queue", headers=auth(CET)).json
    [item] = queue["items"]
    assert (item["state"], item["icd10_category"]) == ("candidate", "C34")
    assert item["evidence"]["case_refs"] == [road.reference]
    events = client.get(f"/api/v1/cet/policy-queue/{item['reference']}", headers=auth(CET)).json["events"]
    assert events[0]["payload"]["referred_at_screening"]["case"] == road.reference
