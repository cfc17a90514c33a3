"""The treatment a clinician records on a CDF approval: the workflow's guards on the dates, and
the effect that keeps the application's treatment record (the managed access outcome data), each
registered into the CDF workflow's registry under the name workflows/cdf.yaml uses. The break
between cycles is NHS England's policy for every route (treatment_breaks/service.py's
`treatment_within_break_policy`)."""

from __future__ import annotations

from datetime import date

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.cdf import queries, service
from ifr_service.errors import Conflict, ValidationFailed
from ifr_service.funding import queries as funding_queries
from ifr_service.funding import service as funding
from ifr_service.treatment_breaks import service as treatment_breaks
from ifr_service.workflows.registry import effect, guard


@guard("cdf_start_in_time", workflows=("cdf",))
def check_start_in_time(case: Case, actor, payload: dict) -> None:
    record, started = queries.get_application(case.id), date.fromisoformat(payload["date"])
    if started < record.decided_on:
        raise ValidationFailed({"date": f"Treatment cannot have started before the approval on "
                                        f"{record.decided_on:%d %B %Y}."})
    if started > record.start_by:
        raise Conflict(f"Approval {record.approval_number} expired on {record.start_by:%d %B %Y}: "
                       "treatment had to start by then. Make a new application.", field="date")


@guard("cdf_treatment_within_break_policy", workflows=("cdf",))
def check_treatment_within_break_policy(case: Case, actor, payload: dict) -> dict | None:
    """NHS England's policy on breaks in treatment, on the approval's funding authorisation
    (treatment_breaks/service.py); an approval given before authorisations were issued has none, so
    its own last treatment date, and its entry's cycle and class, are read instead."""
    if funding_queries.find_authorisation_for_case(case.id) is not None:
        return treatment_breaks.check_treatment_within_policy(case, actor, payload)
    record, treated = queries.get_application(case.id), date.fromisoformat(payload["date"])
    if treated < record.last_treatment_on:
        raise ValidationFailed({"date": "Record treatment in order: the last recorded was on "
                                        f"{record.last_treatment_on:%d %B %Y}."})
    until = service.next_treatment_by(record)
    if until is not None and treated > until:
        raise Conflict(f"Treatment on {treated:%d %B %Y} comes after a break longer than NHS England's "
                       f"policy on breaks in treatment allows with no form (the next cycle was due by "
                       f"{until:%d %B %Y}). Make a treatment-break request on approval "
                       f"{record.approval_number}: no new application is needed.", field="date")
    return None


@guard("cdf_stop_after_treatment", workflows=("cdf",))
def check_stop_after_treatment(case: Case, actor, payload: dict) -> None:
    record, stopped = queries.get_application(case.id), date.fromisoformat(payload["date"])
    since = record.last_treatment_on or record.decided_on
    if stopped < since:
        raise ValidationFailed({"date": f"Treatment cannot have stopped before {since:%d %B %Y}, "
                                        "the last date recorded on this approval."})


@effect("record_cdf_treatment", workflows=("cdf",))
def record_treatment(case: Case, event: CaseEvent) -> None:
    """Keep the approval's treatment dates, and its funding authorisation's cycles, in step with the
    event just recorded: the clinician's, or the service's from the trust's SACT submission."""
    record, day = queries.get_application(case.id), date.fromisoformat(event.payload["date"])
    authorisation = funding_queries.find_authorisation_for_case(case.id)
    source = "clinician" if event.actor_role == "clinician" else "sact"
    if event.name == "cdf_treatment_started":
        record.started_on = record.last_treatment_on = day
        record.cycles_given = 1
    elif event.name == "cdf_treatment_continued":
        record.last_treatment_on = day
        record.cycles_given += 1
    elif event.name == "cdf_treatment_stopped":
        record.stopped_on, record.stop_reason = day, event.payload["reason"]
    if authorisation is None:  # approved before authorisations were issued
        return
    if event.name == "cdf_treatment_stopped":
        funding.record_stop(authorisation, day, event.payload["reason"])
    else:
        funding.record_cycle(authorisation, day, source, event.payload.get("source_key"))
