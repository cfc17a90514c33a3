"""The CET's records: cohort referrals from screening, and the national, pseudonymised database
of every IFR and CDF case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument


class CohortReferral(SQLModel, table=True):
    __tablename__ = "cohort_referral"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ifr_case.id", unique=True)
    hub_id: int = Field(foreign_key="hub.id", index=True)
    icd10_category: str = Field(max_length=3, index=True)
    intervention_key: str = Field(max_length=200, index=True)
    cohort_description: str = Field(max_length=5000)
    reason: str = Field(max_length=5000)
    status: str = Field(default="new", max_length=30)
    referred_utc: datetime = Field(default_factory=utc_now)


class NationalCase(SQLModel, table=True):
    """One IFR or CDF case in the CET's national database: what trend, cohort and equity analysis
    need, and no direct patient identifier. No name, NHS number or date of birth: the patient is a
    keyed pseudonym (the same patient, the same pseudonym, in every hub) and an age band.

    Live cases are recorded here as they are submitted and decided; the history of earlier IFR
    databases is imported (`ifr-service import cases`).
    """

    __tablename__ = "national_case"
    __table_args__ = (
        # Cohort detection: one intervention in one ICD-10 category over a window of receipt dates.
        Index("ix_national_case_cohort", "route", "intervention_key", "icd10_category", "received_on"),
        # Equity: decisions by hub over a period.
        Index("ix_national_case_decisions", "decided_on", "hub_id"),
        # Trends (breakdown.py): a range of receipt dates by month and hub or region, read from the
        # index alone on PostgreSQL.
        Index("ix_national_case_trends", "received_on",
              postgresql_include=["hub_id", "region_id", "outcome", "working_days_to_decision"]),
    )

    id: int | None = Field(default=None, primary_key=True)
    case_ref: str = Field(max_length=40, unique=True)
    case_id: int | None = Field(default=None, foreign_key="ifr_case.id", unique=True)
    route: str = Field(max_length=10)
    received_on: date
    decided_on: date | None = None
    working_days_to_decision: int | None = None
    region_id: int = Field(foreign_key="region.id")
    hub_id: int = Field(foreign_key="hub.id", index=True)
    commissioner_id: int = Field(foreign_key="commissioner.id")
    patient_pseudonym: str = Field(max_length=64, index=True)
    age_band: str = Field(max_length=10)
    sex: str = Field(max_length=20)
    icd10_code: str = Field(max_length=10)
    icd10_category: str = Field(max_length=3)
    icd10_chapter: str = Field(max_length=10)
    intervention_key: str = Field(max_length=200)
    intervention_name: str = Field(max_length=300)
    intervention_type: str = Field(max_length=20)
    intervention_code: str | None = Field(default=None, max_length=40)
    crg_code: str | None = Field(default=None, max_length=10)
    programme_of_care: str | None = Field(default=None, max_length=60)
    urgency: str = Field(max_length=20)
    estimated_cost_pence: int = Field(sa_type=BigInteger)  # up to £100m: past a 32-bit integer
    outcome: str = Field(max_length=30, index=True)
    exceptionality_found: bool | None = None
    # After an approval: the response to treatment the clinician last reported (responding, stable,
    # progressing or stopped: outcomes/models.py RESPONSES) and the day it was reported.
    reported_response: str | None = Field(default=None, max_length=20)
    response_reported_on: date | None = None
    recorded_utc: datetime = Field(default_factory=utc_now)


class CetExport(SQLModel, table=True):
    """A large export made in the background (cet/exports.py): what was asked, by whom, how far it has
    got, and the file once made. Only the analyst who asked for it may read it."""

    __tablename__ = "cet_export"

    id: int | None = Field(default=None, primary_key=True)
    requested_by_id: int = Field(foreign_key="app_user.id", index=True)
    report: str = Field(max_length=30)  # trends
    format: str = Field(max_length=10)  # csv or xlsx
    arguments: dict = Field(default_factory=dict, sa_column=Column(JsonDocument, nullable=False))
    status: str = Field(default="queued", max_length=20)  # queued, running, ready or failed
    rows_total: int = 0
    rows_written: int = 0
    filename: str = Field(max_length=100)
    size_bytes: int | None = None
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    requested_utc: datetime = Field(default_factory=utc_now)
    completed_utc: datetime | None = None
