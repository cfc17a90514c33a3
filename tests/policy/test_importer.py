"""`ifr-service policies import FILE` loads clinical commissioning policies, policy statements and NICE
technology appraisals into the library: the whole file is checked before anything is written, a bad
entry is refused naming its entry, field and problem, loading again changes nothing, and a changed
entry updates its policy by reference."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlmodel import select

from ifr_service import db
from ifr_service.cli import main
from ifr_service.policy import queries
from ifr_service.policy.importer import MAX_BYTES, ImportRefused, import_policies
from ifr_service.policy.models import Policy, PolicyIntervention

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "policy-library.yaml"


def entry(name: str = "TEST-TA1", **changes) -> dict:
    return {"reference": name, "title": "Testinib for treating advanced test cancer",
            "kind": "nice_technology_appraisal", "position": "recommended",
            "interventions": ["Testinib", "Brandoxa"], "codes": ["123456789"],
            "icd10": ["C34", "C18\u2013C20"], "criteria": "Adults with advanced disease after one treatment.",
            "published_on": "2024-04-01", "review_on": "2027-04-01",
            "source_url": "https://www.example.org/ta1", **changes}


def as_file(*entries: dict) -> bytes:
    return yaml.safe_dump({"policies": list(entries)}, allow_unicode=True).encode()


def refused(in_db, raw: bytes) -> list[str]:
    with pytest.raises(ImportRefused) as error:
        in_db(import_policies, raw)
    return error.value.problems


def stored(in_db, reference: str) -> tuple[dict, set[str]]:
    def read():
        policy = queries.find_policy(reference)
        if policy is None:
            return None, set()
        keys = set(db.session().exec(select(PolicyIntervention.intervention_key)
                                     .where(PolicyIntervention.policy_id == policy.id)))
        return policy.model_dump(), keys
    return in_db(read)


def count_policies(in_db) -> int:
    return in_db(lambda: len(db.session().exec(select(Policy.id)).all()))


def test_a_good_file_loads_every_field_and_each_name_and_code_finds_the_policy(in_db):
    report = in_db(import_policies, as_file(entry("TEST-GOOD")))
    assert report.added == ["TEST-GOOD"]
    policy, keys = stored(in_db, "TEST-GOOD")
    assert policy["kind"] == "nice_technology_appraisal" and policy["position"] == "recommended"
    assert policy["icd10_ranges"] == [["C34", "C34"], ["C18", "C20"]]
    assert policy["icd10_category"] == "C34"
    assert str(policy["published_on"]) == "2024-04-01" and str(policy["review_on"]) == "2027-04-01"
    assert policy["source_url"] == "https://www.example.org/ta1" and policy["is_demo"] is False
    assert keys == {"testinib", "brandoxa", "123456789"}
    assert policy["intervention_key"] == "testinib"  # the first name: what the library page shows


def test_loading_the_same_file_again_changes_nothing(in_db):
    raw = as_file(entry("TEST-AGAIN"), entry("TEST-AGAIN-2", kind="policy_statement",
                                             position="not_routinely_commissioned"))
    assert len(in_db(import_policies, raw).added) == 2
    before, total = stored(in_db, "TEST-AGAIN"), count_policies(in_db)
    report = in_db(import_policies, raw)
    assert (report.added, report.updated, report.unchanged) == ([], [], 2)
    assert stored(in_db, "TEST-AGAIN") == before and count_policies(in_db) == total


def test_a_changed_entry_updates_its_policy_by_reference(in_db):
    in_db(import_policies, as_file(entry("TEST-CHANGE")))
    changed = entry("TEST-CHANGE", position="optimised", interventions=["Testinib"], codes=[],
                    criteria="Now only after two treatments.", withdrawn_on="2026-01-01")
    report = in_db(import_policies, as_file(changed))
    assert report.updated == ["TEST-CHANGE"] and report.added == []
    policy, keys = stored(in_db, "TEST-CHANGE")
    assert policy["position"] == "optimised" and policy["criteria"] == "Now only after two treatments."
    assert str(policy["withdrawn_on"]) == "2026-01-01"
    assert keys == {"testinib"}  # a name taken out no longer finds it


@pytest.mark.parametrize(("changes", "problem"), [
    ({"title": ""}, "policy 2 ('TEST-BAD'), title: is missing"),
    ({"kind": "guideline"}, "policy 2 ('TEST-BAD'), kind: must be one of clinical_commissioning_policy, "
                            "policy_statement, nice_technology_appraisal"),
    ({"position": "routinely_commissioned"}, "policy 2 ('TEST-BAD'), position: for a nice technology "
                                             "appraisal must be one of recommended, optimised"),
    ({"interventions": []}, "policy 2 ('TEST-BAD'), interventions: must list at least one treatment name"),
    ({"codes": ["12AB"]}, "policy 2 ('TEST-BAD'), codes: '12AB' is neither a dm+d code"),
    ({"icd10": ["C99.9"]}, "policy 2 ('TEST-BAD'), icd10: 'C99.9' is not an ICD-10 code or range"),
    ({"icd10": ["C20\u2013C18"]}, "policy 2 ('TEST-BAD'), icd10: 'C20\u2013C18' runs backwards"),
    ({"icd10": []}, "policy 2 ('TEST-BAD'), icd10: must list at least one ICD-10 code"),
    ({"published_on": "1 April 2024"}, "policy 2 ('TEST-BAD'), published_on: must be a date written like"),
    ({"review_on": "2020-01-01"}, "policy 2 ('TEST-BAD'), review_on: is before published_on"),
    ({"source_url": "javascript:alert(1)"}, "policy 2 ('TEST-BAD'), source_url: must be the policy's "
                                            "address, starting https://"),
    ({"source_url": None}, "policy 2 ('TEST-BAD'), source_url: is missing"),
    ({"criteria": "x" * 5001}, "policy 2 ('TEST-BAD'), criteria: is 5001 characters long; at most 5000"),
    ({"title": "Testinib\u202e"}, "policy 2 ('TEST-BAD'), title: This holds an invisible character"),
    ({"crg": "XXX"}, "policy 2 ('TEST-BAD'), crg: 'XXX' is not a Clinical Reference Group's code"),
    ({"demo": True}, "policy 2 ('TEST-BAD'), reference: a demo entry's reference starts DEMO-"),
    ({"positon": "recommended"}, "policy 2 ('TEST-BAD'), positon: is not a field of a policy"),
    ({"reference": "TEST-FIRST"}, "policy 2 ('TEST-FIRST'), reference: appears earlier in the file"),
])
def test_a_bad_entry_refuses_the_whole_file_naming_its_entry_field_and_problem(in_db, changes, problem):
    total = count_policies(in_db)
    problems = refused(in_db, as_file(entry("TEST-FIRST"), entry("TEST-BAD", **changes)))
    assert any(line.startswith(problem) for line in problems), problems
    assert count_policies(in_db) == total  # the good first entry is not loaded either
    assert stored(in_db, "TEST-FIRST") == (None, set())


@pytest.mark.parametrize(("raw", "problem"), [
    (b"policies: [", "the file is not YAML at line 1"),
    (b"\xff\xfe", "the file is not UTF-8 text"),
    (b"title: no list", "the file must have a list 'policies:'"),
    (b"a: &x [1]\npolicies: [*x]", "the file uses YAML aliases"),
    (b"#" * (MAX_BYTES + 1), "the file is larger than 2 MB"),
    (as_file(*[entry(f"T{i}") for i in range(5_001)]), "the file has 5001 policies; at most 5000"),
    (b"policies: [just text]", "policy 1, entry: is not a set of fields"),
])
def test_a_file_that_cannot_be_read_is_refused_in_words(in_db, raw, problem):
    assert refused(in_db, raw)[0].startswith(problem)


def test_a_policy_published_through_the_service_is_not_replaced_by_an_import(in_db):
    def publish_here():
        from ifr_service.policy.models import PolicyItem
        item = PolicyItem(reference="POL-TEST-1", state="published", intervention_key="testinib",
                          icd10_category="C34", title="t", priority_score=1.0)
        db.session().add(item)
        db.session().flush()
        queries.create_policy(Policy(reference="NCP-TEST-1", title="t", intervention_key="testinib",
                                     icd10_category="C34", position="routinely_commissioned",
                                     criteria="c", published_on=date(2025, 1, 1), item_id=item.id))
    in_db(publish_here)
    assert refused(in_db, as_file(entry("NCP-TEST-1")))[0].startswith("policy 'NCP-TEST-1': was published "
                                                                       "through this service")


def test_the_command_loads_the_illustrative_file_and_says_what_it_did(app, in_db):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ifr_service.policy.commands.load_app", lambda: app)
        first = CliRunner().invoke(main, ["policies", "import", str(EXAMPLE)])
        again = CliRunner().invoke(main, ["policies", "import", str(EXAMPLE)])
    assert first.exit_code == 0, first.output
    entries = len(yaml.safe_load(EXAMPLE.read_text())["policies"])
    assert again.exit_code == 0 and again.output.endswith(f"0 added, 0 updated, {entries} unchanged\n")


def test_the_command_refuses_a_bad_file_listing_every_problem(app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(as_file(entry("TEST-CMD", kind="guideline", icd10=["Z99.99"])))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ifr_service.policy.commands.load_app", lambda: app)
        result = CliRunner().invoke(main, ["policies", "import", str(bad)])
    assert result.exit_code == 1
    assert "nothing loaded; 2 problem(s)" in result.output
    assert "policy 1 ('TEST-CMD'), kind: must be one of" in result.output
    assert "policy 1 ('TEST-CMD'), icd10: 'Z99.99' is not an ICD-10 code or range" in result.output
