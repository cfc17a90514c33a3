"""The treatment a clinician records on a CDF approval: the workflow's guards on the dates, and
the effect that keeps the application's treatment record (the managed access outcome data), each
registered into the CDF workflow's registry under the name workflows/cdf.yaml uses."""

from __future__ import annotations

from datetime import date, timedelta

from ifr_service.cases.models import Case, CaseEvent
from ifr_service.cdf import queries
from ifr_service.errors import Conflict, ValidationFailed
from ifr_service.funding import queries as funding_queries
from ifr_service.funding import service as funding
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


@guard("cdf_break_within_limit", workflows=("cdf",))
def check_break_within_limit(case: Case, actor, payload: dict) -> None:
    record, treated = queries.get_application(case.id), date.fromisoformat(payload["date"])
    if treated < record.last_treatment_on:
        raise ValidationFailed({"date": "Record treatment in order: the last recorded was on "
                                        f"{record.last_treatment_on:%d %B %Y}."})
    allowed = timedelta(weeks=record.treatment_break_weeks)
    if treated - record.last_treatment_on > allowed:
        raise Conflict(f"The break since {record.last_treatment_on:%d %B %Y} is longer than the "
                       f"{record.treatment_break_weeks} weeks this approval allows, so approval "
                       f"{record.approval_number} has lapsed. Make a new application.", field="date")


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
