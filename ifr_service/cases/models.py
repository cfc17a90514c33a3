"""The case, its append-only events, attachments, and the records that keep submission safe."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument

URGENCY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}


class Case(SQLModel, table=True):
    __tablename__ = "ifr_case"
    __table_args__ = (
        # The hub queue: a hub's cases in a state, most urgent then newest first.
        Index("ix_ifr_case_hub_queue", "hub_id", "state", "urgency_rank", "submitted_utc"),
        # The work queue page's order, so its first page is read from the index, not sorted.
        Index("ix_ifr_case_hub_work", "hub_id", "urgency_rank", "next_due_on", "submitted_utc", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Every case has a draft reference from creation; the human-readable
    # reference (IFR-2026-000123) is given on submission.
    draft_reference: str = Field(max_length=20, unique=True)
    reference: str | None = Field(default=None, max_length=20, unique=True)
    route: str = Field(max_length=10)
    state: str = Field(max_length=40, index=True)
    form_key: str = Field(max_length=60)
    form_version: int
    answers: dict = Field(default_factory=dict, sa_column=Column(JsonDocument, nullable=False))
    urgency: str = Field(default="routine", max_length=20)
    urgency_rank: int = Field(default=URGENCY_RANK["routine"])
    commissioner_id: int | None = Field(default=None, foreign_key="commissioner.id")
    hub_id: int | None = Field(default=None, foreign_key="hub.id", index=True)
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    created_by_id: int = Field(foreign_key="app_user.id", index=True)
    provider_org_code: str | None = Field(default=None, max_length=10, index=True)
    # Set on submission, so that similar requests are found nationally by plain indexed queries:
    # the ICD-10 category (C34 for C34.1) and the requested treatment's name, normalised.
    icd10_category: str | None = Field(default=None, max_length=3, index=True)
    intervention_key: str | None = Field(default=None, max_length=200, index=True)
    created_utc: datetime = Field(default_factory=utc_now)
    updated_utc: datetime = Field(default_factory=utc_now)
    submitted_utc: datetime | None = None
    # The soonest due date of the case's running clocks (None when none runs), kept by clocks.py
    # as they move, so a work queue sorts and filters by a column instead of a subquery per case.
    next_due_on: date | None = None
    # The hub's case officer working the case ("my cases" on the queue); None while nobody is.
    assigned_to_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)

    @property
    def public_reference(self) -> str:
        return self.reference or self.draft_reference


class CaseEvent(SQLModel, table=True):
    """Append-only history: one row per change, written in the change's transaction."""

    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    sequence: int
    name: str = Field(max_length=60)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_role: str | None = Field(default=None, max_length=30)
    occurred_utc: datetime = Field(default_factory=utc_now)
    from_state: str | None = Field(default=None, max_length=40)
    to_state: str | None = Field(default=None, max_length=40)
    payload: dict = Field(default_factory=dict, sa_column=Column(JsonDocument, nullable=False))


class Attachment(SQLModel, table=True):
    """Supporting evidence, stored with its SHA-256; the same file twice is one attachment."""

    __table_args__ = (UniqueConstraint("case_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size_bytes: int
    sha256: str = Field(max_length=64)
    description: str | None = Field(default=None, max_length=500)
    uploaded_by_id: int = Field(foreign_key="app_user.id")
    uploaded_utc: datetime = Field(default_factory=utc_now)
    # The hub's IFR team marks which files go into the de-identified panel pack. An original that
    # shows who the patient or clinician is goes in only as a redacted copy: another attachment
    # whose redacted_of_id names it (cases/evidence.py:panel_copies; docs/security.md).
    for_panel: bool = Field(default=False)
    holds_identifiers: bool | None = None
    panel_description: str | None = Field(default=None, max_length=500)  # the team's words, for the pack
    redacted_of_id: int | None = Field(default=None, foreign_key="attachment.id", unique=True)


class AttachmentContent(SQLModel, table=True):
    """The file's bytes, apart from its metadata so listings never load them."""

    __tablename__ = "attachment_content"

    attachment_id: int = Field(foreign_key="attachment.id", primary_key=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class IdempotencyRecord(SQLModel, table=True):
    """A POST retried with the same Idempotency-Key answers the same case."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    key: str = Field(max_length=200)
    request_fingerprint: str = Field(max_length=64)
    case_id: int = Field(foreign_key="ifr_case.id")
    status_code: int
    created_utc: datetime = Field(default_factory=utc_now)


class CaseReferenceCounter(SQLModel, table=True):
    """The last number given per route and year, locked while a reference is allocated."""

    __tablename__ = "case_reference_counter"

    route: str = Field(max_length=10, primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0


class CaseClock(SQLModel, table=True):
    """One run of a workflow clock on a case, in the clock's unit (working days, calendar days or
    hours); kept after it stops, for reporting. A day clock falls due at the end of `due_on`; a
    clock in hours at `due_utc` (and `due_on` is that moment's date in England, which queues sort by)."""

    __tablename__ = "case_clock"
    __table_args__ = (UniqueConstraint("case_id", "clock", "cycle"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    clock: str = Field(max_length=40)
    cycle: int = 1
    unit: str = Field(default="working_days", max_length=20)
    target: int
    started_on: date
    running_since: date | None = None
    running_since_utc: datetime | None = None  # the moment it last started or resumed
    used: float = 0  # of the unit, up to the last pause
    due_on: date | None = Field(default=None, index=True)
    due_utc: datetime | None = None  # for a clock in hours
    stopped_on: date | None = None
    met: bool | None = None
