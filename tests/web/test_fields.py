"""Form definitions as page inputs: what a page shows is read back as the same answers."""

from __future__ import annotations

import json

from werkzeug.datastructures import MultiDict

from ifr_service.config import PROJECT_ROOT
from ifr_service.forms.definition import FormRegistry
from ifr_service.web.fields import MISSING, answer_text, read_field, read_fields, shown_values

FORM = FormRegistry.load(PROJECT_ROOT / "forms").latest("ifr-application")
EXAMPLE = json.loads((PROJECT_ROOT / "docs" / "examples" / "ifr-application.json").read_text())


def test_every_section_of_the_example_reads_back_as_it_was_shown():
    for section in FORM.sections:
        shown = shown_values(section.fields, EXAMPLE[section.key], f"{section.key}.")
        assert read_fields(section.fields, MultiDict(shown), f"{section.key}.") == EXAMPLE[section.key]


def test_a_date_is_three_inputs_and_a_part_date_goes_to_the_service_to_refuse():
    born = FORM.field_at("patient.date_of_birth")
    assert read_field(born, {"d[day]": "5", "d[month]": "3", "d[year]": "1984"}, "d") == "1984-03-05"
    assert read_field(born, {"d[day]": "", "d[month]": "", "d[year]": ""}, "d") is MISSING
    assert read_field(born, {"d[day]": "31", "d[month]": "", "d[year]": "1984"}, "d") == "1984--31"


def test_an_empty_input_is_no_answer_rather_than_an_empty_one():
    name = FORM.field_at("patient.given_name")
    assert read_field(name, {"n": "   "}, "n") is MISSING


def test_blank_rows_of_a_list_are_left_out():
    tried = FORM.field_at("clinical_case.treatments_tried")
    posted = {"t.0.treatment": "Crizotinib", "t.0.when": "2025", "t.0.outcome": "Worked",
              "t.1.treatment": "", "t.1.when": "", "t.1.outcome": ""}
    expected = [{"treatment": "Crizotinib", "when": "2025", "outcome": "Worked"}]
    assert read_field(tried, posted, "t") == expected


def test_answers_read_as_people_write_them():
    assert answer_text(FORM.field_at("patient.sex"), "female") == "Female"
    assert answer_text(FORM.field_at("consent.copy_letters_to_patient"), True) == "Yes"
    assert answer_text(FORM.field_at("cost.amount_gbp"), "62400.00") == "£62,400.00"
