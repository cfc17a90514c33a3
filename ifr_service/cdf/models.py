"""A Cancer Drugs Fund application's decision and treatment record, beside its case."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

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
