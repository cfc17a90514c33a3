"""Breaks in treatment on a funding authorisation, for both routes, as workflow guards and effects
(workflows/cdf.yaml and workflows/ifr.yaml name them), and the treatment an IFR's clinician records
by hand. The rule itself is funding/breaks.py's; this module reads the authorisation and its breaks
for it, refuses with the policy's reasons, and writes what an action recorded.

Like every guard, these refuse before anything is written; the effects run in the action's unit of
work, so a refusal changes nothing.
"""

from __future__ import annotations

from datetime import date

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.errors import Conflict, Forbidden, ValidationFailed
from ifr_service.funding import queries as funding_queries
from ifr_service.funding import service as funding_service
from ifr_service.funding.breaks import (
    BreakPolicy,
    Course,
    RecordedBreak,
    RequestState,
    Standing,
    break_policy,
    check_break_dates,
    in_force_until,
    latest_restart_without_form,
    needs_request,
    next_due_on,
    standing_on,
)
from ifr_service.funding.models import FundingAuthorisation
from ifr_service.runtime import runtime
from ifr_service.treatment_breaks import queries
from ifr_service.treatment_breaks.models import TreatmentBreak
from ifr_service.users.models import User
from ifr_service.workflows.registry import effect, guard

BOTH_ROUTES = ("cdf", "ifr")
DECIDER = {"cdf": "the region's Cancer Drugs Fund team", "ifr": "the IFR hub"}
# Why each criterion of a treatment-break request must be confirmed, said when it is not.
UNMET = {
    "no_progression": "A break is a pause in treatment that works: if the disease progressed, "
                      "record that treatment stopped instead.",
    "same_treatment": "The request keeps the approval already given: a different drug or regimen "
                      "needs its own application.",
    "fit_to_restart": "A break is a pause, not the end of the course: if the patient will not be fit "
                      "to restart, record that treatment stopped instead.",
}


def course_of(authorisation: FundingAuthorisation) -> Course:
    return Course(last_cycle_on=authorisation.last_cycle_on, cycle_days=authorisation.cycle_days,
                  immunotherapy=bool(authorisation.immunotherapy))


def recorded(rows: list[TreatmentBreak]) -> list[RecordedBreak]:
    return [RecordedBreak(row.starts_on, row.expected_restart_on,
                          RequestState(row.request_state) if row.request_state else None) for row in rows]


def standing_of(authorisation: FundingAuthorisation, day: date) -> Standing:
    """Whether treatment on this day keeps the authorisation, under the policy and its breaks."""
    return standing_on(break_policy(), course_of(authorisation),
                       recorded(queries.find_breaks(authorisation.id)), day)


def course_and_breaks(case_id: int) -> tuple[Course, list[RecordedBreak]] | None:
    """What the rule reads of a case's authorisation; None for a case with none."""
    authorisation = funding_queries.find_authorisation_for_case(case_id)
    if authorisation is None:
        return None
    return course_of(authorisation), recorded(queries.find_breaks(authorisation.id))


def has_lapsed(authorisation: FundingAuthorisation, day: date) -> bool:
    """The break has run past the policy with no request pending or approved, or a request was
    refused: the CDF sweep lapses such an approval."""
    return standing_of(authorisation, day) in (Standing.NEEDS_REQUEST, Standing.REFUSED)


def summarise_breaks(authorisation: FundingAuthorisation | None) -> dict | None:
    """What a case response and the case page show: when treatment is next due, the last day it may
    resume (with no form, or by an approved request), and the breaks recorded."""
    if authorisation is None:
        return None
    policy, course = break_policy(), course_of(authorisation)
    rows = queries.find_breaks(authorisation.id)
    stopped = authorisation.stopped_on is not None or authorisation.status != "in_force"
    return {
        "cycle_days": authorisation.cycle_days,
        "immunotherapy": bool(authorisation.immunotherapy),
        "allowed_break_weeks": policy.allowed_weeks(course.immunotherapy),
        "next_due_on": None if stopped else next_due_on(course),
        "latest_restart_without_form": None if stopped else latest_restart_without_form(policy, course),
        "next_treatment_by": None if stopped else in_force_until(policy, course, recorded(rows)),
        "breaks": [{"kind": row.kind, "starts_on": row.starts_on,
                    "expected_restart_on": row.expected_restart_on, "reason": row.reason,
                    "notes": row.notes, "request_state": row.request_state,
                    "decided_on": row.decided_utc.date() if row.decided_utc else None,
                    "decision_reasons": row.decision_reasons} for row in rows],
    }


APPROVED_OUTCOMES = ("approved", "approved_with_conditions")


def present_breaks(case: Case) -> dict | None:
    """The case's breaks as its response and page show them; None before it is approved (asked
    without a query: a submission's response costs none) or when it has no authorisation."""
    if runtime().workflows[case.route].state(case.state).outcome not in APPROVED_OUTCOMES:
        return None
    return summarise_breaks(funding_queries.find_authorisation_for_case(case.id))


def _authorisation(case: Case) -> FundingAuthorisation:
    authorisation = funding_queries.find_authorisation_for_case(case.id)
    if authorisation is None:
        raise Conflict("This case has no funding authorisation: treatment is recorded on an approval.")
    return authorisation


