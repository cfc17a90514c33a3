"""A clinician's new application starts with the "is this an IFR?" check: the treatment and the
diagnosis against the policy library. A funded treatment is not an IFR for a patient who meets the
policy's criteria, and the clinician goes on only by saying why the patient falls outside them; a
policy that does not fund it, or none, and the clinician carries on with the policy named in the
application. The case's history records what the check showed."""

from __future__ import annotations

import re

import pytest
import yaml
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.policy.importer import import_policies
from tests.builders import CLINICIAN, OFFICER
from tests.policy.test_matching import LIBRARY
from tests.web.browsing import Person

CHECK = "/cases/new/check"


@pytest.fixture
def library(in_db):
    in_db(import_policies, yaml.safe_dump({"policies": LIBRARY}, allow_unicode=True).encode())


def draft_of(response) -> str:
    assert response.status_code == 302, response.text[:2000]
    return re.fullmatch(r"/cases/(DRAFT-[A-Z0-9]+)/application", response.headers["Location"]).group(1)


def test_the_start_page_leads_to_the_check(client):
    page = Person(client, CLINICIAN).open("/cases/new")
    link = re.search(r'<a\s[^>]*href="/cases/new/check"[^>]*>\s*Start now', page)
    assert link and 'role="button"' in link.group(0)


def test_a_funded_treatment_is_not_an_ifr_and_going_on_needs_the_reason(library, client, auth):
    clinician = Person(client, CLINICIAN)
    query = "?intervention=Brandumab&icd10=C18.7"
    page = clinician.open(CHECK + query)
    assert "This is not an IFR if the patient meets the policy's criteria" in page
    assert "MATCH-CCP1: Matchumab for colorectal cancer" in page and "After two lines of treatment." in page
    assert 'href="https://www.example.org/ccp1"' in page
    blank = clinician.submit(CHECK, {"intervention": "Brandumab", "icd10": "C18.7", "outside_reason": " "},
                             form_page=CHECK + query, expect=422)
    assert 'href="#field-outside_reason"' in blank.text
    assert "Say why the patient falls outside the policy" in blank.text
    reason = "The patient has had one line of treatment, not two: a second would be fatal."
    draft = draft_of(clinician.submit(CHECK, {"intervention": "Brandumab", "icd10": "C18.7",
                                              "outside_reason": reason}, form_page=CHECK + query))
    case = client.get(f"/api/v1/cases/{draft}", headers=auth(CLINICIAN)).json
    assert case["answers"]["diagnosis"] == {"icd10_code": "C18.7"}
    assert case["answers"]["intervention"] == {"name": "Brandumab"}
    assert case["answers"]["policy"]["national_policy_applies"] == "yes"
    assert case["answers"]["policy"]["policy_reference"] == (
        f"MATCH-CCP1: Matchumab for colorectal cancer (routinely commissioned).\n{reason}")


def test_a_policy_that_does_not_fund_it_or_none_and_the_clinician_carries_on(library, client, auth, in_db):
    clinician = Person(client, CLINICIAN)
    page = clinician.open(CHECK + "?intervention=Matchumab&icd10=c34.2")
    assert "You can apply for an IFR against a national policy" in page and "MATCH-PS1" in page
    draft = draft_of(clinician.submit(CHECK, {"intervention": "Matchumab", "icd10": "c34.2"},
                                      form_page=CHECK + "?intervention=Matchumab&icd10=c34.2"))
    answers = client.get(f"/api/v1/cases/{draft}", headers=auth(CLINICIAN)).json["answers"]
    assert answers["diagnosis"] == {"icd10_code": "C34.2"}
    assert answers["policy"]["policy_reference"].startswith("MATCH-PS1: Matchumab for lung cancer")
    none = clinician.open(CHECK + "?intervention=Matchumab&icd10=C61")
    assert "You can apply for an IFR" in none and "No national policy or NICE technology appraisal" in none
    other = draft_of(clinician.submit(CHECK, {"intervention": "Matchumab", "icd10": "C61"},
                                      form_page=CHECK + "?intervention=Matchumab&icd10=C61"))
    answers = client.get(f"/api/v1/cases/{other}", headers=auth(CLINICIAN)).json["answers"]
    assert "policy" not in answers
    assert in_db(checks_recorded, draft) == [{"intervention": "Matchumab", "icd10": "C34.2",
                                              "answer": "ifr_against_policy", "policies": ["MATCH-PS1"],
                                              "outside_reason_given": False}]


def checks_recorded(draft: str) -> list[dict]:
    query = (select(CaseEvent.payload).join(Case, Case.id == CaseEvent.case_id)
             .where(Case.draft_reference == draft, CaseEvent.name == "policy_checked"))
    return list(db.session().exec(query))


@pytest.mark.parametrize(("query", "field", "message"), [
    ("?intervention=&icd10=C18.7", "intervention", "Enter the name of the treatment"),
    ("?intervention=Matchumab&icd10=", "icd10", "Enter the ICD-10 code of the patient&#39;s diagnosis"),
    ("?intervention=Matchumab&icd10=C99.9", "icd10", "C99.9 is not a code in the WHO ICD-10 classification"),
    ("?intervention=Matchumab&icd10=C00-C97", "icd10", "is a chapter or block of ICD-10"),
    ("?intervention=Matchumab&icd10=C18&dmd_code=12", "dmd_code", "A dm+d code is 6 to 18 digits."),
])
def test_a_mistake_in_the_check_is_named_beside_its_field(client, query, field, message):
    clinician = Person(client, CLINICIAN)
    page = clinician.open(CHECK + query, expect=422)
    assert "There is a problem" in page and f'href="#field-{field}"' in page
    assert message in page


def test_the_check_is_the_clinicians_and_cannot_be_forged(library, client):
    Person(client, OFFICER).open(CHECK, expect=403)
    clinician = Person(client, CLINICIAN)
    # Hidden fields altered to a treatment the policy funds: checked again, so the reason is still asked.
    altered = clinician.submit(CHECK, {"intervention": "Brandumab", "icd10": "C18.7"},
                               form_page=CHECK + "?intervention=Matchumab&icd10=C61", expect=422)
    assert "Say why the patient falls outside the policy" in altered.text
    broken = clinician.submit(CHECK, {"intervention": "Brandumab", "icd10": "not a code"},
                              form_page=CHECK + "?intervention=Matchumab&icd10=C61", expect=302)
    assert broken.headers["Location"].startswith(CHECK + "?")
