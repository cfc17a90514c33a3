"""Form files are checked when loaded: a bad one names its file and its problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ifr_service.config import PROJECT_ROOT
from ifr_service.forms.definition import FormDefinitionError, FormRegistry, load_form_file

FORM_FILES = sorted((PROJECT_ROOT / "forms").glob("*/*.yaml"))  # forms/cdf/list/ holds CDF entries


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda path: path.name)
def test_every_form_file_loads(path):
    form = load_form_file(path)
    assert form.sections


def test_the_ifr_form_asks_what_an_nhs_ifr_form_asks():
    form = FormRegistry.load(PROJECT_ROOT / "forms").latest("ifr-application")
    paths = {path for path, _ in form.all_fields()}
    assert {
        "patient.nhs_number", "patient.date_of_birth", "patient.sex", "patient.commissioner",
        "clinician.registration_number", "clinician.email", "clinician.provider_trust",
        "diagnosis.icd10_code", "intervention.type", "intervention.dmd_code",
        "intervention.opcs4_code", "cost.amount_gbp", "clinical_case.treatments_tried",
        "clinical_case.exceptionality", "clinical_case.expected_benefit",
        "clinical_case.outcome_measures", "evidence.references", "policy.national_policy_applies",
        "urgency.level", "urgency.justification", "consent.patient_consents_to_request",
        "consent.patient_consents_to_data_sharing",
    } <= paths


def write_form(tmp_path: Path, form: dict) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(form))
    return path


def minimal_form(**changes) -> dict:
    form = {"key": "test-form", "version": 1, "route": "ifr", "title": "Test",
            "sections": [{"key": "one", "title": "One", "fields": [
                {"key": "a", "label": "A", "type": "text"},
                {"key": "b", "label": "B", "type": "choice",
                 "options": [{"value": "x", "label": "X"}]}]}]}
    form.update(changes)
    return form


def with_field(**field) -> dict:
    form = minimal_form()
    form["sections"][0]["fields"].append({"key": "c", "label": "C", **field})
    return form


@pytest.mark.parametrize(("form", "problem"), [
    (minimal_form(version=0), "minimum"),
    (minimal_form(route="dental"), "is not one of"),
    (with_field(type="colour"), "is not one of"),
    (with_field(type="text", unknown_rule=1), "Additional properties"),
    (with_field(type="choice"), "a choice field needs options"),
    (with_field(type="list"), "a list field needs an item definition"),
    (with_field(type="text", required_when={"field": "one.zzz", "in": ["x"]}), "unknown field"),
    (with_field(type="text", required_when={"field": "one.b", "in": ["y"]}), "cannot take"),
    (with_field(type="text", key="a"), "duplicate field"),
])
def test_a_bad_form_file_is_refused_naming_the_file_and_the_problem(tmp_path, form, problem):
    path = write_form(tmp_path, form)
    with pytest.raises(FormDefinitionError, match=problem) as error:
        load_form_file(path)
    assert "bad.yaml" in str(error.value)


def test_two_files_with_the_same_form_version_are_refused(tmp_path):
    (tmp_path / "ifr").mkdir()
    for name in ("one.yaml", "two.yaml"):
        (tmp_path / "ifr" / name).write_text(yaml.safe_dump(minimal_form()))
    with pytest.raises(FormDefinitionError, match="version 1 twice"):
        FormRegistry.load(tmp_path)


def test_the_app_refuses_to_start_on_a_bad_form(tmp_path):
    from ifr_service.app import create_app
    from ifr_service.config import Config

    (tmp_path / "forms" / "ifr").mkdir(parents=True)
    write_form(tmp_path / "forms" / "ifr", with_field(type="choice"))
    (tmp_path / "workflows").symlink_to(PROJECT_ROOT / "workflows")
    config = Config(environment="test", database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                    project_root=tmp_path)
    with pytest.raises(FormDefinitionError, match=r"bad\.yaml"):
        create_app(config)


def with_group_field(**child) -> dict:
    return with_field(type="list", item={"type": "group", "fields": [
        {"key": "x", "label": "X", "type": "text"}, {"label": "Y", "type": "text", **child}]})


@pytest.mark.parametrize(("form", "problem"), [
    (with_group_field(key="x"), "duplicate field in 'one.c.item'"),
    (with_group_field(key="y", required_when={"field": "one.b", "in": ["x"]}), "section fields only"),
    (with_group_field(key="y", type="choice"), "a choice field needs options"),
    (with_field(type="list", item={"max_length": 10}), "'type' is a required property"),
    (with_field(type="list", item={"type": "choice"}), "one.c.item: a choice field needs options"),
    (with_field(type="list", item={"type": "group"}), "one.c.item: a group needs fields"),
    (with_field(type="list", item={"type": "text"}), "one.c: a list field needs max_items"),
    (with_field(type="list", max_items=1001, item={"type": "text"}), "one.c: a list field needs max_items"),
])
def test_fields_inside_lists_and_groups_are_checked_too(tmp_path, form, problem):
    with pytest.raises(FormDefinitionError, match=problem):
        load_form_file(write_form(tmp_path, form))
