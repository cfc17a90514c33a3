"""Reads and writes of funding authorisations and their treatment cycles. Only this module touches
their tables."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlmodel import select

from ifr_service import db
from ifr_service.errors import NotFound
from ifr_service.funding.models import IN_FORCE, FundingAuthorisation, TreatmentCycle


def create_authorisation(row: FundingAuthorisation) -> FundingAuthorisation:
    db.session().add(row)
    db.session().flush()
    return row


def get_authorisation(reference: str) -> FundingAuthorisation:
    row = db.session().exec(select(FundingAuthorisation)
                            .where(FundingAuthorisation.reference == reference)).first()
    if row is None:
        raise NotFound(f"There is no funding authorisation {reference}.", field="reference")
    return row


def find_authorisation_for_case(case_id: int, for_update: bool = False) -> FundingAuthorisation | None:
    query = select(FundingAuthorisation).where(FundingAuthorisation.case_id == case_id)
    if for_update:
        query = query.with_for_update()
    return db.session().exec(query).first()


def find_authorisations(nhs_number: str | None = None, in_force_on: date | None = None,
                        route: str | None = None, region_id: int | None = None,
                        limit: int = 1000) -> list[FundingAuthorisation]:
    """Authorisations by patient, route and region; with `in_force_on`, those that may be in force
    that day by their status and dates (is_in_force decides the rest)."""
    query = select(FundingAuthorisation)
    if nhs_number is not None:
        query = query.where(FundingAuthorisation.nhs_number == nhs_number)
    if route is not None:
        query = query.where(FundingAuthorisation.route == route)
    if region_id is not None:
        query = query.where(FundingAuthorisation.region_id == region_id)
    if in_force_on is not None:
        query = query.where(FundingAuthorisation.issued_on <= in_force_on,
                            or_(FundingAuthorisation.ended_on.is_(None),
                                FundingAuthorisation.ended_on >= in_force_on),
                            or_(FundingAuthorisation.ends_on.is_(None),
                                FundingAuthorisation.ends_on >= in_force_on))
    query = query.order_by(FundingAuthorisation.issued_on.desc(), FundingAuthorisation.id.desc())
    return list(db.session().exec(query.limit(limit)))


def find_due_for_review(before: date) -> list[FundingAuthorisation]:
    """Authorisations in force with a review date on or before `before`."""
    query = (select(FundingAuthorisation)
             .where(FundingAuthorisation.status == IN_FORCE,
                    FundingAuthorisation.review_date.is_not(None),
                    FundingAuthorisation.review_date <= before)
             .order_by(FundingAuthorisation.review_date, FundingAuthorisation.id))
    return list(db.session().exec(query))


def add_cycle(row: TreatmentCycle) -> TreatmentCycle:
    db.session().add(row)
    db.session().flush()
    return row


def find_cycles(authorisation_id: int) -> list[TreatmentCycle]:
    query = (select(TreatmentCycle).where(TreatmentCycle.authorisation_id == authorisation_id)
             .order_by(TreatmentCycle.given_on, TreatmentCycle.id))
    return list(db.session().exec(query))


def has_cycle_from(authorisation_id: int, source_key: str) -> bool:
    query = select(TreatmentCycle.id).where(TreatmentCycle.authorisation_id == authorisation_id,
                                            TreatmentCycle.source_key == source_key)
    return db.session().exec(query).first() is not None
