"""A request matches a policy of the library when the policy covers its treatment (by any of the
policy's names or codes), its diagnosis falls within one of the policy's ICD-10 ranges, and the
policy is in force on the request's day. The IFR team sees the matching policies on the case page;
the API answers the same check."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import yaml

from ifr_service.cases.models import Case
from ifr_service.policy.check import AGAINST_POLICY, NO_POLICY, POLICY_ROUTE
from ifr_service.policy.importer import import_policies
from ifr_service.policy.matching import matching_policies, policies_matching
from tests.builders import CLINICIAN, OFFICER, Road
from tests.web.browsing import Person

LIBRARY = [
    {"reference": "MATCH-CCP1", "title": "Matchumab for colorectal cancer",
     "kind": "clinical_commissioning_policy",
     "position": "routinely_commissioned", "interventions": ["Matchumab 100 mg", "Brandumab"],
     "codes": ["987654321"], "icd10": ["C18\u2013C20"], "criteria": "After two lines of treatment.",
     "published_on": "2024-01-01", "review_on": "2027-01-01", "source_url": "https://www.example.org/ccp1"},
    {"reference": "MATCH-PS1", "title": "Matchumab for lung cancer", "kind": "policy_statement",
     "position": "not_routinely_commissioned", "interventions": ["Matchumab"], "icd10": ["C34.1\u2013C34.3"],
     "criteria": "Not routinely commissioned.", "published_on": "2024-01-01",
     "source_url": "https://www.example.org/ps1"},
    {"reference": "MATCH-TA1", "title": "Matchumab (old appraisal)", "kind": "nice_technology_appraisal",
     "position": "not_recommended", "interventions": ["Matchumab"], "icd10": ["C18"], "criteria": "Old.",
     "published_on": "2019-01-01", "withdrawn_on": "2023-06-01", "source_url": "https://www.example.org/ta1"},
    {"reference": "MATCH-TA2", "title": "Matchumab (appraisal to come)", "kind": "nice_technology_appraisal",
     "position": "recommended", "interventions": ["Matchumab"], "icd10": ["C50"], "criteria": "Future.",
     "published_on": "2030-01-01", "source_url": "https://www.example.org/ta2"},
]
ON = date(2026, 6, 1)


@pytest.fixture
def library(in_db):
    in_db(import_policies, yaml.safe_dump({"policies": LIBRARY}, allow_unicode=True).encode())


def references(in_db, keys, code, on=ON) -> list[str]:
    return [policy.reference for policy in in_db(policies_matching, keys, code, on)]


@pytest.mark.parametrize(("code", "expected"), [
    ("C18.7", ["MATCH-CCP1"]), ("C19", ["MATCH-CCP1"]), ("C20", ["MATCH-CCP1"]),  # within C18-C20
    ("C21.0", []), ("C17.9", []),  # either side of it
    ("C34.1", ["MATCH-PS1"]), ("C34.3", ["MATCH-PS1"]),  # C34.1-C34.3 compared to the subcode
    ("C34.9", []), ("C34", []),  # outside the subcodes, or too broad to say
])
def test_a_diagnosis_matches_a_policy_within_its_icd10_ranges(library, in_db, code, expected):
    assert references(in_db, ["matchumab", "matchumab 100 mg"], code) == expected


def test_any_of_a_policys_names_or_codes_finds_it(library, in_db):
    for keys in (["matchumab 100 mg"], ["brandumab"], ["987654321"]):
        assert references(in_db, keys, "C18.7") == ["MATCH-CCP1"], keys
    assert references(in_db, ["matchumab 200 mg"], "C18.7") == []  # another product is not a synonym


def test_only_a_policy_in_force_on_the_day_matches(library, in_db):
    assert references(in_db, ["matchumab"], "C18.7", date(2022, 1, 1)) == ["MATCH-TA1"]  # before withdrawal
    assert references(in_db, ["matchumab"], "C18.7", date(2023, 6, 1)) == []  # withdrawn that day
    assert references(in_db, ["matchumab"], "C50.9", ON) == []  # published in 2030
    assert references(in_db, ["matchumab"], "C50.9", date(2030, 1, 1)) == ["MATCH-TA2"]


def test_a_case_matches_by_its_treatments_name_and_code_and_its_submission_day(library, in_db, application):
    application["diagnosis"]["icd10_code"] = "C19"
    application["intervention"].update(name="Brandumab infusion", dmd_code="987654321")
    case = Case(answers=application, route="ifr", submitted_utc=datetime(2026, 6, 1, tzinfo=UTC))
    assert [policy.reference for policy in in_db(matching_policies, case)] == ["MATCH-CCP1"]
    case.submitted_utc = datetime(2022, 1, 1, tzinfo=UTC)
    assert [policy.reference for policy in in_db(matching_policies, case)] == []  # no C19 policy then


def test_the_api_answers_the_check_for_each_kind_of_answer(library, client, auth, calendar):
    calendar.set(ON)
    headers = auth(CLINICIAN)

    def ask(**query):
        return client.get("/api/v1/policies/match", query_string=query, headers=headers)

    funded = ask(intervention="Brandumab", icd10="c18.7").json
    assert funded["answer"] == POLICY_ROUTE
    assert [(p["reference"], p["position"], p["funded"], p["source_url"]) for p in funded["policies"]] == [
        ("MATCH-CCP1", "routinely_commissioned", True, "https://www.example.org/ccp1")]
    assert ask(intervention="Matchumab", icd10="C34.2").json["answer"] == AGAINST_POLICY
    assert ask(intervention="Matchumab", icd10="C61").json == {"answer": NO_POLICY, "policies": []}
    assert ask(intervention="Matchumab", icd10="C18.7", on="2022-01-01").json["policies"][0]["reference"] \
        == "MATCH-TA1"


@pytest.mark.parametrize(("query", "field", "message"), [
    ({"icd10": "C18.7"}, "intervention", "Enter the name of the treatment"),
    ({"intervention": "Matchumab"}, "icd10", "Enter the ICD-10 code"),
    ({"intervention": "Matchumab", "icd10": "C99.9"}, "icd10", "C99.9 is not a code in the WHO ICD-10"),
    ({"intervention": "x" * 201, "icd10": "C18"}, "intervention", "200 characters or fewer"),
    ({"intervention": "Matchumab", "icd10": "C18", "on": "9999-12-31"}, "on", "Give a date from"),
    ({"intervention": "Matchumab\x1b[2J", "icd10": "C18"}, "intervention", "control character"),
])
def test_the_api_refuses_a_bad_question_naming_the_field(client, auth, query, field, message):
    response = client.get("/api/v1/policies/match", query_string=query, headers=auth(CLINICIAN))
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json["errors"]}
    assert message in errors[field], errors


def test_the_case_page_shows_the_ifr_team_the_policies_that_match(library, client, auth, application):
    application["diagnosis"]["icd10_code"] = "C18.7"
    application["intervention"]["name"] = "Matchumab 100 mg"
    application["policy"] = {"national_policy_applies": "yes",
                             "policy_reference": "MATCH-CCP1: the patient has had one line of treatment."}
    road = Road(client, auth, application)
    page = Person(client, OFFICER).open(f"/cases/{road.reference}")
    section = page.split("Policies that match this request", 1)[1].split("Similar requests nationally", 1)[0]
    assert "MATCH-CCP1: Matchumab for colorectal cancer" in section
    assert "Routinely commissioned" in section and "After two lines of treatment." in section
    assert 'href="https://www.example.org/ccp1"' in section
    clinicians_page = Person(client, CLINICIAN).open(f"/cases/{road.reference}")
    assert "Policies that match this request" not in clinicians_page
