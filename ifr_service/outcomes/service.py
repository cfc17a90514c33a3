"""After an IFR approval: the rules of the outcome report and of continuing a time-limited approval,
as the guards and effects workflows/ifr.yaml names (report_outcome, request_continuation,
approve_continuation, decline_continuation), registered into the IFR workflow's registry.

The case stays approved throughout; these act on its funding authorisation (ifr_service/funding): a
report sets when an outcome was last reported (so follow-up can be seen to be overdue) and, with its
stopping criteria met or treatment stopped, ends the authorisation; a continuation approved moves
the authorisation's end and review dates. Each is kept as its row here and as the event the action
recorded, in the action's one transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.errors import Conflict, ValidationFailed
from ifr_service.funding import queries as funding_queries
from ifr_service.funding import service as funding
from ifr_service.funding.models import IN_FORCE, FundingAuthorisation
from ifr_service.notifications.models import Notification
from ifr_service.notifications.sending import send_once
from ifr_service.outcomes import queries
from ifr_service.outcomes.models import (
    APPROVED,
    DECLINED,
    ContinuationRequest,
    OutcomeReport,
)
from ifr_service.runtime import runtime
from ifr_service.users.models import Role
from ifr_service.users.queries import find_hub_staff
from ifr_service.web.display import nhs_date
from ifr_service.workflows.registry import effect, guard

IFR = ("ifr",)
STOPPING_CRITERIA_MET, TREATMENT_STOPPED = "stopping_criteria_met", "treatment_stopped"
# The longest continuation one request may ask for: a bound on the dates typed, not a policy.
LONGEST_CONTINUATION = timedelta(days=3 * 366)


def authorisation_of(case: Case) -> FundingAuthorisation | None:
    """The case's funding authorisation, or None (an approval given before authorisations existed)."""
    return funding_queries.find_authorisation_for_case(case.id)


def is_in_force_today(found: FundingAuthorisation) -> bool:
    """Not ended (an authorisation ended today is still in force by its dates, for treatment given
    today; but nothing more is reported on it or continued), and in force by its dates."""
    return found.status == IN_FORCE and funding.is_in_force(found, runtime().today())


def _in_force(case: Case) -> FundingAuthorisation | None:
    found = authorisation_of(case)
    return found if found is not None and is_in_force_today(found) else None


def _offered_while_in_force(case: Case, actor) -> bool:
    return _in_force(case) is not None


@guard("authorisation_in_force", workflows=IFR, before_the_form=True, offered_only_if=_offered_while_in_force)
def check_authorisation_in_force(case: Case, actor, payload: dict) -> dict:
    """Outcomes are reported, and continuation asked, on an approval whose funding is in force."""
    found = authorisation_of(case)
    if found is None:
        raise Conflict("This approval has no funding authorisation, so there is nothing to report "
                       "against or continue. Contact the IFR team.")
    if not is_in_force_today(found):
        raise Conflict(f"Funding authorisation {found.reference} is no longer in force"
                       + (f": it ended on {nhs_date(found.ended_on)}." if found.ended_on else ".")
                       + " Make a new request if treatment should start again.")
    return {"authorisation": found.reference}


@guard("outcome_assessed_since_approval", workflows=IFR)
def check_assessed_since_approval(case: Case, actor, payload: dict) -> None:
    found = authorisation_of(case)
    assessed = _day(payload["assessed_on"])
    if found is not None and assessed < found.issued_on:
        raise ValidationFailed({"assessed_on": "Enter the date the response was assessed, from the "
                                               f"approval on {nhs_date(found.issued_on)} on."})


def _no_request_waiting(case: Case, actor) -> bool:
    return queries.find_pending_continuation(case.id) is None


def _request_waiting(case: Case, actor) -> bool:
    return not _no_request_waiting(case, actor)


@guard("no_continuation_pending", workflows=IFR, before_the_form=True, offered_only_if=_no_request_waiting)
def check_no_continuation_pending(case: Case, actor, payload: dict) -> None:
    if queries.find_pending_continuation(case.id) is not None:
        raise Conflict("A request to continue this funding is already waiting for a decision.")


@guard("continuation_asked_after_current_end", workflows=IFR, before_the_form=True,
       offered_only_if=lambda case, actor: _time_limited(case))
def check_continuation_period(case: Case, actor, payload: dict) -> dict | None:
    """Continuation is of a time-limited approval, for a period ending after its present end."""
    found = authorisation_of(case)
    if found is None or found.ends_on is None:
        raise Conflict("This approval is funded until treatment stops, so there is no end date to "
                       "extend. Report the treatment's outcome by its review date instead.")
    if "continue_until" not in payload:
        return None  # before the form: only whether the approval is time-limited
    asked = _day(payload["continue_until"])
    if asked <= found.ends_on:
        raise ValidationFailed({"continue_until": "Enter a date after the present end of funding, "
                                                  f"{nhs_date(found.ends_on)}."})
    if asked > found.ends_on + LONGEST_CONTINUATION:
        raise ValidationFailed({"continue_until": "Ask for no more than 3 years beyond the present end "
                                                  f"of funding, {nhs_date(found.ends_on)}."})
    return {"ends_on_when_asked": found.ends_on.isoformat()}


