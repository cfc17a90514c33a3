"""One row of the audit log: a person reading, changing or being refused one case in one request;
or viewing a list, exporting a file, or (an administrator) changing a user or a panel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now

READ, CHANGE, DENIED = "read", "change", "denied"
# Rows about no one case: a list viewed that showed no patient's details, a file exported, and an
# administrator's change to a user or a panel.
LIST, EXPORT, ADMIN = "list", "export", "admin"
ACTIONS = (READ, CHANGE, DENIED, LIST, EXPORT, ADMIN)


class AuditEvent(SQLModel, table=True):
    """Append-only: the database refuses UPDATE and DELETE (migration 0011_add_audit_log)."""

    __tablename__ = "audit_event"
    # The auditor's two questions: who saw this case, and what did this person see, newest first.
    # Each index leads with its column, so none of the two is needed alone. The search's other
    # filters (an organisation, an action, a period alone) have theirs (migration 0025).
    __table_args__ = (
        Index("ix_audit_event_case_reference_occurred_utc", "case_reference", "occurred_utc"),
        Index("ix_audit_event_username_occurred_utc", "username", "occurred_utc"),
        Index("ix_audit_event_organisation_occurred_utc", "organisation", "occurred_utc"),
        Index("ix_audit_event_action_occurred_utc", "action", "occurred_utc"),
        Index("ix_audit_event_occurred_utc", "occurred_utc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    occurred_utc: datetime = Field(default_factory=utc_now)
    username: str = Field(max_length=100)
    role: str = Field(max_length=30)
    # The person's organisation when they acted: "trust:RRV", "hub:london", "region:london".
    organisation: str | None = Field(default=None, max_length=60)
    action: str = Field(max_length=10)
    case_reference: str | None = Field(default=None, max_length=20)
    # What a row about no one case is about: "user:demo-officer", "panel:3", "export:audit-log".
    subject: str | None = Field(default=None, max_length=200)
    what: str = Field(max_length=200)  # the endpoint: api.cases.get_case, pages.cases.download_letter
    method: str = Field(max_length=10)
    path: str = Field(max_length=2000)  # never the query string: it can hold what was searched for
    address: str | None = Field(default=None, max_length=45)  # an IPv6 address at most
    status_code: int
