"""A funding authorisation and the treatment cycles given under it.

Every approval, of either route, issues one authorisation: what a trust's finance and pharmacy teams
check an invoice against, and what the treatment-break policy, the outcome reports and the spend read.
Its terms are copied from the decision when it is issued, so that a later change to a list entry or
a form never changes an authorisation already given.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now

IN_FORCE, ENDED = "in_force", "ended"


class FundingAuthorisation(SQLModel, table=True):
    __tablename__ = "funding_authorisation"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", unique=True)
    # CDF: the approval number (CDFA-…); IFR: its own IFRA-… number (funding/numbers.py).
    reference: str = Field(max_length=20, unique=True)
    route: str = Field(max_length=10)
    nhs_number: str = Field(max_length=10, index=True)
    commissioner_id: int | None = Field(default=None, foreign_key="commissioner.id")
    hub_id: int | None = Field(default=None, foreign_key="hub.id")
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    provider_org_code: str | None = Field(default=None, max_length=10, index=True)
    treatment: str = Field(max_length=300)  # the drug or intervention approved
    dmd_code: str | None = Field(default=None, max_length=18)
    regimen: str | None = Field(default=None, max_length=500)  # dose, frequency and duration
    immunotherapy: bool = False  # the class the treatment-break policy reads
    cycle_days: int | None = None  # one treatment cycle's length, where treatment is in cycles
    issued_on: date = Field(index=True)
    start_by: date | None = None  # the CDF's start window; an IFR sets none
    ends_on: date | None = None  # a time-limited approval's last day; None: until stopped
    cost_cap_pence: int | None = None
    conditions: str | None = Field(default=None, sa_column=Column(Text))
    review_date: date | None = None
    stopping_criteria: str | None = Field(default=None, sa_column=Column(Text))
    outcome_measures: str | None = Field(default=None, sa_column=Column(Text))
    outcome_reported_on: date | None = None  # the latest outcome report, for follow-up checks
    status: str = Field(default=IN_FORCE, max_length=20, index=True)
    ended_on: date | None = None
    end_reason: str | None = Field(default=None, max_length=40)
    started_on: date | None = None
    last_cycle_on: date | None = None
    cycles_given: int = 0
    stopped_on: date | None = None
    stop_reason: str | None = Field(default=None, max_length=30)
    issued_utc: datetime = Field(default_factory=utc_now)


class TreatmentCycle(SQLModel, table=True):
    """One cycle (or dose, or month's supply) given under an authorisation, recorded by the clinician
    or read from the trust's SACT submission; `source_key` names the submission's row, so that
    reading the same submission again records nothing twice."""

    __tablename__ = "treatment_cycle"
    __table_args__ = (UniqueConstraint("authorisation_id", "source_key"),)

    id: int | None = Field(default=None, primary_key=True)
    authorisation_id: int = Field(foreign_key="funding_authorisation.id", index=True)
    given_on: date
    source: str = Field(max_length=20)  # "clinician" or "sact"
    source_key: str | None = Field(default=None, max_length=100)
    recorded_utc: datetime = Field(default_factory=utc_now)
