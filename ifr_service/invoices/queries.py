"""Reads and writes of invoice schedules and their lines, and the reads of authorisations their checks
need. Only this module touches these tables."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, tuple_
from sqlmodel import select

from ifr_service import db
from ifr_service.cases.models import Case
from ifr_service.errors import NotFound
from ifr_service.funding.models import FundingAuthorisation
from ifr_service.invoices.models import ACCEPTED, InvoiceLine, InvoiceSchedule
from ifr_service.reference.models import Commissioner

CHUNK = 500  # references, keys and ids a query: well inside both databases' limits on parameters


@dataclass(frozen=True)
class Scope:
    """Whose approvals a schedule is checked against: a region's CDF team (the CDF's approvals of the
    region) or a hub's commissioning finance (the approvals of either route the hub gave)."""

    name: str
    region_id: int | None = None
    hub_id: int | None = None
    route: str | None = None

    def holds(self):
        """The condition on FundingAuthorisation that keeps to this scope."""
        if self.hub_id is not None:
            return FundingAuthorisation.hub_id == self.hub_id
        condition = FundingAuthorisation.region_id == self.region_id
        return condition & (FundingAuthorisation.route == self.route) if self.route else condition

    def holds_schedule(self):
        if self.hub_id is not None:
            return InvoiceSchedule.hub_id == self.hub_id
        return (InvoiceSchedule.region_id == self.region_id) & (InvoiceSchedule.hub_id.is_(None))


def _chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def find_authorisations_in_scope(references: Iterable[str], scope: Scope) -> dict[str, FundingAuthorisation]:
    """The authorisations with these references that are the scope's own; others are not read at all."""
    found: dict[str, FundingAuthorisation] = {}
    for chunk in _chunks(sorted(set(references))):
        # Locked while the schedule is checked: two schedules checked at once cannot both take the
        # last of an authorisation's cost cap. Nothing is written to them.
        query = (select(FundingAuthorisation)
                 .where(FundingAuthorisation.reference.in_(chunk), scope.holds()).with_for_update())
        found.update({row.reference: row for row in db.session().exec(query)})
    return found


def find_accepted_pence(authorisation_ids: Iterable[int]) -> dict[int, int]:
    """What schedules checked before accepted against each authorisation, in pence."""
    totals: dict[int, int] = {}
    for chunk in _chunks(sorted(set(authorisation_ids))):
        query = (select(InvoiceLine.authorisation_id, func.sum(InvoiceLine.amount_pence))
                 .where(InvoiceLine.authorisation_id.in_(chunk), InvoiceLine.outcome == ACCEPTED)
                 .group_by(InvoiceLine.authorisation_id))
        totals.update({row_id: int(total) for row_id, total in db.session().exec(query)})
    return totals


def find_accepted_invoice_lines(provider_code: str, keys: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """Which of this trust's (invoice number, line number) were accepted in a schedule before."""
    found: set[tuple[str, int]] = set()
    for chunk in _chunks(sorted(set(keys))):
        query = (select(InvoiceLine.invoice_number, InvoiceLine.line_number)
                 .where(InvoiceLine.provider_code == provider_code, InvoiceLine.outcome == ACCEPTED,
                        tuple_(InvoiceLine.invoice_number, InvoiceLine.line_number).in_(chunk)))
        found.update((number, line) for number, line in db.session().exec(query))
    return found


def find_commissioner_codes(commissioner_ids: Iterable[int | None]) -> dict[int, str]:
    ids = sorted({row_id for row_id in commissioner_ids if row_id is not None})
    if not ids:
        return {}
    query = select(Commissioner.id, Commissioner.code).where(Commissioner.id.in_(ids))
    return {row_id: code for row_id, code in db.session().exec(query)}


def create_schedule(schedule: InvoiceSchedule, lines: list[InvoiceLine]) -> InvoiceSchedule:
    session = db.session()
    session.add(schedule)
    session.flush()
    for line in lines:
        line.schedule_id = schedule.id
    session.add_all(lines)
    session.flush()
    return schedule


def get_schedule(schedule_id: int, scope: Scope) -> InvoiceSchedule:
    """The schedule, if the scope checked it: another region's or hub's is not found, like one that
    does not exist."""
    row = db.session().exec(select(InvoiceSchedule).where(InvoiceSchedule.id == schedule_id,
                                                          scope.holds_schedule())).first()
    if row is None:
        raise NotFound("There is no such invoice schedule.", field="schedule_id")
    return row


def find_schedules(scope: Scope, limit: int = 50) -> list[InvoiceSchedule]:
    """The scope's schedules, newest first."""
    query = (select(InvoiceSchedule).where(scope.holds_schedule())
             .order_by(InvoiceSchedule.checked_utc.desc(), InvoiceSchedule.id.desc()).limit(limit))
    return list(db.session().exec(query))


def find_lines(schedule_id: int, outcome: str | None = None) -> list[InvoiceLine]:
    query = select(InvoiceLine).where(InvoiceLine.schedule_id == schedule_id)
    if outcome is not None:
        query = query.where(InvoiceLine.outcome == outcome)
    return list(db.session().exec(query.order_by(InvoiceLine.row)))


def find_cases_of(authorisation_ids: Iterable[int | None]) -> list[Case]:
    """The cases whose authorisations these are (for the audit log's reads), in one query."""
    ids = sorted({row_id for row_id in authorisation_ids if row_id is not None})
    if not ids:
        return []
    query = (select(Case).join(FundingAuthorisation, FundingAuthorisation.case_id == Case.id)
             .where(or_(*(FundingAuthorisation.id.in_(chunk) for chunk in _chunks(ids)))))
    return list(db.session().exec(query))
