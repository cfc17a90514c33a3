"""The audit rows a test's own requests wrote about a subject. The log is append-only and outlives
each test (the session's app keeps it), so a test reads only the rows after its mark."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from ifr_service import db
from ifr_service.audit.models import AuditEvent


def audit_mark(in_db) -> int:
    return in_db(lambda: db.session().exec(select(func.max(AuditEvent.id))).one() or 0)


def audited_since(in_db, mark: int, subject: str) -> list[tuple[str, str]]:
    """(username, action) of each row about `subject` written after `mark`, oldest first."""
    query = (select(AuditEvent).where(AuditEvent.id > mark, AuditEvent.subject == subject)
             .order_by(AuditEvent.id))
    return in_db(lambda: [(row.username, row.action) for row in db.session().exec(query)])
