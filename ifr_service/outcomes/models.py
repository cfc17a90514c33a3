"""An approved IFR's outcome reports and requests to continue its funding, beside its case and its
funding authorisation (ifr_service/funding). Each is also the event the workflow action recorded
(`event_id`); the rows hold the same facts in columns the pages and the CET read."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument

# The response to treatment a clinician reports (workflows/ifr.yaml, report_outcome's `response`).
RESPONSES = ("responding", "stable", "progressing", "stopped")
PENDING, APPROVED, DECLINED = "pending", "approved", "declined"  # a continuation request's status


class OutcomeReport(SQLModel, table=True):
    """The clinician's structured report of the treatment's effect: the response, each outcome
    measure with its result, and whether the approval's stopping criteria are met."""

    __tablename__ = "outcome_report"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    authorisation_id: int = Field(foreign_key="funding_authorisation.id", index=True)
    event_id: int = Field(foreign_key="case_event.id", unique=True)
    reported_by_id: int = Field(foreign_key="app_user.id")
    assessed_on: date
    response: str = Field(max_length=20)
    measures: list = Field(default_factory=list, sa_column=Column(JsonDocument, nullable=False))
    stopping_criteria_met: bool
    notes: str | None = Field(default=None, max_length=2000)
    # Whether this report ended the funding authorisation (stopping criteria met, or treatment stopped).
    ended_authorisation: bool = False
    reported_utc: datetime = Field(default_factory=utc_now)


class ContinuationRequest(SQLModel, table=True):
    """A clinician's request to continue or extend a time-limited approval, with the response so
    far and the period asked for, and the decision on it (the hub's IFR team or the panel's chair)."""

    __tablename__ = "continuation_request"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", index=True)
    authorisation_id: int = Field(foreign_key="funding_authorisation.id", index=True)
    requested_event_id: int = Field(foreign_key="case_event.id", unique=True)
    requested_by_id: int = Field(foreign_key="app_user.id")
    response: str = Field(max_length=20)
    response_data: str = Field(max_length=4000)
    continue_until: date
    reason: str = Field(max_length=2000)
    ends_on_when_asked: date | None = None  # the authorisation's end when the request was made
    status: str = Field(default=PENDING, max_length=20)
    decided_event_id: int | None = Field(default=None, foreign_key="case_event.id", unique=True)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    funded_until: date | None = None
    review_date: date | None = None
    reasons: str | None = Field(default=None, max_length=2000)
    requested_utc: datetime = Field(default_factory=utc_now)
    decided_utc: datetime | None = None
