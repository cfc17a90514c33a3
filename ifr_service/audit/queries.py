"""Writes and reads of the audit log. Only this module touches its table, and only ever inserts.
It reads the users, hubs and regions too, to turn a name typed into the usernames and
organisations the log holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, insert, or_
from sqlmodel import select

from ifr_service import db
from ifr_service.audit.models import AuditEvent
from ifr_service.clock import ENGLAND
from ifr_service.reference.models import Hub, Region
from ifr_service.users.models import User


def add_events(events: list[dict]) -> None:
    """Rows of the log as dicts of its columns, inserted as one batch (psycopg pipelines it): a work
    queue's page notes every case on it, and a model flushed per row cost more than the page's query."""
    db.session().execute(insert(AuditEvent), events)


@dataclass(frozen=True)
class AuditFilter:
    """What the auditor searches by; each part left as None means any. `start` and `end` are days
    in England, both included."""

    case_references: list[str] | None = None
    usernames: list[str] | None = None
    organisation: str | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None


def find_events(search: AuditFilter, page: int, page_size: int) -> tuple[list[AuditEvent], int]:
    """One page of the log, newest first, and how many rows match in all."""
    query = _ordered(search).offset((page - 1) * page_size).limit(page_size)
    return list(db.session().exec(query)), count_events(search)


def count_events(search: AuditFilter) -> int:
    return db.session().exec(select(func.count()).select_from(AuditEvent).where(*_where(search))).one()


def all_events(search: AuditFilter, limit: int) -> list[AuditEvent]:
    """Every matching row, newest first, up to `limit` (the caller has counted them)."""
    return list(db.session().exec(_ordered(search).limit(limit)))


def _ordered(search: AuditFilter):
    return select(AuditEvent).where(*_where(search)).order_by(AuditEvent.occurred_utc.desc(),
                                                              AuditEvent.id.desc())


def _where(search: AuditFilter) -> list:
    """Each filter is an indexed column (models.py): the database reads the rows of the most
    selective one, in time order."""
    where = []
    if search.case_references:
        where.append(AuditEvent.case_reference.in_(search.case_references))
    if search.usernames:
        where.append(AuditEvent.username.in_(search.usernames))
    if search.organisation:
        where.append(AuditEvent.organisation == search.organisation)
    if search.action:
        where.append(AuditEvent.action == search.action)
    if search.start:
        where.append(AuditEvent.occurred_utc >= _start_of(search.start))
    if search.end:
        where.append(AuditEvent.occurred_utc < _start_of(search.end + timedelta(days=1)))
    return where


def usernames_for(person: str) -> list[str]:
    """The usernames a search for a person means: their username as typed (in any case), or every
    user whose name holds all the words typed ("morgan" finds Morgan Price and Chris Morgan)."""
    words = person.casefold().split()
    by_name = and_(*(func.lower(User.display_name).contains(word, autoescape=True) for word in words))
    found = db.session().exec(select(User.username).where(
        or_(func.lower(User.username) == person.casefold(), by_name))).all()
    return sorted({person, *found})


def organisations() -> list[tuple[str, str]]:
    """Every organisation a person can act for, as (code as the log holds it, name): the hubs, the
    regions, and the trusts of the service's users."""
    hubs = [(f"hub:{hub.code}", f"{hub.name} hub")
            for hub in db.session().exec(select(Hub).order_by(Hub.name))]
    regions = [(f"region:{region.code}", f"{region.name} region")
               for region in db.session().exec(select(Region).order_by(Region.name))]
    trusts = db.session().exec(select(User.organisation_code, func.max(User.organisation_name))
                               .where(User.organisation_code.is_not(None))
                               .group_by(User.organisation_code)).all()
    named = sorted((f"trust:{code}", f"{name or code} ({code})") for code, name in trusts)
    return hubs + regions + sorted(named, key=lambda option: option[1])


def case_routes(references: set[str]) -> dict[str, str]:
    """Each case's workflow (its route), by either of its references: one query per thousand."""
    from ifr_service.cases.models import Case  # the cases' package records through this module

    found: dict[str, str] = {}
    chosen = sorted(references)
    for start in range(0, len(chosen), 1000):
        batch = chosen[start:start + 1000]
        rows = db.session().exec(select(Case.reference, Case.draft_reference, Case.route).where(
            or_(Case.reference.in_(batch), Case.draft_reference.in_(batch)))).all()
        for reference, draft_reference, route in rows:
            found.update({ref: route for ref in (reference, draft_reference) if ref})
    return found


def _start_of(day: date) -> datetime:
    """Midnight in England, in UTC: SQLite keeps the digits of the UTC time and drops the zone."""
    return datetime.combine(day, time(), tzinfo=ENGLAND).astimezone(UTC)
