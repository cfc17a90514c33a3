"""Reads and writes of outcome reports and continuation requests. Only this module touches their
tables; the authorisations they belong to are the funding core's (ifr_service/funding)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from ifr_service import db
from ifr_service.errors import NotFound
from ifr_service.funding.models import IN_FORCE, FundingAuthorisation
from ifr_service.outcomes.models import PENDING, ContinuationRequest, OutcomeReport


def create_outcome_report(report: OutcomeReport) -> OutcomeReport:
    db.session().add(report)
    db.session().flush()
    return report


def find_outcome_reports(case_id: int) -> list[OutcomeReport]:
    """The case's outcome reports, newest first."""
    query = (select(OutcomeReport).where(OutcomeReport.case_id == case_id)
             .order_by(OutcomeReport.reported_utc.desc(), OutcomeReport.id.desc()))
    return list(db.session().exec(query))


def create_continuation_request(request: ContinuationRequest) -> ContinuationRequest:
    db.session().add(request)
    db.session().flush()
    return request


def find_pending_continuation(case_id: int) -> ContinuationRequest | None:
    query = select(ContinuationRequest).where(ContinuationRequest.case_id == case_id,
                                              ContinuationRequest.status == PENDING)
    return db.session().exec(query).first()


def find_continuation_requests(case_id: int) -> list[ContinuationRequest]:
    """The case's continuation requests, newest first."""
    query = (select(ContinuationRequest).where(ContinuationRequest.case_id == case_id)
             .order_by(ContinuationRequest.requested_utc.desc(), ContinuationRequest.id.desc()))
    return list(db.session().exec(query))


def find_authorisations_for_review_reminder(today: date, lead_days: int) -> list[int]:
    """The ids of IFR authorisations in force whose review date falls within `lead_days` from today
    (today included), with no outcome reported in that time: those whose clinician is reminded."""
    found = FundingAuthorisation
    query = (select(found.id)
             .where(found.route == "ifr", found.status == IN_FORCE, found.review_date.is_not(None),
                    found.review_date >= today, found.review_date <= today + timedelta(days=lead_days))
             .order_by(found.review_date, found.id))
    return list(db.session().exec(query))


def get_authorisation_by_id(authorisation_id: int) -> FundingAuthorisation:
    found = db.session().get(FundingAuthorisation, authorisation_id)
    if found is None:
        raise NotFound(f"There is no funding authorisation {authorisation_id}.")
    return found
