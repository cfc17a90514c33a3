"""The answers the code reads are declared once (forms/answers.py), and every form version, old ones
included, must still have them: a version that drops one, or changes its type, is refused at load,
naming its file and the path. No database here."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from ifr_service.config import PROJECT_ROOT
from ifr_service.forms import answers
from ifr_service.forms.answers import (
    ANSWER_PATHS,
    CLINICIAN_EMAIL,
    CONSENT_COPY_LETTERS_TO_PATIENT,
    MAY_BE_ABSENT,
    URGENCY_LEVEL,
    check_answer_paths,
    read_answer,
    submitted_answer,
)
from ifr_service.forms.definition import FormDefinitionError, FormRegistry, load_form_file, parse_form

FORMS_DIR = PROJECT_ROOT / "forms"
FORM_FILES = sorted(FORMS_DIR.glob("*/*.yaml"))
IFR_V1 = FORMS_DIR / "ifr" / "ifr-application-v1.yaml"
IFR_V2 = FORMS_DIR / "ifr" / "ifr-application-v2.yaml"
SHIPPED = list(FormRegistry.load(FORMS_DIR))


def raw_form(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def field_of(form: dict, path: str) -> dict:
    section_key, field_key = path.split(".")
    section = next(s for s in form["sections"] if s["key"] == section_key)
    return next(f for f in section["fields"] if f["key"] == field_key)


def without(form: dict, path: str) -> dict:
    section_key, field_key = path.split(".")
    section = next(s for s in form["sections"] if s["key"] == section_key)
    section["fields"] = [f for f in section["fields"] if f["key"] != field_key]
    return form


def write(folder: Path, name: str, form: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(form, sort_keys=False))
    return path


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda path: path.name)
def test_every_shipped_form_version_has_every_answer_the_code_reads(path):
    assert check_answer_paths(parse_form(raw_form(path))) == []


@pytest.mark.parametrize("expected", ANSWER_PATHS, ids=lambda expected: expected.path)
def test_every_declared_path_is_asked_by_a_shipped_form(expected):
    """A path no form asks is a stale declaration (or a typo the load check could never catch)."""
    for form_key in expected.forms:
        versions = [form for form in SHIPPED if form.key == form_key]
        assert versions, f"no form {form_key}"
        asking = [form for form in versions if form.field_at(expected.path) is not None]
        assert asking if expected.presence == MAY_BE_ABSENT else asking == versions


def test_a_copied_form_missing_a_path_is_refused_naming_the_file_and_the_path(tmp_path):
    form = without(raw_form(IFR_V2) | {"version": 3}, "clinician.email")
    path = write(tmp_path, "ifr-application-v3.yaml", form)
    with pytest.raises(FormDefinitionError) as error:
        load_form_file(path)
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert "the code reads clinician.email" in message
    assert "form ifr-application version 3 has no such field" in message


def test_an_old_version_missing_a_path_is_refused_though_the_newest_has_it(tmp_path):
    write(tmp_path / "ifr", "ifr-application-v1.yaml", without(raw_form(IFR_V1), "patient.commissioner"))
    shutil.copy(IFR_V2, tmp_path / "ifr" / "ifr-application-v2.yaml")
    refused = r"ifr-application-v1\.yaml: the code reads patient\.commissioner"
    with pytest.raises(FormDefinitionError, match=refused):
        FormRegistry.load(tmp_path)


def test_a_path_whose_type_no_longer_fits_is_refused():
    form = raw_form(IFR_V2)
    field_of(form, "patient.date_of_birth")["type"] = "text"
    assert check_answer_paths(parse_form(form)) == [
        "the code reads patient.date_of_birth (letters, and the age band of the national record and of "
        "similar cases) as date, and form ifr-application version 2 makes it text"]


def test_a_path_the_code_relies_on_must_stay_required():
    form = raw_form(IFR_V2)
    del field_of(form, "clinician.name")["required"]
    assert check_answer_paths(parse_form(form)) == [
        "the code reads clinician.name (who every email and letter is addressed to) from every submitted "
        "case, and form ifr-application version 2 does not require it"]


def test_a_choice_the_code_maps_may_not_offer_a_value_it_does_not_know():
    form = raw_form(IFR_V2)
    field_of(form, "urgency.level")["options"].append({"value": "very_urgent", "label": "Very urgent"})
    problems = check_answer_paths(parse_form(form))
    assert problems == [f"the code reads urgency.level ({URGENCY_LEVEL.purpose}), and form ifr-application "
                        "version 2 offers values the code does not know: very_urgent"]


def test_an_answer_an_older_version_may_lack_must_still_fit_where_asked():
    form = raw_form(IFR_V1)
    assert check_answer_paths(parse_form(form)) == []  # version 1 has no copy_letters_to_patient
    consent = form["sections"][-1]["fields"]
    consent.append({"key": "copy_letters_to_patient", "label": "Copies", "type": "text"})
    assert check_answer_paths(parse_form(form)) == [
        f"the code reads consent.copy_letters_to_patient ({CONSENT_COPY_LETTERS_TO_PATIENT.purpose}) as "
        "boolean, and form ifr-application version 1 makes it text"]


def test_the_cdf_application_form_is_held_to_its_common_part():
    form = without(raw_form(FORMS_DIR / "cdf" / "cdf-application-v1.yaml"), "treatment.planned_start_date")
    assert [problem.split(" (")[0] for problem in check_answer_paths(parse_form(form))] == [
        "the code reads treatment.planned_start_date"]


def test_a_form_the_code_reads_nothing_from_is_not_held_to_the_contract():
    form = without(raw_form(IFR_V2) | {"key": "some-other-form"}, "clinician.email")
    assert check_answer_paths(parse_form(form)) == []


def test_the_service_refuses_to_start_on_a_form_version_missing_a_path(tmp_path):
    from ifr_service.app import create_app
    from ifr_service.config import Config

    shutil.copytree(FORMS_DIR, tmp_path / "forms")
    write(tmp_path / "forms" / "ifr", "ifr-application-v1.yaml", without(raw_form(IFR_V1), "clinician.email"))
    (tmp_path / "workflows").symlink_to(PROJECT_ROOT / "workflows")
    config = Config(environment="test", database_url=f"sqlite:///{tmp_path / 'x.sqlite3'}",
                    project_root=tmp_path)
    refused = r"ifr-application-v1\.yaml: the code reads clinician\.email"
    with pytest.raises(FormDefinitionError, match=refused):
        create_app(config)


def test_an_answer_is_read_by_its_path_and_is_none_when_not_given():
    assert read_answer({"clinician": {"email": "a@nhs.net"}}, CLINICIAN_EMAIL) == "a@nhs.net"
    assert read_answer({"clinician": {}}, CLINICIAN_EMAIL) is None
    assert read_answer({"clinician": None}, CLINICIAN_EMAIL) is None
    assert read_answer({}, CLINICIAN_EMAIL) is None


def test_a_submitted_answer_that_is_missing_names_its_path():
    assert submitted_answer({"clinician": {"email": "a@nhs.net"}}, CLINICIAN_EMAIL) == "a@nhs.net"
    with pytest.raises(KeyError, match=r"clinician\.email"):
        submitted_answer({"clinician": {}}, CLINICIAN_EMAIL)


def test_a_template_can_name_only_a_declared_path():
    assert answers.answer_path("clinician.email") is CLINICIAN_EMAIL
    with pytest.raises(KeyError, match="not an answer path the code reads"):
        answers.answer_path("clinician.emial")


def test_a_template_reads_an_answer_by_its_declared_path():
    from jinja2 import Environment

    from ifr_service.web.display import FILTERS

    env = Environment(autoescape=True)
    env.filters.update(FILTERS)
    page = env.from_string('{{ (answers | answer("intervention.name")) or "Not given" }}')
    assert page.render(answers={"intervention": {"name": "Pembrolizumab"}}) == "Pembrolizumab"
    assert page.render(answers={}) == "Not given"
    with pytest.raises(KeyError, match="not an answer path the code reads"):
        env.from_string('{{ answers | answer("intervention.nmae") }}').render(answers={})


TEMPLATES = sorted((PROJECT_ROOT / "ifr_service").glob("**/templates/**/*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_templates_read_answers_only_by_declared_paths(template):
    text = template.read_text(encoding="utf-8")
    for path in re.findall(r"""answer\(["']([^"']+)["']\)""", text):
        assert path in answers.BY_PATH, f"{template.name} reads {path}, not declared in forms/answers.py"
    # check_answers.html walks the form itself, every field of it
    if template.name != "check_answers.html":
        assert not re.search(r"\.answers\.get\(|\.answers\[", text), f"{template.name} reads answers directly"


# A field read by literal keys: answers["clinician"]["email"], (answers.get("urgency") or {}).get("level").
LITERAL_READ = re.compile(r"""answers\[["']\w+["']\]\[["']"""
                          r"""|answers\.get\(["']\w+["'][^)]*\)( or \{\}\))?\.get\(["']""")
MODULES = sorted(path for path in (PROJECT_ROOT / "ifr_service").glob("**/*.py")
                 if path.parent.name != "forms" and path.name != "demo.py")  # demo.py writes its answers


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_modules_read_answers_only_by_declared_paths(module):
    """A net, not a proof: a field read by literal keys belongs in forms/answers.py."""
    for number, line in enumerate(module.read_text(encoding="utf-8").splitlines(), start=1):
        assert not LITERAL_READ.search(line), f"{module.name}:{number} reads answers by keys: {line.strip()}"


def contract_rows() -> list[str]:
    return [f"| `{p.path}` | {', '.join(f'`{key}`' for key in p.forms)} | {' or '.join(p.types)}"
            f"{' (' + ', '.join(p.values) + ')' if p.values else ''} | {p.presence} | {p.purpose} |"
            for p in ANSWER_PATHS]


def test_the_forms_guide_lists_every_answer_the_code_reads():
    doc = (PROJECT_ROOT / "docs" / "forms.md").read_text(encoding="utf-8")
    section = doc.split("## What the code reads from a form", 1)[1].split("\n## ", 1)[0]
    listed = [line for line in section.splitlines() if line.startswith("| `")]
    assert listed == contract_rows(), "docs/forms.md is out of step with forms/answers.py:\n" + "\n".join(
        contract_rows())