def _in_force(authorisation: FundingAuthorisation) -> FundingAuthorisation:
    if authorisation.status != "in_force":
        raise Conflict(f"Funding authorisation {authorisation.reference} ended on "
                       f"{authorisation.ended_on:%d %B %Y}: nothing more can be recorded on it.")
    if authorisation.stopped_on is not None:
        raise Conflict(f"Treatment on {authorisation.reference} was recorded as stopped on "
                       f"{authorisation.stopped_on:%d %B %Y}.")
    return authorisation


def _started(authorisation: FundingAuthorisation) -> FundingAuthorisation:
    if authorisation.last_cycle_on is None:
        raise Conflict(f"Treatment on {authorisation.reference} has not started: record its start first.")
    return authorisation


# Whether an action is offered at all (the case page's buttons, the API's allowed actions): cheaper
# than its guard, which still checks everything when the action is taken.

def _on_treatment(case: Case, actor: User) -> bool:
    authorisation = funding_queries.find_authorisation_for_case(case.id)
    return (authorisation is not None and authorisation.status == "in_force"
            and authorisation.stopped_on is None and authorisation.last_cycle_on is not None)


def _not_started(case: Case, actor: User) -> bool:
    authorisation = funding_queries.find_authorisation_for_case(case.id)
    return (authorisation is not None and authorisation.status == "in_force"
            and authorisation.started_on is None)


def _in_force_for_stop(case: Case, actor: User) -> bool:
    authorisation = funding_queries.find_authorisation_for_case(case.id)
    return (authorisation is not None and authorisation.status == "in_force"
            and authorisation.stopped_on is None)


def _request_pending(case: Case, actor: User) -> bool:
    authorisation = funding_queries.find_authorisation_for_case(case.id)
    return authorisation is not None and queries.find_pending_request(authorisation.id) is not None


def _day(text) -> date:
    return text if isinstance(text, date) else date.fromisoformat(text)


def _long_break(policy: BreakPolicy, authorisation: FundingAuthorisation) -> str:
    course = course_of(authorisation)
    return (f"{policy.allowed_weeks(course.immunotherapy)} weeks beyond the end of the last cycle (due "
            f"{next_due_on(course):%d %B %Y}), the longest break NHS England's policy on breaks in "
            "treatment allows with no form")


@guard("treatment_within_break_policy", workflows=BOTH_ROUTES, offered_only_if=_on_treatment)
def check_treatment_within_policy(case: Case, actor: User, payload: dict) -> dict:
    """A further cycle keeps the authorisation if it is given within the break the policy allows, or
    by the planned restart of an approved treatment-break request; else 409, saying to request one."""
    authorisation = _started(_in_force(_authorisation(case)))
    day, policy = _day(payload["date"]), break_policy()
    if day < authorisation.last_cycle_on:
        raise ValidationFailed({"date": "Record treatment in order: the last cycle recorded was on "
                                        f"{authorisation.last_cycle_on:%d %B %Y}."})
    standing = standing_of(authorisation, day)
    if standing is Standing.REFUSED:
        raise Conflict(f"The treatment-break request on {authorisation.reference} was refused: its "
                       "funding has ended.", field="date")
    if standing is Standing.REQUEST_PENDING:
        raise Conflict(f"A treatment-break request on {authorisation.reference} is waiting for "
                       f"{DECIDER[case.route]}'s decision: treatment after the break can be recorded "
                       "once it is approved.", field="date")
    if standing is Standing.NEEDS_REQUEST:
        raise Conflict(f"Treatment on {day:%d %B %Y} comes after a break longer than "
                       f"{_long_break(policy, authorisation)}. Make a treatment-break request "
                       f"(request_treatment_break) on {authorisation.reference}: once approved it keeps "
                       "this funding, and no new application is needed.", field="date")
    return {"authorisation": authorisation.reference}


def _check_dates(authorisation: FundingAuthorisation, payload: dict) -> tuple[date, date]:
    starts_on, restart = _day(payload["starts_on"]), _day(payload["expected_restart_on"])
    problems = check_break_dates(course_of(authorisation), starts_on, restart, runtime().today(),
                                 planned=payload["kind"] == "planned")
    if problems:
        raise ValidationFailed(problems)
    return starts_on, restart


@guard("break_within_policy", workflows=BOTH_ROUTES, offered_only_if=_on_treatment)
def check_break_within_policy(case: Case, actor: User, payload: dict) -> dict:
    """A break the policy allows with no form is recorded; a longer one needs a request instead."""
    authorisation, policy = _started(_in_force(_authorisation(case))), break_policy()
    _, restart = _check_dates(authorisation, payload)
    if needs_request(policy, course_of(authorisation), restart):
        raise Conflict(f"A break until {restart:%d %B %Y} is longer than "
                       f"{_long_break(policy, authorisation)}: make a treatment-break request "
                       "(request_treatment_break) instead.",
                       field="expected_restart_on")
    return {"authorisation": authorisation.reference}


