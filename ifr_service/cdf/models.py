"""A Cancer Drugs Fund application's decision and treatment record, beside its case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now
from ifr_service.types import JsonDocument


class CdfApplication(SQLModel, table=True):
    """What the CDF needs beyond the case: the entry version decided on, the approval, the
    treatment dates the managed access agreement collects, and the cost the fund expects.

    The entry's cost is copied at the decision, so that a later version of the entry never changes
    an approval already given. `treatment_break_weeks` records the break NHS England's policy
    allowed the drug's class at the decision; the policy itself decides (funding/breaks.py).
    """

    __tablename__ = "cdf_application"
    # Duplicate check: the patient's approvals for one entry (a drug in one indication).
    __table_args__ = (Index("ix_cdf_application_patient_entry", "nhs_number", "entry_key"),)

    case_id: int = Field(foreign_key="ifr_case.id", primary_key=True)
    entry_key: str = Field(max_length=60, index=True)
    entry_version: int
    nhs_number: str = Field(max_length=10)
    decided_on: date = Field(index=True)
    unmet_criteria: list = Field(default_factory=list, sa_column=Column(JsonDocument, nullable=False))
    approval_number: str | None = Field(default=None, max_length=20, unique=True)
    start_by: date | None = None
    treatment_break_weeks: int
    funding_route: str = Field(max_length=30)
    cost_unit: str = Field(max_length=10)  # "cycle" or "month"
    cost_unit_pence: int
    cost_units: int
    started_on: date | None = None
    last_treatment_on: date | None = None
    cycles_given: int = 0
    stopped_on: date | None = None
    stop_reason: str | None = Field(default=None, max_length=30)

    @property
    def expected_cost_pence(self) -> int:
        return self.cost_unit_pence * self.cost_units


class ConfidentialPrice(SQLModel, table=True):
    """The price per cycle or month of a list entry under its commercial access agreement, from a
    date. Confidential: the fund's spend uses it, and nothing a trust can read shows it.

    Append-only: a correction is a new row; for a day, the row with the latest `valid_from` on or
    before it applies, the one entered last among equals.
    """

    __tablename__ = "cdf_confidential_price"

    id: int | None = Field(default=None, primary_key=True)
    entry_key: str = Field(max_length=60, index=True)
    cost_unit: str = Field(max_length=10)  # the entry's: "cycle" or "month"
    unit_pence: int
    valid_from: date
    entered_by_id: int = Field(foreign_key="app_user.id")
    entered_utc: datetime = Field(default_factory=utc_now)
