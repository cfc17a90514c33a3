"""A case's own identifiers typed into free text are taken out of what the panel reads: no database."""

from __future__ import annotations

import pytest

from ifr_service.cases.redaction import BIRTH_DATE, CLINICIAN, NAME, NHS_NUMBER, POSTCODE, Redactor

ANSWERS = {
    "patient": {"nhs_number": "999 000 0018", "given_name": "Alex", "family_name": "Quillfeather-Jones",
                "date_of_birth": "1968-04-02", "postal_address": "1 Example Street, London NW1 2BU"},
    "clinician": {"name": "Dr Priya Shah", "email": "priya.shah@nhs.net", "telephone": "020 3456 7890",
                  "registration_number": "7012345"},
}
REDACT = Redactor(ANSWERS)


@pytest.mark.parametrize("written", ["9990000018", "999 000 0018", "999-000-0018", "999 0000 018",
                                     "999.000.0018", "999  000  0018"])
def test_the_nhs_number_is_taken_out_in_any_spacing(written):
    assert REDACT.text(f"NHS number {written}, seen today.") == f"NHS number {NHS_NUMBER}, seen today."


def test_a_longer_run_of_digits_holding_the_nhs_number_is_left_alone():
    assert REDACT.text("Batch 199900000189.") == "Batch 199900000189."


@pytest.mark.parametrize("written", ["1968-04-02", "02/04/1968", "2/4/1968", "2/4/68", "02.04.1968",
                                     "02-04-1968", "2 April 1968", "2nd April 1968", "2 Apr 1968",
                                     "2 APRIL 1968", "April 2, 1968", "Apr. 2 1968", "1968/4/2"])
def test_the_date_of_birth_is_taken_out_as_it_is_commonly_written(written):
    assert REDACT.text(f"Born {written}.") == f"Born {BIRTH_DATE}."


@pytest.mark.parametrize("other", ["12/04/1968", "2 April 1969", "2 May 1968", "22/04/1968", "2 April"])
def test_other_dates_are_left_alone(other):
    assert REDACT.text(f"Seen {other}.") == f"Seen {other}."


def test_the_patients_names_are_taken_out_as_names_are_written_of_them():
    text = ("Alex Quillfeather-Jones (ALEX, Mrs Quillfeather's sister, A. Jones, QUILLFEATHER-JONES, Alex) "
            "told us; alexandra, Alexander and Jones fracture are other words.")
    assert REDACT.text(text) == (f"{NAME} ({NAME}, {NAME}'s sister, {NAME}, {NAME}) "
                                 "told us; alexandra, Alexander and Jones fracture are other words.")


def test_the_family_name_alone_is_left_as_it_may_name_a_condition():
    wilson = Redactor({"patient": {"given_name": "Sam", "family_name": "Wilson"}})
    assert wilson.text("Mr Wilson has Wilson's disease; Sam Wilson, S Wilson, Wilson, Sam.") == \
        f"{NAME} has Wilson's disease; {NAME}, {NAME}, {NAME}."


def test_the_postcode_and_the_clinicians_details_are_taken_out():
    text = ("Lives at NW12BU (nw1 2bu). Call Dr Priya Shah (Dr Shah) on 020 3456 7890 or "
            "PRIYA.SHAH@nhs.net, GMC 7012345.")
    assert REDACT.text(text) == (f"Lives at {POSTCODE} ({POSTCODE}). Call {CLINICIAN} ({CLINICIAN}) on "
                                 f"{CLINICIAN} or {CLINICIAN}, GMC {CLINICIAN}.")


def test_every_string_within_the_answers_is_scrubbed_and_the_rest_kept():
    tried = [{"treatment": "Crizotinib", "outcome": "Alex responded"}]
    answers = {"clinical_case": {"treatments_tried": tried, "exceptionality": "NHS 9990000018."},
               "cost": {"amount_gbp": 62400}}
    assert REDACT.answers(answers) == {
        "clinical_case": {"treatments_tried": [{"treatment": "Crizotinib", "outcome": f"{NAME} responded"}],
                          "exceptionality": f"NHS {NHS_NUMBER}."}, "cost": {"amount_gbp": 62400}}


def test_a_case_without_identifiers_takes_nothing_out():
    assert Redactor({}).text("Alex, 9990000018, 02/04/1968") == "Alex, 9990000018, 02/04/1968"
