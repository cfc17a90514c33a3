"""Text that cannot hurt, and one spelling of each identifier: what a form's answers may hold.

Every answer's text is judged the same way (ifr_service/text.py): no NUL, broken character, control
character or direction override, new lines and tabs in long text only; the NHS number, codes, dates
and amounts are written in the digits 0 to 9 or refused with the field named.
"""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from ifr_service.config import PROJECT_ROOT
from ifr_service.forms.definition import FormRegistry
from ifr_service.forms.schema import schema_for
from ifr_service.text import quoted, shortened

FORM = FormRegistry.load(PROJECT_ROOT / "forms").latest("ifr-application")

# 999 000 0018 (a test-range number) written in other scripts' digits: each passes int() and \d.
NHS_NUMBER_SPELLINGS = [
    "\uff19\uff19\uff19\uff10\uff10\uff10\uff10\uff10\uff11\uff18",  # fullwidth
    "\u0669\u0669\u0669\u0660\u0660\u0660\u0660\u0660\u0661\u0668",  # Arabic-Indic
    "999000001\u0668",  # one Arabic-Indic digit among ASCII ones
    "\u096f\u096f\u096f \u0966\u0966\u0966 \u0966\u0966\u0967\u096e",  # Devanagari, spaced
]


def errors_of(answers: dict) -> dict:
    with pytest.raises(ValidationError) as error:
        schema_for(FORM)().load(answers, partial=True)
    return error.value.messages


def load(answers: dict) -> dict:
    return schema_for(FORM)().load(answers, partial=True)


@pytest.mark.parametrize("spelling", NHS_NUMBER_SPELLINGS)
def test_an_nhs_number_in_digits_other_than_0_to_9_is_refused_not_stored_as_typed(spelling):
    messages = errors_of({"patient": {"nhs_number": spelling}})
    assert messages["patient"]["nhs_number"] == [
        "Type the NHS number in the digits 0 to 9, for example 943 476 5919."]


def test_the_nhs_number_in_ascii_digits_is_one_spelling_however_it_is_spaced():
    for typed in ("999 000 0018", "999-000-0018", "9990000018"):
        assert load({"patient": {"nhs_number": typed}})["patient"]["nhs_number"] == "9990000018"


@pytest.mark.parametrize(("section", "field", "value"), [
    ("intervention", "dmd_code", "\uff11\uff12\uff13\uff14\uff15\uff16\uff17"),  # fullwidth dm+d
    ("intervention", "opcs4_code", "K\u0664\u0660.1"),  # Arabic-Indic OPCS-4
    ("clinician", "provider_ods_code", "RR\u0967"),  # Devanagari in an ODS code
    ("clinician", "registration_number", "\uff11234567"),
])
def test_a_code_in_other_scripts_digits_is_refused_naming_the_field(section, field, value):
    assert "digits 0 to 9" in errors_of({section: {field: value}})[section][field][0]


@pytest.mark.parametrize("code", ["C\uff13\uff14.1", "C\u0663\u0664.\u0661"])
def test_an_icd10_code_in_other_scripts_digits_is_refused(code):
    assert "digits 0 to 9" in errors_of({"diagnosis": {"icd10_code": code}})["diagnosis"]["icd10_code"][0]


@pytest.mark.parametrize("amount", ["\uff11\uff12\uff13", "\u0661\u0662\u0663.50"])
def test_an_amount_in_other_scripts_digits_is_refused_not_read_as_a_number(amount):
    assert "digits 0 to 9" in errors_of({"cost": {"amount_gbp": amount}})["cost"]["amount_gbp"][0]


def test_a_date_in_other_scripts_digits_is_refused():
    messages = errors_of({"patient": {"date_of_birth": "\uff11\uff19\uff16\uff11-07-30"}})
    assert "date_of_birth" in messages["patient"]


@pytest.mark.parametrize("born", ["0001-01-01", "1899-12-31"])
def test_a_date_of_birth_before_1900_is_refused(born):
    messages = errors_of({"patient": {"date_of_birth": born}})
    assert messages["patient"]["date_of_birth"] == [
        "Enter the date of birth from 1 January 1900 to 31 December 2099"]


def test_a_date_of_birth_from_1900_is_accepted():
    assert load({"patient": {"date_of_birth": "1900-01-01"}})["patient"]["date_of_birth"].year == 1900


def test_a_code_with_a_new_line_after_it_does_not_pass_its_pattern():
    messages = errors_of({"clinician": {"provider_ods_code": "RRV\n"}})
    assert "provider_ods_code" in messages["clinician"]


BAD_TEXT = [
    ("\x00", "NUL"),
    ("\ud800x", "broken character"),
    ("\udfff", "broken character"),
    ("\x1b[31mred", "control character"),  # an ANSI escape sequence
    ("\x7f", "control character"),
    ("\x85", "control character"),  # C1: a next line of its own
    ("evil\u202etxt.exe", "reverses text direction"),
    ("\u2066isolated\u2069", "reverses text direction"),
]


@pytest.mark.parametrize(("section", "field"), [
    ("patient", "given_name"), ("patient", "family_name"), ("patient", "postal_address"),
    ("intervention", "name"), ("cost", "notes"), ("clinician", "email"), ("patient", "commissioner"),
])
@pytest.mark.parametrize(("text", "problem"), BAD_TEXT)
def test_text_that_could_hurt_is_refused_in_every_text_field(section, field, text, problem):
    messages = errors_of({section: {field: f"Example {text} name"}})
    assert any(problem in message for message in messages[section][field])


@pytest.mark.parametrize("line_break", ["\n", "\t", "\r\n"])
def test_a_name_is_one_line_but_an_address_may_have_many(line_break):
    messages = errors_of({"patient": {"given_name": f"Ann{line_break}Example"}})
    assert messages["patient"]["given_name"] == ["Keep this to one line: it cannot hold a new line or a tab."]
    address = f"1 Example Street{line_break}Leeds"
    assert load({"patient": {"postal_address": address}})["patient"]["postal_address"] == address


def test_right_to_left_writing_itself_is_accepted():
    name = "\u0645\u062b\u0627\u0644 \u200fExample"  # Arabic letters and a right-to-left mark
    assert load({"patient": {"family_name": name}})["patient"]["family_name"] == name


def test_an_error_quotes_at_most_a_short_piece_of_what_was_given():
    long_code = "Z" * 100_000
    message = errors_of({"diagnosis": {"icd10_code": long_code}})["diagnosis"]["icd10_code"][0]
    assert len(message) < 200
    assert shortened(long_code) in message


def test_a_quoted_piece_shows_what_cannot_be_printed_as_an_escape():
    assert quoted("a\x1b[2Jb") == "'a\\x1b[2Jb'"
    assert quoted("x" * 41) == "'" + "x" * 40 + "…'"
