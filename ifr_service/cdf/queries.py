"""Reads and writes of CDF applications. Only this module touches their table."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.cdf.models import CdfApplication, ConfidentialPrice
from ifr_service.errors import NotFound
from ifr_service.funding.models import FundingAuthorisation, TreatmentCycle
from ifr_service.users.models import User

# States whose approval may still be in force; the dates decide whether it is.
LIVE_STATES = ("approved", "on_treatment")


def create_application(row: CdfApplication) -> CdfApplication:
    db.session().add(row)
    db.session().flush()
    return row


def get_application(case_id: int) -> CdfApplication:
    row = db.session().get(CdfApplication, case_id)
    if row is None:
        raise NotFound(f"Case {case_id} is not a CDF application.")
    return row


def find_live_approvals(nhs_number: str, entry_key: str) -> list[tuple[CdfApplication, Case]]:
    """The patient's approvals for this drug in this indication that may still be in force."""
    query = (select(CdfApplication, Case).join(Case, Case.id == CdfApplication.case_id)
             .where(CdfApplication.nhs_number == nhs_number, CdfApplication.entry_key == entry_key,
                    Case.state.in_(LIVE_STATES))
             .order_by(CdfApplication.decided_on.desc()))
    return list(db.session().exec(query))


def find_by_approval_number(number: str) -> tuple[CdfApplication, Case]:
    query = (select(CdfApplication, Case).join(Case, Case.id == CdfApplication.case_id)
             .where(CdfApplication.approval_number == number))
    found = db.session().exec(query).first()
    if found is None:
        raise NotFound(f"There is no CDF approval {number}.", field="number")
    return found


def find_region_applications(region_id: int, state: str | None, entry_key: str | None, page: int,
                             page_size: int) -> tuple[list[tuple[CdfApplication, Case]], int]:
    """A region's CDF applications, newest decision first."""
    where = [Case.region_id == region_id, Case.route == "cdf"]
    if state:
        where.append(Case.state == state)
    if entry_key:
        where.append(CdfApplication.entry_key == entry_key)
    joined = select(CdfApplication, Case).join(Case, Case.id == CdfApplication.case_id).where(*where)
    total = db.session().exec(
        select(func.count()).select_from(CdfApplication).join(Case, Case.id == CdfApplication.case_id)
        .where(*where)).one()
    query = (joined.order_by(CdfApplication.decided_on.desc(), Case.id.desc())
             .offset((page - 1) * page_size).limit(page_size))
    return list(db.session().exec(query)), total


def find_decided_between(start: date, end: date, region_id: int | None = None,
                         approved_only: bool = False) -> list[tuple[CdfApplication, Case]]:
    """Applications decided between two dates (inclusive), for spend and audit."""
    query = (select(CdfApplication, Case).join(Case, Case.id == CdfApplication.case_id)
             .where(CdfApplication.decided_on >= start, CdfApplication.decided_on <= end))
    if region_id is not None:
        query = query.where(Case.region_id == region_id)
    if approved_only:
        query = query.where(CdfApplication.approval_number.is_not(None))
    return list(db.session().exec(query.order_by(CdfApplication.case_id)))


def find_sweep_candidates(today: date, shortest_break_weeks: int = 6) -> list[int]:
    """Cases whose approval may have expired (not started by its date) or lapsed (a last treatment
    longer ago than the shortest break the policy allows); the sweep checks each one's own dates,
    cycle and breaks."""
    expired = (select(CdfApplication.case_id).join(Case, Case.id == CdfApplication.case_id)
               .where(Case.state == "approved", CdfApplication.start_by < today))
    breaking = (select(CdfApplication.case_id).join(Case, Case.id == CdfApplication.case_id)
                .where(Case.state == "on_treatment",
                       CdfApplication.last_treatment_on < today - timedelta(weeks=shortest_break_weeks)))
    return sorted({*db.session().exec(expired), *db.session().exec(breaking)})


def _spend_query(columns, start: date, as_of: date, region_id: int | None):
    """The approvals whose treatment may fall in a financial year from `start`: decided by `as_of`,
    and still in force (by state; the dates decide) or treated or stopped on or after `start`, by the
    CDF record or by the funding authorisation's cycles (from SACT, say)."""
    touched = or_(func.coalesce(CdfApplication.stopped_on, CdfApplication.last_treatment_on) >= start,
                  FundingAuthorisation.last_cycle_on >= start)
    query = (select(*columns).select_from(CdfApplication).join(Case, Case.id == CdfApplication.case_id)
             .outerjoin(FundingAuthorisation, FundingAuthorisation.case_id == CdfApplication.case_id)
             .where(CdfApplication.approval_number.is_not(None), CdfApplication.decided_on <= as_of,
                    or_(Case.state.in_(LIVE_STATES), touched)))
    return query.where(Case.region_id == region_id) if region_id is not None else query


def find_spend_approvals(start: date, as_of: date, region_id: int | None = None
                         ) -> list[tuple[CdfApplication, Case, int | None]]:
    """Those approvals, each with its case and its authorisation's cycle length (None without one)."""
    query = _spend_query((CdfApplication, Case, FundingAuthorisation.cycle_days), start, as_of, region_id)
    return list(db.session().exec(query.order_by(CdfApplication.case_id)))


def find_spend_cycles(start: date, as_of: date, region_id: int | None = None) -> dict[int, list[date]]:
    """The days of the cycles the same approvals' authorisations record, by case: one statement for
    all, whatever their number."""
    query = _spend_query((CdfApplication.case_id, TreatmentCycle.given_on), start, as_of, region_id).join(
        TreatmentCycle, TreatmentCycle.authorisation_id == FundingAuthorisation.id)
    cycles: dict[int, list[date]] = {}
    ordered = query.order_by(CdfApplication.case_id, TreatmentCycle.given_on)
    for case_id, given_on in db.session().exec(ordered):
        cycles.setdefault(case_id, []).append(given_on)
    return cycles


def create_price(row: ConfidentialPrice) -> ConfidentialPrice:
    db.session().add(row)
    db.session().flush()
    return row


def find_prices(entry_key: str | None = None) -> list[ConfidentialPrice]:
    """The confidential prices entered, by entry, oldest first."""
    query = select(ConfidentialPrice)
    if entry_key is not None:
        query = query.where(ConfidentialPrice.entry_key == entry_key)
    return list(db.session().exec(query.order_by(ConfidentialPrice.entry_key, ConfidentialPrice.valid_from,
                                                 ConfidentialPrice.id)))


def find_prices_with_names() -> list[tuple[ConfidentialPrice, str]]:
    """Every confidential price with the username of who entered it, by entry, oldest first."""
    query = (select(ConfidentialPrice, User.username).join(User, User.id == ConfidentialPrice.entered_by_id)
             .order_by(ConfidentialPrice.entry_key, ConfidentialPrice.valid_from, ConfidentialPrice.id))
    return list(db.session().exec(query))
