"""The de-identified view of a case a panel pack shows, and the hub's screening notes as it reads them."""

from __future__ import annotations

from datetime import date

from ifr_service.cases import queries
from ifr_service.cases.models import Case
from ifr_service.cases.redaction import Redactor

SCREENING_EVENTS = ("completeness_confirmed", "screening_completed", "urgent_consideration_requested")


def deidentified_application(case: Case, today: date) -> dict:
    """The application as a panel reads it: no name, NHS number, date of birth or contact details, in
    their own answers or typed into any other (cases/redaction.py)."""
    answers = Redactor(case.answers).answers({section: values for section, values in case.answers.items()
                                              if section not in ("patient", "clinician")})
    patient = case.answers.get("patient", {})
    clinician = case.answers.get("clinician", {})
    born = date.fromisoformat(patient["date_of_birth"]) if patient.get("date_of_birth") else None
    answers["patient"] = {"age_in_years": _age(born, today) if born else None, "sex": patient.get("sex")}
    answers["clinician"] = {"role": clinician.get("role"), "provider_trust": clinician.get("provider_trust")}
    return answers


def screening_notes(case: Case) -> list[dict]:
    """The hub's notes from screening, as the panel reads them: the case's identifiers taken out."""
    redactor = Redactor(case.answers)
    return [{"event": event.name, "occurred_utc": event.occurred_utc,
             "notes": redactor.answers(event.payload)}
            for event in queries.find_events(case) if event.name in SCREENING_EVENTS]


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
