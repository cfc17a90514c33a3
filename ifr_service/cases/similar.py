"""The de-identified view of a case a panel pack shows, and the hub's screening notes as it reads them."""

from __future__ import annotations

from datetime import date

from ifr_service.cases import queries
from ifr_service.cases.models import Case
from ifr_service.cases.redaction import Redactor
from ifr_service.forms.answers import (
    CLINICIAN_PROVIDER_TRUST,
    CLINICIAN_ROLE,
    PATIENT_DATE_OF_BIRTH,
    PATIENT_SEX,
    read_answer,
)

SCREENING_EVENTS = ("completeness_confirmed", "screening_completed", "urgent_consideration_requested")


def deidentified_application(case: Case, today: date) -> dict:
    """The application as a panel reads it: no name, NHS number, date of birth or contact details, in
    their own answers or typed into any other (cases/redaction.py)."""
    answers = Redactor(case.answers).answers({section: values for section, values in case.answers.items()
                                              if section not in ("patient", "clinician")})
    born = read_answer(case.answers, PATIENT_DATE_OF_BIRTH)
    born = date.fromisoformat(born) if born else None
    answers["patient"] = {"age_in_years": _age(born, today) if born else None,
                          "sex": read_answer(case.answers, PATIENT_SEX)}
    answers["clinician"] = {"role": read_answer(case.answers, CLINICIAN_ROLE),
                            "provider_trust": read_answer(case.answers, CLINICIAN_PROVIDER_TRUST)}
    return answers


def screening_notes(case: Case) -> list[dict]:
    """The hub's notes from screening, as the panel reads them: the case's identifiers taken out."""
    redactor = Redactor(case.answers)
    return [{"event": event.name, "occurred_utc": event.occurred_utc,
             "notes": redactor.answers(event.payload)}
            for event in queries.find_events(case) if event.name in SCREENING_EVENTS]


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