@guard("break_needs_request", workflows=BOTH_ROUTES, offered_only_if=_on_treatment)
def check_break_request(case: Case, actor: User, payload: dict) -> dict:
    """A treatment-break request: for a break longer than the policy allows, one at a time, with each
    of its own criteria confirmed (never the entry's first-treatment criteria)."""
    authorisation, policy = _started(_in_force(_authorisation(case))), break_policy()
    _, restart = _check_dates(authorisation, payload)
    if not needs_request(policy, course_of(authorisation), restart):
        raise Conflict(f"A break until {restart:%d %B %Y} is within the break NHS England's policy allows "
                       "with no form: record the break (record_treatment_break), no request is needed.",
                       field="expected_restart_on")
    if queries.find_pending_request(authorisation.id) is not None:
        raise Conflict(f"A treatment-break request on {authorisation.reference} is already waiting for "
                       f"{DECIDER[case.route]}'s decision.")
    unmet = {f"criteria.{c.key}": UNMET.get(c.key, "A treatment-break request needs this confirmed.")
             for c in policy.criteria if payload["criteria"].get(c.key) is not True}
    if unmet:
        raise ValidationFailed(unmet)
    return {"authorisation": authorisation.reference}


@guard("break_request_decidable", workflows=BOTH_ROUTES, offered_only_if=_request_pending)
def check_break_request_decidable(case: Case, actor: User, payload: dict) -> dict:
    """A pending request, decided by someone other than who made it."""
    authorisation = _authorisation(case)
    pending = queries.find_pending_request(authorisation.id, for_update=True)
    if pending is None:
        raise Conflict(f"No treatment-break request on {authorisation.reference} is waiting for a decision.")
    if pending.recorded_by_id == actor.id:
        raise Forbidden("A treatment-break request is decided by someone other than who made it.")
    return {"treatment_break_id": pending.id}


@effect("record_treatment_break", workflows=BOTH_ROUTES)
def record_treatment_break(case: Case, event: CaseEvent) -> None:
    payload = event.payload
    queries.create_break(TreatmentBreak(
        authorisation_id=_authorisation(case).id, kind=payload["kind"],
        starts_on=_day(payload["starts_on"]), expected_restart_on=_day(payload["expected_restart_on"]),
        reason=payload["reason"], notes=payload.get("notes"), recorded_by_id=event.actor_id,
        request_state="pending" if event.name == "treatment_break_requested" else None,
        criteria=payload.get("criteria")))


@effect("decide_treatment_break", workflows=BOTH_ROUTES)
def decide_treatment_break(case: Case, event: CaseEvent) -> None:
    """Approved: the authorisation stays in force until the planned restart. Refused: it ends."""
    authorisation = _authorisation(case)
    row = queries.find_pending_request(authorisation.id, for_update=True)
    approved = event.name == "treatment_break_approved"
    row.request_state = "approved" if approved else "refused"
    row.decided_by_id, row.decided_utc = event.actor_id, event.occurred_utc
    row.decision_reasons = event.payload["reasons"]
    if not approved:
        funding_service.end_authorisation(authorisation, runtime().today(), "treatment_break_refused")


# The treatment an IFR's clinician records by hand (where the trust does not submit SACT data),
# written through the funding core like the CDF's own treatment actions.

@guard("ifr_treatment_not_started", workflows=("ifr",), offered_only_if=_not_started)
def check_ifr_treatment_start(case: Case, actor: User, payload: dict) -> dict:
    authorisation, day = _in_force(_authorisation(case)), _day(payload["date"])
    if authorisation.started_on is not None:
        raise Conflict(f"Treatment on {authorisation.reference} started on "
                       f"{authorisation.started_on:%d %B %Y}: record a further cycle instead.")
    if day < authorisation.issued_on:
        raise ValidationFailed({"date": "Treatment cannot have started before the approval on "
                                        f"{authorisation.issued_on:%d %B %Y}."})
    if authorisation.ends_on is not None and day > authorisation.ends_on:
        raise Conflict(f"Funding authorisation {authorisation.reference} ran until "
                       f"{authorisation.ends_on:%d %B %Y}.", field="date")
    return {"authorisation": authorisation.reference}


@guard("ifr_treatment_stop_in_order", workflows=("ifr",), offered_only_if=_in_force_for_stop)
def check_ifr_treatment_stop(case: Case, actor: User, payload: dict) -> dict:
    authorisation, day = _in_force(_authorisation(case)), _day(payload["date"])
    since = authorisation.last_cycle_on or authorisation.issued_on
    if day < since:
        raise ValidationFailed({"date": f"Treatment cannot have stopped before {since:%d %B %Y}, "
                                        "the last date recorded on this authorisation."})
    return {"authorisation": authorisation.reference}


@effect("record_ifr_treatment", workflows=("ifr",))
def record_ifr_treatment(case: Case, event: CaseEvent) -> None:
    authorisation, day = _authorisation(case), _day(event.payload["date"])
    if event.name == "ifr_treatment_stopped":
        funding_service.record_stop(authorisation, day, event.payload["reason"])
    else:
        funding_service.record_cycle(authorisation, day, "clinician")
