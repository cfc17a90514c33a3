"""Monthly trends of both routes for the CET: IFR requests and their outcomes, and CDF
applications, approvals and treatment, by region. Counted from the cases' events, so they
hold no patient data and cannot drift from what happened."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case, CaseEvent
from ifr_service.clock import ENGLAND, england_date
from ifr_service.reference.models import Region

# (route, event) -> measure, or (route, event, state entered) -> measure where one event
# records several outcomes.
MEASURES = {
    ("ifr", "case_submitted"): "requests",
    ("ifr", "decision_recorded", "approved"): "approved",
    ("ifr", "decision_recorded", "approved_with_conditions"): "approved",
    ("ifr", "decision_recorded", "declined"): "declined",
    ("ifr", "screening_completed", "closed_not_responsible"): "closed_at_screening",
    ("ifr", "screening_completed", "closed_routinely_commissioned"): "closed_at_screening",
    ("ifr", "screening_completed", "closed_cohort"): "closed_at_screening",
    ("cdf", "cdf_application_received"): "applications",
    ("cdf", "cdf_approved"): "approved",
    ("cdf", "cdf_not_approved"): "not_approved",
    ("cdf", "cdf_treatment_started"): "treatment_started",
    ("cdf", "cdf_treatment_stopped"): "treatment_stopped",
    ("cdf", "cdf_approval_expired"): "expired",
    ("cdf", "cdf_approval_lapsed"): "lapsed",
}
EVENT_NAMES = sorted({key[1] for key in MEASURES})


def monthly_trends(start: date, end: date, route: str | None = None) -> list[dict]:
    """Counts by month (in England), route, region and measure, for events between the dates."""
    query = (select(CaseEvent.name, CaseEvent.to_state, CaseEvent.occurred_utc, Case.route, Region.code)
             .join(Case, Case.id == CaseEvent.case_id).join(Region, Region.id == Case.region_id)
             .where(CaseEvent.name.in_(EVENT_NAMES), CaseEvent.occurred_utc >= _utc_start_of(start),
                    CaseEvent.occurred_utc < _utc_start_of(end + timedelta(days=1))))
    if route:
        query = query.where(Case.route == route)
    counts: Counter = Counter()
    for name, to_state, occurred, case_route, region in db.session().exec(query):
        measure = MEASURES.get((case_route, name)) or MEASURES.get((case_route, name, to_state))
        if measure:
            counts[(f"{england_date(occurred):%Y-%m}", case_route, region, measure)] += 1
    return [{"month": month, "route": case_route, "region": region, "measure": measure, "count": count}
            for (month, case_route, region, measure), count in sorted(counts.items())]


def _utc_start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ENGLAND).astimezone(UTC)