def _time_limited(case: Case) -> bool:
    found = authorisation_of(case)
    return found is not None and found.ends_on is not None


@guard("continuation_pending", workflows=IFR, before_the_form=True, offered_only_if=_request_waiting)
def check_continuation_pending(case: Case, actor, payload: dict) -> dict:
    waiting = queries.find_pending_continuation(case.id)
    if waiting is None:
        raise Conflict("No request to continue this funding is waiting for a decision.")
    return {"continuation_request": waiting.id, "continue_until_asked": waiting.continue_until.isoformat()}


@guard("continuation_dates", workflows=IFR)
def check_continuation_dates(case: Case, actor, payload: dict) -> None:
    """Funding continued to no later than asked, beyond its present end; the next review by then."""
    waiting, found = queries.find_pending_continuation(case.id), authorisation_of(case)
    until, review, today = _day(payload["funded_until"]), _day(payload["review_date"]), runtime().today()
    if waiting is None or found is None:
        return  # continuation_pending, named first, has refused already
    current_end = found.ends_on or today
    if until <= max(current_end, today):
        raise ValidationFailed({"funded_until": "Enter a date after the present end of funding, "
                                                f"{nhs_date(max(current_end, today))}."})
    if until > waiting.continue_until:
        raise ValidationFailed({"funded_until": "Enter a date no later than the clinician asked for, "
                                                f"{nhs_date(waiting.continue_until)}."})
    if not today <= review <= until:
        raise ValidationFailed({"review_date": f"Enter a review date from today ({nhs_date(today)}) to "
                                               f"the end of funding ({nhs_date(until)})."})


@effect("record_outcome_report", workflows=IFR)
def record_outcome_report(case: Case, event: CaseEvent) -> None:
    """Keep the report, note on the authorisation that an outcome was reported, end the authorisation
    if the report says so, and tell the hub's IFR team."""
    payload, today = event.payload, runtime().today()
    found = funding_queries.get_authorisation(payload["authorisation"])
    ends = payload["stopping_criteria_met"] or payload["response"] == "stopped"
    queries.create_outcome_report(OutcomeReport(
        case_id=case.id, authorisation_id=found.id, event_id=event.id, reported_by_id=event.actor_id,
        assessed_on=_day(payload["assessed_on"]), response=payload["response"],
        measures=payload["outcome_measures"], stopping_criteria_met=payload["stopping_criteria_met"],
        notes=payload.get("notes"), ended_authorisation=ends, reported_utc=runtime().now()))
    found.outcome_reported_on = today
    if ends:
        funding.end_authorisation(found, today, STOPPING_CRITERIA_MET if payload["stopping_criteria_met"]
                                  else TREATMENT_STOPPED)
    ended = (f" The report ends funding authorisation {found.reference} today." if ends else "")
    _tell_hub(case, event, f"outcome reported ({payload['response']})",
              f"The clinician reported the treatment's outcome: {payload['response']}.{ended}")


@effect("record_continuation_request", workflows=IFR)
def record_continuation_request(case: Case, event: CaseEvent) -> None:
    payload = event.payload
    found = funding_queries.get_authorisation(payload["authorisation"])
    queries.create_continuation_request(ContinuationRequest(
        case_id=case.id, authorisation_id=found.id, requested_event_id=event.id,
        requested_by_id=event.actor_id, response=payload["response"],
        response_data=payload["response_data"], continue_until=_day(payload["continue_until"]),
        reason=payload["reason"], ends_on_when_asked=found.ends_on, requested_utc=runtime().now()))
    _tell_hub(case, event, "continuation requested",
              f"The clinician asks to continue funding until {nhs_date(payload['continue_until'])}. "
              "The IFR team or the panel's chair decides it from the case page.")


@effect("decide_continuation", workflows=IFR)
def decide_continuation(case: Case, event: CaseEvent) -> None:
    """The decision on the waiting request; an approval moves the authorisation's end and review."""
    payload = event.payload
    waiting = queries.find_pending_continuation(case.id)
    waiting.status = APPROVED if event.name == "continuation_approved" else DECLINED
    waiting.decided_event_id, waiting.decided_by_id = event.id, event.actor_id
    waiting.reasons, waiting.decided_utc = payload["reasons"], runtime().now()
    if waiting.status == APPROVED:
        waiting.funded_until = _day(payload["funded_until"])
        waiting.review_date = _day(payload["review_date"])
        found = queries.get_authorisation_by_id(waiting.authorisation_id)
        found.ends_on, found.review_date = waiting.funded_until, waiting.review_date


def _tell_hub(case: Case, event: CaseEvent, what: str, said: str) -> None:
    """The hub's case officers (the one the case is assigned to, if any), by reference only."""
    officers = find_hub_staff(case.hub_id, Role.CASE_OFFICER)
    assigned = [officer for officer in officers if officer.id == case.assigned_to_id]
    for officer in assigned or officers:
        send_once(Notification(
            case_id=case.id, kind=f"after_approval:{event.id}", recipient=officer.email,
            subject=f"Individual Funding Request {case.reference}: {what}",
            body=(f"{said}\n\nSign in to ifr-service to read it on the case page of {case.reference}.\n\n"
                  "This message contains no patient information.\n")))


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
