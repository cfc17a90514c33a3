"""The national database's record of each live case, kept in step with the case in the same
transaction as each change: submitted, screened, decided, reconsidered or withdrawn."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.cases.queries import find_events, submitted_in_this_unit
from ifr_service.cet.deidentify import age_band, icd10_chapter, patient_pseudonym
from ifr_service.cet.models import NationalCase
from ifr_service.clock import england_date, working_days_between
from ifr_service.forms.answers import (
    COST_AMOUNT_GBP,
    DIAGNOSIS_ICD10_CODE,
    INTERVENTION_DMD_CODE,
    INTERVENTION_NAME,
    INTERVENTION_OPCS4_CODE,
    INTERVENTION_TYPE,
    PATIENT_DATE_OF_BIRTH,
    PATIENT_NHS_NUMBER,
    PATIENT_SEX,
    read_answer,
    submitted_answer,
)
from ifr_service.interventions import intervention_key
from ifr_service.runtime import runtime
from ifr_service.workflows.registry import on_transition

PENDING = "pending"
# The event of a clinician's outcome report after an approval (workflows/ifr.yaml, report_outcome):
# its response, and nothing else of it, reaches the national record.
OUTCOME_REPORTED = "outcome_reported"
SEX = {"female": "female", "male": "male", "indeterminate": "other", "not_known": "unknown"}


@on_transition(workflows=("ifr", "cdf"))
def record_transition(case: Case, event: CaseEvent) -> None:
    """Every transition of a case moves its national record, in the same transaction."""
    record_case(case, event.payload, event)


def record_case(case: Case, payload: dict | None = None, event: CaseEvent | None = None) -> None:
    """Create or update the case's national record from the case as it now is, and from the event
    that moved it (`event`, just recorded): a case submitted in this unit of work is described from
    what is in hand, with no read; any other is read once per unit of work."""
    if case.submitted_utc is None:
        return  # a draft is not a request yet
    rows = db.session().info.setdefault(NATIONAL_ROWS, {})
    row = rows.get(case.id)
    if row is None and event is not None and submitted_in_this_unit(case):
        # Nothing before a submission settles an outcome: its record is what it is, still pending.
        row = rows[case.id] = NationalCase(case_id=case.id, case_ref=case.reference, outcome=PENDING,
                                           **_description(case))
        db.session().add(row)
        _note_change(row, case.route, event.to_state, event.payload, england_date(event.occurred_utc))
        return
    if row is None:
        row = db.session().exec(select(NationalCase).where(NationalCase.case_id == case.id)).first()
        if row is None:  # its first change since the national database began
            rows[case.id] = _from_history(case)
            db.session().add(rows[case.id])
            return
        rows[case.id] = row
    _note_change(row, case.route, case.state, payload, runtime().today())
    if event is not None:
        _note_response(row, event, runtime().today())


def _note_change(row: NationalCase, route: str, state: str, payload: dict | None, day: date) -> None:
    outcome = outcome_of(route, state, row.outcome)
    if outcome != row.outcome:
        _settle(row, outcome, day)
    _note_finding(row, payload)


NATIONAL_ROWS = "ifr_national_rows"  # in the session's info: the national rows this unit of work holds


def outcome_of(route: str, state: str, outcome: str) -> str:
    """What a case entering `state` has come to, as its workflow file says (a state's `outcome`);
    a state that says nothing (closed, reconsideration or review requested) leaves `outcome`."""
    return runtime().workflows[route].state(state).outcome or outcome


def backfill() -> int:
    """Record the submitted cases that have no national record (those decided before the national
    database existed), each from its history. Safe to run again: recorded cases are left alone."""
    recorded = select(NationalCase.case_id).where(NationalCase.case_id.is_not(None))
    missing = select(Case).where(Case.submitted_utc.is_not(None), Case.id.not_in(recorded)).order_by(Case.id)
    cases = db.session().exec(missing).all()
    for case in cases:
        db.session().add(_from_history(case))
    db.session().flush()
    return len(cases)


def _from_history(case: Case) -> NationalCase:
    """The record a case's events add up to: the outcome its states meant, decided on the day of the
    event that settled it, with the exceptionality the panel found."""
    if case.route == "ifr":  # the intervention key as cohorts now group it (older cases had another)
        case.intervention_key = intervention_key(
            submitted_answer(case.answers, INTERVENTION_NAME), _intervention_code(case.answers))
    row = NationalCase(case_id=case.id, case_ref=case.reference, outcome=PENDING, **_description(case))
    for event in find_events(case):
        _note_change(row, case.route, event.to_state, event.payload, england_date(event.occurred_utc))
        _note_response(row, event, england_date(event.occurred_utc))
    return row


def _note_response(row: NationalCase, event: CaseEvent, day: date) -> None:
    """An outcome report's response to treatment (responding, stable, progressing or stopped), the
    day it was reported: none of the report's free text, which may name the patient."""
    if event.name == OUTCOME_REPORTED:
        row.reported_response, row.response_reported_on = event.payload["response"], day


def _settle(row: NationalCase, outcome: str, day: date) -> None:
    row.outcome = outcome
    row.decided_on = None if outcome == PENDING else day
    row.working_days_to_decision = (None if row.decided_on is None
                                    else working_days_between(row.received_on, row.decided_on))


def _note_finding(row: NationalCase, payload: dict | None) -> None:
    """A decision's finding on "significantly different": asked on the branch of the test against a
    policy, and of every case before the test branched; a decision on the other branch (no policy,
    or a rare condition) asks no such question, so the case has no such finding."""
    findings = (payload or {}).get("findings")
    if not findings:
        return
    finding = findings.get("significantly_different")
    row.exceptionality_found = finding["finding"] == "yes" if finding else None


def _description(case: Case) -> dict:
    """What a case is, without who the patient is."""
    answers, received = case.answers, england_date(case.submitted_utc)
    code = submitted_answer(answers, DIAGNOSIS_ICD10_CODE)
    return {
        "route": case.route, "received_on": received, "region_id": case.region_id,
        "hub_id": case.hub_id, "commissioner_id": case.commissioner_id,
        "patient_pseudonym": patient_pseudonym(submitted_answer(answers, PATIENT_NHS_NUMBER),
                                               runtime().config.pseudonym_key),
        "age_band": age_band(date.fromisoformat(submitted_answer(answers, PATIENT_DATE_OF_BIRTH)), received),
        "sex": SEX.get(submitted_answer(answers, PATIENT_SEX), "unknown"),
        "icd10_code": code, "icd10_category": code[:3],
        "icd10_chapter": icd10_chapter(code), "urgency": case.urgency,
        **(_cdf_intervention(case) if case.route == "cdf" else _ifr_intervention(answers)),
    }


def _ifr_intervention(answers: dict) -> dict:
    name, code = submitted_answer(answers, INTERVENTION_NAME), _intervention_code(answers)
    return {"intervention_name": name, "intervention_type": submitted_answer(answers, INTERVENTION_TYPE),
            "intervention_code": code, "intervention_key": intervention_key(name, code),
            "estimated_cost_pence": int(Decimal(submitted_answer(answers, COST_AMOUNT_GBP)) * 100)}


def _intervention_code(answers: dict) -> str | None:
    return read_answer(answers, INTERVENTION_DMD_CODE) or read_answer(answers, INTERVENTION_OPCS4_CODE)


def _cdf_intervention(case: Case) -> dict:
    from ifr_service.cdf.queries import get_application

    application = get_application(case.id)
    entry = runtime().cdf.get(application.entry_key, application.entry_version)
    return {"intervention_name": entry.drug_name, "intervention_type": "drug",
            "intervention_code": entry.dmd_code,
            "intervention_key": intervention_key(entry.drug_name, entry.dmd_code),
            "estimated_cost_pence": application.expected_cost_pence}
