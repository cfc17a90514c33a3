"""Screening sees similar requests nationally; the panel pack shows no patient identifiers."""

from __future__ import annotations

from tests.builders import CHAIR, OFFICER, Road, findings


def test_similar_requests_are_counted_nationally_by_treatment_and_icd10_category(
        client, auth, application):
    first = Road(client, auth, application)
    first.to_panel()
    first.act(CHAIR, "decline", {"findings": findings(), "summary": "Not exceptional."})
    application["diagnosis"]["icd10_code"] = "C34.9"  # same category, another subsite
    application["intervention"]["name"] = "  EXAMPLE kinase inhibitor 600 mg   capsules"
    second = Road(client, auth, application)
    application["intervention"]["name"] = "Something else entirely"
    Road(client, auth, application)

    similar = client.get(f"/api/v1/cases/{second.reference}/similar", headers=auth(OFFICER)).json
    assert similar["icd10_category"] == "C34"
    assert similar["total"] == 1
    assert similar["by_state"] == {"declined": 1}
    assert [case["reference"] for case in similar["recent"]] == [first.reference]


def test_the_panel_pack_leaves_out_the_patients_identity(client, auth, application):
    application["patient"].update(given_name="Marigold", family_name="Quennell")
    road = Road(client, auth, application)
    road.to_panel()
    pack = client.get(f"/api/v1/meetings/{road.meeting['id']}/pack", headers=auth(OFFICER)).json
    case = pack["cases"][0]
    text = str(case)
    for identifier in ("Marigold", "Quennell", "9990000018", "1968-04-12", "priya.shah@nhs.net",
                       "7012345", "020 3456 7890"):
        assert identifier not in text
    assert case["application"]["patient"]["sex"] == "female"
    assert case["application"]["patient"]["age_in_years"] >= 58
    assert case["application"]["clinical_case"]["exceptionality"].startswith("Unlike most patients")
    assert [note["event"] for note in case["screening_notes"]] == [
        "completeness_confirmed", "screening_completed"]


def test_a_cohort_is_referred_to_the_cet_with_its_description(client, auth, application):
    road = Road(client, auth, application)
    road.act(OFFICER, "confirm_complete")
    road.screen("screen_cohort", {
        "cohort_description": "Patients with ROS1-positive lung cancer progressing in the brain.",
        "reason": "Several similar requests: a policy question."})
    referrals = client.get("/api/v1/cet/cohort-referrals", headers=auth("demo-cet")).json
    assert [(r["case_reference"], r["icd10_category"], r["hub"]) for r in referrals] == [
        (road.reference, "C34", "london")]
    assert client.get("/api/v1/cet/cohort-referrals", headers=auth(OFFICER)).status_code == 403
