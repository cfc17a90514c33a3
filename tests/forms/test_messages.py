"""Every error message names its question in words, as the NHS.UK design system's do, and the
same words answer the API and the pages; amounts are read as people write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from marshmallow import ValidationError

from ifr_service.config import PROJECT_ROOT
from ifr_service.features import known_names
from ifr_service.forms.definition import FormRegistry
from ifr_service.forms.fields import normalised_amount
from ifr_service.forms.schema import schema_for, schema_for_fields
from ifr_service.workflows.definition import load_workflows

FORM = FormRegistry.load(PROJECT_ROOT / "forms").latest("ifr-application")


def errors_of(answers: dict, complete: bool = True) -> dict:
    with pytest.raises(ValidationError) as error:
        schema_for(FORM)().load(answers, partial=not complete)
    return error.value.messages


def test_an_urgent_request_without_its_reason_is_told_to_enter_why_it_is_urgent():
    messages = errors_of({"urgency": {"level": "urgent"}})
    assert messages["urgency"]["justification"] == ["Enter why the request is urgent"]


def test_a_routine_request_needs_no_reason_for_urgency():
    messages = errors_of({"urgency": {"level": "routine"}})
    assert "justification" not in (messages.get("urgency") or {})


def test_a_drug_without_its_dose_and_frequency_is_told_to_enter_each():
    messages = errors_of({"intervention": {"type": "drug", "name": "Drug", "duration": "6 months"}})
    assert messages["intervention"] == {"dose": ["Enter the dose"],
                                        "frequency": ["Enter how often it is given"]}


def test_a_policy_that_applies_must_be_named():
    messages = errors_of({"policy": {"national_policy_applies": "yes"}})
    assert messages["policy"]["policy_reference"] == [
        "Enter which policy applies, and why the patient falls outside it"]


def test_a_cost_that_is_not_a_number_says_how_to_write_one():
    messages = errors_of({"cost": {"amount_gbp": "about sixty thousand"}}, complete=False)
    assert messages["cost"]["amount_gbp"] == ["Enter the cost as a number, like 62400 or 62,400"]


def test_a_date_that_does_not_exist_says_to_enter_a_real_date():
    messages = errors_of({"patient": {"date_of_birth": "1958-02-30"}}, complete=False)
    assert messages["patient"]["date_of_birth"] == ["Enter the date of birth as a real date, like 28 2 1958"]


def test_a_short_answer_names_its_question_and_the_length_wanted():
    messages = errors_of({"clinical_case": {"exceptionality": "Too short."}}, complete=False)
    assert messages["clinical_case"]["exceptionality"] == [
        "Enter why this patient is clinically exceptional between 50 and 5000 characters"]


def test_an_unanswered_choice_says_select():
    assert errors_of({"patient": {}})["patient"]["sex"] == ["Select the patient's sex"]


def test_a_consent_not_given_says_what_to_confirm():
    messages = errors_of({"consent": {"patient_consents_to_request": False}}, complete=False)
    assert messages["consent"]["patient_consents_to_request"] == [
        "Confirm that the patient has consented to this funding request being made"]


def test_the_panels_reasons_are_named_by_their_criterion():
    workflow = load_workflows(PROJECT_ROOT / "workflows", known_names)["ifr"]
    schema = schema_for_fields("test-approve-messages", workflow.action("approve").payload)()
    finding = {"finding": "yes", "reasons": "Too short"}
    with pytest.raises(ValidationError) as error:
        schema.load({"findings": {"policy_position": "no_policy", "cohort_in_disguise": finding,
                                  "evidence_of_effectiveness": finding, "value_for_money": finding},
                     "summary": "A summary of the decision."})
    assert error.value.messages["findings"]["value_for_money"]["reasons"] == [
        "Enter reasons for value for money between 10 and 5000 characters"]


@pytest.mark.parametrize(("written", "amount"), [
    ("62400", Decimal("62400")), ("62,400", Decimal("62400")), ("£62,400.00", Decimal("62400.00")),
    (" £ 1,234,567.5 ", Decimal("1234567.5")), ("0.99", Decimal("0.99"))])
def test_amounts_are_read_with_a_pound_sign_and_commas_between_thousands(written, amount):
    loaded = schema_for(FORM)().load({"cost": {"amount_gbp": written}}, partial=True)
    assert loaded["cost"]["amount_gbp"] == amount


@pytest.mark.parametrize("written", ["1e9", "1E2", "NaN", "Infinity", "6,24,00", "62,40", ",400", "£",
                                     "62 400", "0x10", "£-5", "--5", "1,000.000"])
def test_anything_else_is_not_an_amount(written):
    messages = errors_of({"cost": {"amount_gbp": written}}, complete=False)
    assert messages["cost"]["amount_gbp"][0].startswith("Enter the cost")


def test_a_negative_amount_with_a_pound_sign_is_refused_by_the_range_not_misread():
    assert normalised_amount("£-5") == "-5"
    assert errors_of({"cost": {"amount_gbp": "£-5"}}, complete=False)["cost"]["amount_gbp"] == [
        "Enter the cost of £0 or more"]


@pytest.mark.parametrize("written", ["\uff16\uff12\uff14\uff10\uff10", "£\uff16\uff12,\uff14\uff10\uff10",
                                     "\u0666\u0662\u0664\u0660\u0660"])
def test_an_amount_in_other_digits_is_refused_naming_the_digits_to_use(written):
    assert errors_of({"cost": {"amount_gbp": written}}, complete=False)["cost"]["amount_gbp"] == [
        "Enter the cost in the digits 0 to 9, like 62400 or 62,400"]


def test_a_huge_amount_is_refused_by_the_range():
    assert errors_of({"cost": {"amount_gbp": "1,000,000,000"}}, complete=False)["cost"]["amount_gbp"] == [
        "Enter the cost of no more than £100,000,000"]
