"""Funding authorisations: issued by the approval that gives them (the workflow effect
`issue_funding_authorisation`), the treatment given under them recorded, and ended.

Each function runs in the caller's unit of work and only flushes.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ifr_service.audit.models import DENIED
from ifr_service.audit.recording import note_case_seen, note_cases_shown
from ifr_service.cases.access import can_see_case
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.cases.queries import get_case_by_id
from ifr_service.cdf import queries as cdf_queries
from ifr_service.errors import NotFound
from ifr_service.forms.answers import (
    CLINICAL_CASE_OUTCOME_MEASURES,
    COST_AMOUNT_GBP,
    INTERVENTION_DMD_CODE,
    INTERVENTION_DOSE,
    INTERVENTION_DURATION,
    INTERVENTION_FREQUENCY,
    INTERVENTION_NAME,
    PATIENT_NHS_NUMBER,
    read_answer,
)
from ifr_service.funding import queries
from ifr_service.funding.models import ENDED, IN_FORCE, FundingAuthorisation, TreatmentCycle
from ifr_service.funding.numbers import allocate_ifr_reference, normalise_reference
from ifr_service.runtime import runtime
from ifr_service.users.models import Role, User
from ifr_service.workflows.registry import effect

# A report made this long before the review date answers it (one made earlier is about the last
# period, not this one).
REPORT_ANSWERS_REVIEW_WITHIN = timedelta(weeks=8)
# Who may look an authorisation up, and see what it covers (funding/service.py:look_up).
LOOKING_UP = (Role.CLINICIAN, Role.TRUST_APPROVER, Role.CASE_OFFICER, Role.PANEL_CHAIR, Role.CDF_ADMIN,
              Role.COMMISSIONING_FINANCE, Role.CET_ANALYST, Role.ADMIN)
END_REASONS = {
    "treatment_stopped": "Treatment stopped",
    "stopping_criteria_met": "The stopping criteria were met",
    "expired": "Treatment did not start within the start window",
    "lapsed": "Lapsed after a treatment break",
    "time_limit_reached": "The approved period ended",
    "break_request_refused": "A treatment-break request was refused",
    "closed": "The case was closed",
}


@effect("issue_funding_authorisation", workflows=("ifr", "cdf"))
def issue_authorisation(case: Case, event: CaseEvent) -> FundingAuthorisation:
    """The approval's authorisation, its terms copied from the decision; one per case (an approval
    taken again after a remittal keeps the first)."""
    existing = queries.find_authorisation_for_case(case.id)
    if existing is not None:
        return existing
    row = _cdf_terms(case) if case.route == "cdf" else _ifr_terms(case, event.payload)
    row.case_id, row.route = case.id, case.route
    row.commissioner_id, row.hub_id, row.region_id = case.commissioner_id, case.hub_id, case.region_id
    row.provider_org_code, row.issued_on = case.provider_org_code, runtime().today()
    return queries.create_authorisation(row)


def _ifr_terms(case: Case, decision: dict) -> FundingAuthorisation:
    answers = case.answers
    regimen = "; ".join(text for text in (read_answer(answers, INTERVENTION_DOSE),
                                          read_answer(answers, INTERVENTION_FREQUENCY),
                                          read_answer(answers, INTERVENTION_DURATION)) if text)
    cap = decision.get("cost_cap_gbp") or read_answer(answers, COST_AMOUNT_GBP)
    return FundingAuthorisation(
        reference=allocate_ifr_reference(runtime().today().year),
        nhs_number=read_answer(answers, PATIENT_NHS_NUMBER),
        treatment=read_answer(answers, INTERVENTION_NAME) or "The treatment requested",
        dmd_code=read_answer(answers, INTERVENTION_DMD_CODE), regimen=regimen[:500] or None,
        ends_on=as_day(decision.get("funded_until")),
        cost_cap_pence=int(Decimal(str(cap)) * 100) if cap not in (None, "") else None,
        conditions=decision.get("conditions"), review_date=as_day(decision.get("review_date")),
        stopping_criteria=decision.get("stopping_criteria"),
        outcome_measures=read_answer(answers, CLINICAL_CASE_OUTCOME_MEASURES),
        # What the policy on breaks in treatment reads (funding/breaks.py), as the panel recorded it.
        immunotherapy=decision.get("immunotherapy") is True, cycle_days=decision.get("cycle_days"))


def _cdf_terms(case: Case) -> FundingAuthorisation:
    record = cdf_queries.get_application(case.id)
    entry = runtime().cdf.get(record.entry_key, record.entry_version)
    return FundingAuthorisation(
        reference=record.approval_number, nhs_number=record.nhs_number, treatment=entry.drug_name,
        dmd_code=entry.dmd_code, regimen=entry.title[:500], immunotherapy=entry.immunotherapy,
        cycle_days=entry.cycle_days, start_by=record.start_by,
        cost_cap_pence=record.expected_cost_pence)


def as_day(value) -> date | None:
    """A date from a checked payload (ISO text) or an answer; None for a blank."""
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def record_cycle(authorisation: FundingAuthorisation, given_on: date, source: str,
                 source_key: str | None = None) -> TreatmentCycle | None:
    """One cycle given; None (and nothing recorded) when its source row was recorded before."""
    if source_key is not None and queries.has_cycle_from(authorisation.id, source_key):
        return None
    cycle = queries.add_cycle(TreatmentCycle(authorisation_id=authorisation.id, given_on=given_on,
                                             source=source, source_key=source_key))
    if authorisation.started_on is None or given_on < authorisation.started_on:
        authorisation.started_on = given_on
    if authorisation.last_cycle_on is None or given_on > authorisation.last_cycle_on:
        authorisation.last_cycle_on = given_on
    authorisation.cycles_given += 1
    return cycle


def record_stop(authorisation: FundingAuthorisation, stopped_on: date, reason: str) -> None:
    authorisation.stopped_on, authorisation.stop_reason = stopped_on, reason
    end_authorisation(authorisation, stopped_on, "treatment_stopped")


def end_authorisation(authorisation: FundingAuthorisation, day: date, reason: str) -> None:
    """End it from `day`; one already ended keeps the day and reason it ended for."""
    if authorisation.status == ENDED:
        return
    authorisation.status, authorisation.ended_on, authorisation.end_reason = ENDED, day, reason


def is_in_force(authorisation: FundingAuthorisation, day: date) -> bool:
    """Whether the authorisation covers treatment given on `day`, by its dates: issued by then, not
    ended before it, within a time-limited approval's period, and (before treatment started) within
    the start window."""
    if day < authorisation.issued_on:
        return False
    if authorisation.ended_on is not None and day > authorisation.ended_on:
        return False
    if authorisation.ends_on is not None and day > authorisation.ends_on:
        return False
    started = authorisation.started_on is not None and authorisation.started_on <= day
    return started or authorisation.start_by is None or day <= authorisation.start_by


def is_follow_up_overdue(authorisation: FundingAuthorisation, day: date) -> bool:
    """The review date has passed with no outcome report made for it."""
    review = authorisation.review_date
    if review is None or day <= review or authorisation.status != IN_FORCE:
        return False
    reported = authorisation.outcome_reported_on
    return reported is None or reported < review - REPORT_ANSWERS_REVIEW_WITHIN


def authorisation_for_case(case: Case) -> FundingAuthorisation | None:
    return queries.find_authorisation_for_case(case.id)


def look_up(user: User, typed: str) -> tuple[FundingAuthorisation, Case]:
    """An authorisation by its reference as a person typed it: 422 naming `reference` for one that
    cannot be a reference, 404 for one not known or not for this person (the refusal recorded).
    Each look-up is recorded as a read of the patient's case."""
    authorisation = queries.get_authorisation(normalise_reference(typed))
    case = get_case_by_id(authorisation.case_id)
    if not may_look_up(user, authorisation, case):
        note_case_seen(user, case, action=DENIED)
        raise NotFound(f"There is no funding authorisation {authorisation.reference} for you.",
                       field="reference")
    note_cases_shown(user, [case])
    return authorisation, case


def may_look_up(user: User, authorisation: FundingAuthorisation, case: Case) -> bool:
    """A trust's clinicians and pharmacy sign-off its own trust's; the CDF teams any of the CDF's (as
    their approval look-up always did); hub staff those of cases they may see; a hub's commissioning
    finance its hub's; the CET and administrators any."""
    role = user.role_enum
    if role in (Role.CLINICIAN, Role.TRUST_APPROVER):
        return authorisation.provider_org_code is not None and \
            authorisation.provider_org_code == user.organisation_code
    if role is Role.CDF_ADMIN:
        return authorisation.route == "cdf"
    if role in (Role.CASE_OFFICER, Role.PANEL_CHAIR):
        return can_see_case(user, case)
    if role is Role.COMMISSIONING_FINANCE:  # the hub's, whose invoices they check
        return user.hub_id is not None and authorisation.hub_id == user.hub_id
    return role in (Role.CET_ANALYST, Role.ADMIN)
