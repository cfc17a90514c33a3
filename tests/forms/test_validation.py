"""Answers are checked against the form: types and rules always, required-ness on submission."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError
from nhs_number import calculate_checksum

from ifr_service.config import PROJECT_ROOT
from ifr_service.forms.definition import FormRegistry
from ifr_service.forms.schema import schema_for

FORM = FormRegistry.load(PROJECT_ROOT / "forms").latest("ifr-application")


def load(answers: dict, complete: bool = False) -> dict:
    return schema_for(FORM)().load(answers, partial=not complete)


def errors_of(answers: dict, complete: bool = False) -> dict:
    with pytest.raises(ValidationError) as error:
        load(answers, complete)
    return error.value.messages


# England and Wales issue NHS numbers from 4xx and 6xx-7xx; 9xx is the test range.
england_digits = st.builds(lambda first, rest: first + rest, st.sampled_from("4679"),
                           st.text(alphabet="0123456789", min_size=8, max_size=8))


@given(england_digits)
def test_any_nhs_number_with_its_check_digit_is_accepted(digits):
    check = calculate_checksum(digits)
    if check is None or check == 10:
        return  # no valid NHS number starts with these nine digits
    number = f"{digits[:3]} {digits[3:6]} {digits[6:]}{check}"
    assert load({"patient": {"nhs_number": number}})["patient"]["nhs_number"] == digits + str(check)


@given(england_digits, st.integers(1, 9))
def test_an_nhs_number_with_a_wrong_check_digit_is_refused(digits, offset):
    check = calculate_checksum(digits)
    if check is None or check == 10:
        return
    wrong = (check + offset) % 10
    messages = errors_of({"patient": {"nhs_number": digits + str(wrong)}})
    assert "check digit" in messages["patient"]["nhs_number"][0]


@pytest.mark.parametrize("code", ["C34.1", "c341", "G35", "Q21.0"])
def test_who_icd10_codes_are_accepted_and_stored_with_their_dot(code):
    stored = load({"diagnosis": {"icd10_code": code}})["diagnosis"]["icd10_code"]
    assert stored.upper().replace(".", "") == code.upper().replace(".", "")
    assert "." in stored or len(stored) == 3


@pytest.mark.parametrize("code", ["X99.99", "C34.9Z", "", "U07.1Z"])
def test_codes_outside_the_who_classification_are_refused(code):
    assert "diagnosis" in errors_of({"diagnosis": {"icd10_code": code}})


@pytest.mark.parametrize("code", ["II", "C00-C14", "C30-C39"])
def test_a_chapter_or_block_is_too_broad_to_be_a_diagnosis(code):
    assert "chapter or block" in str(errors_of({"diagnosis": {"icd10_code": code}}))


def test_a_date_of_birth_in_the_future_is_refused():
    messages = errors_of({"patient": {"date_of_birth": "2999-01-01"}})
    assert messages["patient"]["date_of_birth"] == ["Enter the date of birth as today or a day in the past"]


def test_an_opcs4_code_must_look_like_one():
    assert "opcs4_code" in errors_of({"intervention": {"opcs4_code": "K401"}})["intervention"]
    assert load({"intervention": {"opcs4_code": "K40.1"}})


def test_a_negative_cost_is_refused_and_money_is_kept_to_the_penny():
    assert "amount_gbp" in errors_of({"cost": {"amount_gbp": "-1"}})["cost"]
    assert str(load({"cost": {"amount_gbp": "100.5"}})["cost"]["amount_gbp"]) == "100.50"


def test_a_drug_needs_its_dose_and_frequency_on_submission_only():
    answers = {"intervention": {"type": "drug"}}
    assert load(answers)  # a draft may leave them for later
    messages = errors_of(answers, complete=True)
    assert {"dose", "frequency"} <= set(messages["intervention"])


def test_each_treatment_tried_needs_what_when_and_outcome():
    messages = errors_of({"clinical_case": {"treatments_tried": [{"treatment": "X"}]}},
                         complete=True)
    assert set(messages["clinical_case"]["treatments_tried"][0]) == {"when", "outcome"}


def test_money_given_past_the_penny_is_refused_not_rounded():
    messages = errors_of({"cost": {"amount_gbp": "12.345"}})
    assert messages["cost"]["amount_gbp"] == [
        "Enter the cost in pounds and pence, like 62400.50"]


@pytest.mark.parametrize("answer", [1, "yes", "true", 0])
def test_consent_must_be_json_true_not_a_look_alike(answer):
    messages = errors_of({"consent": {"patient_consents_to_request": answer}})
    assert "patient_consents_to_request" in messages["consent"]


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_answer_to_a_required_question_is_no_answer(blank):
    messages = errors_of({"patient": {"given_name": blank}})
    assert messages["patient"]["given_name"] == ["Enter the patient's given name"]


def test_answers_are_kept_without_surrounding_spaces():
    assert load({"patient": {"family_name": "  Example "}})["patient"]["family_name"] == "Example"


def test_the_cost_must_lie_within_the_forms_range_and_says_so_in_pounds():
    assert errors_of({"cost": {"amount_gbp": "100000000.01"}})["cost"]["amount_gbp"] == [
        "Enter the cost of no more than £100,000,000"]
    assert errors_of({"cost": {"amount_gbp": "-0.01"}})["cost"]["amount_gbp"] == [
        "Enter the cost of £0 or more"]
