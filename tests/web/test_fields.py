"""Form definitions as page inputs: what a page shows is read back as the same answers."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from ifr_service.config import PROJECT_ROOT
from ifr_service.errors import ValidationFailed
from ifr_service.forms.definition import FormRegistry
from ifr_service.web.fields import (
    MISSING,
    answer_text,
    chosen_copies,
    is_optional,
    read_field,
    read_fields,
    revealed_keys,
    reveals,
    row_count,
    shown_values,
    without_row,
)

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
    assert answer_text(FORM.field_at("cost.amount_gbp"), "62400.00") == "£62,400"


# The application's pages: conditional reveals, copies of a revealed question, rows, and answers
# shown in the NHS.UK content style.

def test_questions_required_by_an_answer_are_revealed_under_that_answer():
    urgency = next(s for s in FORM.sections if s.key == "urgency")
    shown = reveals(urgency.fields, "urgency")
    assert {value: [f.key for f in kids] for value, kids in shown["level"].items()} == {
        "urgent": ["justification"], "emergency": ["justification"]}
    assert revealed_keys(urgency.fields, "urgency") == {"justification"}


def test_a_question_required_from_another_section_is_not_revealed_but_is_not_called_optional():
    patient = next(s for s in FORM.sections if s.key == "patient")
    assert "postal_address" not in revealed_keys(patient.fields, "patient")
    assert not is_optional(FORM.field_at("patient.postal_address"))
    assert is_optional(FORM.field_at("cost.notes"))


def test_the_copy_under_the_chosen_answer_is_the_answer_read():
    urgency = next(s for s in FORM.sections if s.key == "urgency")
    posted = MultiDict([("urgency.level", "emergency"), ("urgency.justification", "under urgent"),
                        ("urgency.justification", "under emergency")])
    assert chosen_copies(urgency.fields, posted, "urgency")["urgency.justification"] == "under emergency"
    posted = MultiDict([("urgency.level", "routine"), ("urgency.justification", "left behind")])
    assert chosen_copies(urgency.fields, posted, "urgency")["urgency.justification"] == ""


def test_removing_a_row_drops_only_its_inputs():
    posted = MultiDict([("t.0.a", "x"), ("t.1.a", "y"), ("t.10.a", "z")])
    assert list(without_row(posted, "t.1").items(multi=True)) == [("t.0.a", "x"), ("t.10.a", "z")]


def test_rows_drawn_are_bounded_by_the_lists_size_and_far_row_numbers_are_ignored():
    assert row_count({"t.0.a": "x", "t.1.a": "y"}, "t", 30) == 3
    assert row_count({"t.29.a": "x"}, "t", 30) == 30
    assert row_count({"t.9999999999.a": "x"}, "t", 30) == 1


def test_a_list_posted_with_more_rows_than_it_holds_is_refused_naming_it():
    tried = FORM.field_at("clinical_case.treatments_tried")
    posted = {f"t.{n}.treatment": "x" for n in range(10_000)}
    with pytest.raises(ValidationFailed) as error:
        read_field(tried, posted, "t")
    assert error.value.fields == {"t": ["Enter no more than 30 treatments already tried"]}


@pytest.mark.parametrize(("path", "stored", "shown"), [
    ("patient.date_of_birth", "1958-02-28", "28 February 1958"),
    ("patient.nhs_number", "9434765919", "943 476 5919"),
    ("cost.amount_gbp", "1234.50", "£1,234.50"),
])
def test_answers_are_shown_in_the_nhs_content_style(path, stored, shown):
    assert answer_text(FORM.field_at(path), stored) == shown
