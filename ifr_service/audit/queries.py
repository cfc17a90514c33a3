"""Writes and reads of the audit log. Only this module touches its table, and only ever inserts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert
from sqlmodel import select

from ifr_service import db
from ifr_service.audit.models import AuditEvent
from ifr_service.clock import ENGLAND


def add_events(events: list[dict]) -> None:
    """Rows of the log as dicts of its columns, inserted as one batch (psycopg pipelines it): a work
    queue's page notes every case on it, and a model flushed per row cost more than the page's query."""
    db.session().execute(insert(AuditEvent), events)


def find_events(case_references: list[str] | None, username: str | None, start: date | None,
                end: date | None, page: int, page_size: int) -> tuple[list[AuditEvent], int]:
    """One page of the log for cases and/or a person, newest first; `start` and `end` are days in
    England, both included."""
    where = []
    if case_references:
        where.append(AuditEvent.case_reference.in_(case_references))
    if username:
        where.append(AuditEvent.username == username)
    if start:
        where.append(AuditEvent.occurred_utc >= _start_of(start))
    if end:
        where.append(AuditEvent.occurred_utc < _start_of(end + timedelta(days=1)))
    total = db.session().exec(select(func.count()).select_from(AuditEvent).where(*where)).one()
    query = (select(AuditEvent).where(*where).order_by(AuditEvent.occurred_utc.desc(), AuditEvent.id.desc())
             .offset((page - 1) * page_size).limit(page_size))
    return list(db.session().exec(query)), total


def _start_of(day: date) -> datetime:
    """Midnight in England, in UTC: SQLite keeps the digits of the UTC time and drops the zone."""
    return datetime.combine(day, time(), tzinfo=ENGLAND).astimezone(UTC)
