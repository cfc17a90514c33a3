"""A policy item's owner is one of the CET's active analysts, chosen by name on the page and named
by username or name through the API; its CRG is chosen from the reference data's CRGs with their
names, typed through the API in any case; the CRG suggested comes from the ICD-10 mapping, and the
pages say why. The library holds NHS England's policies, cited, and demo ones marked as such."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from ifr_service import db
from ifr_service.policy import queries
from ifr_service.policy.jobs import file_cohort_candidates
from ifr_service.policy.library import load_policy_library
from ifr_service.policy.models import Policy
from ifr_service.users.models import Role, User
from tests.builders import CLINICIAN, OFFICER
from tests.cet.test_import import csv_lines, load
from tests.conftest import clear_cases
from tests.policy.test_queue import AS_OF, CET, COHORT, POLICY_LEAD, act
from tests.policy.test_views import item, state_of  # noqa: F401  (the fixture)
from tests.web.browsing import Person

# Five breast-cancer requests from two hubs, recorded (as the synthetic history records them) under
# CFS, Cystic Fibrosis: a cohort whose CRG the cases' own codes would have got wrong.
BREAST = [{**COHORT[i % 4], "case_ref": f"BREAST-{i}", "diagnosis_icd10": "C50.9", "crg_code": "CFS",
           "intervention_name": "Plantuzumab 200 mg infusion",
           "received_date": (AS_OF - timedelta(days=200 - 20 * i)).isoformat(),
           "decision_date": (AS_OF - timedelta(days=190 - 20 * i)).isoformat()} for i in range(5)]
NEW_ANALYSTS = [("cet-analyst-2", "Amara Okafor", True), ("cet-analyst-gone", "Former Analyst", False)]


@pytest.fixture
def analysts(app, in_db):
    """A second active CET analyst, and one switched off."""
    def add():
        for username, name, active in NEW_ANALYSTS:
            db.session().add(User(username=username, display_name=name, role=Role.CET_ANALYST.value,
                                  email=f"{username}@example.nhs.uk", is_active=active))

    in_db(add)
    yield
    clear_cases(app)

    def remove():
        for user in db.session().exec(select(User).where(User.username.in_([u for u, _, _ in NEW_ANALYSTS]))):
            db.session().delete(user)

    in_db(remove)


@pytest.fixture
def breast_item(app, client, calendar) -> str:
    calendar.set(AS_OF)
    load(app, csv_lines(*BREAST))
    with app.app_context():
        [reference] = file_cohort_candidates(AS_OF)["new"]
    return reference


def test_a_breast_cancer_cohort_suggests_a_cancer_crg_not_the_one_its_cases_recorded(breast_item, client,
                                                                                      auth):
    found = client.get(f"/api/v1/cet/policy-queue/{breast_item}", headers=auth(CET)).json
    assert found["icd10_category"] == "C50"
    assert (found["suggested_crg_code"], found["suggested_crg_name"]) == ("CTY", "Chemotherapy")
    assert found["suggestion_reason"].startswith("C50 falls in C50, malignant neoplasm of breast")
    assert act(client, auth, breast_item, "accept")["owner_name"] == "Chris Morgan"
    assigned = act(client, auth, breast_item, "commission_evidence_review", who=POLICY_LEAD)
    assert (assigned["crg_code"], assigned["crg_name"]) == ("CTY", "Chemotherapy")


def test_the_item_page_shows_the_suggestion_with_its_name_and_why(breast_item, client):
    page = Person(client, CET).open(f"/cet/policy-queue/{breast_item}")
    assert "CTY — Chemotherapy" in page and "Cystic Fibrosis" not in page
    assert "Why this CRG is suggested" in page
    assert "C50 falls in C50, malignant neoplasm of breast (within C00\u2013C97, malignant neoplasms" in page
    assert "the service's own judgement, not a published rule" in page
    queue = Person(client, CET).open("/cet/policy-queue")
    assert "Not assigned (suggested: CTY — Chemotherapy)" in queue


@pytest.mark.parametrize("named", ["cet-analyst-2", "CET-Analyst-2", "Amara Okafor", "  amara okafor "])
def test_the_api_takes_the_owner_by_username_or_name_in_any_case(item, analysts, client, auth, named):  # noqa: F811
    accepted = act(client, auth, item, "accept", {"owner": named})
    assert (accepted["owner"], accepted["owner_name"]) == ("cet-analyst-2", "Amara Okafor")


@pytest.mark.parametrize(("named", "shown"), [
    ("Chris Morganx", "'Chris Morganx'"), (OFFICER, f"'{OFFICER}'"),
    ("cet-analyst-gone", "'cet-analyst-gone'"), ("Former Analyst", "'Former Analyst'")])
def test_anyone_not_an_active_cet_analyst_is_refused_naming_the_owner_field(
        item, analysts, client, auth, in_db, named, shown):  # noqa: F811
    refused = act(client, auth, item, "accept", {"owner": named}, expect=422)
    assert refused["errors"] == [{"field": "owner", "message": (
        "The owner must be one of the CET's active analysts, named by username or by name: "
        f"{shown} is not one.")}]
    assert state_of(in_db, item) == ("candidate", 1)


def test_the_owner_page_offers_the_active_cet_analysts_by_name_only(item, analysts, client, in_db):  # noqa: F811
    form = Person(client, CET).open(f"/cet/policy-queue/{item}/actions/accept")
    offered = re.findall(r'<input[^>]*name="owner"[^>]*value="([^"]+)"', form)
    # Every active CET analyst (other tests may have added more), in order of name, and no one else.
    everyone = select(User).where(User.role == Role.CET_ANALYST, User.is_active)
    active = in_db(lambda: [user.username for user in db.session().exec(
        everyone.order_by(User.display_name, User.username))])
    assert offered == active
    assert {"cet-analyst-2", "demo-cet"} <= set(offered) and "cet-analyst-gone" not in offered
    assert "Amara Okafor" in form and "Chris Morgan" in form and "Former Analyst" not in form


@pytest.mark.parametrize(("typed", "kept"), [("tsy", "TSY"), ("  Tsy ", "TSY"), ("CTY", "CTY")])
def test_a_crg_code_typed_through_the_api_is_matched_in_any_case_and_trimmed(item, client, auth, typed, kept):  # noqa: F811
    act(client, auth, item, "accept")
    assigned = act(client, auth, item, "commission_evidence_review", {"crg_code": typed}, who=POLICY_LEAD)
    assert assigned["crg_code"] == kept


def test_an_unknown_crg_is_refused_naming_the_field_and_changes_nothing(item, client, auth, in_db):  # noqa: F811
    act(client, auth, item, "accept")
    refused = act(client, auth, item, "commission_evidence_review", {"crg_code": "zzz"}, who=POLICY_LEAD,
                  expect=422)
    assert refused["errors"] == [{"field": "crg_code", "message": (
        "'zzz' is not a Clinical Reference Group code: choose one from the list, "
        "like CTY for Chemotherapy.")}]
    assert state_of(in_db, item) == ("accepted", 2)


def test_the_crg_page_lists_every_coded_crg_with_its_name_the_suggested_one_chosen(item, client):  # noqa: F811
    Person(client, CET).submit(f"/cet/policy-queue/{item}/actions/accept", {"owner": "demo-cet"}, expect=302)
    lead = Person(client, POLICY_LEAD)
    form = lead.open(f"/cet/policy-queue/{item}/actions/commission_evidence_review")
    options = re.findall(r'<option value="([^"]*)"', form)
    assert options[0] == "" and len(options) == 1 + 72  # 74 CRGs: one has no code, two share MSD
    assert re.search(r'<option value="TSY"[^>]*selected[^>]*>\s*TSY — Thoracic Surgery \(suggested\)', form)
    assert "MSD — Multi-System Disorders or Specialised Mental Health Services for the Deaf" in form
    assert "C34 falls in C33\u2013C34, malignant neoplasms of trachea, bronchus and lung" in form
    blank = lead.submit(f"/cet/policy-queue/{item}/actions/commission_evidence_review", {"crg_code": ""},
                        expect=422)
    assert 'href="#field-crg_code"' in blank.text
    assert "Choose the Clinical Reference Group responsible for the policy." in blank.text
    lead.submit(f"/cet/policy-queue/{item}/actions/commission_evidence_review", {"crg_code": "CTY"},
                expect=302)
    page = lead.open(f"/cet/policy-queue/{item}")
    assert re.search(r"Clinical Reference Group\s*</dt>\s*<dd[^>]*>\s*CTY — Chemotherapy", page)
    timeline = "<strong>The Clinical Reference Group responsible for the policy:</strong> CTY — Chemotherapy"
    assert timeline in page
    assert "CTY — Chemotherapy" in lead.open("/cet/policy-queue")


def test_the_library_holds_nhs_englands_policies_cited_and_demo_ones_marked(app, client, auth, in_db):
    files = ["NHSCB/A11/P/a", "NHSCB/E03/P/a", "DEMO-0001", "DEMO-0002"]
    # An earlier test (the demo data's, the policy journey's) may have loaded some already.
    there = in_db(lambda: sum(queries.find_policy(reference) is not None for reference in files))
    assert in_db(load_policy_library) == len(files) - there
    assert in_db(load_policy_library) == 0  # loading again adds nothing
    page = Person(client, CLINICIAN).open("/policies")
    assert "NHSCB/A11/P/a" in page
    assert "Targeted therapies for pulmonary hypertension functional class II" in page
    assert "4 April 2013" in page and "PHN — Pulmonary Hypertension" in page
    assert "medicinesresources.nhs.uk" in page
    assert page.count('nhsuk-tag--grey">Demo data</strong>') == 2 and "are not NHS England policies" in page
    listed = client.get("/api/v1/policies?icd10_category=I27", headers=auth(OFFICER)).json
    assert [(p["reference"], p["crg_name"], p["is_demo"]) for p in listed] == [
        ("NHSCB/A11/P/a", "Pulmonary Hypertension", False)]
    demo = in_db(lambda: [p.reference for p in db.session().exec(select(Policy).where(Policy.is_demo))])
    assert sorted(demo) == ["DEMO-0001", "DEMO-0002"]
    clear_cases(app)


def test_every_crg_the_library_names_is_in_the_reference_data(in_db):
    from ifr_service.reference.data_files import read_data_file

    names = in_db(queries.find_crg_names)
    for entry in read_data_file("commissioning_policies.yaml")["policies"]:
        assert entry["crg"] is None or entry["crg"] in names
