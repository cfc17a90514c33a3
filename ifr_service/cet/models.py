"""A cohort referral: a request closed at screening as a question for policy, sent to the CET."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from ifr_service.db import utc_now


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
