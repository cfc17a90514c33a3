"""The national CDF list is data: checked at start-up, versioned, and read as a case was decided."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from ifr_service.cdf.definition import CdfList, CdfListError
from ifr_service.config import PROJECT_ROOT
from ifr_service.demo import test_range_nhs_numbers as nhs_numbers
from ifr_service.forms.definition import FormRegistry
from tests.builders import CLINICIAN, apply_to_cdf, record_treatment

LIST_DIR = PROJECT_ROOT / "forms" / "cdf" / "list"
FORMS = FormRegistry.load(PROJECT_ROOT / "forms")
ATEZOLIZUMAB = LIST_DIR / "atezolizumab-urothelial-after-platinum-v1.yaml"


def test_the_demo_list_loads_with_each_entrys_rules():
    cdf = CdfList.load(LIST_DIR, FORMS)
    atezolizumab = cdf.get("atezolizumab-urothelial-after-platinum", 1)
    assert (atezolizumab.immunotherapy, atezolizumab.cycle_days) == (True, 21)
    assert atezolizumab.cost.per_patient_pence == 17 * 380769
    sotorasib = cdf.get("sotorasib-nsclc-kras-g12c", 1)  # an oral drug costed by the month
    assert (sotorasib.immunotherapy, sotorasib.cycle_days) == (False, 28)


def test_the_current_version_of_an_entry_depends_on_the_day():
    cdf = CdfList.load(LIST_DIR, FORMS)
    key = "pembrolizumab-nsclc-untreated-pdl1"
    assert cdf.current(key, date(2026, 3, 31)).funding_route == "managed_access"
    assert cdf.current(key, date(2026, 4, 1)).funding_route == "routine_commissioning"
    assert cdf.current(key, date(2024, 3, 31)) is None  # before it was listed
    assert cdf.current("nivolumab-oesophageal-adjuvant", date(2025, 9, 30)) is None


def test_an_entrys_criteria_form_adds_its_questions_and_criteria_to_the_application_form():
    cdf = CdfList.load(LIST_DIR, FORMS)
    form = cdf.criteria_form(cdf.get("atezolizumab-urothelial-after-platinum", 1))
    assert [s.key for s in form.sections] == ["patient", "clinician", "diagnosis", "treatment", "criteria"]
    criteria = form.sections[-1].fields
    assert all(f.type == "boolean" and f.required for f in criteria)


def entry(**changes) -> dict:
    return {**yaml.safe_load(ATEZOLIZUMAB.read_text()), **changes}


@pytest.mark.parametrize(("raw", "problem"), [
    (entry(drug={"name": "X", "dmd_code": "37752611003"}), "check digit"),
    (entry(valid_to="2020-01-01"), "valid_to is before valid_from"),
    (entry(valid_from="2025-02-30"), "day is out of range"),
    (entry(valid_from=date(2025, 4, 1)), "is not of type 'string'"),
    (entry(funding_route="hope"), "is not one of"),
    (entry(cost={"per_cycle_gbp": "10.00", "cycles": 3, "per_month_gbp": "5.00", "months": 2}),
     "valid under each"),
    (entry(criteria=[{"key": "a", "text": "A"}, {"key": "a", "text": "B"}]), "duplicate criterion"),
    (entry(treatment=[{"key": "regimen", "label": "R", "type": "choice"}]), "needs options"),
    (entry(treatment=[{"key": "planned_start_date", "label": "Again", "type": "date"}]), "duplicate field"),
    (entry(cycle_days=0), "less than the minimum"),
    ({k: v for k, v in entry().items() if k != "cycle_days"}, "'cycle_days' is a required property"),
    (entry(treatment_break_weeks=8), "treatment_break_weeks is retired"),
])
def test_a_bad_list_file_stops_the_service_naming_the_file_and_the_problem(tmp_path, raw, problem):
    (tmp_path / "bad.yaml").write_text(yaml.dump(raw))
    with pytest.raises(CdfListError, match=problem) as error:
        CdfList.load(tmp_path, FORMS)
    assert "bad.yaml" in str(error.value)


def test_the_same_entry_version_twice_is_refused(tmp_path):
    for name in ("a.yaml", "b.yaml"):
        shutil.copy(ATEZOLIZUMAB, tmp_path / name)
    with pytest.raises(CdfListError, match="in another file too"):
        CdfList.load(tmp_path, FORMS)


@pytest.fixture
def list_with_new_version(app, tmp_path: Path):
    """The demo list and a version 2 of atezolizumab from 1 December 2026: a new criterion and a
    4-weekly cycle. The service reads it as if deployed; the demo list returns afterwards."""
    for path in LIST_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    raw = entry(version=2, valid_from="2026-12-01", cycle_days=28)
    raw["criteria"] = [*raw["criteria"], {"key": "no_autoimmune_disease",
                                          "text": "The patient has no active autoimmune disease."}]
    (tmp_path / "atezolizumab-urothelial-after-platinum-v2.yaml").write_text(yaml.dump(raw))
    runtime = app.extensions["ifr"]
    demo_list, runtime.cdf = runtime.cdf, CdfList.load(tmp_path, runtime.forms)
    yield
    runtime.cdf = demo_list


def test_a_case_open_when_the_form_changes_keeps_the_version_it_was_approved_on(
        client, auth, cdf_application, calendar, list_with_new_version):
    open_case = apply_to_cdf(client, auth, cdf_application)
    calendar.set(date(2026, 12, 1))

    entries = {e["key"]: e for e in client.get("/api/v1/cdf/entries", headers=auth(CLINICIAN)).json}
    assert entries["atezolizumab-urothelial-after-platinum"]["version"] == 2
    reread = client.get(f"/api/v1/cases/{open_case['reference']}", headers=auth(CLINICIAN)).json
    assert (reread["cdf"]["entry"]["version"], reread["cdf"]["treatment"]["cycle_days"]) == (1, 21)
    started = record_treatment(client, auth, open_case["reference"], "record_start", {"date": "2026-12-01"})
    assert started["state"] == "on_treatment"

    new_patient = {**cdf_application,
                   "patient": {**cdf_application["patient"], "nhs_number": nhs_numbers(4)[3]}}
    on_the_old_form = client.post("/api/v1/cases", json=new_patient, headers=auth(CLINICIAN))
    assert on_the_old_form.status_code == 422
    assert on_the_old_form.json["errors"][0]["field"] == "criteria.no_autoimmune_disease"
    new_patient["criteria"] = {**new_patient["criteria"], "no_autoimmune_disease": True}
    on_the_new_form = apply_to_cdf(client, auth, new_patient)
    assert (on_the_new_form["cdf"]["entry"]["version"],
            on_the_new_form["cdf"]["treatment"]["cycle_days"]) == (2, 28)

    versions = "/api/v1/cdf/entries/atezolizumab-urothelial-after-platinum/versions"
    first = client.get(f"{versions}/1", headers=auth(CLINICIAN)).json  # the form the open case was read on
    assert "no_autoimmune_disease" not in {c["key"] for c in first["criteria"]}
    assert client.get(f"{versions}/3", headers=auth(CLINICIAN)).status_code == 404
